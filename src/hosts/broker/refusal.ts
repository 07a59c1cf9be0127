/** A request the broker answers with an error document (docs/broker.md, How it works): status, snake_case code, one line. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, for 429 and 503: sent as Retry-After. */
    readonly retryAfterSeconds?: number,
    /**
     * What the broker's operator needs and the caller must not see (a network error naming internal hosts):
     * written to the broker's log with the request's audit id, never into the answer.
     */
    readonly detail?: string,
    /**
     * xopero_failed: the changing calls Xopero ONE had confirmed before the core stopped (a synchronization
     * started): the caller still publishes changed=true, as a run of its own would.
     */
    readonly changesConfirmed = 0,
  ) {
    super(message);
  }
}

/** 401: the token failed verification. */
export const tokenRefusal = (code: string, message: string) => new Refusal(401, code, message);
/** 403: a verified caller the policy does not admit. */
export const policyRefusal = (code: string, message: string) => new Refusal(403, code, message);
