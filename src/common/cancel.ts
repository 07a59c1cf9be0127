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
