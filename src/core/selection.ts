/**
 * Which repositories a run reads and changes (one repository, a sweep's patterns, a shard's part of them).
 * Its own file so that ensure.ts (which reads and changes) and shard.ts (which narrows a selection) share the
 * type without importing each other.
 */
import type { Repository } from '../xopero/api-types.js';
import type { Shard } from '../settings/shard.js';

export interface Selection {
  /** Full names given without a wildcard: the user expects them to exist (unknown ones call for a sync). */
  literals: string[];
  matches(fullName: string): boolean;
  /** Some include pattern has a wildcard: a synchronization may bring in new matches. */
  hasWildcards: boolean;
  /** One repository: read with the server's name filter (one small request) rather than the whole list. */
  single?: string;
  /** What to hold of the repository list while reading it (a shard: its own and the named ones); all when absent. */
  keep?: (repo: Repository) => boolean;
  /** A shard of a sweep (src/core/shard.ts): only shard 1 starts a synchronization, the others wait for it. */
  shard?: ShardSync;
  /** Runs after the read, before the first change of a run that changes things (reclaim releases here). */
  beforeChanges?: () => Promise<void>;
}

/** A shard's part in the synchronization (Selection.shard). */
export interface ShardSync {
  shard: Shard;
  /** When this run started (epoch ms): shards 2..n accept a synchronization started since about then. */
  startedAt: number;
  /** Shard 1 only: the other shards' names without a wildcard; one of them unknown calls for a synchronization here too. */
  otherLiterals: string[];
}
