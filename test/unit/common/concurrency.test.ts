/** mapConcurrent (src/common/concurrency.ts): at most `limit` at once, in order, and nothing started after a failure. */
import { describe, expect, test } from '@jest/globals';
import { mapConcurrent } from '../../../src/common/concurrency.js';

describe('mapConcurrent', () => {
  test("every item, at most limit at a time, results in the items' order", async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrent([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  test('once an item fails, no further item starts, and the call rejects with that failure', async () => {
    const started: number[] = [];
    const run = mapConcurrent([1, 2, 3, 4, 5, 6, 7, 8], 2, async (n) => {
      started.push(n);
      await new Promise((resolve) => setImmediate(resolve));
      if (n === 3) throw new Error('page 3 failed');
      return n;
    });
    await expect(run).rejects.toThrow('page 3 failed');
    // Let anything still scheduled run: nothing past the failure may start.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([1, 2, 3, 4]);
  });
});
