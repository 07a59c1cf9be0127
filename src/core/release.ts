/**
 * Releasing licenses: `mode: release` for one repository (a decommission pipeline), and `reclaim` in a sweep
 * (repositories Xopero ONE marks removed, archived repositories of the GitHub organization).
 *
 * Same shape as the rest of the core: read, then a pure plan (an ordered list of changes: detach from a plan,
 * deactivate the license, remove from Xopero ONE), then apply it, recording each outcome at its change's place
 * in the list whatever order the answers arrive in. A dry run lists; check mode fails when the list is not
 * empty. Nothing is detached, deactivated or removed that the user did not ask for: `mode: release` touches
 * the one repository, reclaim only repositories matched by `repositories` that are removed or archived.
 *
 * Backups already taken are not deleted: `/git/repositories/remove` is always sent with `removedata: false`,
 * and detach/deactivate stop new backups only (the plan's retention keeps the old ones).
 *
 * This module is loaded with a dynamic import() only when asked for (mode: release, reclaim): ncc emits it as
 * a separate file, so the protect run neither carries nor evaluates it.
 */
import type { AssignedPlan, Organization, OrganizationPlan, Repository } from '../xopero/api-types.js';
import { mapConcurrent, type XoperoApi } from '../xopero/client.js';
import { explainErrorCode } from '../xopero/error-codes.js';
import { ApiError, XoperoError, describeError } from '../common/errors.js';
import { CancelledError } from '../common/cancel.js';
import type { Log } from './log.js';
import { compareNames } from './changes.js';
import { plural, type RunContext } from './context.js';
import type { Selection } from './ensure.js';
import { findOrganization, findPlan, fullRepositoryName, lookupRepository } from './lookup.js';
import { resultHead } from './protect.js';
import type { Settings } from '../settings/settings.js';
import type { ReclaimSource } from '../settings/release.js';
// The summary's and the text report's release sections load with this module (they register themselves).
import '../report/release.js';

/** Deactivations per call: the same batch size and concurrency as activations, for the same reasons. */
export const DEACTIVATION_BATCH = 100;
const DEACTIVATION_CONCURRENCY = 2;
const DETACH_CONCURRENCY = 8;
const REMOVE_CONCURRENCY = 4;

/**
 * Lists the archived repositories of a Git organization (full names, `owner/name`). The host provides it
 * (GitHub: src/hosts/github-archived.ts); the core never imports a Git service's client.
 */
export type ArchivedLister = (owner: string) => Promise<string[]>;

/** What a host passes to the core for releasing, besides the settings. */
export interface ReleaseHost {
  listArchived?: ArchivedLister;
}

export type ReleaseAction = 'detach' | 'deactivate' | 'remove';
export type ChangeOutcome = 'done' | 'would' | 'failed' | 'skipped';

export interface ReleaseChange {
  action: ReleaseAction;
  repository: { id: string; name: string };
  /** For detach: the plan it leaves. */
  plan?: { id: string; name: string };
}

export interface ReleaseStep extends ReleaseChange {
  outcome: ChangeOutcome;
  /** Why it failed or was skipped. */
  reason?: string;
}

export interface ReleasePlan {
  changes: ReleaseChange[];
  /** One line each: what cannot be done and why (a plan that includes all repositories). */
  notes: string[];
}

// ---- planning (pure) ------------------------------------------------------------------------------------

const byName = (a: { name: string }, b: { name: string }) => compareNames(a.name, b.name);
const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** A plan's name: the membership list carries it; the organization's plan list is the fallback. */
const planName = (plan: AssignedPlan, named: OrganizationPlan[] = []) =>
  plan.name || named.find((p) => sameId(p.id, plan.id))?.name || plan.id;

/**
 * The changes that release `targets`: per repository (sorted by name), detach from each plan that lists it
 * (only `onlyPlan` when given), deactivate its license when it holds one, remove it when asked. A plan that
 * includes all repositories cannot drop one (the API detaches only listed repositories): that is a note, and
 * the deactivation still stops its backups.
 */
export function planRelease(
  targets: Repository[],
  assigned: AssignedPlan[],
  options: { onlyPlan?: { id: string; name: string }; remove: boolean; planNames?: OrganizationPlan[] },
): ReleasePlan {
  const changes: ReleaseChange[] = [];
  const notes: string[] = [];
  const plans = assigned
    .map((plan) => ({ ...plan, name: planName(plan, options.planNames) }))
    .filter((plan) => !options.onlyPlan || sameId(plan.id, options.onlyPlan.id))
    .sort(byName);
  for (const repo of [...targets].sort(byName)) {
    const repository = { id: repo.id, name: repo.name };
    for (const plan of plans) {
      if (plan.includeAllRepositories) {
        notes.push(
          `Plan '${plan.name}' includes all repositories of the organization, so it cannot drop '${repo.name}' alone; without a license it is not backed up. To take it off the plan's list, switch the plan to individual selection in Xopero ONE.`,
        );
      } else if ((plan.repositoryIds ?? []).some((id) => sameId(id, repo.id))) {
        changes.push({ action: 'detach', repository, plan: { id: plan.id, name: plan.name } });
      }
    }
    if (repo.isProtected) changes.push({ action: 'deactivate', repository });
    if (options.remove) changes.push({ action: 'remove', repository });
  }
  return { changes, notes };
}

/** Why a repository is a reclaim candidate, from what was read. */
export interface ReclaimCandidates {
  /** Lower-cased ids of every repository reclaim owns (released or already free): the sweep must not protect them. */
  claimed: Set<string>;
  /** Lower-cased full names of the live repositories reclaim owns (archived ones): the sweep's selection leaves them out. */
  claimedNames: Set<string>;
  /** Reclaimed repositories (with at least one change) and why, by lower-cased id. */
  reasons: Map<string, ReclaimSource[]>;
  plan: ReleasePlan;
}

/**
 * The reclaim plan, pure: among repositories matched by the patterns, those Xopero ONE marks removed
 * (`removed`) and those whose full name is in `archived` (lower-cased, `archived`), released from every plan
 * and their license. A repository with nothing to release is claimed (a sweep must not re-protect it) but
 * not listed.
 */
export function planReclaim(input: {
  repositories: Repository[];
  assigned: AssignedPlan[];
  matches: (fullName: string) => boolean;
  sources: ReclaimSource[];
  archived?: Set<string>;
  planNames?: OrganizationPlan[];
}): ReclaimCandidates {
  const claimed = new Set<string>();
  const claimedNames = new Set<string>();
  const reasonsById = new Map<string, { repo: Repository; reasons: ReclaimSource[] }>();
  for (const repo of input.repositories) {
    if (!input.matches(repo.name)) continue;
    const reasons: ReclaimSource[] = [];
    if (input.sources.includes('removed') && repo.isRemoved) reasons.push('removed');
    if (input.sources.includes('archived') && input.archived?.has(repo.name.toLowerCase())) reasons.push('archived');
    if (reasons.length === 0) continue;
    claimed.add(repo.id.toLowerCase());
    if (!repo.isRemoved) claimedNames.add(repo.name.toLowerCase());
    reasonsById.set(repo.id.toLowerCase(), { repo, reasons });
  }
  const targets = [...reasonsById.values()].map((entry) => entry.repo);
  const plan = planRelease(targets, input.assigned, { remove: false, planNames: input.planNames });
  const changing = new Set(plan.changes.map((change) => change.repository.id.toLowerCase()));
  const reasons = new Map([...reasonsById].filter(([id]) => changing.has(id)).map(([id, entry]) => [id, entry.reasons]));
  // Notes only for repositories that are released: an already-free repository in an all-repositories plan is no news.
  plan.notes = plan.notes.filter((note) => targets.some((repo) => changing.has(repo.id.toLowerCase()) && note.includes(`'${repo.name}'`)));
  return { claimed, claimedNames, reasons, plan };
}

// ---- applying ---------------------------------------------------------------------------------------------

/**
 * Runs the changes: detaches and deactivations at once (independent of each other), then the removals, each
 * only for a repository whose other changes succeeded (a removal comes after deactivation, never instead).
 * Outcomes are recorded at each change's index, so they come back in list order whatever order the answers
 * arrive in. A cancellation ends the run; any other failure is recorded and the rest goes on.
 */
export async function applyRelease(client: XoperoApi, changes: ReleaseChange[]): Promise<ReleaseStep[]> {
  const steps: ReleaseStep[] = changes.map((change) => ({ ...change, outcome: 'done' }));
  const indexes = (action: ReleaseAction) => changes.flatMap((change, index) => (change.action === action ? [index] : []));
  const fail = (index: number, reason: string) => {
    steps[index].outcome = 'failed';
    steps[index].reason = reason;
  };
  const recorded = (error: unknown) => {
    if (error instanceof CancelledError) throw error;
    return explainFailure(error);
  };

  const detaching = mapConcurrent(indexes('detach'), DETACH_CONCURRENCY, async (index) => {
    try {
      const { plan, repository } = changes[index];
      // A detach change always names its plan (planRelease makes one per plan that lists the repository).
      if (!plan) throw new Error(`detach of ${repository.name} without a plan`);
      await client.detach(plan.id, repository.id);
    } catch (error) {
      fail(index, recorded(error));
    }
  });
  const deactivations = indexes('deactivate');
  const batches: number[][] = [];
  for (let i = 0; i < deactivations.length; i += DEACTIVATION_BATCH) batches.push(deactivations.slice(i, i + DEACTIVATION_BATCH));
  const deactivating = mapConcurrent(batches, DEACTIVATION_CONCURRENCY, async (batch) => {
    try {
      // 200 even when it fails: the per-id lists are the answer; only an id listed under success is freed.
      const answer = await client.deactivate(batch.map((index) => changes[index].repository.id));
      const freed = new Set(answer.activated.map((id) => id.toLowerCase()));
      const codes = new Map([...answer.failed].map(([id, code]) => [id.toLowerCase(), code]));
      for (const index of batch) {
        const id = changes[index].repository.id.toLowerCase();
        const code = codes.get(id);
        if (code) fail(index, explainErrorCode(code));
        else if (!freed.has(id))
          fail(
            index,
            "not confirmed: Xopero ONE's answer lists it neither as deactivated nor as failed; check the repository in Xopero ONE and re-run",
          );
      }
    } catch (error) {
      const reason = recorded(error);
      for (const index of batch) fail(index, reason);
    }
  });
  await Promise.all([detaching, deactivating]);

  const failedRepos = new Set(steps.filter((step) => step.outcome === 'failed').map((step) => step.repository.id.toLowerCase()));
  const removals = indexes('remove').filter((index) => {
    if (!failedRepos.has(changes[index].repository.id.toLowerCase())) return true;
    steps[index].outcome = 'skipped';
    steps[index].reason = 'not removed because releasing it failed; re-run once that is fixed';
    return false;
  });
  await mapConcurrent(removals, REMOVE_CONCURRENCY, async (index) => {
    try {
      const answer = await client.remove(changes[index].repository.id);
      const code = removeFailure(answer.errors, answer.failedIds, changes[index].repository.id);
      // GT1001 after a retried call: the first one removed it. Either way it is gone.
      if (code && code !== 'GT1001') fail(index, explainErrorCode(code));
    } catch (error) {
      fail(index, recorded(error));
    }
  });
  return steps;
}

function removeFailure(
  errors: Array<{ id?: string; errorCode?: string } | string> | undefined,
  failedIds: string[] | undefined,
  id: string,
): string | undefined {
  for (const entry of errors ?? []) {
    if (typeof entry === 'string') return entry;
    if (!entry.id || sameId(entry.id, id)) return entry.errorCode ?? 'unknown';
  }
  return (failedIds ?? []).some((failed) => sameId(failed, id)) ? 'unknown' : undefined;
}

/** The client's one-line message, with the meaning of the server's code where the code is documented here. */
function explainFailure(error: unknown): string {
  const message = describeError(error);
  if (error instanceof ApiError && error.code && error.status !== 403) {
    const explained = explainErrorCode(error.code);
    if (!explained.includes('see the Xopero ONE documentation')) return `${message} ${explained}.`;
  }
  return message;
}

/** "acme/svc: detach from plan 'Nightly'", "acme/svc: license deactivated" in a log line. */
export function describeChange(change: ReleaseChange, done: boolean): string {
  const name = change.repository.name;
  if (change.action === 'detach') return `${name}: ${done ? 'detached from' : 'detach from'} plan '${change.plan?.name}'`;
  if (change.action === 'remove') return `${name}: ${done ? 'removed from Xopero ONE' : 'remove from Xopero ONE'} (backups kept)`;
  return `${name}: ${done ? 'license deactivated' : 'deactivate the license'}`;
}

// ---- mode: release (one repository) -----------------------------------------------------------------------

export interface ReleaseResult {
  kind: 'release';
  server: string;
  /** ensure: release; check (mode: release-check): change nothing, fail when something would change. */
  mode: Settings['mode'];
  dryRun: boolean;
  organization: { id: string; name: string };
  repository: { id: string; name: string; known: boolean; removedAtSource: boolean };
  plan?: { id: string; name: string };
  /** The changes in list order, with their outcomes ('would' in a dry run or check). */
  steps: ReleaseStep[];
  licensesFreed: number;
  notes: string[];
  changed: boolean;
  problems: string[];
}

export async function releaseRepository(context: RunContext): Promise<ReleaseResult> {
  const { client, settings, log } = context;
  const readOnly = settings.dryRun || settings.mode === 'check';
  await log.group('Sign in', async () => {
    await client.login();
    log.info(settings.credentials.kind === 'token' ? 'Using the given access token.' : `Signed in to ${settings.serverUrl.origin}.`);
  });
  const found = await log.group('Find the organization, repository and plans', async () => {
    const organization = findOrganization(await client.listOrganizations(), settings.organization);
    log.info(`Organization: ${organization.name} (${organization.id})`);
    // The plan is resolved before anything changes: an unknown plan must fail a run that changed nothing.
    const plan = settings.plan ? findPlan(organization, settings.plan) : undefined;
    if (plan) log.info(`Plan: ${plan.name} (${plan.id})`);
    const fullName = fullRepositoryName(settings.repository, organization);
    const [lookup, assigned] = await Promise.all([
      lookupRepository(client, organization, fullName),
      client.listAssignedPlans(organization.id),
    ]);
    return { organization, plan, fullName, assigned, repository: lookup.live ?? lookup.removed };
  });
  const { organization, plan, fullName, assigned, repository } = found;
  const result: ReleaseResult = {
    kind: 'release',
    ...resultHead(settings, organization, plan),
    repository: {
      id: repository?.id ?? '',
      name: repository?.name ?? fullName,
      known: Boolean(repository),
      removedAtSource: Boolean(repository?.isRemoved),
    },
    steps: [],
    licensesFreed: 0,
    notes: [],
    changed: false,
    problems: [],
  };
  if (!repository) {
    // Nothing of that name holds a license or a place in a plan: released already (or never protected).
    log.info(`${fullName} is not known to Xopero ONE in '${organization.name}': nothing to release.`);
    return result;
  }
  log.info(
    `Repository: ${repository.name} (${repository.id}), ${repository.isProtected ? 'holds a license' : 'holds no license'}${repository.isRemoved ? ', removed at the source' : ''}.`,
  );
  const planned = planRelease([repository], assigned, { onlyPlan: plan, remove: settings.remove, planNames: organization.plans });
  result.notes = planned.notes;
  for (const note of planned.notes) log.warning(note);
  if (readOnly) {
    result.steps = planned.changes.map((change) => ({ ...change, outcome: 'would' }));
    const prefix = settings.mode === 'check' ? 'Check' : 'Dry run';
    log.info(
      planned.changes.length
        ? `${prefix}: would ${planned.changes.map((c) => describeChange(c, false)).join('; ')}. Nothing was changed.`
        : `${prefix}: nothing to release.`,
    );
    if (settings.mode === 'check' && planned.changes.length > 0) {
      result.problems.push(
        `'${repository.name}' is not released: it ${holdsWhat(planned.changes)} (mode: release-check changes nothing; run with mode: release to release it).`,
      );
    }
    return result;
  }
  if (planned.changes.length === 0) {
    log.info(
      `Nothing to change: ${repository.name} holds no license${plan ? ` and is not in plan '${plan.name}'` : ' and is in no plan'}.`,
    );
    return result;
  }
  result.steps = await log.group('Release', () => applyRelease(client, planned.changes));
  logSteps(log, result.steps);
  result.changed = result.steps.some((step) => step.outcome === 'done');
  result.licensesFreed = result.steps.filter((step) => step.action === 'deactivate' && step.outcome === 'done').length;
  for (const step of result.steps.filter((s) => s.outcome === 'failed')) result.problems.push(`${failedWords(step)}: ${step.reason}`);
  return result;
}

function holdsWhat(changes: ReleaseChange[]): string {
  const plans = changes.filter((c) => c.action === 'detach').map((c) => `'${c.plan?.name}'`);
  const parts = [
    changes.some((c) => c.action === 'deactivate') ? 'holds a license' : '',
    plans.length ? `is in plan ${plans.join(', ')}` : '',
    changes.some((c) => c.action === 'remove') ? 'is still in Xopero ONE (remove: true)' : '',
  ].filter(Boolean);
  return parts.join(' and ');
}

function failedWords(step: ReleaseStep): string {
  const name = `'${step.repository.name}'`;
  if (step.action === 'detach') return `Detaching ${name} from plan '${step.plan?.name}' failed`;
  if (step.action === 'deactivate') return `Deactivating the license of ${name} failed`;
  return `Removing ${name} from Xopero ONE ${step.outcome === 'skipped' ? 'was skipped' : 'failed'}`;
}

function logSteps(log: Log, steps: ReleaseStep[]): void {
  for (const step of steps) {
    if (step.outcome === 'done') log.info(`${describeChange(step, true)}.`);
    else log.warning(`${failedWords(step)}: ${step.reason}`);
  }
}

// ---- reclaim in a sweep -----------------------------------------------------------------------------------

export interface ReclaimEntry {
  repository: string;
  id: string;
  reasons: ReclaimSource[];
  steps: Array<{ action: ReleaseAction; plan?: string; outcome: ChangeOutcome; reason?: string }>;
}

export interface ReclaimResult {
  sources: ReclaimSource[];
  limit: number;
  /** Repositories matched by the patterns that reclaim owns (removed or archived), released or already free. */
  claimed: number;
  /** Repositories to release (sorted by name), why, and what was (or would be) done to each. */
  entries: ReclaimEntry[];
  /** Names of the repositories fully released by this run, sorted by name. */
  released: string[];
  licensesFreed: number;
  /** In a dry run or check: licenses a real run would free. */
  wouldFree: number;
  archivedSeen?: number;
  notes: string[];
  changed: boolean;
  problems: string[];
}

/**
 * Reclaim inside a sweep. `select` runs where the sweep resolves its selection (the organization and plan are
 * found, nothing is changed yet): it reads what reclaim needs (every repository, removed ones included, the
 * plans' membership, the archived repositories), plans, enforces release-limit, and narrows the sweep's
 * selection so the sweep does not protect what reclaim owns. The selection's `beforeChanges` releases, before
 * the sweep's own changes, so freed licenses serve its activations. `result()` says what was (or would be) done.
 */
export class Reclaim {
  private candidates?: ReclaimCandidates;
  private archivedSeen?: number;
  private steps?: ReleaseStep[];

  constructor(private readonly context: RunContext & ReleaseHost) {}

  async select(organization: Organization, base: Selection): Promise<Selection> {
    const { client, settings, log } = this.context;
    const sources = settings.reclaim;
    const [{ repositories }, assigned, archivedNames] = await Promise.all([
      client.listRepositories(organization.id),
      client.listAssignedPlans(organization.id),
      sources.includes('archived') ? this.listArchived(organization.name) : Promise.resolve(undefined),
    ]);
    const archived = archivedNames && new Set(archivedNames.map((name) => name.toLowerCase()));
    if (archivedNames)
      log.info(`GitHub lists ${plural(archivedNames.length, 'archived repository', 'archived repositories')} of ${organization.name}.`);
    const candidates = planReclaim({ repositories, assigned, matches: base.matches, sources, archived, planNames: organization.plans });
    this.candidates = candidates;
    this.archivedSeen = archivedNames?.length;
    const count = candidates.reasons.size;
    const licenses = candidates.plan.changes.filter((c) => c.action === 'deactivate').length;
    log.info(
      `Reclaim (${sources.join(', ')}): ${plural(count, 'repository', 'repositories')} to release, ${plural(licenses, 'license')} to free.`,
    );
    const readOnly = settings.dryRun || settings.mode === 'check';
    if (count > settings.releaseLimit && !readOnly) {
      throw new XoperoError(
        `Reclaim would release ${count} repositories (${licenses} licenses), more than release-limit (${settings.releaseLimit}); nothing was changed. If that many really are ${sources.join(' or ')}, raise release-limit to ${count}; otherwise check repositories and github-token.`,
      );
    }
    const claimed = candidates.claimedNames;
    return {
      ...base,
      literals: base.literals.filter((name) => !claimed.has(name.toLowerCase())),
      matches: (fullName) => base.matches(fullName) && !claimed.has(fullName.toLowerCase()),
      beforeChanges: () => this.apply(),
    };
  }

  private async listArchived(owner: string): Promise<string[]> {
    const lister = this.context.listArchived;
    if (!lister)
      throw new XoperoError(
        'reclaim: archived needs the GitHub API, which this host does not offer: run it from the GitHub Action, or from the CLI with XOPERO_GITHUB_TOKEN set.',
      );
    return lister(owner);
  }

  private async apply(): Promise<void> {
    const changes = this.candidates?.plan.changes ?? [];
    this.steps = changes.length ? await this.context.log.group('Reclaim licenses', () => applyRelease(this.context.client, changes)) : [];
  }

  /** What reclaim did (or, in a dry run or check, would do); problems make the sweep fail. */
  result(): ReclaimResult {
    const { settings, log } = this.context;
    const readOnly = settings.dryRun || settings.mode === 'check';
    const plan = this.candidates?.plan ?? { changes: [], notes: [] };
    const reasons = this.candidates?.reasons ?? new Map<string, ReclaimSource[]>();
    const result: ReclaimResult = {
      sources: settings.reclaim,
      limit: settings.releaseLimit,
      claimed: this.candidates?.claimed.size ?? 0,
      entries: [],
      released: [],
      licensesFreed: 0,
      wouldFree: 0,
      archivedSeen: this.archivedSeen,
      notes: plan.notes,
      changed: false,
      problems: [],
    };
    for (const note of plan.notes) log.warning(note);
    const steps: ReleaseStep[] = readOnly || !this.steps ? plan.changes.map((change) => ({ ...change, outcome: 'would' })) : this.steps;
    const entries = new Map<string, ReclaimEntry>();
    for (const step of steps) {
      const key = step.repository.id.toLowerCase();
      let entry = entries.get(key);
      if (!entry) {
        entry = { repository: step.repository.name, id: step.repository.id, reasons: reasons.get(key) ?? [], steps: [] };
        entries.set(key, entry);
      }
      entry.steps.push({ action: step.action, plan: step.plan?.name, outcome: step.outcome, reason: step.reason });
    }
    // The plan lists repositories by name already; sorted again so the order never depends on anything else.
    result.entries = [...entries.values()].sort((a, b) => compareNames(a.repository, b.repository));
    const deactivations = steps.filter((step) => step.action === 'deactivate');
    result.licensesFreed = deactivations.filter((step) => step.outcome === 'done').length;
    result.wouldFree = readOnly ? deactivations.length : 0;
    result.changed = steps.some((step) => step.outcome === 'done');
    result.released = readOnly ? [] : result.entries.filter((e) => e.steps.every((s) => s.outcome === 'done')).map((e) => e.repository);

    const count = result.entries.length;
    const what = result.sources.join(' or ');
    if (readOnly) {
      const prefix = settings.mode === 'check' ? 'Check' : 'Dry run';
      log.info(
        `${prefix}: reclaim would release ${plural(count, 'repository', 'repositories')} (${plural(result.wouldFree, 'license')})${count ? `: ${result.entries.map((e) => e.repository).join(', ')}` : ''}.`,
      );
      if (count > settings.releaseLimit) {
        result.problems.push(
          `Reclaim would release ${count} repositories, more than release-limit (${settings.releaseLimit}): a real run would stop before changing anything. If that many really are ${what}, raise release-limit to ${count}.`,
        );
      }
      if (settings.mode === 'check' && count > 0) {
        result.problems.push(
          `${count} ${what} repositories still hold a license or a place in a plan; mode: check changes nothing: run with mode: ensure to release them.`,
        );
      }
      return result;
    }
    const failed = result.entries.filter((e) => e.steps.some((s) => s.outcome !== 'done'));
    log.info(
      `Reclaim: released ${plural(result.released.length, 'repository', 'repositories')}, freed ${plural(result.licensesFreed, 'license')}${failed.length ? `, ${failed.length} failed` : ''}.`,
    );
    for (const name of result.released) log.info(`Released ${name}.`);
    for (const e of failed) {
      const why = e.steps
        .filter((s) => s.outcome !== 'done')
        .map((s) => `${s.action}${s.plan ? ` from '${s.plan}'` : ''}: ${s.reason}`)
        .join('; ');
      log.warning(`${e.repository}: ${why}`);
    }
    if (failed.length > 0) {
      result.problems.push(
        `Reclaim could not fully release ${failed.length} of ${count} repositories (${failed
          .slice(0, 5)
          .map((e) => e.repository)
          .join(', ')}${failed.length > 5 ? ', …' : ''}); the summary says why. The others were released; re-run after fixing the cause.`,
      );
    }
    return result;
  }
}
