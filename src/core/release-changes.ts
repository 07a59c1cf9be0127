/**
 * The release change list, pure: what releasing repositories takes (detach from a plan, deactivate the license,
 * remove from Xopero ONE), in the order it is applied, for `mode: release` (release.ts) and for reclaim in a
 * sweep (reclaim.ts). Named like the protect run's change list (changes.ts, `listChanges`); "plan" in this
 * code means a Xopero ONE backup plan only.
 *
 * Nothing is detached, deactivated or removed that the user did not ask for: `mode: release` touches the one
 * repository, reclaim only repositories matched by `repositories` that are removed or archived.
 */
import type { AssignedPlan, OrganizationPlan, Repository } from '../xopero/api-types.js';
import type { ReclaimSource } from '../settings/release.js';
import { compareNames } from './changes.js';

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

export interface ReleaseChangeList {
  changes: ReleaseChange[];
  /** One line each: what cannot be done and why (a plan that includes all repositories). */
  notes: string[];
}

const byName = (a: { name: string }, b: { name: string }) => compareNames(a.name, b.name);
export const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** A plan's name: the membership list carries it; the organization's plan list is the fallback. */
export const planName = (plan: AssignedPlan, named: OrganizationPlan[] = []) =>
  plan.name || named.find((p) => sameId(p.id, plan.id))?.name || plan.id;

/**
 * The changes that release `targets`: per repository (sorted by name), detach from each plan that lists it
 * (only `onlyPlan` when given), deactivate its license when it holds one, remove it when asked. A plan that
 * includes all repositories cannot drop one (the API detaches only listed repositories): that is a note, and
 * the deactivation still stops its backups.
 */
export function listReleaseChanges(
  targets: Repository[],
  assigned: AssignedPlan[],
  options: { onlyPlan?: { id: string; name: string }; remove: boolean; planNames?: OrganizationPlan[] },
): ReleaseChangeList {
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
  list: ReleaseChangeList;
}

/**
 * The reclaim plan, pure: among repositories matched by the patterns, those Xopero ONE marks removed
 * (`removed`) and those whose full name is in `archived` (lower-cased, `archived`), released from every plan
 * and their license. A repository with nothing to release is claimed (a sweep must not re-protect it) but
 * not listed.
 */
export function listReclaimChanges(input: {
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
  const list = listReleaseChanges(targets, input.assigned, { remove: false, planNames: input.planNames });
  const changing = new Set(list.changes.map((change) => change.repository.id.toLowerCase()));
  const reasons = new Map([...reasonsById].filter(([id]) => changing.has(id)).map(([id, entry]) => [id, entry.reasons]));
  // Notes only for repositories that are released: an already-free repository in an all-repositories plan is no news.
  list.notes = list.notes.filter((note) => targets.some((repo) => changing.has(repo.id.toLowerCase()) && note.includes(`'${repo.name}'`)));
  return { claimed, claimedNames, reasons, list };
}

/** "acme/svc: detach from plan 'Nightly'", "acme/svc: license deactivated" in a log line. */
export function describeChange(change: ReleaseChange, done: boolean): string {
  const name = change.repository.name;
  if (change.action === 'detach') return `${name}: ${done ? 'detached from' : 'detach from'} plan '${change.plan?.name}'`;
  if (change.action === 'remove') return `${name}: ${done ? 'removed from Xopero ONE' : 'remove from Xopero ONE'} (backups kept)`;
  return `${name}: ${done ? 'license deactivated' : 'deactivate the license'}`;
}
