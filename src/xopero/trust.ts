/** How the server is trusted and how a connection is made ready: shared by the transport and the early connection. */
import type { Socket } from 'node:net';

export const CONNECT_TIMEOUT_MS = 10_000;
/** undici's code for a connect timeout, which both transports report (retry.ts, http-errors.ts translate it). */
export const CONNECT_TIMEOUT_CODE = 'UND_ERR_CONNECT_TIMEOUT';

/**
 * Hands `socket` over once `ready` fires ('connect' for TCP, 'secureConnect' for TLS), or the failure: its
 * error, its close, or a timeout after CONNECT_TIMEOUT_MS; a failed socket is destroyed. No-delay is on: every
 * request is one write that waits for its answer.
 */
export function settleConnection(
  socket: Socket,
  ready: 'connect' | 'secureConnect',
  callback: (error: Error | null, socket?: Socket) => void,
): void {
  let settled = false;
  // Named as Node names a connection dropped during the TLS handshake: retried, and reported, as that is.
  const closedEarly = () => settle(Object.assign(new Error('The connection closed before it was ready'), { code: 'ECONNRESET' }));
  const settle = (error: Error | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.off('error', settle).off('close', closedEarly);
    if (error) {
      socket.destroy();
      callback(error);
    } else callback(null, socket);
  };
  const timer = setTimeout(() => {
    settle(Object.assign(new Error(`Connect Timeout Error (${CONNECT_TIMEOUT_MS} ms)`), { code: CONNECT_TIMEOUT_CODE }));
  }, CONNECT_TIMEOUT_MS);
  socket.setNoDelay(true);
  socket.once(ready, () => settle(null));
  socket.once('error', settle);
  socket.once('close', closedEarly);
}

/**
 * TLS trust for the Xopero ONE server. Verification is always on.
 *
 * Without `ca-certificate`, Node's default store applies (its bundled roots plus NODE_EXTRA_CA_CERTS).
 * With it, the server's certificate must chain to exactly the certificate(s) given, as with curl --cacert:
 * the input exists for a self-hosted server signed by a private CA, and pinning trust to that CA is both the
 * stricter choice and the cheap one. Rebuilding the default store next to it (the ~140 bundled roots plus
 * NODE_EXTRA_CA_CERTS, parsed again on every run) cost 24-46 ms of every run's first connection for roots
 * that cannot sign the private server's certificate. Whoever needs several CAs (a TLS-inspecting proxy that
 * re-signs the server's certificate, a CA change in progress) puts them all in the input: it takes any number
 * of PEM certificates.
 *
 * This applies to the server only (requestTls). TLS to an https:// proxy itself (proxyTls) keeps Node's default
 * store, NODE_EXTRA_CA_CERTS included: the proxy belongs to the runner's network, not to the server.
 */
export function trust(caCertificate: string | undefined): { ca?: string } {
  return caCertificate ? { ca: caCertificate } : {};
}
