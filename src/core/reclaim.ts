/**
 * Reclaim in a sweep (`reclaim: removed, archived`): repositories Xopero ONE marks removed, and archived
 * repositories of the GitHub organization, released from every plan and their license before the sweep's own
 * changes, so freed licenses serve its activations. Only repositories matched by `repositories`.
 */
import { XoperoError } from '../common/errors.js';
import { plural } from '../common/text.js';
import type { ReclaimSource } from '../settings/release.js';
import type { Organization } from '../xopero/api-types.js';
import { compareNames } from './changes.js';
import type { RunContext } from './context.js';
import { applyReleaseChanges } from './release-apply.js';
import { listReclaimChanges, type ChangeOutcome, type ReclaimCandidates, type ReleaseAction, type ReleaseStep } from './release-changes.js';
import type { Selection } from './selection.js';

/**
 * Lists the archived repositories of a Git organization (full names, `owner/name`). The host provides it
 * (GitHub: src/hosts/github-archived.ts); the core never imports a Git service's client.
 */
export type ArchivedLister = (owner: string) => Promise<string[]>;

/** What a host passes to the core for releasing, besides the settings. */
export interface ReleaseHost {
  listArchived?: ArchivedLister;
}

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
  /** In a shard: what the whole sweep (every shard's share) releases, the count release-limit applies to. */
  private sweepTotal?: { count: number; shards: number };
  private archivedSeen?: number;
  private steps?: ReleaseStep[];

  constructor(private readonly context: RunContext & ReleaseHost) {}

  /**
   * `wholeSweep` matches every shard's repositories (the patterns without the shard's share): release-limit is
   * the sweep's, not each shard's. Every shard reads the whole list anyway, so each counts what all of them
   * together would release and refuses on that count; n shards cannot release n times the limit.
   */
  async select(organization: Organization, base: Selection, wholeSweep?: (fullName: string) => boolean): Promise<Selection> {
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
    const candidates = listReclaimChanges({
      repositories,
      assigned,
      matches: base.matches,
      sources,
      archived,
      planNames: organization.plans,
    });
    this.candidates = candidates;
    this.archivedSeen = archivedNames?.length;
    const count = candidates.reasons.size;
    const licenses = candidates.list.changes.filter((c) => c.action === 'deactivate').length;
    log.info(
      `Reclaim (${sources.join(', ')}): ${plural(count, 'repository', 'repositories')} to release, ${plural(licenses, 'license')} to free.`,
    );
    const shards = base.shard?.shard.total;
    if (shards && wholeSweep) {
      const sweep = listReclaimChanges({ repositories, assigned, matches: wholeSweep, sources, archived, planNames: organization.plans });
      this.sweepTotal = { count: sweep.reasons.size, shards };
      log.info(`Reclaim: the sweep's ${shards} shards together release ${plural(sweep.reasons.size, 'repository', 'repositories')}.`);
    }
    const readOnly = settings.dryRun || settings.mode === 'check';
    const limited = this.sweepTotal?.count ?? count;
    if (limited > settings.releaseLimit && !readOnly) {
      throw new XoperoError(
        `Reclaim would release ${this.releaseCount(count, licenses)}, more than ${settings.words.name('release-limit')} (${settings.releaseLimit}); nothing was changed. If that many really are ${sources.join(' or ')}, raise ${settings.words.name('release-limit')} to ${limited}; otherwise check ${settings.words.name('repositories')}${sources.includes('archived') ? ` and ${settings.words.name('github-token')}` : ''}.`,
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

  /**
   * "3 repositories (3 licenses)", or in a shard "7 repositories across the sweep's 3 shards (1 in this one, 1
   * license)"; without `licenses`, the counts of repositories alone.
   */
  private releaseCount(count: number, licenses?: number): string {
    const freed = licenses === undefined ? '' : plural(licenses, 'license');
    if (!this.sweepTotal) return `${count} repositories${freed ? ` (${freed})` : ''}`;
    return `${this.sweepTotal.count} repositories across the sweep's ${this.sweepTotal.shards} shards (${count} in this one${freed ? `, ${freed}` : ''})`;
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
    const changes = this.candidates?.list.changes ?? [];
    this.steps = changes.length
      ? await this.context.log.group('Reclaim licenses', () => applyReleaseChanges(this.context.client, changes))
      : [];
  }

  /** What reclaim did (or, in a dry run or check, would do); problems make the sweep fail. */
  result(): ReclaimResult {
    const { settings, log } = this.context;
    const readOnly = settings.dryRun || settings.mode === 'check';
    const list = this.candidates?.list ?? { changes: [], notes: [] };
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
      notes: list.notes,
      changed: false,
      problems: [],
    };
    for (const note of list.notes) log.warning(note);
    const steps: ReleaseStep[] = readOnly || !this.steps ? list.changes.map((change) => ({ ...change, outcome: 'would' })) : this.steps;
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
    // The change list names repositories in order already; sorted again so the order never depends on anything else.
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
      const limited = this.sweepTotal?.count ?? count;
      if (limited > settings.releaseLimit) {
        result.problems.push(
          `Reclaim would release ${this.releaseCount(count)}, more than ${settings.words.name('release-limit')} (${settings.releaseLimit}): a real run would stop before changing anything. If that many really are ${what}, raise ${settings.words.name('release-limit')} to ${limited}.`,
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
