/**
 * The transport: one keep-alive undici pool for the whole run, with the retry policy and TLS trust settings.
 * Built once; every request of the run goes through it, so sequential requests share one TLS connection.
 */
import { Agent, ProxyAgent, RetryAgent, buildConnector, type Dispatcher, type RetryHandler } from 'undici';
import type { Socket } from 'node:net';
import { chooseProxy, type ProxyChoice } from './proxy.js';
import { withSpareConnection } from './spare-connection.js';
import { CONNECT_TIMEOUT_MS, trust } from './trust.js';

export { CONNECT_TIMEOUT_MS };

export interface TransportOptions {
  serverUrl: URL;
  /** Where HTTPS_PROXY / NO_PROXY are read from (the faces pass process.env). */
  env?: Record<string, string | undefined>;
  /** PEM certificate(s): the only CAs trusted for the server (see trust()). */
  caCertificate?: string;
  /** Called before each retry, so the log says why the run waits. */
  onRetry?: (reason: string, attempt: number, delayMs: number) => void;
  /** The first connection, opened while the code loaded (early-connection.ts); direct connections only. */
  earlyConnection?: Promise<Socket | undefined>;
  /** Test hook: scales every backoff delay (the simulator's tests use tiny delays). */
  retryDelayScale?: number;
  /**
   * Narrower retry rules than RETRY's, for a server where not every failure is safe to repeat (the broker: an
   * answer lost after it consumed the identity token cannot be asked again with the same token).
   */
  retryOn?: { statusCodes: number[]; errorCodes: string[] };
}

export interface Transport {
  /** Retries POST: every call this product makes is safe to repeat (client.ts says why, per call). */
  retrying: Dispatcher;
  /** Drops the pool's idle keep-alive connections so the process can exit at once. */
  destroy(): Promise<void>;
  proxy: ProxyChoice;
  /** Whether ca-certificate was given, so the server is trusted only if one of its CAs signed it. */
  caPinned: boolean;
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

/**
 * TLS failures a retry cannot mend: a plain-HTTP answer to an https:// URL (OpenSSL says "wrong version
 * number"), an untrusted or mismatched certificate. They fail at once, with the remedy.
 */
const NEVER_RETRIED = /^ERR_SSL_|CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)/;

export function createTransport(options: TransportOptions): Transport {
  const proxy = chooseProxy(options.serverUrl, options.env ?? {});
  const tls = { timeout: CONNECT_TIMEOUT_MS, ...trust(options.caCertificate) };
  // Direct connections come with one spare opened ahead (spare-connection.ts says why).
  const spare = proxy.url ? undefined : withSpareConnection(buildConnector(tls), options.earlyConnection);
  if (proxy.url) void options.earlyConnection?.then((socket) => socket?.destroy());
  const base: Dispatcher = spare
    ? new Agent({ connect: spare.connect, keepAliveTimeout: 10_000 })
    : // The tunnel's connections are pooled and kept alive like direct ones: a run opens about as many
      // tunnels as it has requests in flight. TLS to the server runs inside the tunnel (requestTls).
      new ProxyAgent({ uri: String(proxy.url), keepAliveTimeout: 10_000, requestTls: tls, proxyTls: { timeout: CONNECT_TIMEOUT_MS } });
  const retrying = new RetryAgent(base, {
    // undici retries only idempotent methods by default; this API is all POST, so POST is retried here,
    // and every endpoint in client.ts ENDPOINTS states why repeating it is safe.
    methods: ['POST'],
    maxRetries: RETRY.maxRetries,
    statusCodes: options.retryOn?.statusCodes ?? RETRY.statusCodes,
    errorCodes: options.retryOn?.errorCodes ?? RETRY.errorCodes,
    retry: backoffWithJitter(options),
  });
  const destroy = () => {
    spare?.close();
    return base.destroy();
  };
  return { retrying, destroy, proxy, caPinned: Boolean(options.caCertificate) };
}

type RetryCallback = RetryHandler.RetryCallback;

/**
 * undici's default retry has no jitter; with many pipelines hitting one server after an outage, synchronized
 * retries would arrive together. Same rules otherwise: listed error codes and statuses, Retry-After honoured.
 */
function backoffWithJitter(options: TransportOptions): RetryCallback {
  const scale = options.retryDelayScale ?? 1;
  return (err, { state }, callback) => {
    const { code, headers } = err as Error & { code?: string; headers?: Record<string, string | string[] | undefined> };
    // A proxy that cannot reach the server answers its CONNECT with 502/503: retried like the server's own.
    const statusCode = (err as { statusCode?: number }).statusCode ?? proxyConnectStatus(err);
    const proxied = proxyConnectStatus(err) !== undefined;
    // The TLS error may come wrapped (a tunnel's socket error carrying it as its cause).
    const causeCode = (err as Error & { cause?: { code?: string } }).cause?.code;
    const hopeless = [code, causeCode].some((c) => c !== undefined && NEVER_RETRIED.test(c));
    const { statusCodes, errorCodes } = options.retryOn ?? RETRY;
    const retryableCode = !hopeless && (!code || code === 'UND_ERR_REQ_RETRY' || proxied || errorCodes.includes(code));
    const retryableStatus = statusCode === undefined || statusCodes.includes(statusCode);
    if (!retryableCode || !retryableStatus || state.counter > RETRY.maxRetries) {
      callback(err);
      return;
    }
    const retryAfterMs = parseRetryAfter(headers?.['retry-after']);
    const backoffMs = Math.min(RETRY.minTimeoutMs * 2 ** (state.counter - 1), RETRY.maxTimeoutMs);
    const delayMs =
      retryAfterMs !== undefined ? Math.min(retryAfterMs, RETRY.maxRetryAfterMs) : Math.round(backoffMs * (0.5 + Math.random() * 0.5));
    const reason = proxied ? `the proxy's HTTP ${statusCode}` : statusCode ? `HTTP ${statusCode}` : (code ?? err.message);
    options.onRetry?.(reason, state.counter, delayMs);
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

/** undici reports a refused CONNECT only in its message: "Proxy response (407) !== 200 when HTTP Tunneling". */
export function proxyConnectStatus(error: unknown): number | undefined {
  const match = /Proxy response \((\d{3})\) !== 200/.exec((error as Error)?.message ?? '');
  return match ? Number(match[1]) : undefined;
}
