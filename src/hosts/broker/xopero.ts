/**
 * The broker's one way to Xopero ONE, built once at start and handed to the core for every request: one
 * transport (keep-alive pool, retries, TLS trust, proxy) and one sign-in shared by all requests (one login,
 * one single-flight re-login on 401). Each request gets a client of its own over them, so its request count,
 * its malformed-answer stop and its result stay its own.
 *
 * Over them, the shared session (src/xopero/shared-session.ts) lets the requests of a burst share their reads
 * (organizations, the repository listing, plan membership; none older than 5 s at the answer), their
 * activations (batched) and their synchronizations: each request's client is one caller of it.
 */
import type { Settings } from '../../settings/settings.js';
import { XoperoClient, type LoginSession, type XoperoApi } from '../../xopero/client.js';
import { SharedSession } from '../../xopero/shared-session.js';
import { createTransport } from '../../xopero/transport.js';

export interface BrokerXopero {
  /** A client for one request's run (settings built from the config, the caller's claims and the body). */
  clientFor(settings: Settings): XoperoApi;
  /** Drops the pool's connections (graceful stop, after the last run). */
  close(): Promise<void>;
}

/** `base`: settings parsed from the config alone (server, CA, credential), the same for every request. */
export function createBrokerXopero(base: Settings, env: NodeJS.ProcessEnv, onRetry?: (reason: string) => void): BrokerXopero {
  const transport = createTransport({
    serverUrl: base.serverUrl,
    env,
    caCertificate: base.caCertificate,
    onRetry: (reason) => onRetry?.(reason),
  });
  const session: LoginSession = {};
  const shared = new SharedSession();
  return {
    clientFor: (settings) =>
      shared.caller(
        new XoperoClient({ serverUrl: base.serverUrl, credentials: base.credentials, transport, words: settings.words, session }),
      ),
    close: () => transport.destroy(),
  };
}
