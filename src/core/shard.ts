/**
 * Shards: one organization sweep split over the jobs of a CI matrix (`shard: i/n`).
 *
 * Every shard reads the whole organization (the same list in every shard) and changes only the repositories
 * that hash to it. The hash is FNV-1a, 32-bit, over the UTF-8 bytes of the repository's full name lower-cased
 * (`acme/api`, `group/subgroup/name`); the repository belongs to shard `(hash mod n) + 1`. It depends on the
 * name alone: not on listing order, page boundaries, or the other repositories, so a repository added tomorrow
 * moves no other one. FNV-1a is a dozen lines in any language (README, "Shards", shows one), so a user can
 * predict where a repository goes without running anything.
 *
 * A synchronization is started by shard 1 only; shards 2..n wait for it (see startsSynchronization).
 */
import type { HostWords } from '../common/words.js';
import { XoperoError } from '../common/errors.js';
import { formatShard, type Shard } from '../settings/shard.js';
import type { Organization } from '../xopero/api-types.js';
// Types only: the report bundle stays without the client and the core.
import type { XoperoApi } from '../xopero/client.js';
import type { Selection, ShardSync } from './selection.js';
import type { Log } from './log.js';
import type { Clock } from './synchronize.js';

/** The sweep result document's format (`xopero-one report` reads it); raise it when a field changes meaning. */
export const RESULT_FORMAT_VERSION = 1;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32-bit, of the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** The shard (1-based) a repository's full name belongs to among `total`. */
export function shardOf(fullName: string, total: number): number {
  return (fnv1a32(fullName.toLowerCase()) % total) + 1;
}

/**
 * The shard's part of a sweep's selection (`sweepOrganization` wraps `compilePatterns` with it): it matches
 * only the repositories whose hash maps to this shard, and owns only those of the names given without a
 * wildcard, so a missing name owned by another shard is not this shard's to synchronize for, report or change.
 * While reading the list it keeps its own repositories and every named one (the names are checked against the
 * whole list). Unsharded (or 1/1): the selection as it is.
 */
export function shardSelection(selection: Selection, shard: Shard | undefined, startedAt: number): Selection {
  if (!shard || shard.total === 1) return selection;
  const own = (name: string) => shardOf(name, shard.total) === shard.index;
  const named = new Set(selection.literals.map((name) => name.toLowerCase()));
  return {
    ...selection,
    literals: selection.literals.filter(own),
    matches: (fullName) => own(fullName) && selection.matches(fullName),
    keep: (repo) => own(repo.name) || named.has(repo.name.toLowerCase()),
    shard: {
      shard,
      startedAt,
      // Shard 1 synchronizes for every shard: an unknown name of any shard calls for one here.
      otherLiterals: shard.index === 1 ? selection.literals.filter((name) => !own(name)) : [],
    },
  };
}

/**
 * Only shard 1 (or an unsharded run) starts a synchronization. Decision: one shard decides for all, so several
 * shards needing one never start several; shard 1 because every matrix has it. It synchronizes when any
 * shard's named repository is unknown (it reads the whole list and knows all names) or with sync: always.
 */
export const startsSynchronization = (shard: Shard | undefined) => !shard || shard.index === 1;

const WAIT_POLL_MS = [500, 1000, 2000, 3000, 5000];

/**
 * Shards 2..n, when the sweep wants a synchronization: wait, within wait-timeout, until one has run that
 * started no earlier than wait-timeout before this shard did (shard 1's: the jobs of a matrix start within
 * seconds of one another, and a list refreshed that recently is what shard 1 gets too), and is over; resolves
 * to its start (the server's time). The server's clock is compared with ours; wait-timeout is the slack, so a
 * skew of a few seconds is harmless.
 *
 * `newerThan`: wait instead for one that started after that start (ensure.ts: the one found predates this shard
 * and lacks a name it owns); on timeout, resolve to undefined rather than fail.
 */
export async function waitForShardSync(
  {
    client,
    log,
    clock,
    waitTimeoutSeconds,
    words,
  }: { client: XoperoApi; log: Log; clock: Clock; waitTimeoutSeconds: number; words: HostWords },
  { shard, startedAt }: ShardSync,
  organization: Organization,
  newerThan?: number,
): Promise<number | undefined> {
  const window = waitTimeoutSeconds * 1000;
  const deadline = clock.now() + window;
  log.info(
    newerThan === undefined
      ? `Shard ${formatShard(shard)}: waiting up to ${waitTimeoutSeconds} s for the synchronization of ${organization.name} that shard 1 starts.`
      : `Shard ${formatShard(shard)}: the synchronization it found started before this shard did, and did not bring every name it owns; waiting up to ${waitTimeoutSeconds} s for a newer one of shard 1.`,
  );
  for (let poll = 0; ; poll++) {
    const state = await client.synchronizationState(organization.id);
    const started = state.lastStartTime;
    const recent = started !== undefined && (newerThan === undefined ? started >= startedAt - window : started > newerThan);
    if (recent && !state.inProgress) return started;
    const delay = WAIT_POLL_MS[Math.min(poll, WAIT_POLL_MS.length - 1)];
    if (clock.now() + delay > deadline) break;
    await clock.sleep(delay);
  }
  if (newerThan !== undefined) return undefined;
  throw new XoperoError(
    `Shard ${formatShard(shard)}: no synchronization of '${organization.name}' started by shard 1 finished within ${waitTimeoutSeconds} s: check shard 1's log, or raise ${words.name('wait-timeout')}.`,
  );
}
