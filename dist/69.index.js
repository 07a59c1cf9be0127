"use strict";exports.id=69,exports.ids=[69],exports.modules={7353:((function(__unused_webpack_module,__webpack_exports__,__webpack_require__){__webpack_require__.d(__webpack_exports__,{Ly:()=>isoTime,RO:()=>backupStatus,zE:()=>staleBackupProblem});var _settings_duration_js__WEBPACK_IMPORTED_MODULE_0__=__webpack_require__(1145),_common_text_js__WEBPACK_IMPORTED_MODULE_1__=__webpack_require__(2450);const isoTime=epochMs=>epochMs&&epochMs>0?new Date(epochMs).toISOString():"";function backupStatus(repository,plan,nowMs){const last=repository.lastSuccessfulBackup;return{lastBackup:isoTime(repository.lastBackup),lastSuccessfulBackup:isoTime(last),nextBackup:isoTime(repository.nextBackup),ageSeconds:last>0?Math.max(0,Math.floor((nowMs-last)/1e3)):void 0,lastBackupTaskStatus:repository.lastBackupTaskStatus,plan:plan&&{lastStatus:plan.lastStatus,finished:isoTime(plan.planFinishedTime),isRunning:!!plan.isRunning}}}function staleBackupProblem(name,status,maxAgeSeconds){const next=status.nextBackup?`next backup scheduled ${(0,_common_text_js__WEBPACK_IMPORTED_MODULE_1__.zK)(status.nextBackup)}`:"no backup is scheduled",limit=`limit ${(0,_settings_duration_js__WEBPACK_IMPORTED_MODULE_0__.a)(maxAgeSeconds)}`;if(status.ageSeconds===void 0)return`'${name}' has never been backed up successfully (${limit}); ${next}.`;if(!(status.ageSeconds<=maxAgeSeconds))return`'${name}': last successful backup ${(0,_settings_duration_js__WEBPACK_IMPORTED_MODULE_0__.a)(status.ageSeconds)} ago, ${limit}; ${next}.`}})),1490:((function(__unused_webpack_module,__webpack_exports__,__webpack_require__){__webpack_require__.d(__webpack_exports__,{MP:()=>compareNames,NA:()=>tallyCauses,Wd:()=>listChanges});var _backup_js__WEBPACK_IMPORTED_MODULE_0__=__webpack_require__(7353);function compareNames(a,b){const lower=a.toLowerCase().localeCompare(b.toLowerCase(),"en");return lower!==0?lower:a<b?-1:a>b?1:0}function tallyCauses(causes){const counts=new Map;for(const cause of causes)counts.set(cause,(counts.get(cause)??0)+1);return[...counts.entries()].sort(([a,n],[b,m])=>m-n||compareNames(a,b)).map(([cause,n])=>`${n} \xD7 ${cause}`).join("; ")}function listChanges(state,settings,nowMs){const changes=[],{plan}=state,canSync=settings.sync!=="never"&&settings.mode==="ensure"&&!state.synchronized,syncFirst=canSync&&(state.missing.length>0||settings.sync==="always"&&!state.namesOnly),syncLast=canSync&&!syncFirst&&settings.sync==="always";syncFirst&&changes.push({kind:"synchronize",wait:!0});const targets=[...state.repositories.map(repository=>({name:repository.name,repository})),...syncFirst?state.missing.map(name=>({name})):[]].sort((a,b)=>compareNames(a.name,b.name));for(const{name,repository}of targets)settings.activate&&!repository?.isProtected&&changes.push({kind:"activate",name,repository}),plan&&!(repository&&state.attached(repository.id))&&changes.push({kind:"attach",name,repository,plan});syncLast&&changes.push({kind:"synchronize",wait:!1});const findings=[];if(settings.maxBackupAgeSeconds!==void 0)for(const{name,repository}of targets){if(!repository)continue;const problem=(0,_backup_js__WEBPACK_IMPORTED_MODULE_0__.zE)(name,(0,_backup_js__WEBPACK_IMPORTED_MODULE_0__.RO)(repository,plan,nowMs),settings.maxBackupAgeSeconds);problem&&findings.push({kind:"stale",name,repository,problem})}return{changes,findings}}})),9499:((function(__unused_webpack_module,__webpack_exports__,__webpack_require__){__webpack_require__.d(__webpack_exports__,{EE:()=>waitForShardSync,IS:()=>shardOf,M$:()=>startsSynchronization,PE:()=>shardSelection,v7:()=>RESULT_FORMAT_VERSION2});var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__=__webpack_require__(1922),_settings_shard_js__WEBPACK_IMPORTED_MODULE_1__=__webpack_require__(6321);const RESULT_FORMAT_VERSION2=1,FNV_OFFSET=2166136261,FNV_PRIME=16777619;function fnv1a32(text){let hash=FNV_OFFSET;for(const byte of new TextEncoder().encode(text))hash^=byte,hash=Math.imul(hash,FNV_PRIME)>>>0;return hash>>>0}function shardOf(fullName,total){return fnv1a32(fullName.toLowerCase())%total+1}function shardSelection(selection,shard,startedAt){if(!shard||shard.total===1)return selection;const own=name=>shardOf(name,shard.total)===shard.index,named=new Set(selection.literals.map(name=>name.toLowerCase()));return{...selection,literals:selection.literals.filter(own),matches:fullName=>own(fullName)&&selection.matches(fullName),keep:repo=>own(repo.name)||named.has(repo.name.toLowerCase()),shard:{shard,startedAt,otherLiterals:shard.index===1?selection.literals.filter(name=>!own(name)):[]}}}const startsSynchronization=shard=>!shard||shard.index===1,WAIT_POLL_MS=[500,1e3,2e3,3e3,5e3];async function waitForShardSync({client,log,clock,waitTimeoutSeconds,words},{shard,startedAt},organization,newerThan){const window=waitTimeoutSeconds*1e3,deadline=clock.now()+window;log.info(newerThan===void 0?`Shard ${(0,_settings_shard_js__WEBPACK_IMPORTED_MODULE_1__._D)(shard)}: waiting up to ${waitTimeoutSeconds} s for the synchronization of ${organization.name} that shard 1 starts.`:`Shard ${(0,_settings_shard_js__WEBPACK_IMPORTED_MODULE_1__._D)(shard)}: the synchronization it found started before this shard did, and did not bring every name it owns; waiting up to ${waitTimeoutSeconds} s for a newer one of shard 1.`);for(let poll=0;;poll++){const state=await client.synchronizationState(organization.id),started=state.lastStartTime;if(started!==void 0&&(newerThan===void 0?started>=startedAt-window:started>newerThan)&&!state.inProgress)return started;const delay=WAIT_POLL_MS[Math.min(poll,WAIT_POLL_MS.length-1)];if(clock.now()+delay>deadline)break;await clock.sleep(delay)}if(newerThan===void 0)throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__.UE(`Shard ${(0,_settings_shard_js__WEBPACK_IMPORTED_MODULE_1__._D)(shard)}: no synchronization of '${organization.name}' started by shard 1 finished within ${waitTimeoutSeconds} s: check shard 1's log, or raise ${words.name("wait-timeout")}.`)}})),3069:((function(__unused_webpack_module,__webpack_exports__,__webpack_require__){__webpack_require__.r(__webpack_exports__),__webpack_require__.d(__webpack_exports__,{writeSweepPages:()=>writeSweepPages});var errors=__webpack_require__(1922),common_redact=__webpack_require__(6800);function endpointBadge(report){const total=report.repositories.length;if(total===0)return{schemaVersion:1,label:"backup",message:"no repositories",color:"lightgrey"};const o=report.outcomes,protectedCount=o["already-protected"]+o.activated+o.attached,share=Math.floor(protectedCount*1e3/total)/10;return{schemaVersion:1,label:"backup",message:`${formatShare(share)}% protected`,color:colourOf(share)}}function badge_badgeJson(report){return`${JSON.stringify(endpointBadge(report))}
`}const formatShare=share=>Number.isInteger(share)?String(share):share.toFixed(1);function colourOf(share){return share>=100?"brightgreen":share>=99?"green":share>=95?"yellowgreen":share>=90?"yellow":share>=75?"orange":"red"}var external_node_crypto_=__webpack_require__(7598),error_codes=__webpack_require__(9136);const PAGE_STYLE=`
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
`,PAGE_SCRIPT=`
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
`,HTML_OUTCOMES=["failed","stale","not-protected","activated","attached","already-protected"],OUTCOME_WORDS={failed:"\u2717 failed",stale:"\u26A0 stale or never backed up","not-protected":"\u25CB not protected",activated:"\u2713 activated",attached:"\u2713 attached","already-protected":"\u2713 already protected"},COLOURS=["#b3261e","#b35900","#6e4c00","#0b57d0","#006a6a","#1a7f37"];function html_htmlReport(report){const data={organization:report.organization,server:report.server,plan:report.plan??null,patterns:report.patterns,mode:report.mode,dryRun:report.dryRun,status:report.problems.length>0?"failed":report.dryRun&&report.counts.wouldActivate+report.counts.wouldAttach>0?"would-change":"passed",shards:report.shards,at:report.finishedAt?Math.floor(Date.parse(report.finishedAt)/1e3):null,problems:report.problems,labels:HTML_OUTCOMES.map(outcome=>OUTCOME_WORDS[outcome]),rows:report.repositories.map(entry=>htmlRow(entry,report))},json=JSON.stringify(data).replace(/</g,"\\u003c"),csp=["default-src 'none'",`script-src '${sha256(PAGE_SCRIPT)}'`,`style-src '${sha256(PAGE_STYLE)}'`,"base-uri 'none'","form-action 'none'"].join("; "),failures=report.outcomes.failed+report.outcomes.stale;return`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Xopero ONE backup report</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>Xopero ONE backup report</h1>
<dl class="facts">
<dt>Status</dt><dd id="h-status"></dd>
<dt>Organization</dt><dd id="h-org"></dd>
<dt>Server</dt><dd id="h-server"></dd>
<dt>Plan</dt><dd id="h-plan"></dd>
<dt>Patterns</dt><dd id="h-patterns"></dd>
<dt>Mode</dt><dd id="h-mode"></dd>
<dt>Shards</dt><dd id="h-shards"></dd>
<dt>When</dt><dd id="h-when"></dd>
</dl>
<ul id="problems"></ul>
</header>
<main>
<h2>Outcomes of ${report.repositories.length} matched repositories</h2>
<div class="summary">
${countsTable(report)}
${chart(report)}
</div>
<div class="controls">
<label>Search by name <input type="search" id="search" placeholder="name contains\u2026 (press /)" autocomplete="off"></label>
<div class="filters" role="group" aria-label="Filter by outcome">
<button type="button" data-filter="all" aria-pressed="true">All (${report.repositories.length})</button>
<button type="button" data-filter="failures" aria-pressed="false">Failures: failed or stale (${failures})</button>
${HTML_OUTCOMES.map((outcome,index)=>`<button type="button" data-filter="${index}" aria-pressed="false">${OUTCOME_WORDS[outcome]} (${report.outcomes[outcome]})</button>`).join(`
`)}
</div>
<span id="shown" role="status" aria-live="polite"></span>
</div>
<div class="scroller" id="scroller" tabindex="0" role="region" aria-label="Repositories">
<table class="repos">
<colgroup><col class="c-name"><col class="c-outcome"><col class="c-plan"><col class="c-last"><col class="c-age"><col class="c-cause"></colgroup>
<thead><tr>
${["Repository","Outcome","Plan","Last successful backup (UTC)","Age","Cause"].map((title,index)=>`<th scope="col" data-column="${index}"${index===0?' aria-sort="ascending"':""}><button type="button">${title}</button></th>`).join(`
`)}
</tr></thead>
<tbody id="rows"></tbody>
</table>
</div>
</main>
<footer>Written by xopero-one report. Self-contained: this page loads nothing from anywhere.</footer>
<script type="application/json" id="report-data">${json}<\/script>
<script>${PAGE_SCRIPT}<\/script>
</body>
</html>
`}function htmlRow(entry,report){const last=entry.lastSuccessfulBackup,row=[entry.repository,HTML_OUTCOMES.indexOf(entry.outcome),isAttached(entry,report)?1:0,last===void 0?null:last===""?-1:Math.floor(Date.parse(last)/1e3)],{cause,code}=causeOf(entry);return cause&&row.push(cause),code&&row.push(code),row}function isAttached(entry,report){return!report.plan||entry.actions.includes("would-attach")||entry.actions.includes("missing")?!1:!(entry.reason??"").split("; ").some(part=>part.startsWith("attachment: "))}function causeOf(entry){const codes=[];return{cause:(entry.reason??"").replace(/\b(activation|attachment): ([A-Z]{2}\d{4})\b/g,(_,step,code)=>(codes.push(code),`${step}: ${(0,error_codes.N)(code)??"see the Xopero ONE documentation for this code"}`)).replace(`'${entry.repository}': `,"").replace(`'${entry.repository}' has`,"has"),code:codes.join(", ")}}function countsTable(report){const rows=HTML_OUTCOMES.map(outcome=>`<tr><th scope="row">${OUTCOME_WORDS[outcome]}</th><td data-count="${outcome}">${report.outcomes[outcome]}</td></tr>`);return report.released>0&&rows.push(`<tr><th scope="row">released (reclaim)</th><td data-count="released">${report.released}</td></tr>`),report.notFound.length>0&&rows.push(`<tr><th scope="row">named but not found</th><td data-count="not-found">${report.notFound.length}</td></tr>`),`<table class="counts" aria-label="Repositories by outcome"><tbody>
${rows.join(`
`)}
</tbody></table>`}function chart(report){const max=Math.max(1,...HTML_OUTCOMES.map(outcome=>report.outcomes[outcome])),height=HTML_OUTCOMES.length*28,bars=HTML_OUTCOMES.map((outcome,index)=>{const value=report.outcomes[outcome],y=index*28,width=value>0?Math.max(2,Math.round(value/max*300)):0;return[`<text x="0" y="${y+15}">${OUTCOME_WORDS[outcome]}</text>`,`<rect x="190" y="${y}" width="${width}" height="22" fill="${COLOURS[index]}"></rect>`,`<text x="${190+width+6}" y="${y+15}">${value}</text>`].join("")}),summary=HTML_OUTCOMES.map(outcome=>`${report.outcomes[outcome]} ${outcome.replace("-"," ")}`).join(", ");return`<svg class="chart" role="img" width="570" height="${height}" viewBox="0 0 570 ${height}" xmlns="http://www.w3.org/2000/svg"><title>Repositories by outcome: ${summary}</title>${bars.join("")}</svg>`}function sha256(text){return`sha256-${(0,external_node_crypto_.createHash)("sha256").update(text,"utf8").digest("base64")}`}var external_node_fs_=__webpack_require__(3024),external_node_path_=__webpack_require__(6760),changes=__webpack_require__(1490),core_shard=__webpack_require__(9499),settings_shard=__webpack_require__(6321);class ReportError extends errors.UE{}const merge_OUTCOME_LABELS={failed:"failed",stale:"stale","not-protected":"not protected (would change)",activated:"activated",attached:"attached","already-protected":"already protected"};function merge_expandInputs(paths){const files=[];for(const path of paths){let isDirectory;try{isDirectory=statSync(path).isDirectory()}catch(error){throw new ReportError(`Cannot read '${path}' (${error.code??"error"}): give the result files written with result-file, or a directory holding them.`)}if(!isDirectory){files.push(path);continue}const found=readdirSync(path,{recursive:!0,encoding:"utf8"}).filter(name=>name.endsWith(".json")).map(name=>join(path,name)).filter(file=>statSync(file).isFile()).sort();if(found.length===0)throw new ReportError(`The directory '${path}' holds no .json result file: did the shards' result files (result-file) reach it?`);files.push(...found)}return files}function merge_loadResult(file){let text;try{text=readFileSync(file,"utf8")}catch(error){throw new ReportError(`Cannot read '${file}' (${error.code??"error"}): give the result files written with result-file.`)}return{file,doc:parseResultDocument(file,text)}}function parseResultDocument(file,text){let doc;try{doc=JSON.parse(text)}catch{throw new ReportError(`'${file}' is not a result document (not JSON): give the files written with result-file.`)}const d=doc;if(typeof d!="object"||d===null||Array.isArray(d))throw new ReportError(`'${file}' is not a result document: give the files written with result-file.`);const stopped=doc;if(stopped.kind===void 0&&Array.isArray(stopped.problems)){const why=typeof stopped.problems[0]=="string"?`: ${stopped.problems[0]}`:"",how=stopped.cancelled===!0?`was cancelled (${String(stopped.signal)})`:"stopped before it had a result";throw new ReportError(`'${file}' is from a run that ${how}${why.replace(/\.?$/,"")}. Run that job again, then the report.`)}if(d.kind==="repository")throw new ReportError(`'${file}' is the result of a single-repository run; report merges the results of a sweep (repositories set).`);if(d.kind!=="sweep"||typeof d.formatVersion!="number"||typeof d.organization?.id!="string"||!Array.isArray(d.patterns)||!Array.isArray(d.entries)||typeof d.counts!="object")throw new ReportError(`'${file}' is not a result document of a sweep: give the files written with result-file by xopero-one (a version with shards).`);if(d.formatVersion>RESULT_FORMAT_VERSION)throw new ReportError(`'${file}' has result format ${d.formatVersion}, newer than this xopero-one reads (${RESULT_FORMAT_VERSION}): run the report with the version that ran the sweep.`);return{...d,unchanged:Array.isArray(d.unchanged)?d.unchanged:[]}}const shardOfDoc=doc=>doc.shard??{index:1,total:1};function difference(a,b){if(a.organization.id.toLowerCase()!==b.organization.id.toLowerCase())return`organization '${a.organization.name}' vs '${b.organization.name}'`;if(a.server!==b.server)return`server ${a.server} vs ${b.server}`;if((a.plan?.id??"").toLowerCase()!==(b.plan?.id??"").toLowerCase())return`plan '${a.plan?.name??"none"}' vs '${b.plan?.name??"none"}'`;if(a.patterns.join(`
`)!==b.patterns.join(`
`))return`repositories '${a.patterns.join(", ")}' vs '${b.patterns.join(", ")}'`;if(a.mode!==b.mode||a.dryRun!==b.dryRun)return`mode ${describeMode(a)} vs ${describeMode(b)}`;if(shardOfDoc(a).total!==shardOfDoc(b).total)return`${shardOfDoc(a).total} vs ${shardOfDoc(b).total} shards`}const describeMode=doc=>`${doc.mode}${doc.dryRun?" (dry run)":""}`;function merge_mergeResults(results){if(results.length===0)throw new ReportError("No result files given: name the files (or directories) the shards wrote with result-file.");const first=results[0];for(const other of results.slice(1)){const why=difference(first.doc,other.doc);if(why)throw new ReportError(`'${first.file}' and '${other.file}' are results of different sweeps (${why}): merge the results of one sweep only.`)}const total=shardOfDoc(first.doc).total,byShard=new Map;for(const result of results){const{index}=shardOfDoc(result.doc),seen=byShard.get(index);if(seen)throw new ReportError(`Shard ${index}/${total} is given twice ('${seen.file}' and '${result.file}'): give each shard's result once.`);byShard.set(index,result)}const missing=Array.from({length:total},(_,i)=>i+1).filter(index=>!byShard.has(index));if(missing.length>0){const names=missing.map(index=>`${index}/${total}`);throw new ReportError(`Missing the result of shard${missing.length>1?"s":""} ${names.join(", ")} (got ${byShard.size} of ${total}): every shard's result file is needed; check ${missing.length>1?"those jobs":"that job"} wrote and uploaded it.`)}const ordered=[...byShard.entries()].sort(([a],[b])=>a-b).map(([,result])=>result);return combine(ordered)}function combine(results){const head=results[0].doc,counts={matched:0,alreadyProtected:0,activated:0,attached:0,wouldActivate:0,wouldAttach:0,failed:0,stale:0},requests={total:0,mutating:0},repositories=[],notFound=new Map;for(const{doc}of results){const shard=doc.shard?(0,settings_shard._D)(doc.shard):"";for(const key of Object.keys(counts))counts[key]+=Number(doc.counts[key]??0);requests.total+=doc.requests?.total??0,requests.mutating+=doc.requests?.mutating??0;const last=name=>doc.lastBackups&&Object.hasOwn(doc.lastBackups,name)?{lastSuccessfulBackup:doc.lastBackups[name]}:{};for(const entry of doc.entries)repositories.push({...entry,shard,outcome:outcomeOf(entry.actions),...last(entry.repository)});for(const name of doc.unchanged)repositories.push({repository:name,actions:[],shard,outcome:"already-protected",...last(name)});for(const name of doc.notFound??[])(!doc.shard||(0,core_shard.IS)(name,doc.shard.total)===doc.shard.index)&&notFound.set(name.toLowerCase(),name)}repositories.sort((a,b)=>(0,changes.MP)(a.repository,b.repository));const outcomes={failed:0,stale:0,"not-protected":0,activated:0,attached:0,"already-protected":0};for(const entry of repositories)outcomes[entry.outcome]+=1;const finishedAt=results.map(({doc})=>doc.writtenAt??"").sort().pop(),report={kind:"sweep-report",formatVersion:core_shard.v7,server:head.server,mode:head.mode,dryRun:head.dryRun,organization:head.organization,...head.plan?{plan:head.plan}:{},patterns:head.patterns,shards:results.length,...finishedAt?{finishedAt}:{},released:results.reduce((sum,{doc})=>sum+(doc.reclaim?.released.length??0),0),counts,outcomes,changed:results.some(({doc})=>doc.changed),repositories,notFound:[...notFound.values()].sort(changes.MP),perShard:results.map(({file,doc})=>({shard:doc.shard?(0,settings_shard._D)(doc.shard):"1/1",file,counts:doc.counts,changed:doc.changed,synchronization:doc.synchronization,requests:doc.requests,problems:doc.problems??[]})),requests,problems:[]};return report.problems=verdict(report),report}function outcomeOf(actions){return actions.includes("failed")?"failed":actions.includes("stale")?"stale":actions.some(action=>action.startsWith("would-")||action==="missing")?"not-protected":actions.includes("activated")?"activated":actions.includes("attached")?"attached":"already-protected"}function verdict(report){const problems=[],{counts}=report,failed=report.repositories.filter(entry=>entry.outcome==="failed"||entry.actions.includes("failed"));if(failed.length>0){const causes=failed.flatMap(entry=>(entry.reason??"").split("; ").filter(part=>part.startsWith("activation")||part.startsWith("attachment")).map(part=>{const code=/activation: ([A-Z]{2}\d{4})$/.exec(part);return code?`activation ${(0,error_codes.p)(code[1])}`:part.replace(/'[^']*'/g,"'\u2026'")})),why=(0,changes.NA)(causes);problems.push(`${failed.length} of ${counts.matched} repositories failed${report.shards>1?` across ${report.shards} shards`:""}${why?`: ${why}`:""}; the report lists them.`)}const stale=report.repositories.filter(entry=>entry.actions.includes("stale")).length;return stale>0&&problems.push(`${stale} of ${counts.matched} repositories have no successful backup within the limit; the report lists them.`),report.mode==="check"&&counts.wouldActivate+counts.wouldAttach>0&&problems.push(`${report.outcomes["not-protected"]} of ${counts.matched} repositories are not fully protected; mode: check changes nothing: run with mode: ensure to fix them.`),report.notFound.length>0&&!(report.dryRun&&report.mode==="ensure")&&problems.push(`Not found in organization '${report.organization.name}': ${report.notFound.join(", ")}.`),counts.matched===0&&report.notFound.length===0&&problems.push(`No repository of '${report.organization.name}' matches ${report.patterns.join(", ")}${report.shards>1?` in any of the ${report.shards} shards`:""}: check the patterns.`),problems}var writable=__webpack_require__(6533),common_text=__webpack_require__(2450);const ORDER=null;function mermaid_outcomePie(report){const slices=ORDER.filter(outcome=>report.outcomes[outcome]>0);return slices.length===0?void 0:["```mermaid",`pie showData title ${`${report.repositories.length} repositories of ${report.organization.name}`.replace(/["`\r\n]/g," ")}`,...slices.map(outcome=>`    "${OUTCOME_LABELS[outcome]}" : ${report.outcomes[outcome]}`),"```"].join(`
`)}const LISTED_PROBLEMS=1e3,LISTED_CHANGES=200;function merged_markdown_mergedMarkdown(report){const{counts}=report,readOnly=report.dryRun||report.mode==="check",title=report.mode==="check"?"Xopero ONE protection audit":report.dryRun?"Xopero ONE organization sweep (dry run)":"Xopero ONE organization sweep",failed=report.outcomes.failed,rows=[["Status",sweepStatus(report.problems.length>0?failed>0?`${failed} repositories failed`:markdownText(report.problems[0]??""):void 0,report.changed,report.dryRun&&counts.wouldActivate+counts.wouldAttach>0)],["Server",markdownText(report.server)],["Organization",`${markdownText(report.organization.name)} (${markdownCode(report.organization.id)})`],["Plan",report.plan?`${markdownText(report.plan.name)} (${markdownCode(report.plan.id)})`:"none requested"],["Patterns",report.patterns.map(markdownCode).join(" ")],["Shards",report.shards>1?`${report.shards}, all merged`:"one job"],["Matched",String(counts.matched)],["Already protected",String(counts.alreadyProtected)],[readOnly?"Would activate":"Activated",String(readOnly?counts.wouldActivate:counts.activated)],[readOnly?"Would attach":"Attached",String(readOnly?counts.wouldAttach:counts.attached)],["Failed",String(failed)],["Backup too old or missing",String(report.outcomes.stale)],["Requests",`${report.requests.total} (${report.requests.mutating} changing)`]],out=[`## ${title}`,"","| | |","|---|---|",...rows.map(([key,value])=>`| ${key} | ${markdownCell(value)} |`),""],pie=outcomePie(report);pie&&out.push(pie,""),report.problems.length>0&&out.push("**Problems**","",...report.problems.map(problem=>`- ${markdownCellText(problem)}`),"");const problems=report.repositories.filter(e=>e.outcome==="failed"||e.outcome==="stale"||e.outcome==="not-protected");problems.length>0&&out.push(...table(readOnly?"Failed, stale or not protected":"Failed or stale",problems,LISTED_PROBLEMS));const changes2=report.repositories.filter(e=>e.outcome==="activated"||e.outcome==="attached");if(changes2.length>0&&out.push(...table("Changed",changes2,LISTED_CHANGES)),report.notFound.length>0&&out.push(`Not found: ${report.notFound.map(markdownCellText).join(", ")}`,""),report.shards>1){out.push("### Shards","","| shard | matched | activated | attached | failed | stale | requests | result |","|---|---|---|---|---|---|---|---|");for(const s of report.perShard){const c=s.counts;out.push(`| ${s.shard} | ${c.matched} | ${c.activated} | ${c.attached} | ${c.failed} | ${c.stale} | ${s.requests?`${s.requests.total} (${s.requests.mutating} changing)`:"-"} | ${s.problems.length>0?"\u274C":"\u2705"} |`)}out.push("")}return`${out.join(`
`)}
`}function table(heading,entries,limit){const listed=entries.slice(0,limit),lines=[`### ${heading} (${entries.length})`,"","| repository | shard | what | why |","|---|---|---|---|"];for(const e of listed)lines.push(`| ${markdownCellText(e.repository)} | ${e.shard||"-"} | ${e.actions.join(", ")} | ${markdownCellText(e.reason??"")} |`);return entries.length>listed.length&&lines.push("",`\u2026and ${entries.length-listed.length} more: the JSON and JUnit reports list every repository.`),lines.push(""),lines}function merged_markdown_mergedLine(report){const o=report.outcomes;return`Merged ${report.shards} result${report.shards>1?"s":""} of ${report.organization.name}: ${report.repositories.length} repositories; already protected ${o["already-protected"]}, activated ${o.activated}, attached ${o.attached}, not protected ${o["not-protected"]}, stale ${o.stale}, failed ${o.failed}.`}function buildReport(paths){return mergeResults(expandInputs(paths).map(loadResult))}function reportJson(report){return`${JSON.stringify(report,null,1)}
`}function writeReportFile(path,text,what,append=!1){try{(0,writable._)(path),append?(0,external_node_fs_.appendFileSync)(path,text):(0,external_node_fs_.writeFileSync)(path,text)}catch(error){throw new ReportError(`Cannot write the ${what} '${path}' (${error.code??"error"}): give a writable path.`)}}function mergeReport(paths,files,names){const report=buildReport(paths);files.json&&writeReportFile(files.json,reportJson(report),names.json),files.junit&&writeReportFile(files.junit,junitXml(report),names.junit),files.html&&writeReportFile(files.html,htmlReport(report),names.html),files.badge&&writeReportFile(files.badge,badgeJson(report),names.badge);const markdown=redact(mergedMarkdown(report));return files.markdown&&writeReportFile(files.markdown,markdown,names.markdown),{report,markdown,line:mergedLine(report)}}function writeSweepPages({result,requests},files,words,now=new Date){if(!files.htmlFile&&!files.badgeFile||result.kind!=="sweep")return;const report=merge_mergeResults([{file:"this run",doc:{...result,requests,writtenAt:now.toISOString()}}]),write=(path,text,input,what)=>{try{writeReportFile(path,(0,common_redact.E$)(text),what)}catch(error){throw new errors.UE(`${error.message.replace(/: give a writable path\.$/,"")}: set ${words.name(input)} to a writable path.`)}};files.htmlFile&&write(files.htmlFile,html_htmlReport(report),"html-file","HTML report"),files.badgeFile&&write(files.badgeFile,badge_badgeJson(report),"badge-file","badge")}})),9136:((function(__unused_webpack_module,__webpack_exports__,__webpack_require__){__webpack_require__.d(__webpack_exports__,{N:()=>errorCodeMeaning,p:()=>explainErrorCode});const MEANINGS={LI5020:"no free license: every license of this Xopero ONE instance is in use; free one (deactivate a repository you no longer back up) or add licenses, then re-run",GT1001:"Xopero ONE does not know this repository id (removed meanwhile?); re-run to look it up again",GT1004:"Xopero ONE does not know this repository (removed meanwhile?); re-run to look it up again",PL3004:"the plan does not exist any more (deleted meanwhile?); re-run, or check plan",PL3010:"the repository does not belong to the plan's organization; check organization and plan",PL3011:"the plan includes all repositories of the organization and cannot drop one; change it to individual selection in Xopero ONE",AU1403:"the account lacks a role this call needs (System Administrator; for licenses and removal also DataRemoveManagement or GitManagement)"};function errorCodeMeaning(code){return Object.hasOwn(MEANINGS,code.toUpperCase())?MEANINGS[code.toUpperCase()]:void 0}function explainErrorCode(code){const meaning=errorCodeMeaning(code);return meaning?`${code} (${meaning})`:`${code} (see the Xopero ONE documentation for this code)`}}))};
