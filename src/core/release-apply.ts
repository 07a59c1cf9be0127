/**
 * Applying a release change list (release-changes.ts): detaches and deactivations at once, then removals, each
 * outcome written at its change's place in the list. The deactivate call answers like the activate call (200,
 * per-id lists): batching and the per-id verdicts are apply.ts's, shared with the protect run.
 *
 * Backups already taken are not deleted: `/git/repositories/remove` is always sent with `removedata: false`,
 * and detach/deactivate stop new backups only (the plan's retention keeps the old ones).
 */
import { CancelledError } from '../common/cancel.js';
import { mapConcurrent } from '../common/concurrency.js';
import { ApiError, describeError } from '../common/errors.js';
import type { XoperoApi } from '../xopero/client.js';
import { explainErrorCode } from '../xopero/error-codes.js';
import { idVerdicts, inBatches, notConfirmed } from './apply.js';
import { sameId, type ReleaseAction, type ReleaseChange, type ReleaseStep } from './release-changes.js';

/** Deactivations per call: the same batch size and concurrency as activations, for the same reasons. */
export const DEACTIVATION_BATCH = 100;
const DEACTIVATION_CONCURRENCY = 2;
const DETACH_CONCURRENCY = 8;
const REMOVE_CONCURRENCY = 4;

/**
 * Runs the changes: detaches and deactivations at once (independent of each other), then the removals, each
 * only for a repository whose other changes succeeded (a removal comes after deactivation, never instead).
 * Outcomes are recorded at each change's index, so they come back in list order whatever order the answers
 * arrive in. A cancellation ends the run; any other failure is recorded and the rest goes on.
 */
export async function applyReleaseChanges(client: XoperoApi, changes: ReleaseChange[]): Promise<ReleaseStep[]> {
  const steps: ReleaseStep[] = changes.map((change) => ({ ...change, outcome: 'done' }));
  const indexes = (action: ReleaseAction) => changes.flatMap((change, index) => (change.action === action ? [index] : []));
  const fail = (index: number, reason: string) => {
    steps[index].outcome = 'failed';
    steps[index].reason = reason;
  };
  const recorded = (error: unknown) => {
    if (error instanceof CancelledError) throw error;
    return explainFailure(error);
  };

  const detaching = mapConcurrent(indexes('detach'), DETACH_CONCURRENCY, async (index) => {
    try {
      const { plan, repository } = changes[index];
      // A detach change always names its plan (listReleaseChanges makes one per plan that lists the repository).
      if (!plan) throw new Error(`detach of ${repository.name} without a plan`);
      await client.detach(plan.id, repository.id);
    } catch (error) {
      fail(index, recorded(error));
    }
  });
  const batches = inBatches(indexes('deactivate'), DEACTIVATION_BATCH);
  const deactivating = mapConcurrent(batches, DEACTIVATION_CONCURRENCY, async (batch) => {
    try {
      // 200 even when it fails: the per-id lists are the answer; only an id listed under success is freed.
      const ids = batch.map((index) => changes[index].repository.id);
      const answer = await client.deactivate(ids);
      for (const [i, verdict] of idVerdicts(answer, ids).entries()) {
        if (verdict.status === 'failed') fail(batch[i], explainErrorCode(verdict.code));
        else if (verdict.status === 'unconfirmed') fail(batch[i], notConfirmed('deactivated', answer));
      }
    } catch (error) {
      const reason = recorded(error);
      for (const index of batch) fail(index, reason);
    }
  });
  await Promise.all([detaching, deactivating]);

  const failedRepos = new Set(steps.filter((step) => step.outcome === 'failed').map((step) => step.repository.id.toLowerCase()));
  const removals = indexes('remove').filter((index) => {
    if (!failedRepos.has(changes[index].repository.id.toLowerCase())) return true;
    steps[index].outcome = 'skipped';
    steps[index].reason = 'not removed because releasing it failed; re-run once that is fixed';
    return false;
  });
  await mapConcurrent(removals, REMOVE_CONCURRENCY, async (index) => {
    try {
      const id = changes[index].repository.id;
      const answer = await client.remove(id);
      const code = removeFailure(answer.errors, answer.failedIds, id);
      // GT1001 after a retried call: the first one removed it. Either way it is gone.
      if (code && code !== 'GT1001') fail(index, explainErrorCode(code));
      // Removed only when the answer says so, as an activation counts only under `success`.
      else if (!code && !answer.succeededIds.some((removed) => sameId(removed, id)))
        fail(
          index,
          "not confirmed: Xopero ONE's answer lists it neither as removed nor as failed; check the repository in Xopero ONE and re-run",
        );
    } catch (error) {
      fail(index, recorded(error));
    }
  });
  return steps;
}

function removeFailure(
  errors: Array<{ id?: string; errorCode?: string } | string> | undefined,
  failedIds: string[] | undefined,
  id: string,
): string | undefined {
  for (const entry of errors ?? []) {
    if (typeof entry === 'string') return entry;
    if (!entry.id || sameId(entry.id, id)) return entry.errorCode ?? 'unknown';
  }
  return (failedIds ?? []).some((failed) => sameId(failed, id)) ? 'unknown' : undefined;
}

/** The client's one-line message, with the meaning of the server's code where the code is documented here. */
function explainFailure(error: unknown): string {
  const message = describeError(error);
  if (error instanceof ApiError && error.code && error.status !== 403) {
    const explained = explainErrorCode(error.code);
    if (!explained.includes('see the Xopero ONE documentation')) return `${message} ${explained}.`;
  }
  return message;
}
