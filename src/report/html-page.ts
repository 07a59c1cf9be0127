/**
 * The HTML report's stylesheet and script, inlined into the page (src/report/html.ts hashes both for its CSP).
 * Plain strings rather than files read at run time: the bundles (dist/, dist/cli/) are single files.
 *
 * The script reads the data from the page's JSON block and builds every row with textContent: a name from the
 * server never becomes markup. Rows are rendered virtually (only those in view, ROW_HEIGHT each), so a report of
 * 100,000 repositories is interactive at once and a search re-renders a screenful, not the whole table.
 * Row data (see html.ts): [name, outcome index, attached to the plan 0/1, last successful backup in epoch
 * seconds (-1 never, null not known), cause in words, error code].
 */

export const PAGE_STYLE = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --head: #f6f8fa; --focus: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
header, main { padding: 0 24px; }
h1 { font-size: 22px; margin: 18px 0 8px; }
h2 { font-size: 16px; margin: 18px 0 8px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 8px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.status-failed { color: #b3261e; font-weight: 600; }
.status-passed { color: #1a7f37; font-weight: 600; }
.status-pending { color: #9a6700; font-weight: 600; }
#problems { margin: 4px 0 0; padding-left: 20px; }
.summary { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.counts { border-collapse: collapse; }
.counts th, .counts td { padding: 2px 10px 2px 0; text-align: left; font-weight: normal; }
.counts td { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.chart text { font: 12px system-ui, sans-serif; fill: var(--fg); }
.controls { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 16px 0 8px; }
.controls input { font: inherit; padding: 4px 8px; width: 22em; max-width: 100%; border: 1px solid var(--line); border-radius: 6px; }
.filters { display: flex; flex-wrap: wrap; gap: 6px; }
button { font: inherit; cursor: pointer; }
.filters button { padding: 3px 10px; border: 1px solid var(--line); border-radius: 14px; background: #fff; color: var(--fg); }
.filters button[aria-pressed="true"] { background: var(--fg); color: #fff; border-color: var(--fg); }
button:focus-visible, input:focus-visible, .scroller:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
#shown { color: var(--muted); }
.scroller { height: 70vh; min-height: 240px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
table.repos { width: 100%; border-collapse: collapse; table-layout: fixed; }
.repos th { position: sticky; top: 0; background: var(--head); border-bottom: 1px solid var(--line); text-align: left; padding: 0; z-index: 1; }
.repos th button { width: 100%; text-align: left; border: 0; background: none; padding: 6px 8px; font-weight: 600; color: var(--fg); }
.repos th[aria-sort="ascending"] button::after { content: " \\25B2"; }
.repos th[aria-sort="descending"] button::after { content: " \\25BC"; }
.repos td { height: 28px; padding: 0 8px; border-bottom: 1px solid #eaeef2; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.repos tr.spacer td { padding: 0; border: 0; }
.repos col.c-name { width: 26%; } .repos col.c-outcome { width: 18%; } .repos col.c-plan { width: 11%; }
.repos col.c-last { width: 14%; } .repos col.c-age { width: 7%; } .repos col.c-cause { width: 24%; }
.o { display: inline-block; padding: 0 6px; border-radius: 4px; border: 1px solid currentColor; line-height: 18px; }
.o0 { color: #b3261e; } .o1 { color: #b35900; } .o2 { color: #6e4c00; } .o3 { color: #0b57d0; } .o4 { color: #006a6a; } .o5 { color: #1a7f37; }
td code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--muted); margin-left: 6px; }
.empty td { text-align: center; color: var(--muted); }
footer { padding: 12px 24px; color: var(--muted); font-size: 12px; }
@media print {
  .controls, .no-print { display: none; }
  .scroller { height: auto; overflow: visible; border: 0; }
  .repos th { position: static; }
  .repos td { white-space: normal; height: auto; }
  .repos tr.spacer { display: none; }
  body { font-size: 11px; }
}
`;

export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var ROW_HEIGHT = 29; // td height 28px + 1px border, as in the stylesheet
  var OVERSCAN = 20;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var rows = data.rows;
  var total = rows.length;
  var labels = data.labels;
  var now = typeof data.at === 'number' ? data.at : Math.floor(Date.now() / 1000);
  var byId = function (id) { return document.getElementById(id); };

  // The header: every value is text.
  byId('h-org').textContent = data.organization.name + ' (' + data.organization.id + ')';
  byId('h-server').textContent = data.server;
  byId('h-plan').textContent = data.plan ? data.plan.name + ' (' + data.plan.id + ')' : 'none requested';
  byId('h-patterns').textContent = data.patterns.join(', ');
  byId('h-mode').textContent = data.mode + (data.dryRun ? ' (dry run)' : '');
  byId('h-shards').textContent = data.shards > 1 ? data.shards + ', all merged' : 'one job';
  byId('h-when').textContent = typeof data.at === 'number' ? when(data.at) : 'not recorded (result files of an older version); ages are counted from now';
  var status = byId('h-status');
  status.textContent = data.status === 'would-change' ? 'not fully protected yet (dry run)' : data.status;
  status.className = data.status === 'would-change' ? 'status-pending' : 'status-' + data.status;
  var problemList = byId('problems');
  data.problems.forEach(function (problem) {
    var item = document.createElement('li');
    item.textContent = problem;
    problemList.appendChild(item);
  });
  document.title = 'Xopero ONE backup report: ' + data.organization.name;

  var lower = new Array(total);
  for (var i = 0; i < total; i++) lower[i] = rows[i][0].toLowerCase();

  function when(seconds) {
    return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }
  function ageOf(row) {
    var last = row[3];
    if (last === null || last === undefined) return null;
    return last < 0 ? Infinity : Math.max(0, now - last);
  }
  function ageWords(age) {
    if (age === null) return 'not known';
    if (age === Infinity) return 'never';
    var d = Math.floor(age / 86400), h = Math.floor((age % 86400) / 3600), m = Math.floor((age % 3600) / 60);
    return d > 0 ? d + 'd ' + h + 'h' : h > 0 ? h + 'h ' + m + 'm' : m + 'm';
  }
  function planWords(row) {
    if (!data.plan) return '-';
    return row[2] ? data.plan.name : 'not attached';
  }

  // Sort keys per column; ties keep name order (the rows come sorted by name).
  var NEVER = -Infinity; // never backed up, or not known: the oldest
  var keyOf = [
    null,
    function (r) { return r[1]; },
    function (r) { return r[2] ? 0 : 1; },
    function (r) { return r[3] === null || r[3] === undefined ? NEVER : r[3] < 0 ? NEVER : r[3]; },
    function (r) { var a = ageOf(r); return a === null ? Infinity : a; },
    function (r) { return r[4] || ''; },
  ];
  var orders = {};
  function orderFor(column, descending) {
    var cacheKey = column + (descending ? 'd' : 'a');
    if (orders[cacheKey]) return orders[cacheKey];
    var order = new Array(total);
    for (var i = 0; i < total; i++) order[i] = i;
    if (column === 0) {
      if (descending) order.reverse();
    } else {
      var keys = rows.map(keyOf[column]);
      var sign = descending ? -1 : 1;
      order.sort(function (a, b) {
        var x = keys[a], y = keys[b];
        return x < y ? -sign : x > y ? sign : a - b;
      });
    }
    orders[cacheKey] = order;
    return order;
  }

  var state = { query: '', filter: 'all', column: 0, descending: false };
  var view = [];
  var printing = false;
  var scroller = byId('scroller');
  var body = byId('rows');
  var shown = byId('shown');

  function matchesFilter(row) {
    var f = state.filter;
    if (f === 'all') return true;
    if (f === 'failures') return row[1] === 0 || row[1] === 1;
    return row[1] === Number(f);
  }
  function refilter() {
    var order = orderFor(state.column, state.descending);
    var q = state.query;
    var next = [];
    for (var i = 0; i < order.length; i++) {
      var index = order[i];
      if ((q === '' || lower[index].indexOf(q) !== -1) && matchesFilter(rows[index])) next.push(index);
    }
    view = next;
    shown.textContent = 'Showing ' + view.length + ' of ' + total + ' repositories';
    lastFirst = -1;
    render();
  }

  function cell(tr, text, title) {
    var td = document.createElement('td');
    td.textContent = text;
    if (title) td.title = title;
    tr.appendChild(td);
    return td;
  }
  function rowElement(index) {
    var r = rows[index];
    var tr = document.createElement('tr');
    cell(tr, r[0], r[0]);
    var outcome = cell(tr, '');
    var badge = document.createElement('span');
    badge.className = 'o o' + r[1];
    badge.textContent = labels[r[1]];
    outcome.appendChild(badge);
    cell(tr, planWords(r));
    cell(tr, r[3] === null || r[3] === undefined ? 'not known' : r[3] < 0 ? 'never' : when(r[3]).slice(0, -4)); // UTC: in the header
    cell(tr, ageWords(ageOf(r)));
    var cause = cell(tr, r[4] || '', r[4] ? r[4] + (r[5] ? ' (' + r[5] + ')' : '') : '');
    if (r[5]) {
      var code = document.createElement('code');
      code.textContent = r[5];
      cause.appendChild(code);
    }
    return tr;
  }
  function spacer(height) {
    var tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.setAttribute('aria-hidden', 'true');
    var td = document.createElement('td');
    td.colSpan = 6;
    td.style.height = height + 'px';
    tr.appendChild(td);
    return tr;
  }

  var lastFirst = -1;
  function render() {
    var fragment = document.createDocumentFragment();
    if (view.length === 0) {
      var empty = document.createElement('tr');
      empty.className = 'empty';
      var td = document.createElement('td');
      td.colSpan = 6;
      td.textContent = 'No repository matches.';
      empty.appendChild(td);
      fragment.appendChild(empty);
    } else if (printing) {
      for (var p = 0; p < view.length; p++) fragment.appendChild(rowElement(view[p]));
    } else {
      var visible = Math.ceil(scroller.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
      var first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
      first = Math.min(first, Math.max(0, view.length - visible));
      var last = Math.min(view.length, first + visible);
      if (first === lastFirst && body.childNodes.length > 0) return;
      lastFirst = first;
      fragment.appendChild(spacer(first * ROW_HEIGHT));
      for (var k = first; k < last; k++) fragment.appendChild(rowElement(view[k]));
      fragment.appendChild(spacer((view.length - last) * ROW_HEIGHT));
    }
    body.replaceChildren(fragment);
  }

  var pending = false;
  scroller.addEventListener('scroll', function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; render(); });
  });
  window.addEventListener('resize', function () { lastFirst = -1; render(); });
  // Printing shows every row of the current search and filter: on the print dialog's events, and on the
  // print media query (a PDF export or an emulated print medium fires only that).
  function setPrinting(on) {
    if (printing === on) return;
    printing = on;
    lastFirst = -1;
    render();
  }
  window.addEventListener('beforeprint', function () { setPrinting(true); });
  window.addEventListener('afterprint', function () { setPrinting(false); });
  window.matchMedia('print').addEventListener('change', function (event) { setPrinting(event.matches); });

  var search = byId('search');
  search.addEventListener('input', function () {
    state.query = search.value.trim().toLowerCase();
    scroller.scrollTop = 0;
    refilter();
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === '/' && document.activeElement !== search) {
      event.preventDefault();
      search.focus();
    }
  });

  var filterButtons = document.querySelectorAll('[data-filter]');
  filterButtons.forEach(function (button) {
    button.addEventListener('click', function () {
      state.filter = button.getAttribute('data-filter');
      filterButtons.forEach(function (other) { other.setAttribute('aria-pressed', String(other === button)); });
      scroller.scrollTop = 0;
      refilter();
    });
  });

  var headers = document.querySelectorAll('th[data-column]');
  headers.forEach(function (th) {
    th.querySelector('button').addEventListener('click', function () {
      var column = Number(th.getAttribute('data-column'));
      state.descending = column === state.column ? !state.descending : false;
      state.column = column;
      headers.forEach(function (other) {
        if (other === th) other.setAttribute('aria-sort', state.descending ? 'descending' : 'ascending');
        else other.removeAttribute('aria-sort');
      });
      refilter();
    });
  });

  refilter();
  document.documentElement.setAttribute('data-ready-ms', String(Math.round(performance.now())));
})();
`;
