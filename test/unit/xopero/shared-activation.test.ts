/**
 * The shared session's activations (src/xopero/shared-session.ts), on a stand-in client that holds its answers:
 * an id already in an activation call under way is not sent again; its caller gets that call's answer.
 */
import { describe, expect, test } from '@jest/globals';
import type { ActivationById, XoperoClient } from '../../../src/xopero/client.js';
import { SharedSession } from '../../../src/xopero/shared-session.js';

/** A client whose activation calls are recorded and answered when the test says so. */
function holdingClient() {
  const calls: string[][] = [];
  const answers: Array<(answer: ActivationById) => void> = [];
  const called: Array<() => void> = [];
  const client = {
    activate: (ids: string[]) =>
      new Promise<ActivationById>((resolve) => {
        calls.push(ids);
        answers.push(resolve);
        called.shift()?.();
      }),
  } as unknown as XoperoClient;
  const nextCall = () => new Promise<void>((resolve) => called.push(resolve));
  return { client, calls, answers, nextCall };
}

const activated = (...ids: string[]): ActivationById => ({ activated: ids, failed: new Map(), unconfirmed: [] });

describe('activations under way', () => {
  test('a second caller of an id whose activation is under way joins it: one call, both told it is activated', async () => {
    const { client, calls, answers, nextCall } = holdingClient();
    const session = new SharedSession({ activationWindowMs: 0 });
    const firstCall = nextCall();
    const first = session.activate(client, ['R1']);
    await firstCall;
    // The first call is out and unanswered; the same repository (another spelling of its id) and another one.
    const secondCall = nextCall();
    const second = session.activate(client, ['r1', 'R2']);
    await secondCall;
    expect(calls).toEqual([['R1'], ['R2']]);
    answers[1](activated('R2'));
    answers[0](activated('R1'));
    expect(await first).toEqual(activated('R1'));
    expect(await second).toEqual(activated('r1', 'R2'));
  });

  test('once that call is answered, the id may be sent again', async () => {
    const { client, calls, answers, nextCall } = holdingClient();
    const session = new SharedSession({ activationWindowMs: 0 });
    const firstCall = nextCall();
    const first = session.activate(client, ['R1']);
    await firstCall;
    answers[0](activated('R1'));
    await first;
    const againCall = nextCall();
    const again = session.activate(client, ['R1']);
    await againCall;
    answers[1](activated('R1'));
    expect(await again).toEqual(activated('R1'));
    expect(calls).toEqual([['R1'], ['R1']]);
  });
});
