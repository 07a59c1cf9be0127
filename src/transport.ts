/**
 * The transport: one keep-alive undici pool for the whole run, with the retry policy and TLS trust settings.
 * Built once; every request of the run goes through it, so sequential requests share one TLS connection.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, RetryAgent, type Dispatcher, type RetryHandler } from 'undici';

export interface TransportOptions {
  caCertificate?: string;
  /** Called before each retry, so the log says why the run waits. */
  onRetry?: (reason: string, attempt: number, delayMs: number) => void;
  /** Test hook: scales every backoff delay (the simulator's tests use tiny delays). */
  retryDelayScale?: number;
}

export interface Transport {
  /** For calls that are safe to repeat (every call this product makes; see client.ts for why, per call). */
  retrying: Dispatcher;
  /** For a call that must not be repeated blindly. */
  once: Dispatcher;
  /** Drops the pool's idle keep-alive connections so the process can exit at once. */
  destroy(): Promise<void>;
}

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
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
  ],
};

export const CONNECT_TIMEOUT_MS = 10_000;

export function createTransport(options: TransportOptions = {}): Transport {
  const agentOptions: Agent.Options = {
    connect: { timeout: CONNECT_TIMEOUT_MS, ...trust(options.caCertificate) },
    keepAliveTimeout: 10_000,
  };
  const base = hasProxyEnvironment() ? quietEnvHttpProxyAgent(agentOptions) : new Agent(agentOptions);
  const retrying = new RetryAgent(base, {
    // undici retries only idempotent methods by default; this API is all POST, and client.ts marks
    // which calls may be repeated and why. Those calls go through this dispatcher.
    methods: ['POST'],
    maxRetries: RETRY.maxRetries,
    statusCodes: RETRY.statusCodes,
    errorCodes: RETRY.errorCodes,
    retry: backoffWithJitter(options),
  });
  return { retrying, once: base, destroy: () => base.destroy() };
}

/**
 * TLS trust. Verification is always on. Without a CA of our own, Node's default store applies (system roots
 * plus NODE_EXTRA_CA_CERTS). Passing `ca` replaces that store, so with a CA input we rebuild it explicitly:
 * the bundled roots, the NODE_EXTRA_CA_CERTS file, and the given PEM.
 */
function trust(caCertificate: string | undefined): { ca?: string[] } {
  if (!caCertificate) return {};
  const ca = [...rootCertificates, caCertificate];
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      ca.push(readFileSync(extra, 'utf8'));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; do the same by ignoring it.
    }
  }
  return { ca };
}

export function hasProxyEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY);
}

/**
 * undici 6 marks EnvHttpProxyAgent experimental and prints a process warning on first use; on a CI log that
 * reads like a fault. It is the documented way to honour HTTPS_PROXY/NO_PROXY, so keep it and drop the warning.
 */
function quietEnvHttpProxyAgent(options: Agent.Options): Dispatcher {
  const emitWarning = process.emitWarning;
  process.emitWarning = (() => undefined) as typeof process.emitWarning;
  try {
    return new EnvHttpProxyAgent(options);
  } finally {
    process.emitWarning = emitWarning;
  }
}

type RetryCallback = RetryHandler.RetryCallback;

/**
 * undici's default retry has no jitter; with many pipelines hitting one server after an outage, synchronized
 * retries would arrive together. Same rules otherwise: listed error codes and statuses, Retry-After honoured.
 */
function backoffWithJitter(options: TransportOptions): RetryCallback {
  const scale = options.retryDelayScale ?? 1;
  return (err, { state }, callback) => {
    const { statusCode, code, headers } = err as Error & {
      statusCode?: number;
      code?: string;
      headers?: Record<string, string | string[] | undefined>;
    };
    const retryableCode = !code || code === 'UND_ERR_REQ_RETRY' || RETRY.errorCodes.includes(code);
    const retryableStatus = statusCode === undefined || RETRY.statusCodes.includes(statusCode);
    if (!retryableCode || !retryableStatus || state.counter > RETRY.maxRetries) {
      callback(err);
      return;
    }
    const retryAfterMs = parseRetryAfter(headers?.['retry-after']);
    const backoffMs = Math.min(RETRY.minTimeoutMs * 2 ** (state.counter - 1), RETRY.maxTimeoutMs);
    const delayMs =
      retryAfterMs !== undefined
        ? Math.min(retryAfterMs, RETRY.maxRetryAfterMs)
        : Math.round(backoffMs * (0.5 + Math.random() * 0.5));
    options.onRetry?.(statusCode ? `HTTP ${statusCode}` : (code ?? err.message), state.counter, delayMs);
    setTimeout(() => callback(null), delayMs * scale);
  };
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
