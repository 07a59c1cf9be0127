/**
 * Applying a change list: the calls go out concurrently where that is safe, and each outcome is written to
 * its change's place in the list, so the outcomes come back in list order whatever order the answers arrive.
 */
import { describeError } from '../common/errors.js';
import type { ActivationById, XoperoApi } from '../xopero/client.js';
import { explainErrorCode } from '../xopero/error-codes.js';
import { mapConcurrent } from '../common/concurrency.js';
import { CancelledError } from '../common/cancel.js';
import type { Change } from './changes.js';

/**
 * 100 ids per activate call: 3,000 activations take 30 calls, each small enough (about 4 KB) to finish well
 * within the request timeout on a busy server, and a batch lost to a network error is repeated whole without
 * harm (activating an active repository is a success that uses no license).
 */
export const ACTIVATION_BATCH = 100;
/** Activate calls in flight at once: they contend for the server's license table, so only two. */
export const ACTIVATION_CONCURRENCY = 2;
/** Attach calls in flight at once: each is one row on the server; 8 keeps a sweep quick without a burst. */
export const ATTACH_CONCURRENCY = 8;

export type Step = 'activation' | 'attachment' | 'synchronization';

/** Why one change failed, structured: the verdict groups by `step` and `code`, never by parsing text. */
export interface Failure {
  step: Step;
  /** The server's per-id error code (LI5020), when it gave one. */
  code?: string;
  /** One line: what went wrong and what to do. */
  message: string;
}

export type Outcome = { status: 'done' } | { status: 'failed'; failure: Failure };

export interface ApplyOptions {
  /** Called once per finished call (a batch counts once), for a progress line on a long sweep. */
  onCallDone?: () => void;
}

/**
 * Activations and attachments are independent: both go out at once, and one failing does not hide the other.
 * A repository whose activation fails is still attached: it is backed up as soon as a license is free.
 */
export async function applyChanges(client: XoperoApi, changes: Change[], options: ApplyOptions = {}): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(changes.length);
  const indexed = changes.map((change, index) => ({ change, index }));
  const activations = indexed.filter(({ change }) => change.kind === 'activate');
  const attachments = indexed.filter(({ change }) => change.kind === 'attach');

  const activating = mapConcurrent(inBatches(activations, ACTIVATION_BATCH), ACTIVATION_CONCURRENCY, async (batch) => {
    const ids = batch.map(({ change }) => repositoryId(change));
    try {
      const results = activationResults(await client.activate(ids), ids);
      for (const [i, { index }] of batch.entries()) outcomes[index] = results[i];
    } catch (error) {
      // A cancellation ends the run. A malformed answer is recorded like any failure: the client sends nothing
      // after it, so every later call fails with the same line.
      if (error instanceof CancelledError) throw error;
      for (const { index } of batch) outcomes[index] = failed('activation', describeError(error));
    }
    options.onCallDone?.();
  });
  const attaching = mapConcurrent(attachments, ATTACH_CONCURRENCY, async ({ change, index }) => {
    try {
      if (change.kind !== 'attach') throw new Error('not an attachment');
      await client.attach(change.plan.id, repositoryId(change));
      outcomes[index] = { status: 'done' };
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      outcomes[index] = failed('attachment', describeError(error));
    }
    options.onCallDone?.();
  });
  await Promise.all([activating, attaching]);
  return outcomes;
}

function repositoryId(change: Change): string {
  if (change.kind === 'synchronize' || !change.repository) throw new Error(`no repository id for ${change.kind}`);
  return change.repository.id;
}

const failed = (step: Step, message: string, code?: string): Outcome => ({ status: 'failed', failure: { step, code, message } });

/** `items` in consecutive batches of at most `size` (activate and deactivate calls take 100 ids each). */
export function inBatches<T>(items: T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** One id's verdict in a per-id answer. */
export type IdVerdict = { status: 'done' } | { status: 'failed'; code: string } | { status: 'unconfirmed' };

/**
 * The activate and deactivate calls answer 200 even when they fail: the per-id lists are the real answer. An
 * id with an error code failed (listed under both, it failed: only an unambiguous success counts); one listed
 * under `success` only is done; one listed under neither is not confirmed. In `ids` order, ids compared
 * case-insensitively.
 */
export function idVerdicts(answer: ActivationById, ids: string[]): IdVerdict[] {
  const succeeded = new Set(answer.activated.map((id) => id.toLowerCase()));
  const codes = new Map([...answer.failed].map(([id, code]) => [id.toLowerCase(), code]));
  return ids.map((id) => {
    const code = codes.get(id.toLowerCase());
    if (code) return { status: 'failed', code };
    return succeeded.has(id.toLowerCase()) ? { status: 'done' } : { status: 'unconfirmed' };
  });
}

/**
 * Why an id listed neither under `success` nor under `error` failed, with the codes the answer gave for ids it
 * was not sent (otherErrors): the only clue to the cause when the server spells the ids differently.
 */
export function notConfirmed(done: 'activated' | 'deactivated', answer: ActivationById): string {
  const others = answer.otherErrors?.length
    ? ` (it lists ${answer.otherErrors.map(explainErrorCode).join(', ')} for ids that were not sent)`
    : '';
  return `not confirmed: Xopero ONE's answer lists it neither as ${done} nor as failed${others}; check the repository in Xopero ONE and re-run`;
}

/** The activations' outcomes from the activate call's answer (idVerdicts), in `ids` order. */
export function activationResults(answer: ActivationById, ids: string[]): Outcome[] {
  return idVerdicts(answer, ids).map((verdict) => {
    if (verdict.status === 'failed') return failed('activation', verdict.code, verdict.code);
    if (verdict.status === 'done') return { status: 'done' };
    return failed('activation', notConfirmed('activated', answer));
  });
}
