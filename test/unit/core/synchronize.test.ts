/** The synchronization wait on a fake clock: no real seconds pass. */
import { describe, expect, test } from '@jest/globals';
import { POLL_DELAYS_MS, synchronizeAndWait, type Clock, type Probe } from '../../../src/core/synchronize.js';

function fakeClock(): Clock & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** Runs the wait against a scripted server: `probes` answers each poll in turn (the last one repeats). */
async function wait(options: { alreadyRunning?: boolean; probes: Probe[]; timeoutSeconds?: number }) {
  const clock = fakeClock();
  const events: string[] = [];
  let poll = 0;
  const outcome = await synchronizeAndWait({
    clock,
    timeoutSeconds: options.timeoutSeconds ?? 300,
    alreadyRunning: options.alreadyRunning ?? false,
    start: async () => void events.push('start'),
    probe: async () => options.probes[Math.min(poll++, options.probes.length - 1)],
    log: (line) => events.push(line),
    waitingMessage: 'waiting for a running one',
    timeoutMessage: 'timed out',
  }).catch((error: Error) => `error: ${error.message}`);
  return { outcome, events, polls: poll, slept: clock.slept };
}

const running = { done: false, inProgress: true };
const idle = { done: false, inProgress: false };
const done = { done: true, inProgress: false };

describe('synchronizeAndWait', () => {
  test('starts one synchronization and returns when the probe is done', async () => {
    const run = await wait({ probes: [running, running, done] });
    expect(run).toMatchObject({ outcome: 'done', events: ['start'], polls: 3 });
    expect(run.slept).toEqual(POLL_DELAYS_MS.slice(0, 3));
  });

  test('our own synchronization over without the result: finished at once, no second start', async () => {
    const run = await wait({ probes: [running, idle] });
    expect(run).toMatchObject({ outcome: 'finished', events: ['start'], polls: 2 });
  });

  test('a server slow to flag the synchronization as running: two idle polls mean it is over', async () => {
    const run = await wait({ probes: [idle, idle] });
    expect(run).toMatchObject({ outcome: 'finished', polls: 2 });
  });

  test("someone else's synchronization: waited for, then one of ours", async () => {
    const run = await wait({ alreadyRunning: true, probes: [running, idle, running, done] });
    expect(run).toMatchObject({ outcome: 'done', events: ['waiting for a running one', 'start'], polls: 4 });
  });

  test('at most one synchronization of our own, however long it takes', async () => {
    const run = await wait({ alreadyRunning: true, probes: [idle, running, idle] });
    expect(run.events.filter((event) => event === 'start')).toHaveLength(1);
    expect(run.outcome).toBe('finished');
  });

  test('wait-timeout: the delays grow to 5 s and never pass the deadline', async () => {
    const run = await wait({ probes: [running], timeoutSeconds: 30 });
    expect(run.outcome).toBe('error: timed out');
    expect(run.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30_000);
    expect(Math.max(...run.slept)).toBe(5000);
  });
});
