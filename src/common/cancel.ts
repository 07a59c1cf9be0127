/** Cancellation: the hosts abort the run on SIGINT/SIGTERM; the client and the core stop on the same signal. */
import { XoperoError } from './errors.js';

/** The run was cancelled: no request starts after it, and the ones in flight are aborted. */
export class CancelledError extends XoperoError {
  constructor(
    /** Requests sent, and changing calls Xopero ONE confirmed (answered 2xx) before the cancellation. */
    readonly requests: { total: number; mutating: number },
    readonly changesConfirmed: number,
  ) {
    super('Cancelled.');
  }
}

/**
 * `work`, or the cancellation as soon as `signal` aborts, whichever comes first: the host can report and exit
 * without waiting for a poll delay to run out. The client refuses every request after the abort, so `work`
 * cannot change anything once abandoned; its own rejection is then ignored.
 */
export function untilCancelled<T>(work: Promise<T>, signal: AbortSignal | undefined, cancelled: () => Error): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
