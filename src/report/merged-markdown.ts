/** The merged sweep report as Markdown: the verdict, the counts, the outcome chart, what failed, each shard. */
import { markdownCell, markdownCellText, markdownCode, markdownText } from '../common/text.js';
import type { MergedReport, ReportEntry } from './merge.js';
import { outcomePie } from './mermaid.js';
import { sweepStatus } from './status.js';

/** Failed, stale and not-protected repositories listed one by one; a step summary holds at most 1 MiB. */
export const LISTED_PROBLEMS = 1000;
/** Changed repositories listed one by one; the JSON and JUnit files list every repository. */
export const LISTED_CHANGES = 200;

export function mergedMarkdown(report: MergedReport): string {
  const { counts } = report;
  const readOnly = report.dryRun || report.mode === 'check';
  const title =
    report.mode === 'check'
      ? 'Xopero ONE protection audit'
      : report.dryRun
        ? 'Xopero ONE organization sweep (dry run)'
        : 'Xopero ONE organization sweep';
  const failed = report.outcomes.failed;
  const status = sweepStatus(
    report.problems.length > 0 ? (failed > 0 ? `${failed} repositories failed` : markdownText(report.problems[0] ?? '')) : undefined,
    report.changed,
    report.dryRun && counts.wouldActivate + counts.wouldAttach > 0,
  );
  const rows: Array<[string, string]> = [
    ['Status', status],
    ['Server', markdownText(report.server)],
    ['Organization', `${markdownText(report.organization.name)} (${markdownCode(report.organization.id)})`],
    ['Plan', report.plan ? `${markdownText(report.plan.name)} (${markdownCode(report.plan.id)})` : 'none requested'],
    ['Patterns', report.patterns.map(markdownCode).join(' ')],
    ['Shards', report.shards > 1 ? `${report.shards}, all merged` : 'one job'],
    ['Matched', String(counts.matched)],
    ['Already protected', String(counts.alreadyProtected)],
    [readOnly ? 'Would activate' : 'Activated', String(readOnly ? counts.wouldActivate : counts.activated)],
    [readOnly ? 'Would attach' : 'Attached', String(readOnly ? counts.wouldAttach : counts.attached)],
    ['Failed', String(failed)],
    ['Backup too old or missing', String(report.outcomes.stale)],
    ['Requests', `${report.requests.total} (${report.requests.mutating} changing)`],
  ];
  const out: string[] = [`## ${title}`, '', '| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${markdownCell(value)} |`), ''];
  const pie = outcomePie(report);
  if (pie) out.push(pie, '');
  if (report.problems.length > 0) out.push('**Problems**', '', ...report.problems.map((problem) => `- ${markdownCellText(problem)}`), '');

  const problems = report.repositories.filter((e) => e.outcome === 'failed' || e.outcome === 'stale' || e.outcome === 'not-protected');
  if (problems.length > 0) out.push(...table(readOnly ? 'Failed, stale or not protected' : 'Failed or stale', problems, LISTED_PROBLEMS));
  const changes = report.repositories.filter((e) => e.outcome === 'activated' || e.outcome === 'attached');
  if (changes.length > 0) out.push(...table('Changed', changes, LISTED_CHANGES));
  if (report.notFound.length > 0) out.push(`Not found: ${report.notFound.map(markdownCellText).join(', ')}`, '');

  if (report.shards > 1) {
    out.push(
      '### Shards',
      '',
      '| shard | matched | activated | attached | failed | stale | requests | result |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const s of report.perShard) {
      const c = s.counts;
      out.push(
        `| ${s.shard} | ${c.matched} | ${c.activated} | ${c.attached} | ${c.failed} | ${c.stale} | ${s.requests ? `${s.requests.total} (${s.requests.mutating} changing)` : '-'} | ${s.problems.length > 0 ? '❌' : '✅'} |`,
      );
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

function table(heading: string, entries: ReportEntry[], limit: number): string[] {
  const listed = entries.slice(0, limit);
  const lines = [`### ${heading} (${entries.length})`, '', '| repository | shard | what | why |', '|---|---|---|---|'];
  for (const e of listed)
    lines.push(`| ${markdownCellText(e.repository)} | ${e.shard || '-'} | ${e.actions.join(', ')} | ${markdownCellText(e.reason ?? '')} |`);
  if (entries.length > listed.length)
    lines.push('', `…and ${entries.length - listed.length} more: the JSON and JUnit reports list every repository.`);
  lines.push('');
  return lines;
}

/** One line for a log: what the merged report says. */
export function mergedLine(report: MergedReport): string {
  const o = report.outcomes;
  return `Merged ${report.shards} result${report.shards > 1 ? 's' : ''} of ${report.organization.name}: ${report.repositories.length} repositories; already protected ${o['already-protected']}, activated ${o.activated}, attached ${o.attached}, not protected ${o['not-protected']}, stale ${o.stale}, failed ${o.failed}.`;
}
