/** The result in the forms the faces publish: output values, a JSON document, a Markdown summary. */
import { markdownCell, markdownCellText, markdownCode, markdownText } from '../common/text.js';
import { humanTime } from '../common/text.js';
import { formatDuration } from '../settings/duration.js';
import type { ProtectResult } from '../core/protect.js';
import type { RunOutcome } from '../core/run.js';
import type { SweepResult } from '../core/sweep.js';
import { azureProjectMarkdown, azureProjectText } from './azure-project.js';
import { failureKind } from './failure.js';
import { sweepStatus } from './status.js';

/**
 * The release sections (./release.ts): a release result or a sweep with a reclaim needs them, a protect run
 * never does, so they are evaluated only then (loadReleaseReport; the host awaits it and passes it in).
 * "eager": bundled with this module rather than in a file of its own, because the GitLab component runs the
 * CLI's one pinned file alone; the Action loads this module after the first request anyway (github-report.ts).
 */
export type ReleaseReport = typeof import('./release.js');

export function loadReleaseReport({ result }: RunOutcome): Promise<ReleaseReport | undefined> {
  const needed = result.kind === 'release' || (result.kind === 'sweep' && result.reclaim !== undefined);
  return needed ? import(/* webpackMode: "eager" */ './release.js') : Promise.resolve(undefined);
}

function release(sections: ReleaseReport | undefined): ReleaseReport {
  if (!sections) throw new Error('Internal error: a release or reclaim result was rendered without loadReleaseReport (please report it).');
  return sections;
}

/** Output name -> value, the same names for action outputs and (upper-cased, XOPERO_ prefixed) GitLab dotenv. */
export function outputValues({ result, requests }: RunOutcome): Record<string, string> {
  const backup = result.kind === 'repository' ? result.backup : undefined;
  return {
    'organization-id': result.organization.id,
    'repository-id': result.kind === 'repository' || result.kind === 'release' ? result.repository.id : '',
    'plan-id': result.plan?.id ?? '',
    changed: String(result.changed),
    // Why the run failed ('' passed, 'non-compliant', 'error'): a gate's if: tells "no" from "could not ask".
    failure: failureKind(result),
    'last-backup': backup?.lastBackup ?? '',
    'last-successful-backup': backup?.lastSuccessfulBackup ?? '',
    'next-backup': backup?.nextBackup ?? '',
    'backup-age': backup?.ageSeconds === undefined ? '' : String(backup.ageSeconds),
    // The names of the unchanged repositories and every one's last backup go to the result file only (result-file):
    // they make a large sweep's output large.
    result: JSON.stringify({ ...result, ...(result.kind === 'sweep' ? { unchanged: undefined, lastBackups: undefined } : {}), requests }),
  };
}

const OUTCOME_WORDS: Record<string, string> = {
  'not-needed': 'not needed',
  synchronized: 'synchronized; the repository appeared',
  started: 'started (sync: always)',
  'would-synchronize': 'would synchronize',
  already: 'already done',
  activated: 'activated',
  attached: 'attached',
  'would-activate': 'would activate',
  'would-attach': 'would attach',
  skipped: 'skipped',
  failed: 'failed',
};

/** A relative time a person reads: "3 hours ago", "in 5 hours". */
export function relative(isoTime: string, nowMs: number): string {
  if (!isoTime) return 'never';
  const seconds = Math.round((Date.parse(isoTime) - nowMs) / 1000);
  const words = formatDuration(Math.abs(seconds));
  return `${humanTime(isoTime)} (${seconds >= 0 ? `in ${words}` : `${words} ago`})`;
}

export function markdownSummary({ result }: RunOutcome, nowMs: number, releaseReport?: ReleaseReport): string {
  if (result.kind === 'azure-project') return azureProjectMarkdown(result);
  if (result.kind === 'release') return release(releaseReport).releaseMarkdown(result);
  return result.kind === 'sweep' ? sweepMarkdown(result, releaseReport) : repositoryMarkdown(result, nowMs);
}

function repositoryMarkdown(result: ProtectResult, nowMs: number): string {
  const title =
    result.mode === 'check' ? 'Xopero ONE protection check' : result.dryRun ? 'Xopero ONE backup (dry run)' : 'Xopero ONE backup';
  const rows: Array<[string, string]> = [
    ['Status', statusLine(result)],
    ['Server', markdownText(result.server)],
    ['Organization', `${markdownText(result.organization.name)} (${markdownCode(result.organization.id)})`],
    [
      'Repository',
      result.repository.id
        ? `${markdownText(result.repository.name)} (${markdownCode(result.repository.id)})`
        : `${markdownText(result.repository.name)} (not known yet)`,
    ],
    ['Plan', result.plan ? `${markdownText(result.plan.name)} (${markdownCode(result.plan.id)})` : 'none requested'],
    ['Synchronization', OUTCOME_WORDS[result.synchronization]],
    ['License activation', OUTCOME_WORDS[result.activation]],
    ['Plan attachment', OUTCOME_WORDS[result.attachment]],
  ];
  if (result.backup) {
    rows.push(['Last successful backup', relative(result.backup.lastSuccessfulBackup, nowMs)]);
    rows.push(['Last backup', relative(result.backup.lastBackup, nowMs)]);
    rows.push(['Next backup', result.backup.nextBackup ? relative(result.backup.nextBackup, nowMs) : 'none scheduled']);
    const plan = result.backup.plan;
    if (plan?.lastStatus) {
      // The plan's counts are over all its repositories, from its last run: a repository attached since (or
      // about to be) was not part of it, which is why "1 succeeded" can stand beside "never" above.
      const { successes, warnings, errors } = plan.lastStatus;
      const finished = plan.finished ? `, finished ${relative(plan.finished, nowMs)}` : '';
      const notIn =
        result.attachment === 'attached' || result.attachment === 'would-attach' ? '; this repository was not in the plan then' : '';
      rows.push([
        "Plan's last run (all its repositories)",
        `${successes} succeeded, ${warnings} warnings, ${errors} errors${finished}${plan.isRunning ? ' (running now)' : ''}${notIn}`,
      ]);
    }
  }
  const table = ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${markdownCell(value)} |`)].join('\n');
  const problems = result.problems.map((problem) => `- ${markdownCellText(problem)}`).join('\n');
  return `## ${title}\n\n${table}\n${problems ? `\n**Problems**\n\n${problems}\n` : ''}`;
}

function statusLine(result: ProtectResult): string {
  if (result.problems.length > 0) return '❌ failed';
  const pending = !result.repository.known || [result.activation, result.attachment].some((step) => step.startsWith('would-'));
  if (pending) return '⚠️ not fully protected yet: the dry run lists what would change';
  if (!result.repository.protected) return '⚠️ known, but holds no license (activate: false)';
  return result.changed ? '✅ protected (changed by this run)' : '✅ protected (no change needed)';
}

/** A dry run counts the names it would synchronize to find under "would activate": the line says so. */
function notFoundNote(result: SweepResult): string {
  const count = result.notFound.length;
  if (count === 0) return '';
  return result.dryRun ? ` (and ${count} not found yet, counted under would activate)` : ` (and ${count} not found)`;
}

function sweepMarkdown(result: SweepResult, releaseReport: ReleaseReport | undefined): string {
  const { counts } = result;
  const title =
    result.mode === 'check'
      ? 'Xopero ONE protection audit'
      : result.dryRun
        ? 'Xopero ONE organization sweep (dry run)'
        : 'Xopero ONE organization sweep';
  const rows: Array<[string, string]> = [
    [
      'Status',
      sweepStatus(
        result.problems.length > 0 ? '' : undefined,
        result.changed,
        result.dryRun && counts.wouldActivate + counts.wouldAttach > 0,
      ),
    ],
    ['Server', markdownText(result.server)],
    ['Organization', `${markdownText(result.organization.name)} (${markdownCode(result.organization.id)})`],
    ['Plan', result.plan ? `${markdownText(result.plan.name)} (${markdownCode(result.plan.id)})` : 'none requested'],
    ['Patterns', result.patterns.map(markdownCode).join(' ')],
    ['Synchronization', OUTCOME_WORDS[result.synchronization]],
    ['Matched', String(counts.matched)],
    ['Already protected', String(counts.alreadyProtected)],
    [
      result.dryRun || result.mode === 'check' ? 'Would activate' : 'Activated',
      String(result.dryRun || result.mode === 'check' ? counts.wouldActivate : counts.activated),
    ],
    [
      result.dryRun || result.mode === 'check' ? 'Would attach' : 'Attached',
      String(result.dryRun || result.mode === 'check' ? counts.wouldAttach : counts.attached),
    ],
    ['Failed', String(counts.failed)],
  ];
  if (counts.stale > 0) rows.push(['Backup too old or missing', String(counts.stale)]);
  const table = ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${markdownCell(value)} |`)].join('\n');
  const listed = result.entries.slice(0, LISTED_ENTRIES);
  const changes = listed.length
    ? [
        '\n| repository | what | why |',
        '|---|---|---|',
        ...listed.map((e) => `| ${markdownCellText(e.repository)} | ${e.actions.join(', ')} | ${markdownCellText(e.reason ?? '')} |`),
        result.entries.length > listed.length ? `\n…and ${result.entries.length - listed.length} more.` : '',
      ].join('\n')
    : '';
  const notFound = result.notFound.length ? `\nNot found: ${result.notFound.map(markdownCellText).join(', ')}\n` : '';
  const problems = result.problems.map((problem) => `- ${markdownCellText(problem)}`).join('\n');
  const reclaim = result.reclaim ? release(releaseReport).reclaimMarkdown(result.reclaim, result.dryRun || result.mode === 'check') : '';
  return `## ${title}\n\n${table}\n${changes}\n${notFound}${reclaim}${problems ? `\n**Problems**\n\n${problems}\n` : ''}`;
}

/** Repositories the CLI's text report names one by one; --json has them all. */
const TEXT_LISTED_ENTRIES = 50;
/** The summary's table lists this many changes and failures; the rest are counted. */
const LISTED_ENTRIES = 300;

/** The CLI's closing report: a few plain lines. */
export function textReport({ result }: RunOutcome, nowMs: number, releaseReport?: ReleaseReport): string {
  if (result.kind === 'azure-project') return azureProjectText(result);
  const lines = [`Organization: ${result.organization.name} (${result.organization.id})`];
  if (result.kind === 'sweep') {
    const c = result.counts;
    lines.push(`Plan:         ${result.plan ? `${result.plan.name} (${result.plan.id})` : 'none'}`);
    lines.push(
      `Matched ${c.matched}${notFoundNote(result)}: already protected ${c.alreadyProtected}, activated ${c.activated}, attached ${c.attached}, would activate ${c.wouldActivate}, would attach ${c.wouldAttach}, failed ${c.failed}, stale ${c.stale}; changed: ${result.changed}`,
    );
    // The repositories concerned, as the summary lists them: what a dry run or a check found is the point.
    const listed = result.entries.slice(0, TEXT_LISTED_ENTRIES);
    for (const e of listed) lines.push(`  ${e.repository}: ${e.actions.join(', ')}${e.reason ? ` (${e.reason})` : ''}`);
    if (result.entries.length > listed.length) lines.push(`  …and ${result.entries.length - listed.length} more (--json lists every one).`);
    if (result.notFound.length > 0) lines.push(`Not found: ${result.notFound.join(', ')}`);
    if (result.reclaim) lines.push(...release(releaseReport).reclaimText(result.reclaim, result.dryRun || result.mode === 'check'));
    return `${lines.join('\n')}\n`;
  }
  if (result.kind === 'release') return `${[...lines, ...release(releaseReport).releaseText(result)].join('\n')}\n`;
  lines.push(
    `Repository:   ${result.repository.name}${result.repository.id ? ` (${result.repository.id})` : ' (not known yet)'}`,
    `Plan:         ${result.plan ? `${result.plan.name} (${result.plan.id})` : 'none'}`,
    `Synchronization: ${result.synchronization}; activation: ${result.activation}; attachment: ${result.attachment}; changed: ${result.changed}`,
  );
  if (result.backup) {
    const age = result.backup.ageSeconds === undefined ? 'never' : `${formatDuration(result.backup.ageSeconds)} ago`;
    lines.push(
      `Last successful backup: ${age}; next: ${result.backup.nextBackup ? relative(result.backup.nextBackup, nowMs) : 'none scheduled'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
