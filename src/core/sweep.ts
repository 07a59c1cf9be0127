/**
 * The organization sweep: the shared code path (`ensureProtection`) over every repository that matches the
 * `repositories` patterns, and the result, log lines and verdict built from its change list and outcomes.
 * Everything here follows the list's order (repositories by name), never the order answers arrived in.
 */
import type { Settings } from '../settings/settings.js';
import { explainErrorCode } from '../xopero/error-codes.js';
import { isoTime } from './backup.js';
import type { Failure } from './apply.js';
import { compareNames, tallyCauses } from './changes.js';
import { plural } from '../common/text.js';
import type { RunContext } from './context.js';
import { ensureProtection, type ProtectionRun } from './ensure.js';
import { compilePatterns } from './patterns.js';
import { resultHead } from './protect.js';
import { RESULT_FORMAT_VERSION, shardSelection } from './shard.js';
import { formatShard, type Shard } from '../settings/shard.js';
import type { ReclaimResult, ReleaseHost } from './reclaim.js';

/** Failures named one by one in the log (the first by name); the summary lists more. */
const LOGGED_FAILURES = 20;

export type SweepAction = 'activated' | 'attached' | 'would-activate' | 'would-attach' | 'failed' | 'stale' | 'missing';

export interface SweepEntry {
  repository: string;
  id: string;
  /** In a fixed order: activation, attachment, failed, stale. */
  actions: SweepAction[];
  /** One line: why it failed, or what is missing or stale (activation, then attachment, then the backup gate). */
  reason?: string;
}

export interface SweepResult {
  kind: 'sweep';
  /** The result document's format (`xopero-one report` reads it). */
  formatVersion: number;
  /** This job's part of a sharded sweep; absent: the whole sweep. */
  shard?: Shard;
  server: string;
  mode: Settings['mode'];
  dryRun: boolean;
  organization: { id: string; name: string };
  plan?: { id: string; name: string };
  patterns: string[];
  synchronization: 'not-needed' | 'synchronized' | 'would-synchronize' | 'started';
  counts: {
    matched: number;
    alreadyProtected: number;
    activated: number;
    attached: number;
    wouldActivate: number;
    wouldAttach: number;
    failed: number;
    stale: number;
  };
  /** Changes, failures and stale backups, by repository name (all of them; the summary lists the first few hundred). */
  entries: SweepEntry[];
  /** Names given without a wildcard that the organization does not have, in the order given. */
  notFound: string[];
  changed: boolean;
  problems: string[];
  /** Matched repositories this run left as they were, nothing to do (names, by name): the report's passing test cases. */
  unchanged: string[];
  /**
   * Every matched repository's last successful backup (ISO 8601 UTC, '' for never), by name: for the HTML report.
   * Like `unchanged`, in the result file only (src/report/report.ts leaves it out of the `result` output).
   */
  lastBackups?: Record<string, string>;
  /** reclaim: what was released (absent when reclaim is off). */
  reclaim?: ReclaimResult;
}

export async function sweepOrganization(context: RunContext & ReleaseHost): Promise<SweepResult> {
  const { settings, log } = context;
  const patterns = settings.repositories ?? [];
  const startedAt = context.clock.now(); // shards 2..n wait for a synchronization started since about then
  // Loaded only with reclaim: it lists its changes (and checks release-limit) before any change, and releases first.
  // It wraps this shard's selection: a shard reclaims only repositories of its own share, and checks release-limit
  // against the whole sweep's (every shard's) count.
  const reclaim = settings.reclaim.length > 0 ? new (await import('./reclaim.js')).Reclaim(context) : undefined;
  const run = await ensureProtection(context, (organization) => {
    const wholeSweep = compilePatterns(patterns, organization.name);
    const selection = shardSelection(wholeSweep, settings.shard, startedAt);
    return reclaim ? reclaim.select(organization, selection, wholeSweep.matches) : selection;
  });
  const result = sweepResult(settings, run, patterns);
  if (reclaim) addReclaim(result, reclaim.result());
  const { counts } = result;
  log.info(
    `${counts.matched} of ${plural(run.readCount, 'repository', 'repositories')} of ${run.organization.name} match ${patterns.join(', ')}${settings.shard ? ` and belong to shard ${formatShard(settings.shard)}` : ''}.`,
  );
  if (run.readOnly) {
    log.info(
      `${settings.mode === 'check' ? 'Check' : 'Dry run'}: would activate ${counts.wouldActivate} and attach ${counts.wouldAttach}; nothing was changed.`,
    );
    if (result.synchronization === 'would-synchronize' && result.notFound.length > 0) {
      log.info(`Would synchronize ${run.organization.name} to find: ${result.notFound.join(', ')}.`);
    }
  } else {
    const failed = result.entries.filter((entry) => entry.actions.includes('failed'));
    for (const entry of failed.slice(0, LOGGED_FAILURES)) log.warning(`${entry.repository}: ${entry.reason}`);
    if (failed.length > LOGGED_FAILURES) log.warning(`…and ${failed.length - LOGGED_FAILURES} more failures (see the summary).`);
    if (counts.matched > 0) log.info(`Done: activated ${counts.activated}, attached ${counts.attached}, failed ${counts.failed}.`);
  }
  return result;
}

/** The reclaim's part of the sweep's result and verdict. */
function addReclaim(result: SweepResult, reclaim: ReclaimResult): void {
  result.reclaim = reclaim;
  result.changed ||= reclaim.changed;
  // Patterns that match only repositories reclaim owns (old-*, all archived) matched something: not a problem.
  if (reclaim.claimed > 0 && result.counts.matched === 0)
    result.problems = result.problems.filter((problem) => !problem.startsWith('No repository of '));
  result.problems.push(...reclaim.problems);
}

/** The result of a sweep, a pure function of the run: the same state and inputs give the same document. */
export function sweepResult(settings: Settings, run: ProtectionRun, patterns: string[]): SweepResult {
  const { organization, plan, state, list, outcomes } = run;
  const result: SweepResult = {
    kind: 'sweep',
    formatVersion: RESULT_FORMAT_VERSION,
    ...(settings.shard ? { shard: settings.shard } : {}),
    ...resultHead(settings, organization, plan),
    patterns,
    synchronization: run.synchronization,
    counts: {
      matched: state.repositories.length,
      alreadyProtected: 0,
      activated: 0,
      attached: 0,
      wouldActivate: 0,
      wouldAttach: 0,
      failed: 0,
      stale: 0,
    },
    entries: [],
    notFound: [],
    changed: run.synchronizationFoundRepositories,
    problems: [],
    unchanged: [],
  };
  const attached = plan ? state.attached : () => true;
  result.counts.alreadyProtected = state.repositories.filter((repo) => repo.isProtected && attached(repo.id)).length;
  // Names still unknown: after a synchronization of this run, or where none ran (check mode, sync: never).
  result.notFound = [...state.missing];

  const entries = new Map<string, SweepEntry & { failures: Failure[]; stale?: string }>();
  const entryOf = (name: string, id: string) => {
    let entry = entries.get(name);
    if (!entry) {
      entry = { repository: name, id, actions: [], failures: [] };
      entries.set(name, entry);
    }
    return entry;
  };
  list.changes.forEach((change, index) => {
    if (change.kind === 'synchronize') return;
    const entry = entryOf(change.name, change.repository?.id ?? '');
    const outcome = outcomes[index];
    const verb = change.kind === 'activate' ? 'activated' : 'attached';
    if (run.readOnly) {
      entry.actions.push(change.kind === 'activate' ? 'would-activate' : 'would-attach');
      result.counts[change.kind === 'activate' ? 'wouldActivate' : 'wouldAttach'] += 1;
    } else if (outcome?.status === 'failed') {
      entry.failures.push(outcome.failure);
    } else {
      entry.actions.push(verb);
      result.counts[verb] += 1;
    }
  });
  for (const finding of list.findings) entryOf(finding.name, finding.repository.id).stale = finding.problem;

  result.entries = [...entries.values()]
    .sort((a, b) => compareNames(a.repository, b.repository))
    .map(({ failures, stale, ...entry }) => {
      if (failures.length > 0) entry.actions.push('failed');
      if (stale) entry.actions.push('stale');
      const reasons = [...failures.map((failure) => `${failure.step}: ${failure.code ?? failure.message}`), ...(stale ? [stale] : [])];
      return reasons.length > 0 ? { ...entry, reason: reasons.join('; ') } : entry;
    });
  result.unchanged = state.repositories
    .filter((repo) => !entries.has(repo.name))
    .map((repo) => repo.name)
    .sort(compareNames);
  // By name, like every list of the result: the server's listing order must not change the document.
  result.lastBackups = Object.fromEntries(
    state.repositories
      .map((repo): [string, string] => [repo.name, isoTime(repo.lastSuccessfulBackup)])
      .sort(([a], [b]) => compareNames(a, b)),
  );
  result.counts.failed = [...entries.values()].filter((entry) => entry.failures.length > 0).length;
  result.counts.stale = list.findings.length;
  result.changed ||= result.counts.activated + result.counts.attached > 0;
  result.problems = verdict(
    settings,
    result,
    [...entries.values()].flatMap((entry) => entry.failures),
  );
  return result;
}

/**
 * The run's verdict in a few lines: what was not found, how many failed and why (grouped by cause, from the
 * structured failures), what check mode found missing, how many backups are too old. Causes are ordered by
 * count, then by their text.
 */
function verdict(settings: Settings, result: SweepResult, failures: Failure[]): string[] {
  const problems: string[] = [];
  const { counts, organization } = result;
  // A dry run would synchronize first, so a name it cannot see yet is not a failure there.
  if (result.notFound.length > 0 && result.synchronization !== 'would-synchronize') {
    const remedy =
      settings.mode === 'check'
        ? 'check the names; mode: check does not synchronize, so a repository created since the last synchronization is not known yet'
        : settings.sync === 'never'
          ? `check the names, or set ${settings.words.set('sync', 'auto')} so a synchronization can find new repositories`
          : `a synchronization ran and did not find them: check the names, and that the credentials Xopero ONE uses for '${organization.name}' can see them`;
    problems.push(`Not found in organization '${organization.name}': ${result.notFound.join(', ')}; ${remedy}.`);
  }
  // A shard with none of its own is no failure (its share may be empty); the merged report (xopero-one report) judges the whole sweep.
  if (counts.matched === 0 && result.notFound.length === 0 && !(result.shard && result.shard.total > 1)) {
    problems.push(
      `No repository of '${organization.name}' matches ${result.patterns.join(', ')}: check the patterns (they match paths inside the organization, e.g. team-a/*, or full paths such as ${organization.name}/api).`,
    );
  }
  if (failures.length > 0) {
    const why = tallyCauses(
      failures.map((failure) =>
        failure.step === 'activation' && failure.code
          ? `activation ${explainErrorCode(failure.code)}`
          : `${failure.step}: ${failure.message.replace(/'[^']*'/g, "'…'").replace(/\.$/, '')}`,
      ),
    );
    problems.push(
      `${counts.failed} of ${counts.matched} repositories failed: ${why}. The others were done; re-run after fixing the cause.`,
    );
  }
  if (result.mode === 'check' && counts.wouldActivate + counts.wouldAttach > 0) {
    const unprotected = result.entries.filter((entry) => entry.actions.some((action) => action.startsWith('would-'))).length;
    const parts = [
      `${counts.wouldActivate} without a license`,
      ...(result.plan ? [`${counts.wouldAttach} not attached to plan '${result.plan.name}'`] : []),
    ];
    problems.push(
      `${unprotected} of ${counts.matched} repositories are not fully protected (${parts.join(', ')}); mode: check changes nothing: run with ${settings.words.set('mode', 'ensure')} to fix them.`,
    );
  }
  if (counts.stale > 0) {
    problems.push(`${counts.stale} of ${counts.matched} repositories have no successful backup within the limit; the report lists them.`);
  }
  return problems;
}
