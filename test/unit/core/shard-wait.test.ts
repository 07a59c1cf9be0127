/** Shards 2..n waiting for shard 1's synchronization, at the edges of the window and of the deadline (a fake clock). */
import { expect, test } from '@jest/globals';
import { waitForShardSync } from '../../../src/core/shard.js';
import { parseShard } from '../../../src/settings/shard.js';
import type { XoperoClient } from '../../../src/xopero/client.js';

type State = { inProgress: boolean; lastStartTime?: number };

/** Polls `states` (the last one repeats) with waitTimeoutSeconds `seconds`; how many polls, and how it ended. */
async function wait(states: State[], seconds: number, startedAt = 1_000_000) {
  let now = startedAt;
  let calls = 0;
  const client = { synchronizationState: async () => states[Math.min(calls++, states.length - 1)] } as unknown as XoperoClient;
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
  const log = { info: () => undefined, warning: () => undefined, group: async <T>(_t: string, work: () => Promise<T>) => work() };
  const organization = { id: 'org', name: 'acme' } as Parameters<typeof waitForShardSync>[2];
  const sync = { shard: { index: 2, total: 3 }, startedAt, otherLiterals: [] };
  const outcome = await waitForShardSync({ client, log, clock, waitTimeoutSeconds: seconds }, sync, organization).then(
    () => 'done',
    (error: Error) => error.message,
  );
  return { outcome, calls, waited: now - startedAt };
}

test('a synchronization that started exactly wait-timeout before this shard counts; one a millisecond earlier does not', async () => {
  expect(await wait([{ inProgress: false, lastStartTime: 1_000_000 - 30_000 }], 30)).toMatchObject({ outcome: 'done', calls: 1 });
  const older = await wait([{ inProgress: false, lastStartTime: 1_000_000 - 30_001 }], 30);
  expect(older.outcome).toMatch(/no synchronization of 'acme' started by shard 1 finished within 30 s/);
});

test('no last start time is never recent', async () => {
  expect((await wait([{ inProgress: false }], 1)).outcome).toMatch(/within 1 s \(wait-timeout\)/);
});

test('it polls until the deadline and sleeps past it never: 1.5 s is polls after 0, 0.5 and 1.5 s', async () => {
  // 500 ms, then 1000 ms ends exactly at the deadline: still allowed; the next 2000 ms would pass it.
  expect(await wait([{ inProgress: true, lastStartTime: 1_000_000 }], 1.5)).toMatchObject({ calls: 3, waited: 1500 });
  expect(await wait([{ inProgress: true, lastStartTime: 1_000_000 }], 30)).toMatchObject({ calls: 9, waited: 26_500 });
});

test("parseShard names the input 'shard' unless told otherwise", () => {
  expect(() => parseShard('2')).toThrow(/^Input 'shard': expected i\/n/);
});
