/** A shard's selection and its wait for shard 1's synchronization, without a server (a fake clock, a scripted client). */
import { COMPONENT_WORDS } from '../../../src/hosts/gitlab-words.js';
import { describe, expect, test } from '@jest/globals';
import type { ShardSync } from '../../../src/core/selection.js';
import { shardOf, shardSelection, waitForShardSync } from '../../../src/core/shard.js';
import { compilePatterns } from '../../../src/core/patterns.js';
import type { Clock } from '../../../src/core/synchronize.js';
import type { XoperoClient } from '../../../src/xopero/client.js';
import type { Repository } from '../../../src/xopero/api-types.js';

const names = Array.from({ length: 60 }, (_, i) => `acme/repo-${i}`);
const repo = (name: string) => ({ id: name, name }) as Repository;

describe('shardSelection', () => {
  test('each matched name in exactly one shard; literals owned like repositories; shard 1 knows the others', () => {
    const literals = ['acme/named-a', 'acme/named-b', 'acme/named-c', 'acme/named-d'];
    const base = compilePatterns(['repo-*', ...literals], 'acme');
    const parts = [1, 2, 3].map((index) => shardSelection(base, { index, total: 3 }, 0));
    for (const name of names) expect(parts.filter((part) => part.matches(name))).toHaveLength(1);
    for (const name of names) expect(parts[shardOf(name, 3) - 1].matches(name)).toBe(true);
    expect(parts.flatMap((part) => part.literals).sort()).toEqual(literals);
    for (const [i, part] of parts.entries()) expect(part.literals.every((name) => shardOf(name, 3) === i + 1)).toBe(true);
    expect([...parts[0].shard!.otherLiterals, ...parts[0].literals].sort()).toEqual(literals);
    expect(parts[1].shard!.otherLiterals).toEqual([]);
    // While reading, a shard keeps its own repositories and every named one (to tell which names are unknown).
    const kept = names.concat(literals).map(repo).filter(parts[1].keep!);
    expect(kept.map((r) => r.name).sort()).toEqual([...names.filter((n) => shardOf(n, 3) === 2), ...literals].sort());
  });

  test('unsharded or 1/1: the selection as it is', () => {
    const base = compilePatterns(['*'], 'acme');
    expect(shardSelection(base, undefined, 0)).toBe(base);
    expect(shardSelection(base, { index: 1, total: 1 }, 0)).toBe(base);
  });
});

describe('waitForShardSync', () => {
  const fakeClock = (): Clock => {
    let now = 10_000_000;
    return {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    };
  };
  const run = (states: Array<{ inProgress: boolean; lastStartTime?: number }>, clock: Clock, startedAt: number) => {
    let call = 0;
    const client = { synchronizationState: async () => states[Math.min(call++, states.length - 1)] } as unknown as XoperoClient;
    const lines: string[] = [];
    const log = {
      info: (line: string) => lines.push(line),
      warning: () => undefined,
      group: async <T>(_t: string, work: () => Promise<T>) => work(),
    };
    const sync: ShardSync = { shard: { index: 2, total: 3 }, startedAt, otherLiterals: [] };
    const organization = { id: 'org', name: 'acme' } as Parameters<typeof waitForShardSync>[2];
    return waitForShardSync({ client, log, clock, waitTimeoutSeconds: 30, words: COMPONENT_WORDS }, sync, organization).then(
      () => ({ outcome: 'done', calls: call, lines }),
      (error: Error) => ({ outcome: error.message, calls: call, lines }),
    );
  };

  test('returns once a synchronization started since about this run is over', async () => {
    const clock = fakeClock();
    const startedAt = clock.now();
    const result = await run(
      [
        { inProgress: false, lastStartTime: startedAt - 3_600_000 },
        { inProgress: true, lastStartTime: startedAt + 500 },
        { inProgress: false, lastStartTime: startedAt + 500 },
      ],
      clock,
      startedAt,
    );
    expect(result).toMatchObject({ outcome: 'done', calls: 3 });
    expect(result.lines).toEqual(['Shard 2/3: waiting up to 30 s for the synchronization of acme that shard 1 starts.']);
  });

  test("no synchronization from shard 1 within wait-timeout: one line saying what to check, in the host's words (the component's here)", async () => {
    const clock = fakeClock();
    const result = await run([{ inProgress: false, lastStartTime: clock.now() - 3_600_000 }], clock, clock.now());
    expect(result.outcome).toBe(
      "Shard 2/3: no synchronization of 'acme' started by shard 1 finished within 30 s: check shard 1's log, or raise wait_timeout.",
    );
  });
});
