/**
 * The `shard` input (`i/n`): which part of a sharded organization sweep this job is. Parsed here with the
 * other settings; what a shard does (the hash that assigns repositories to shards, the synchronization
 * shard 1 starts for all) is the core's, in src/core/shard.ts.
 */
import { InputError } from '../common/errors.js';

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

/** A GitHub matrix is at most 256 jobs; a GitLab `parallel:` at most 200. More would be a typo. */
export const MAX_SHARDS = 256;

/** Parses `i/n` (1-based). Empty: no sharding. Any other shape is one line naming the input. */
export function parseShard(value: string, input = 'shard'): Shard | undefined {
  const text = value.trim();
  if (!text) return undefined;
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(text);
  if (!match) {
    throw new InputError(
      input,
      `expected i/n, this job's shard number and the number of shards (e.g. 1/4; in a GitHub matrix \${{ matrix.shard }}/\${{ strategy.job-total }} with shard: [1, 2, 3, 4]), got '${text}'.`,
    );
  }
  const index = Number(match[1]);
  const total = Number(match[2]);
  if (total < 1) throw new InputError(input, `the number of shards must be at least 1, got '${text}'.`);
  if (total > MAX_SHARDS) throw new InputError(input, `at most ${MAX_SHARDS} shards, got '${text}'.`);
  if (index < 1)
    throw new InputError(
      input,
      `shard numbers start at 1 (1 to ${total}), got '${text}' (GitHub's strategy.job-index starts at 0 and expressions cannot add: list the shard numbers 1..n in the matrix).`,
    );
  if (index > total) throw new InputError(input, `shard ${index} does not exist among ${total} shards (1 to ${total}), got '${text}'.`);
  return { index, total };
}

export const formatShard = (shard: Shard) => `${shard.index}/${shard.total}`;
