/**
 * The one code path for one repository and for a sweep: read the state, list the changes, and (unless the
 * run is read-only) synchronize when the list starts with that, then apply the rest. One repository is a
 * sweep of one name; it only reads differently (one filtered lookup instead of the whole list).
 */
import { XoperoError } from '../common/errors.js';
import type { AssignedPlan, Organization, OrganizationPlan, Repository } from '../xopero/api-types.js';
import { ACTIVATION_BATCH, applyChanges, type Outcome } from './apply.js';
import { listChanges, type ChangeList, type ObservedState } from './changes.js';
import { plural } from '../common/text.js';
import type { RunContext } from './context.js';
import { findOrganization, findPlan, lookupRepository, planMembership } from './lookup.js';
import { synchronizeAndWait } from './synchronize.js';
import { startsSynchronization, waitForShardSync } from './shard.js';
import type { Selection } from './selection.js';

/** Which repositories a run is about. */
export type SynchronizationOutcome = 'not-needed' | 'synchronized' | 'started' | 'would-synchronize';

export interface ProtectionRun {
  organization: Organization;
  plan?: OrganizationPlan;
  readOnly: boolean;
  /** The state the final change list was computed from. */
  state: ObservedState;
  /** How many repositories the organization has (a sweep reads them all; one repository: 0 or 1). */
  readCount: number;
  /** One repository: a removed record of that name, when no live one exists. */
  removed?: Repository;
  list: ChangeList;
  /** One per change of `list.changes`, same index; empty when nothing was applied. */
  outcomes: Outcome[];
  synchronization: SynchronizationOutcome;
  /** A synchronization of this run brought in a repository the user named. */
  synchronizationFoundRepositories: boolean;
}

export async function ensureProtection(
  context: RunContext,
  select: (organization: Organization) => Selection | Promise<Selection>,
): Promise<ProtectionRun> {
  const { client, settings, log } = context;
  const readOnly = settings.dryRun || settings.mode === 'check';

  const found = await log.group(`Find the organization, ${settings.repositories ? 'repositories' : 'repository'} and plan`, async () => {
    const organization = findOrganization(await client.listOrganizations(), settings.organization, settings.words);
    log.info(`Organization: ${organization.name} (${organization.id})`);
    // The plan is resolved before anything changes: an unknown plan must fail a run that changed nothing.
    const plan = settings.plan ? findPlan(organization, settings.plan, settings.words) : undefined;
    if (plan) log.info(`Plan: ${plan.name} (${plan.id})`);
    const selection = await select(organization);
    const read = await readState(context, selection, organization, plan, false);
    if (selection.single) {
      const repository = read.state.repositories[0];
      log.info(repository ? describeRepository(repository) : `Repository: ${selection.single} is not known to Xopero ONE yet.`);
    }
    return { organization, plan, selection, ...read };
  });
  const { organization, plan, selection } = found;
  let { state, readCount, removed, synchronizationInProgress } = found;
  // Shard 1 synchronizes for the names of every shard (src/core/shard.ts): another shard's unknown name calls for one too.
  const forOtherShards = found.otherShardsMissing > 0 && settings.sync !== 'never' && settings.mode === 'ensure';

  let list = listChanges(state, settings, context.clock.now());
  const run: ProtectionRun = {
    organization,
    plan,
    readOnly,
    state,
    readCount,
    removed,
    list,
    outcomes: [],
    synchronization: 'not-needed',
    synchronizationFoundRepositories: false,
  };
  const first = list.changes[0];
  const syncFirst = (first?.kind === 'synchronize' && first.wait) || forOtherShards;
  if (readOnly) {
    if (settings.dryRun && (forOtherShards || list.changes.some((change) => change.kind === 'synchronize')))
      run.synchronization = 'would-synchronize';
    return run;
  }
  await selection.beforeChanges?.();

  if (syncFirst) {
    const missingBefore = state.missing.length;
    ({ state, readCount, removed } = await log.group('Synchronize the organization', () =>
      synchronize(context, selection, organization, plan, state, synchronizationInProgress),
    ));
    run.synchronization = 'synchronized';
    run.synchronizationFoundRepositories = state.missing.length < missingBefore;
    list = listChanges(state, settings, context.clock.now());
    Object.assign(run, { state, readCount, removed, list });
  }

  const repositoryChanges = list.changes.filter((change) => change.kind !== 'synchronize');
  // A sweep's changes go in a group (its progress lines); one repository's one or two calls do not: what they
  // did is logged right after (protect.ts), and a group around nothing would leave those lines outside it.
  const apply = () => applyWithProgress(context, repositoryChanges);
  const outcomes =
    repositoryChanges.length === 0 ? [] : selection.single !== undefined ? await apply() : await log.group('Apply changes', apply);
  // Outcomes by the change's place in the full list (a last synchronization is applied after the rest).
  let next = 0;
  run.outcomes = list.changes.map((change) => (change.kind === 'synchronize' ? { status: 'done' } : outcomes[next++]));
  const last = list.changes.at(-1);
  if (last?.kind === 'synchronize' && !last.wait && startsSynchronization(selection.shard?.shard)) {
    await client.synchronize(organization.id);
    run.synchronization = 'started';
    log.info(`Started a synchronization of ${organization.name} (sync: always).`);
  }
  return run;
}

/**
 * Log lines whose words depend on how fast the server answered start with this label: everything else a run
 * logs is a function of the server's state and the inputs.
 */
export const TIMING = 'Timing:';
const PROGRESS_INTERVAL_MS = 5000;

/** A line every few seconds on a long sweep, not a line per repository. */
async function applyWithProgress({ client, log }: RunContext, changes: ProtectionRun['list']['changes']): Promise<Outcome[]> {
  const activations = changes.filter((change) => change.kind === 'activate').length;
  const total = Math.ceil(activations / ACTIVATION_BATCH) + (changes.length - activations);
  let done = 0;
  const progress = setInterval(() => log.info(`${TIMING} ${done} of ${total} calls answered.`), PROGRESS_INTERVAL_MS);
  progress.unref();
  try {
    return await applyChanges(client, changes, { onCallDone: () => (done += 1) });
  } finally {
    clearInterval(progress);
  }
}

interface ReadResult {
  state: ObservedState;
  readCount: number;
  removed?: Repository;
  synchronizationInProgress: boolean;
  /** Shard 1: how many of the other shards' names are unknown (see Selection.shard). */
  otherShardsMissing: number;
}

/** The repositories and the plan membership are independent reads: one round trip for both. */
async function readState(
  { client, log }: RunContext,
  selection: Selection,
  organization: Organization,
  plan: OrganizationPlan | undefined,
  synchronized: boolean,
): Promise<ReadResult> {
  const membership = plan ? client.listAssignedPlans(organization.id) : Promise.resolve<AssignedPlan[]>([]);
  if (selection.single) {
    const [lookup, assigned] = await Promise.all([lookupRepository(client, organization, selection.single), membership]);
    const live = lookup.live ? [lookup.live] : [];
    return {
      state: observed(live, assigned, plan, live.length ? [] : [selection.single], true, synchronized),
      readCount: live.length,
      removed: lookup.live ? undefined : lookup.removed,
      synchronizationInProgress: lookup.synchronizationInProgress,
      otherShardsMissing: 0,
    };
  }
  const [{ repositories, synchronizationInProgress, listed }, assigned] = await Promise.all([
    client.listRepositories(organization.id, undefined, selection.keep),
    membership,
  ]);
  log.info(
    `Read ${plural(listed, 'repository', 'repositories')}${plan ? ` and the membership of ${plural(assigned.length, 'plan')}` : ''}.`,
  );
  const live = repositories.filter((repo) => !repo.isRemoved);
  const known = new Set(live.map((repo) => repo.name.toLowerCase()));
  const missing = selection.literals.filter((name) => !known.has(name.toLowerCase()));
  const selected = uniqueById(live.filter((repo) => selection.matches(repo.name)));
  const otherShardsMissing = (selection.shard?.otherLiterals ?? []).filter((name) => !known.has(name.toLowerCase())).length;
  return {
    state: observed(selected, assigned, plan, missing, !selection.hasWildcards, synchronized),
    readCount: listed,
    synchronizationInProgress,
    otherShardsMissing,
  };
}

function observed(
  repositories: Repository[],
  assigned: AssignedPlan[],
  plan: OrganizationPlan | undefined,
  missing: string[],
  namesOnly: boolean,
  synchronized: boolean,
): ObservedState {
  return { plan, repositories, attached: plan ? planMembership(assigned, plan.id) : () => true, missing, namesOnly, synchronized };
}

/** A name listed twice is one repository. */
function uniqueById(repositories: Repository[]): Repository[] {
  const byId = new Map<string, Repository>();
  for (const repo of repositories) byId.set(repo.id.toLowerCase(), repo);
  return [...byId.values()];
}

/** Synchronizes, waits (until the missing names appear, or the synchronization is over), and reads again. */
async function synchronize(
  context: RunContext,
  selection: Selection,
  organization: Organization,
  plan: OrganizationPlan | undefined,
  before: ObservedState,
  alreadyRunning: boolean,
): Promise<ReadResult> {
  const { client, settings, log, clock } = context;
  if (selection.shard && !startsSynchronization(selection.shard.shard)) {
    const waiting = { client, log, clock, waitTimeoutSeconds: settings.waitTimeoutSeconds, words: settings.words };
    const accepted = await waitForShardSync(waiting, selection.shard, organization);
    const read = await readState(context, selection, organization, plan, true);
    // The synchronization found may have run before a repository of this shard existed (one that ended just
    // before the matrix started). Shard 1, reading after it, misses that name too and starts a newer one:
    // wait for it, once. Without a newer one within wait-timeout, the names are reported as not found.
    if (read.state.missing.length === 0 || accepted === undefined || accepted >= selection.shard.startedAt) return read;
    const newer = await waitForShardSync(waiting, selection.shard, organization, accepted);
    return newer === undefined ? read : readState(context, selection, organization, plan, true);
  }
  const wanted = before.missing;
  const what = wanted.length === 1 ? wanted[0] : wanted.length > 1 ? `${wanted.length} new repositories` : 'it to finish';
  let latest: ReadResult | undefined;
  const started = clock.now();
  const outcome = await synchronizeAndWait({
    clock,
    timeoutSeconds: settings.waitTimeoutSeconds,
    alreadyRunning: alreadyRunning && wanted.length > 0,
    start: async () => {
      await client.synchronize(organization.id);
      log.info(`Started a synchronization of ${organization.name}; waiting up to ${settings.waitTimeoutSeconds} s for ${what}.`);
    },
    probe: async () => {
      if (selection.single) {
        // One filtered lookup tells both whether the repository is there and whether the sync still runs.
        latest = await readState(context, selection, organization, plan, true);
        return { done: latest.state.missing.length === 0, inProgress: latest.synchronizationInProgress };
      }
      // A sweep reads the whole list again only once the synchronization is over.
      if (await client.synchronizationInProgress(organization.id)) return { done: false, inProgress: true };
      if (wanted.length === 0) return { done: false, inProgress: false };
      latest = await readState(context, selection, organization, plan, true);
      return { done: latest.state.missing.length === 0, inProgress: latest.synchronizationInProgress };
    },
    log: (line) => log.info(line),
    waitingMessage: `A synchronization of ${organization.name} is already running; waiting for it.`,
    timeoutMessage: selection.single
      ? `'${selection.single}' did not appear in organization '${organization.name}' within ${settings.waitTimeoutSeconds} s of synchronizing: raise ${settings.words.name('wait-timeout')} for a large organization, or re-run later.`
      : `The synchronization of '${organization.name}' did not finish within ${settings.waitTimeoutSeconds} s: raise ${settings.words.name('wait-timeout')} for a large organization, or re-run later.`,
  });
  if (outcome === 'finished' && selection.single) {
    // A removed record of that name: the repository was deleted at the source, not unseen by the credentials.
    if (latest?.removed) {
      throw new XoperoError(
        `Synchronization of '${organization.name}' finished, but Xopero ONE holds '${latest.removed.name}' only as removed at the source (deleted on the Git service; its backups are kept): check the repository name, or restore the repository there.`,
      );
    }
    throw new XoperoError(
      `Synchronization of '${organization.name}' finished, but '${selection.single}' is not among its repositories: check the repository name, and that the credentials Xopero ONE uses for '${organization.name}' can see it.`,
    );
  }
  if (outcome === 'done' && selection.single && latest) {
    log.info(`${TIMING} ${selection.single} appeared after ${((clock.now() - started) / 1000).toFixed(1)} s.`);
    log.info(describeRepository(latest.state.repositories[0]));
  }
  // After a finished synchronization without the names (or with none wanted), read what it brought in.
  if (!latest || outcome === 'finished') latest = await readState(context, selection, organization, plan, true);
  return latest;
}

function describeRepository(repository: Repository): string {
  return `Repository: ${repository.name} (${repository.id}), ${repository.isProtected ? 'license-activated' : 'no license'}.`;
}
