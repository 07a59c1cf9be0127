/**
 * One run, whatever the host: build the transport and client from the settings, send the first request, run
 * the core (run-with-client.ts), close.
 */
import type { Socket } from 'node:net';
import { XoperoClient } from '../xopero/client.js';
import type { Log } from './log.js';
import type { Settings } from '../settings/settings.js';
import { displayProxy, type ProxyChoice } from '../xopero/proxy.js';
import { untilCancelled } from '../common/cancel.js';
import { firstRequestSent } from '../common/first-request.js';
import { Timeline } from '../common/timing.js';
import { createTransport } from '../xopero/transport.js';
import type { CoreOptions, RunOutcome } from './run-with-client.js';
import { signIn } from './sign-in.js';

export type { RunOutcome } from './run-with-client.js';

export interface RunOptions extends CoreOptions {
  /** The environment the proxy variables are read from. */
  env?: Record<string, string | undefined>;
  timeline?: Timeline;
  /** The first connection to the server, opened by the host while this code loaded (early-connection.ts). */
  earlyConnection?: Promise<Socket | undefined>;
}

/**
 * Every mode's first request is the same: the login, or with an access token the organizations. It is sent
 * here, before the core is loaded, and the core loads while the server answers. The core is a file of its own
 * beside the Action's entry (the command line bundles it in its one file): 2-3 ms of compiling that no longer
 * delay the first request (docs/performance.md). The core's own call takes that request's outcome, success or
 * failure: nothing is sent twice.
 */
export async function runOperation(settings: Settings, options: RunOptions): Promise<RunOutcome> {
  const { log, env = {}, timeline = new Timeline(false), signal, earlyConnection } = options;
  const transport = createTransport({
    serverUrl: settings.serverUrl,
    env,
    caCertificate: settings.caCertificate,
    earlyConnection,
    onRetry: (reason, attempt, delayMs) => log.warning(`Retrying after ${reason} (retry ${attempt}, in ${(delayMs / 1000).toFixed(1)} s).`),
  });
  logProxy(log, transport.proxy, settings.serverUrl);
  const client = new XoperoClient({
    serverUrl: settings.serverUrl,
    credentials: settings.credentials,
    transport,
    timeline,
    signal,
    words: settings.words,
  });
  try {
    // Loaded once the first request is on the wire (compiled earlier, it would hold it back: the thread is one),
    // or at once when the run is cancelled before that: a connection still being made can take its whole
    // connect timeout to give up.
    const loadingCore = firstRequestSent(() => client.beginFirstRequest(), signal).then(async () => {
      const core = await import('./run-with-client.js');
      timeline.mark('core loaded', 0);
      return core;
    });
    // signIn awaits it only once the first answer is in: a file that failed to load (a missing dist/NNN.index.js)
    // must not be an unhandled rejection until then, which would end the process with a stack trace.
    loadingCore.catch(() => undefined);
    // The "Sign in" step is open while the first request is out and the core loads: a cancellation names it.
    const signingIn = signIn({ client, settings, log }, loadingCore);
    const { runSignedIn } = await untilCancelled(signingIn, signal, () => client.progress());
    return await runSignedIn(settings, client, options);
  } finally {
    // destroy, not close: nothing is in flight any more (or a cancellation aborts it), and idle keep-alive
    // sockets must not hold the exit.
    // Not awaited: destroy() ends the sockets at once; waiting for their 'close' events would only delay the
    // outputs and the summary, which do not depend on them.
    transport.destroy().catch(() => undefined);
  }
}

function logProxy(log: Log, proxy: ProxyChoice, serverUrl: URL): void {
  if (proxy.url) log.info(`Using proxy ${displayProxy(proxy.url)} (from ${proxy.source}).`);
  else if (proxy.excludedBy)
    log.info(`Not using the proxy in ${proxy.source}: ${serverUrl.hostname} is excluded by NO_PROXY entry '${proxy.excludedBy}'.`);
}
