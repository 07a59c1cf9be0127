/** Shards 2..n waiting for shard 1's synchronization, at the edges of the window and of the deadline (a fake clock). */
import { ACTION_WORDS } from '../../../src/common/words.js';
import { describe, expect, test } from '@jest/globals';
import { waitForShardSync } from '../../../src/core/shard.js';
import { parseShard } from '../../../src/settings/shard.js';
import type { XoperoClient } from '../../../src/xopero/client.js';

type State = { inProgress: boolean; lastStartTime?: number };

/** Polls `states` (the last one repeats) with waitTimeoutSeconds `seconds`; how many polls, and how it ended. */
async function wait(states: State[], seconds: number, startedAt = 1_000_000, newerThan?: number) {
  let now = startedAt;
  const logged: string[] = [];
  let calls = 0;
  const client = { synchronizationState: async () => states[Math.min(calls++, states.length - 1)] } as unknown as XoperoClient;
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
  const log = {
    info: (line: string) => logged.push(line),
    warning: () => undefined,
    group: async <T>(_t: string, work: () => Promise<T>) => work(),
  };
  const organization = { id: 'org', name: 'acme' } as Parameters<typeof waitForShardSync>[2];
  const sync = { shard: { index: 2, total: 3 }, startedAt, otherLiterals: [] };
  const outcome = await waitForShardSync(
    { client, log, clock, waitTimeoutSeconds: seconds, words: ACTION_WORDS },
    sync,
    organization,
    newerThan,
  ).then(
    (started) => (started === undefined ? 'none newer' : `done ${started}`),
    (error: Error) => error.message,
  );
  return { outcome, calls, waited: now - startedAt, logged };
}

test('a synchronization that started exactly wait-timeout before this shard counts; one a millisecond earlier does not', async () => {
  expect(await wait([{ inProgress: false, lastStartTime: 1_000_000 - 30_000 }], 30)).toMatchObject({
    outcome: `done ${1_000_000 - 30_000}`,
    calls: 1,
  });
  const older = await wait([{ inProgress: false, lastStartTime: 1_000_000 - 30_001 }], 30);
  expect(older.outcome).toMatch(/no synchronization of 'acme' started by shard 1 finished within 30 s/);
});

test('no last start time is never recent', async () => {
  expect((await wait([{ inProgress: false }], 1)).outcome).toMatch(/within 1 s: check shard 1's log, or raise wait-timeout/);
});

test('it polls until the deadline and sleeps past it never: 1.5 s is polls after 0, 0.5 and 1.5 s', async () => {
  // 500 ms, then 1000 ms ends exactly at the deadline: still allowed; the next 2000 ms would pass it.
  expect(await wait([{ inProgress: true, lastStartTime: 1_000_000 }], 1.5)).toMatchObject({ calls: 3, waited: 1500 });
  expect(await wait([{ inProgress: true, lastStartTime: 1_000_000 }], 30)).toMatchObject({ calls: 9, waited: 26_500 });
});

test("parseShard names the input 'shard' unless told otherwise", () => {
  expect(() => parseShard('2')).toThrow(/^Input 'shard': expected i\/n/);
});

test('the first wait says it waits for the synchronization shard 1 starts', async () => {
  const { logged } = await wait([{ inProgress: false, lastStartTime: 1_000_000 }], 30);
  expect(logged).toEqual(['Shard 2/3: waiting up to 30 s for the synchronization of acme that shard 1 starts.']);
});

// A shard whose accepted synchronization predates its own start, and still lacks a name it owns, waits for a newer
// one (src/core/ensure.ts): only a start after that one counts, and none within wait-timeout is not a failure.
describe('waiting for a synchronization newer than one already seen', () => {
  const seen = 990_000; // inside the window, so the first wait would have taken it

  test('says why it waits again', async () => {
    const { logged } = await wait([{ inProgress: false, lastStartTime: seen + 1 }], 30, 1_000_000, seen);
    expect(logged).toEqual([
      'Shard 2/3: the synchronization it found started before this shard did, and did not bring every name it owns; waiting up to 30 s for a newer one of shard 1.',
    ]);
  });

  test('the same start again is not newer; a start one millisecond later is, once it has finished', async () => {
    const same = await wait([{ inProgress: false, lastStartTime: seen }], 1.5, 1_000_000, seen);
    expect(same).toMatchObject({ outcome: 'none newer', calls: 3, waited: 1500 });
    const later = await wait(
      [
        { inProgress: false, lastStartTime: seen },
        { inProgress: true, lastStartTime: seen + 1 },
        { inProgress: false, lastStartTime: seen + 1 },
      ],
      30,
      1_000_000,
      seen,
    );
    expect(later).toMatchObject({ outcome: `done ${seen + 1}`, calls: 3 });
  });

  test("an earlier start is not newer, even inside the first wait's window", async () => {
    expect((await wait([{ inProgress: false, lastStartTime: seen - 1 }], 1, 1_000_000, seen)).outcome).toBe('none newer');
  });

  test('no last start time is not newer', async () => {
    expect((await wait([{ inProgress: false }], 1, 1_000_000, seen)).outcome).toBe('none newer');
  });
});
