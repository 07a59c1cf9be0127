/**
 * How release (mode: release) and reclaim (in a sweep) read in the job summary and the CLI's report. Loaded on
 * demand (report.ts's loadReleaseReport) only for a result that has a release or a reclaim, never by a protect run.
 */
import { markdownCell, markdownCellText, markdownCode, markdownText } from '../common/text.js';
import type { ReclaimResult } from '../core/reclaim.js';
import type { ReleaseResult } from '../core/release.js';
import type { ReleaseStep } from '../core/release-changes.js';

/** The summary lists this many released repositories; the rest are counted. */
const LISTED = 300;

function stepWords(step: Pick<ReleaseStep, 'action' | 'outcome'> & { plan?: string }): string {
  const what =
    step.action === 'detach'
      ? `detach from '${step.plan}'`
      : step.action === 'deactivate'
        ? 'deactivate license'
        : 'remove from Xopero ONE';
  return step.outcome === 'done'
    ? what.replace(/^(\w+)/, (verb) => `${verb}${verb.endsWith('e') ? 'd' : 'ed'}`)
    : `${step.outcome === 'would' ? 'would ' : ''}${what}${step.outcome === 'failed' ? ' (failed)' : step.outcome === 'skipped' ? ' (skipped)' : ''}`;
}

export function releaseMarkdown(result: ReleaseResult): string {
  const readOnly = result.dryRun || result.mode === 'check';
  const title =
    result.mode === 'check' ? 'Xopero ONE release check' : result.dryRun ? 'Xopero ONE release (dry run)' : 'Xopero ONE release';
  const pending = result.steps.length > 0 && readOnly;
  const status =
    result.problems.length > 0
      ? '❌ failed'
      : pending
        ? '⚠️ not released yet: the dry run lists what would change'
        : result.changed
          ? '✅ released (changed by this run)'
          : '✅ nothing holds a license or a plan place (no change needed)';
  const rows: Array<[string, string]> = [
    ['Status', status],
    ['Server', markdownText(result.server)],
    ['Organization', `${markdownText(result.organization.name)} (${markdownCode(result.organization.id)})`],
    [
      'Repository',
      result.repository.known
        ? `${markdownText(result.repository.name)} (${markdownCode(result.repository.id)})${result.repository.removedAtSource ? ', removed at the source' : ''}`
        : `${markdownText(result.repository.name)} (not known to Xopero ONE)`,
    ],
    ['Plan', result.plan ? `${markdownText(result.plan.name)} (${markdownCode(result.plan.id)})` : 'every plan that lists it'],
    ['Licenses freed', String(result.licensesFreed)],
    [
      'Changes',
      result.steps.length ? markdownText(result.steps.map((step) => stepWords({ ...step, plan: step.plan?.name })).join('; ')) : 'none',
    ],
  ];
  const table = ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${markdownCell(value)} |`)].join('\n');
  const notes = result.notes.map((note) => `- ${markdownCellText(note)}`).join('\n');
  const problems = result.problems.map((problem) => `- ${markdownCellText(problem)}`).join('\n');
  const kept = "Backups already taken stay in storage under the plan's retention; releasing stops new backups.";
  return `## ${title}\n\n${table}\n\n${kept}\n${notes ? `\n**Notes**\n\n${notes}\n` : ''}${problems ? `\n**Problems**\n\n${problems}\n` : ''}`;
}

/** The sweep summary's reclaim section. */
export function reclaimMarkdown(reclaim: ReclaimResult, readOnly: boolean): string {
  const lines = [`\n### Reclaim (${reclaim.sources.join(', ')})\n`];
  lines.push(
    readOnly
      ? `Would release ${reclaim.entries.length} repositories and free ${reclaim.wouldFree} licenses (release-limit ${reclaim.limit}).`
      : `Released ${reclaim.released.length} repositories; freed ${reclaim.licensesFreed} licenses (release-limit ${reclaim.limit}).`,
  );
  const listed = reclaim.entries.slice(0, LISTED);
  if (listed.length) {
    lines.push('', '| repository | why | what |', '|---|---|---|');
    for (const e of listed) {
      const what = e.steps.map((s) => `${stepWords(s)}${s.reason ? `: ${s.reason}` : ''}`).join('; ');
      lines.push(`| ${markdownCellText(e.repository)} | ${e.reasons.join(', ')} | ${markdownCellText(what)} |`);
    }
    if (reclaim.entries.length > listed.length) lines.push('', `…and ${reclaim.entries.length - listed.length} more.`);
  }
  for (const note of reclaim.notes) lines.push('', `- ${markdownCellText(note)}`);
  return `${lines.join('\n')}\n`;
}

export function releaseText(result: ReleaseResult): string[] {
  return [
    `Repository:   ${result.repository.name}${result.repository.known ? ` (${result.repository.id})` : ' (not known to Xopero ONE)'}`,
    `Plan:         ${result.plan ? `${result.plan.name} (${result.plan.id})` : 'every plan that lists it'}`,
    // Plain text for the CLI's report, which neutralizes every line it prints: no Markdown escapes here.
    `Release: ${result.steps.length ? result.steps.map((step) => stepWords({ ...step, plan: step.plan?.name })).join('; ') : 'nothing to change'}; licenses freed: ${result.licensesFreed}; changed: ${result.changed}`,
  ];
}

export function reclaimText(reclaim: ReclaimResult, readOnly: boolean): string[] {
  if (readOnly)
    return [
      `Reclaim: would release ${reclaim.entries.length} repositories, free ${reclaim.wouldFree} licenses${reclaim.entries.length ? `: ${reclaim.entries.map((e) => e.repository).join(', ')}` : ''}`,
    ];
  return [
    `Reclaim: released ${reclaim.released.length} repositories, freed ${reclaim.licensesFreed} licenses${reclaim.released.length ? `: ${reclaim.released.join(', ')}` : ''}`,
  ];
}
