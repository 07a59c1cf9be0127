/**
 * Plan membership as a lookup, once per plan object: a plan's ids go into a set the first time one of them is
 * looked up, so a sweep of 10,000 repositories stays linear and the 1,000 runs of a broker's burst, which share
 * one read of the membership (shared-session.ts), do not each index the same 10,000 ids. A plan object is never
 * changed once read, so its lookup stays true. The shared session gives each plan object it builds (a read plan
 * plus the attachments confirmed since) its lookup at once, from the set it keeps of the read and the few ids
 * added since: rebuilding the set after every confirmed attachment cost a burst 1.2 ms of CPU per run (measured)
 * and about 1 MB of garbage (10,000 ids lowercased into a new set whose table lands in V8's large-object space).
 */
import type { AssignedPlan } from './api-types.js';

/** Whether a lowercased repository id is among the plan's. */
export type MemberLookup = (lowercasedId: string) => boolean;

const lookups = new WeakMap<AssignedPlan, MemberLookup>();

/** The plan's lookup: the one given with `giveMemberLookup`, else a set of its ids built now. */
export function memberLookup(plan: AssignedPlan): MemberLookup {
  let lookup = lookups.get(plan);
  if (!lookup) {
    const ids = new Set((plan.repositoryIds ?? []).map((id) => id.toLowerCase()));
    lookup = (id) => ids.has(id);
    lookups.set(plan, lookup);
  }
  return lookup;
}

/** For a plan object its builder already has an index of: `lookup` must agree with the plan's repositoryIds. */
export function giveMemberLookup(plan: AssignedPlan, lookup: MemberLookup): void {
  lookups.set(plan, lookup);
}
