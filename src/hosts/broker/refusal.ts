/** A request the broker answers with an error document (docs/broker.md, How it works): status, snake_case code, one line. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, for 429 and 503: sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** 401: the token failed verification. */
export const tokenRefusal = (code: string, message: string) => new Refusal(401, code, message);
/** 403: a verified caller the policy does not admit. */
export const policyRefusal = (code: string, message: string) => new Refusal(403, code, message);
