/**
 * The retry policy of every transport (direct-transport.ts, proxy-transport.ts): which failures are worth a
 * second attempt, how long to wait, and the loop around one attempt.
 *
 * Every request is retried, POST included: this API is all POST, and each endpoint in endpoints.ts states why
 * repeating it is safe (reads change nothing; an activation or attachment already done is not done twice). The
 * broker's client narrows the rules (`retryOn`): an answer lost after the broker consumed the identity token
 * cannot be asked for again with the same token.
 *
 * One loop for both transports rather than undici's RetryAgent: the direct transport is Node's own http client
 * (direct-transport.ts says why), and one policy in one place keeps the two from drifting apart.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CONNECT_TIMEOUT_CODE } from './trust.js';

/**
 * The codes of the transports' own failures. Both use undici's names for them (the proxy transport's errors
 * come from undici; the direct transport gives its timeouts the same codes), so one list below and one
 * translation in http-errors.ts serve both.
 */
export const FAILURE_CODES = {
  connectTimeout: CONNECT_TIMEOUT_CODE,
  headersTimeout: 'UND_ERR_HEADERS_TIMEOUT',
  bodyTimeout: 'UND_ERR_BODY_TIMEOUT',
} as const;

/**
 * The failure of an attempt whose answer did not arrive within its timeout: no headers yet, or a body not yet
 * whole. Both transports raise it, under undici's names, so retry rules and failure lines read one code.
 */
export function answerTimeout(answered: boolean, timeoutMs: number): Error & { code: string } {
  const code = answered ? FAILURE_CODES.bodyTimeout : FAILURE_CODES.headersTimeout;
  return Object.assign(new Error(`${answered ? 'Body' : 'Headers'} Timeout Error (${timeoutMs} ms)`), { code });
}

/**
 * The largest answer read: no answer of this API comes near it (a page holds at most 1,000 entries, PAGE_SIZE), and a server
 * that sends more (a file server at the wrong address, a hostile one) must not fill the runner's memory. Not
 * retried: the same address would send the same. undici's own code for it, so one translation serves both.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
export const ANSWER_TOO_LARGE_CODE = 'UND_ERR_RES_EXCEEDED_MAX_SIZE';

export const RETRY = {
  maxRetries: 4,
  minTimeoutMs: 300,
  maxTimeoutMs: 10_000,
  /** Retry-After above this is clamped: a CI step should not sleep for minutes on one request. */
  maxRetryAfterMs: 30_000,
  statusCodes: [429, 502, 503, 504],
  errorCodes: [
    'ECONNRESET',
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ENETDOWN',
    'ENETUNREACH',
    'EHOSTDOWN',
    'EHOSTUNREACH',
    'EPIPE',
    'ETIMEDOUT',
    'UND_ERR_SOCKET',
    ...Object.values(FAILURE_CODES),
  ],
};

/** Narrower rules than RETRY's, for a server where not every failure is safe to repeat (see the file comment). */
export interface RetryRules {
  statusCodes: number[];
  errorCodes: string[];
}

/**
 * A changing call is not sent again after it went unanswered for our whole timeout: the server may still be
 * carrying it out, and each call's reason that a repeat is safe (endpoints.ts) holds for a repeat after the first
 * has finished, not for two at once (an activation running twice at once might take two licenses).
 * Decision: every other failure stays retried as RETRY says. A 429, 502 or 503 says the call was not taken, and a
 * refused connection sent nothing. A gateway's 504 comes after the gateway's own wait (commonly a minute), for
 * calls that take the server milliseconds, and it is the flaky server's most common answer: a run that gave up
 * on it would fail where a repeat, after the backoff, finds the work done (the lost-answer test in
 * test/e2e/action.test.ts). A connection reset after the request went out is how a keep-alive connection the
 * server had just closed fails, before the server read anything, and cannot be told apart from a later one.
 */
export const CHANGING_CALL_RETRY: RetryRules = {
  statusCodes: RETRY.statusCodes,
  errorCodes: RETRY.errorCodes.filter((code) => code !== FAILURE_CODES.headersTimeout),
};

export interface RetryOptions {
  retryOn?: RetryRules;
  /** Called before each retry, so the log says why the run waits. */
  onRetry?: (reason: string, attempt: number, delayMs: number) => void;
  /** Test hook: scales every backoff delay (the simulator's tests use tiny delays). */
  retryDelayScale?: number;
  signal?: AbortSignal;
}

/** What one attempt ended with: an answer (any status), or a failure before a whole answer arrived. */
export interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A retryable status on every attempt: the server (or a proxy in front of it) stays unavailable. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly statusCode: number,
    readonly headers: Answer['headers'],
  ) {
    super(`HTTP ${statusCode} on every one of ${1 + RETRY.maxRetries} attempts`);
    this.name = 'RetriesExhaustedError';
  }
}

/**
 * TLS failures a retry cannot mend: a plain-HTTP answer to an https:// URL (OpenSSL says "wrong version
 * number"), an untrusted or mismatched certificate. They fail at once, with the remedy.
 */
const NEVER_RETRIED = /^ERR_SSL_|CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)/;

/** `attempt` up to 1 + RETRY.maxRetries times, waiting between attempts as `retryDelay` says. */
export async function withRetries(attempt: () => Promise<Answer>, options: RetryOptions): Promise<Answer> {
  const rules = options.retryOn ?? RETRY;
  for (let retry = 1; ; retry++) {
    let failure: { error: unknown } | { answer: Answer };
    try {
      const answer = await attempt();
      if (!rules.statusCodes.includes(answer.statusCode)) return answer;
      failure = { answer };
    } catch (error) {
      failure = { error };
    }
    const delayMs = retryDelay(failure, retry, rules);
    if (delayMs === undefined || options.signal?.aborted) {
      if ('error' in failure) throw failure.error;
      throw new RetriesExhaustedError(failure.answer.statusCode, failure.answer.headers);
    }
    options.onRetry?.(retryReason(failure), retry, delayMs);
    await sleep(delayMs * (options.retryDelayScale ?? 1), undefined, { signal: options.signal });
  }
}

/**
 * How long to wait before retry number `retry` (1-based), or undefined to give up. No fixed schedule: with many
 * pipelines hitting one server after an outage, synchronized retries would arrive together, so the backoff has
 * jitter; a Retry-After of the server's is honoured (clamped).
 */
export function retryDelay(failure: { error: unknown } | { answer: Answer }, retry: number, rules: RetryRules): number | undefined {
  if (retry > RETRY.maxRetries) return undefined;
  let headers: Answer['headers'] | undefined;
  if ('answer' in failure) {
    if (!rules.statusCodes.includes(failure.answer.statusCode)) return undefined;
    headers = failure.answer.headers;
  } else {
    const err = failure.error as Error & { code?: string; cause?: { code?: string } };
    // A proxy that cannot reach the server answers its CONNECT with 502/503: retried like the server's own.
    const proxyStatus = proxyConnectStatus(err);
    if (proxyStatus !== undefined && !rules.statusCodes.includes(proxyStatus)) return undefined;
    // The TLS error may come wrapped (a tunnel's socket error carrying it as its cause).
    const hopeless = [err.code, err.cause?.code].some((c) => c !== undefined && NEVER_RETRIED.test(c));
    if (hopeless) return undefined;
    if (proxyStatus === undefined && err.code !== undefined && !rules.errorCodes.includes(err.code)) return undefined;
  }
  const backoffMs = Math.min(RETRY.minTimeoutMs * 2 ** (retry - 1), RETRY.maxTimeoutMs);
  const jittered = Math.round(backoffMs * (0.5 + Math.random() * 0.5));
  // The server's Retry-After, but never less than the jittered backoff: a Retry-After of 0 (or a date already
  // past) would otherwise send every pipeline's retries at once, the burst the jitter is there to spread.
  const retryAfterMs = parseRetryAfter(headers?.['retry-after']);
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, jittered), RETRY.maxRetryAfterMs);
  return jittered;
}

function retryReason(failure: { error: unknown } | { answer: Answer }): string {
  if ('answer' in failure) return `HTTP ${failure.answer.statusCode}`;
  const err = failure.error as Error & { code?: string };
  const proxyStatus = proxyConnectStatus(err);
  return proxyStatus !== undefined ? `the proxy's HTTP ${proxyStatus}` : (err.code ?? err.message);
}

export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** undici reports a refused CONNECT only in its message: "Proxy response (407) !== 200 when HTTP Tunneling". */
export function proxyConnectStatus(error: unknown): number | undefined {
  const match = /Proxy response \((\d{3})\) !== 200/.exec((error as Error)?.message ?? '');
  return match ? Number(match[1]) : undefined;
}
