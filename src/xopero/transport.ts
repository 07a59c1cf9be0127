/**
 * The transport: how a run's requests reach a server. Built once per run (once per broker); every request of
 * the run goes through it, so sequential requests share one keep-alive TLS connection.
 *
 * Two implementations behind one interface, chosen by the proxy rules (proxy.ts):
 *   - direct (direct-transport.ts): Node's own http client, the common case and the fast one: its code is
 *     built into the node binary, so a run does not parse and compile an HTTP library first;
 *   - through a forward proxy (proxy-transport.ts): undici's ProxyAgent (CONNECT tunnel, Proxy-Authorization,
 *     TLS to the server inside the tunnel), loaded only when HTTPS_PROXY applies to the server.
 * Both retry with the same policy (retry.ts), trust exactly what trust.ts says and time out alike.
 */
import { createDirectTransport } from './direct-transport.js';
import { chooseProxy } from './proxy.js';
import type { Transport, TransportOptions } from './transport-types.js';
import { CONNECT_TIMEOUT_MS } from './trust.js';

export type { Transport, TransportAnswer, TransportCore, TransportOptions, TransportRequest } from './transport-types.js';

export { CONNECT_TIMEOUT_MS };
export { RETRY, proxyConnectStatus } from './retry.js';

export function createTransport(options: TransportOptions): Transport {
  const proxy = chooseProxy(options.serverUrl, options.env ?? {});
  const caPinned = Boolean(options.caCertificate);
  if (!proxy.url) return { ...createDirectTransport(options), proxy, caPinned };
  // The early connection went straight to the server; through a proxy it is of no use.
  void options.earlyConnection?.then((socket) => socket?.destroy());
  const proxyUrl = proxy.url;
  // undici is loaded (a file of its own beside the bundle) only when a proxy is in the way.
  const loading = import('./proxy-transport.js').then((module) => module.createProxyTransport(options, proxyUrl));
  // Until someone sends, a failed load must not be an unhandled rejection (send() reports it).
  loading.catch(() => undefined);
  return {
    send: async (request) => (await loading).send(request),
    destroy: async () => (await loading).destroy(),
    proxy,
    caPinned,
  };
}
