/**
 * The merged sweep report as one self-contained HTML page (`xopero-one report --html FILE`, `html-file`): it
 * opens from a downloaded artifact, offline, and nothing on it leaves the page (no CDN, no font, no image; the
 * chart is inline SVG). A strict Content-Security-Policy says so to the browser: `default-src 'none'`, the one
 * inline script and the one inline stylesheet allowed by their SHA-256 hashes, computed here as the page is
 * written (no 'unsafe-inline').
 *
 * Names come from the server, so they are data, never markup: the only markup written here is fixed words and
 * numbers; every name, plan, pattern and cause goes into a JSON block (`<` escaped as \u003c, so no text can
 * close the block) that the page's script reads and puts on the page with textContent.
 *
 * Size: a row is an array, not an object (see html-page.ts), so 100,000 repositories stay within 8 MiB.
 */
import { createHash } from 'node:crypto';
import { errorCodeMeaning } from '../xopero/error-codes.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './html-page.js';
import type { MergedReport, Outcome, ReportEntry } from './merge.js';

/** The page's outcome order; a row holds its index. Failed and stale first: what a reader looks for. */
export const HTML_OUTCOMES: Outcome[] = ['failed', 'stale', 'not-protected', 'activated', 'attached', 'already-protected'];

/** Words on the page, by outcome; a symbol too, so the outcome does not rest on colour alone. */
const OUTCOME_WORDS: Record<Outcome, string> = {
  failed: '✗ failed',
  stale: '⚠ stale or never backed up',
  'not-protected': '○ not protected',
  activated: '✓ activated',
  attached: '✓ attached',
  'already-protected': '✓ already protected',
};

/** Bar colours, the same hues as the table's outcome labels (html-page.ts .o0-.o5). */
const COLOURS = ['#b3261e', '#b35900', '#6e4c00', '#0b57d0', '#006a6a', '#1a7f37'];

/** [name, outcome index, attached 0/1, last successful backup (epoch s; -1 never; null not known), cause, code]. */
export type HtmlRow = [string, number, number, number | null, string?, string?];

export function htmlReport(report: MergedReport): string {
  const data = {
    organization: report.organization,
    server: report.server,
    plan: report.plan ?? null,
    patterns: report.patterns,
    mode: report.mode,
    dryRun: report.dryRun,
    // As the summary's status line says it (status.ts): a dry run with work to do has not "passed".
    status:
      report.problems.length > 0
        ? 'failed'
        : report.dryRun && report.counts.wouldActivate + report.counts.wouldAttach > 0
          ? 'would-change'
          : 'passed',
    shards: report.shards,
    at: report.finishedAt ? Math.floor(Date.parse(report.finishedAt) / 1000) : null,
    problems: report.problems,
    labels: HTML_OUTCOMES.map((outcome) => OUTCOME_WORDS[outcome]),
    rows: report.repositories.map((entry) => htmlRow(entry, report)),
  };
  // `<` as \u003c: JSON.parse reads it back, and no name can end the script block or open a comment in it.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const csp = [
    "default-src 'none'",
    `script-src '${sha256(PAGE_SCRIPT)}'`,
    `style-src '${sha256(PAGE_STYLE)}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const failures = report.outcomes.failed + report.outcomes.stale;
  return `<!DOCTYPE html>
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
<label>Search by name <input type="search" id="search" placeholder="name contains… (press /)" autocomplete="off"></label>
<div class="filters" role="group" aria-label="Filter by outcome">
<button type="button" data-filter="all" aria-pressed="true">All (${report.repositories.length})</button>
<button type="button" data-filter="failures" aria-pressed="false">Failures: failed or stale (${failures})</button>
${HTML_OUTCOMES.map((outcome, index) => `<button type="button" data-filter="${index}" aria-pressed="false">${OUTCOME_WORDS[outcome]} (${report.outcomes[outcome]})</button>`).join('\n')}
</div>
<span id="shown" role="status" aria-live="polite"></span>
</div>
<div class="scroller" id="scroller" tabindex="0" role="region" aria-label="Repositories">
<table class="repos">
<colgroup><col class="c-name"><col class="c-outcome"><col class="c-plan"><col class="c-last"><col class="c-age"><col class="c-cause"></colgroup>
<thead><tr>
${['Repository', 'Outcome', 'Plan', 'Last successful backup (UTC)', 'Age', 'Cause'].map((title, index) => `<th scope="col" data-column="${index}"${index === 0 ? ' aria-sort="ascending"' : ''}><button type="button">${title}</button></th>`).join('\n')}
</tr></thead>
<tbody id="rows"></tbody>
</table>
</div>
</main>
<footer>Written by xopero-one report. Self-contained: this page loads nothing from anywhere.</footer>
<script type="application/json" id="report-data">${json}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function htmlRow(entry: ReportEntry, report: MergedReport): HtmlRow {
  const last = entry.lastSuccessfulBackup;
  const row: HtmlRow = [
    entry.repository,
    HTML_OUTCOMES.indexOf(entry.outcome),
    isAttached(entry, report) ? 1 : 0,
    last === undefined ? null : last === '' ? -1 : Math.floor(Date.parse(last) / 1000),
  ];
  const { cause, code } = causeOf(entry);
  if (cause) row.push(cause);
  if (code) row.push(code);
  return row;
}

/** Attached to the sweep's plan after the run: not when attaching is still to do or failed. */
function isAttached(entry: ReportEntry, report: MergedReport): boolean {
  if (!report.plan) return false;
  if (entry.actions.includes('would-attach') || entry.actions.includes('missing')) return false;
  return !(entry.reason ?? '').split('; ').some((part) => part.startsWith('attachment: '));
}

/**
 * The reason in words, with the server's codes apart: `activation: LI5020` reads "activation: no free
 * license: …" with code LI5020. The repository's own name, which the stale gate's line starts with, is left out.
 */
function causeOf(entry: ReportEntry): { cause: string; code: string } {
  const codes: string[] = [];
  const cause = (entry.reason ?? '')
    .replace(/\b(activation|attachment): ([A-Z]{2}\d{4})\b/g, (_, step: string, code: string) => {
      codes.push(code);
      return `${step}: ${errorCodeMeaning(code) ?? 'see the Xopero ONE documentation for this code'}`;
    })
    .replace(`'${entry.repository}': `, '')
    .replace(`'${entry.repository}' has`, 'has');
  return { cause, code: codes.join(', ') };
}

/** The counts as numbers: fixed words and numbers only. */
function countsTable(report: MergedReport): string {
  const rows = HTML_OUTCOMES.map(
    (outcome) => `<tr><th scope="row">${OUTCOME_WORDS[outcome]}</th><td data-count="${outcome}">${report.outcomes[outcome]}</td></tr>`,
  );
  if (report.released > 0) rows.push(`<tr><th scope="row">released (reclaim)</th><td data-count="released">${report.released}</td></tr>`);
  if (report.notFound.length > 0)
    rows.push(`<tr><th scope="row">named but not found</th><td data-count="not-found">${report.notFound.length}</td></tr>`);
  return `<table class="counts" aria-label="Repositories by outcome"><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** A horizontal bar per outcome, as inline SVG; its text is fixed words and numbers. */
function chart(report: MergedReport): string {
  const barHeight = 22;
  const labelWidth = 190;
  const barWidth = 300;
  const max = Math.max(1, ...HTML_OUTCOMES.map((outcome) => report.outcomes[outcome]));
  const height = HTML_OUTCOMES.length * (barHeight + 6);
  const bars = HTML_OUTCOMES.map((outcome, index) => {
    const value = report.outcomes[outcome];
    const y = index * (barHeight + 6);
    const width = value > 0 ? Math.max(2, Math.round((value / max) * barWidth)) : 0;
    return [
      `<text x="0" y="${y + 15}">${OUTCOME_WORDS[outcome]}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${width}" height="${barHeight}" fill="${COLOURS[index]}"></rect>`,
      `<text x="${labelWidth + width + 6}" y="${y + 15}">${value}</text>`,
    ].join('');
  });
  const summary = HTML_OUTCOMES.map((outcome) => `${report.outcomes[outcome]} ${outcome.replace('-', ' ')}`).join(', ');
  return `<svg class="chart" role="img" width="${labelWidth + barWidth + 80}" height="${height}" viewBox="0 0 ${labelWidth + barWidth + 80} ${height}" xmlns="http://www.w3.org/2000/svg"><title>Repositories by outcome: ${summary}</title>${bars.join('')}</svg>`;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
