/**
 * The organization sweep: the single-repository run's plan, applied to every repository that matches the
 * `repositories` patterns. Each list is read once (all pages, in parallel), licenses are activated in batches,
 * attachments go out a few at a time, and no repository is touched twice. One repository failing does not
 * stop the others; the run fails at the end, saying how many failed and why.
 */
import type { AssignedPlan, Organization, OrganizationPlan, Repository } from '../xopero/api-types.js';
import { backupStatus, staleBackupProblem } from './backup.js';
import { mapConcurrent, type XoperoClient } from '../xopero/client.js';
import { explainErrorCode } from '../xopero/error-codes.js';
import { XoperoError, describeError } from '../common/errors.js';
import { planMembership } from './lookup.js';
import { compilePatterns } from './patterns.js';
import { POLL_DELAYS_MS, resolveOrganizationAndPlan, resultHead, type RunContext } from './protect.js';
import type { ReclaimResult, ReleaseHost } from './release.js'; // [release]

/**
 * 100 ids per activate call: 3,000 activations take 30 calls, each small enough (about 4 KB) to finish well
 * within the request timeout on a busy server, and a batch lost to a network error is repeated whole without
 * harm (activating an active repository is a success that uses no license).
 */
export const ACTIVATION_BATCH = 100;
/** Activate calls in flight at once: they contend for the server's license table, so only two. */
export const ACTIVATION_CONCURRENCY = 2;
/** Attach calls in flight at once: each is one row on the server; 8 keeps a sweep quick without a burst. */
export const ATTACH_CONCURRENCY = 8;
/** The summary's table lists this many changes and failures; the rest are counted. */
export const LISTED_ENTRIES = 300;
const PROGRESS_INTERVAL_MS = 5000;
/** Failures named one by one in the log; the summary lists more. */
const LOGGED_FAILURES = 20;

export type SweepAction = 'activated' | 'attached' | 'would-activate' | 'would-attach' | 'failed' | 'stale' | 'missing';

export interface SweepEntry {
  repository: string;
  id: string;
  actions: SweepAction[];
  /** One line: why it failed, or what is missing or stale. */
  reason?: string;
}

export interface SweepResult {
  kind: 'sweep';
  server: string;
  mode: 'ensure' | 'check';
  dryRun: boolean;
  organization: { id: string; name: string };
  plan?: { id: string; name: string };
  patterns: string[];
  synchronization: 'not-needed' | 'synchronized' | 'would-synchronize';
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
  /** Changes, failures and stale backups, repository by repository (all of them; the summary lists the first few hundred). */
  entries: SweepEntry[];
  /** Names given without a wildcard that the organization does not have. */
  notFound: string[];
  changed: boolean;
  problems: string[];
  /** [release] reclaim: what was released (absent when reclaim is off). */
  reclaim?: ReclaimResult;
}

export async function sweepOrganization(context: RunContext & ReleaseHost): Promise<SweepResult> { // [release] & ReleaseHost
  const { client, settings, log } = context;
  const readOnly = settings.dryRun || settings.mode === 'check';
  await log.group('Sign in', () => client.login());
  const { organization, plan } = await log.group('Find the organization and plan', () => resolveOrganizationAndPlan(context));
  const patterns = compilePatterns(settings.repositories ?? [], organization.name);

  const result: SweepResult = {
    kind: 'sweep',
    ...resultHead(settings, organization, plan),
    patterns: settings.repositories ?? [],
    synchronization: 'not-needed',
    counts: { matched: 0, alreadyProtected: 0, activated: 0, attached: 0, wouldActivate: 0, wouldAttach: 0, failed: 0, stale: 0 },
    entries: [],
    notFound: [],
    changed: false,
    problems: [],
  };

  // One synchronization at most: first thing with sync: always, or when a name given without a wildcard is unknown.
  const syncFirst = settings.sync === 'always' && !readOnly;
  if (syncFirst) await log.group('Synchronize the organization', () => synchronize(context, organization));
  let { repositories, assigned } = await readLists(client, organization, plan, log);
  let missing = unknownLiterals(patterns.literals, repositories);
  let synchronized = syncFirst;
  if (missing.length > 0 && !syncFirst && settings.sync !== 'never' && !readOnly) {
    log.info(`Not known to Xopero ONE yet: ${missing.join(', ')}.`);
    await log.group('Synchronize the organization', () => synchronize(context, organization));
    ({ repositories, assigned } = await readLists(client, organization, plan, log));
    const before = missing.length;
    missing = unknownLiterals(patterns.literals, repositories);
    synchronized = true;
    result.changed = missing.length < before; // the synchronization brought repositories in
  }
  const wouldSync = readOnly && settings.sync !== 'never' && (settings.sync === 'always' || missing.length > 0);
  result.synchronization = synchronized ? 'synchronized' : wouldSync ? 'would-synchronize' : 'not-needed';
  result.notFound = missing;
  if (wouldSync && missing.length > 0) log.info(`Would synchronize ${organization.name} to find: ${missing.join(', ')}.`);

  // [release] reclaim plans (and checks release-limit) before any change; what it owns is not protected.
  const release = settings.reclaim.length > 0 ? await import('./release.js') : undefined; // loaded only with reclaim
  const reclaim = release && (await log.group('Plan the reclaim', () => release.prepareReclaim(context, { organization, plan, repositories, assigned, matches: patterns.matches })));
  const matched = uniqueLive(repositories.filter((repo) => patterns.matches(repo.name) && !reclaim?.claims(repo.id))); // [release] && !claims
  result.counts.matched = matched.length;
  log.info(`${matched.length} of ${repositories.length} repositories of ${organization.name} match ${result.patterns.join(', ')}.`);

  const entries = new Map<string, SweepEntry>();
  const entry = (repo: Repository) => {
    let found = entries.get(repo.id);
    if (!found) entries.set(repo.id, (found = { repository: repo.name, id: repo.id, actions: [] }));
    return found;
  };
  const attached = plan ? planMembership(assigned, plan.id) : () => true;
  const toActivate = matched.filter((repo) => !repo.isProtected && settings.activate);
  const toAttach = matched.filter((repo) => !attached(repo.id));
  result.counts.alreadyProtected = matched.filter((repo) => repo.isProtected && attached(repo.id)).length;

  if (release && reclaim) result.reclaim = await release.applyReclaim(context, reclaim); // [release] first: freed licenses serve the activations
  if (readOnly) {
    for (const repo of toActivate) entry(repo).actions.push('would-activate');
    for (const repo of toAttach) entry(repo).actions.push('would-attach');
    result.counts.wouldActivate = toActivate.length;
    result.counts.wouldAttach = toAttach.length;
    log.info(`${settings.mode === 'check' ? 'Check' : 'Dry run'}: would activate ${toActivate.length} and attach ${toAttach.length}; nothing was changed.`);
  } else {
    await log.group('Apply changes', () => applySweep(context, result, plan, toActivate, toAttach, entry));
  }

  addSweepGates(context, result, matched, plan, entry);
  result.entries = [...entries.values()];
  result.counts.failed = result.entries.filter((e) => e.actions.includes('failed')).length;
  summarizeProblems(result);
  if (result.reclaim) { // [release]
    result.changed ||= result.reclaim.changed;
    result.problems.push(...result.reclaim.problems);
  }
  return result;
}

async function readLists(client: XoperoClient, organization: Organization, plan: OrganizationPlan | undefined, log: RunContext['log']) {
  const [{ repositories }, assigned] = await Promise.all([
    client.listRepositories(organization.id),
    plan ? client.listAssignedPlans(organization.id) : Promise.resolve<AssignedPlan[]>([]),
  ]);
  log.info(`Read ${repositories.length} repositories${plan ? ` and the membership of ${assigned.length} plans` : ''}.`);
  return { repositories, assigned };
}

const unknownLiterals = (literals: string[], repositories: Repository[]) => {
  const known = new Set(repositories.filter((repo) => !repo.isRemoved).map((repo) => repo.name.toLowerCase()));
  return literals.filter((name) => !known.has(name.toLowerCase()));
};

/** Removed records are history, not repositories to protect; a name listed twice is one repository. */
function uniqueLive(repositories: Repository[]): Repository[] {
  const byId = new Map<string, Repository>();
  for (const repo of repositories) if (!repo.isRemoved) byId.set(repo.id.toLowerCase(), repo);
  return [...byId.values()];
}

/** Starts a synchronization and waits, within wait-timeout, until the server says it is over. */
async function synchronize({ client, settings, log }: RunContext, organization: Organization): Promise<void> {
  await client.synchronize(organization.id);
  log.info(`Started a synchronization of ${organization.name}; waiting up to ${settings.waitTimeoutSeconds} s.`);
  const deadline = Date.now() + settings.waitTimeoutSeconds * 1000;
  for (let poll = 0; ; poll++) {
    const delay = POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)];
    if (Date.now() + delay > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (!(await client.synchronizationInProgress(organization.id))) return;
  }
  throw new XoperoError(`The synchronization of '${organization.name}' did not finish within ${settings.waitTimeoutSeconds} s (wait-timeout): raise wait-timeout for a large organization, or re-run later.`);
}

async function applySweep(
  { client, log }: RunContext,
  result: SweepResult,
  plan: OrganizationPlan | undefined,
  toActivate: Repository[],
  toAttach: Repository[],
  entry: (repo: Repository) => SweepEntry,
): Promise<void> {
  const total = Math.ceil(toActivate.length / ACTIVATION_BATCH) + toAttach.length;
  const failedIds = new Set<string>();
  let done = 0;
  // A line every few seconds on a long sweep, not a line per repository.
  const progress = setInterval(() => {
    log.info(`Progress: ${done}/${total} calls; activated ${result.counts.activated}, attached ${result.counts.attached}, failed ${failedIds.size}.`);
  }, PROGRESS_INTERVAL_MS);
  progress.unref();
  const fail = (repo: Repository, reason: string) => {
    const e = entry(repo);
    if (!e.actions.includes('failed')) e.actions.push('failed');
    e.reason = e.reason ? `${e.reason}; ${reason}` : reason;
    failedIds.add(repo.id);
  };

  const batches: Repository[][] = [];
  for (let i = 0; i < toActivate.length; i += ACTIVATION_BATCH) batches.push(toActivate.slice(i, i + ACTIVATION_BATCH));
  const activating = mapConcurrent(batches, ACTIVATION_CONCURRENCY, async (batch) => {
    try {
      const response = await client.activate(batch.map((repo) => repo.id));
      const errors = new Map((response.error ?? []).map((e) => [e.id.toLowerCase(), e.errorCode]));
      for (const repo of batch) {
        const code = errors.get(repo.id.toLowerCase());
        if (code) fail(repo, `activation: ${code}`);
        else {
          entry(repo).actions.push('activated');
          result.counts.activated += 1;
        }
      }
    } catch (error) {
      for (const repo of batch) fail(repo, `activation: ${describeError(error)}`);
    }
    done += 1;
  });
  const attaching = mapConcurrent(toAttach, ATTACH_CONCURRENCY, async (repo) => {
    try {
      await client.attach(plan!.id, repo.id);
      entry(repo).actions.push('attached');
      result.counts.attached += 1;
    } catch (error) {
      fail(repo, `attachment: ${describeError(error)}`);
    }
    done += 1;
  });
  try {
    await Promise.all([activating, attaching]);
  } finally {
    clearInterval(progress);
  }
  result.changed ||= result.counts.activated + result.counts.attached > 0;
  const failedEntries = [...failedIds].map((id) => entry({ id } as Repository));
  for (const e of failedEntries.slice(0, LOGGED_FAILURES)) log.warning(`${e.repository}: ${e.reason}`);
  if (failedEntries.length > LOGGED_FAILURES) log.warning(`…and ${failedEntries.length - LOGGED_FAILURES} more failures (see the summary).`);
  log.info(`Done: activated ${result.counts.activated}, attached ${result.counts.attached}, failed ${failedIds.size}.`);
}

function addSweepGates({ settings, now }: RunContext, result: SweepResult, matched: Repository[], plan: OrganizationPlan | undefined, entry: (repo: Repository) => SweepEntry) {
  if (settings.maxBackupAgeSeconds === undefined) return;
  for (const repo of matched) {
    const stale = staleBackupProblem(repo.name, backupStatus(repo, plan, now()), settings.maxBackupAgeSeconds);
    if (!stale) continue;
    const e = entry(repo);
    e.actions.push('stale');
    e.reason = e.reason ? `${e.reason}; ${stale}` : stale;
    result.counts.stale += 1;
  }
}

/** The run's verdict in a few lines: how many failed and why (grouped by cause), what check mode found missing. */
function summarizeProblems(result: SweepResult): void {
  const { counts } = result;
  // A dry run would synchronize first, so a name it cannot see yet is not a failure there.
  if (result.notFound.length > 0 && !(result.dryRun && result.mode === 'ensure')) {
    result.problems.push(`Not found in organization '${result.organization.name}': ${result.notFound.join(', ')}. Check the names, or set sync to auto so a synchronization can find new repositories.`);
  }
  if (counts.failed > 0) {
    const causes = new Map<string, number>();
    for (const e of result.entries.filter((x) => x.actions.includes('failed'))) {
      for (const part of (e.reason ?? '').split('; ')) {
        const code = /activation: ([A-Z]{2}\d{4})$/.exec(part);
        const cause = code ? `activation ${explainErrorCode(code[1])}` : part.replace(/'[^']*'/g, "'…'");
        causes.set(cause, (causes.get(cause) ?? 0) + 1);
      }
    }
    const why = [...causes.entries()].map(([cause, n]) => `${n} × ${cause}`).join('; ');
    result.problems.push(`${counts.failed} of ${counts.matched} repositories failed: ${why}. The others were done; re-run after fixing the cause.`);
  }
  if (result.mode === 'check' && counts.wouldActivate + counts.wouldAttach > 0) {
    const unprotected = result.entries.filter((e) => e.actions.some((a) => a.startsWith('would-'))).length;
    result.problems.push(`${unprotected} of ${counts.matched} repositories are not fully protected (${counts.wouldActivate} without a license, ${counts.wouldAttach} not attached to plan '${result.plan?.name}'); mode: check changes nothing: run with mode: ensure to fix them.`);
  }
  if (counts.stale > 0) {
    result.problems.push(`${counts.stale} of ${counts.matched} repositories have no successful backup within the limit; the summary lists them.`);
  }
}
