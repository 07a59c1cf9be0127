/** How the server is trusted and how long a connection may take: shared by the transport and the early connection. */

export const CONNECT_TIMEOUT_MS = 10_000;

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
