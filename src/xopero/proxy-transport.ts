/**
 * The transport through a forward proxy (HTTPS_PROXY, unless NO_PROXY excludes the server; proxy.ts decides):
 * undici's ProxyAgent opens a CONNECT tunnel (Proxy-Authorization from the proxy URL's user and password) and
 * runs TLS to the server inside it, with the same trust settings as a direct connection. Its tunnels are
 * pooled and kept alive like direct connections: a run opens about as many as it has requests in flight.
 * Loaded by transport.ts only when a proxy applies, as a file of its own beside the bundle.
 */
// First: V8's WebAssembly setting, before undici compiles its HTTP parser (wasm-tiering.ts says why).
import '../common/wasm-tiering.js';
import { ProxyAgent } from './undici.js';
import { MAX_ANSWER_BYTES, answerTimeout, withRetries } from './retry.js';
import type { TransportCore, TransportOptions } from './transport-types.js';
import { CONNECT_TIMEOUT_MS, trust } from './trust.js';

export function createProxyTransport(options: TransportOptions, proxyUrl: URL): TransportCore {
  const tls = { timeout: CONNECT_TIMEOUT_MS, ...trust(options.caCertificate) };
  const agent = new ProxyAgent({
    uri: String(proxyUrl),
    keepAliveTimeout: 10_000,
    requestTls: tls,
    proxyTls: { timeout: CONNECT_TIMEOUT_MS },
    // Passed on to each connection: a larger answer fails with UND_ERR_RES_EXCEEDED_MAX_SIZE (retry.ts).
    maxResponseSize: MAX_ANSWER_BYTES,
  });
  return {
    // undici follows no redirect by default: the next hop would receive the bearer token.
    send: (request) =>
      withRetries(
        async () => {
          // undici's headersTimeout restarts on every 1xx answer and its bodyTimeout is a gap between two parts:
          // the whole answer has timeoutMs too, as in direct-transport.ts (which says why).
          const expired = new AbortController();
          let answered = false;
          const deadline = setTimeout(() => expired.abort(answerTimeout(answered, request.timeoutMs)), request.timeoutMs);
          const signal = request.signal ? AbortSignal.any([request.signal, expired.signal]) : expired.signal;
          try {
            const answer = await agent.request({
              origin: request.origin,
              path: request.path,
              method: request.method,
              headers: request.headers,
              body: request.body,
              headersTimeout: request.timeoutMs,
              bodyTimeout: request.timeoutMs,
              signal,
            });
            answered = true;
            return { statusCode: answer.statusCode, headers: answer.headers, text: await answer.body.text() };
          } catch (error) {
            // Whatever undici rejects with once aborted, the deadline's own error says what ran out.
            if (expired.signal.aborted && !request.signal?.aborted) throw expired.signal.reason;
            throw error;
          } finally {
            clearTimeout(deadline);
          }
        },
        { ...options, retryOn: request.retryOn ?? options.retryOn, signal: request.signal },
      ),
    destroy: () => agent.destroy(),
  };
}
