/** One run, whatever the host: build the transport and client from the settings, run the core, close. */
import { XoperoClient } from '../xopero/client.js';
import type { Log } from './log.js';
import { displayProxy, type ProxyChoice } from '../xopero/proxy.js';
import { protectRepository, type ProtectResult } from './protect.js';
import type { Settings } from '../settings/settings.js';
import { sweepOrganization, type SweepResult } from './sweep.js';
import { Timeline } from '../common/timing.js';
import { createTransport } from '../xopero/transport.js';
import type { ReleaseHost, ReleaseResult } from './release.js'; // [release]

export interface RunOptions {
  log: Log;
  /** The environment the proxy variables are read from. */
  env?: Record<string, string | undefined>;
  timeline?: Timeline;
  now?: () => number;
  /** [release] The host's GitHub archived-repository lister (reclaim: archived). */
  listArchived?: ReleaseHost['listArchived'];
}

export interface RunOutcome {
  result: ProtectResult | SweepResult | ReleaseResult; // [release] ReleaseResult
  requests: { total: number; mutating: number };
}

export async function runProtection(settings: Settings, { log, env = {}, timeline = new Timeline(false), now = Date.now, listArchived }: RunOptions): Promise<RunOutcome> {
  const transport = createTransport({
    serverUrl: settings.serverUrl,
    env,
    caCertificate: settings.caCertificate,
    onRetry: (reason, attempt, delayMs) => log.warning(`Retrying after ${reason} (retry ${attempt}, in ${(delayMs / 1000).toFixed(1)} s).`),
  });
  logProxy(log, transport.proxy, settings.serverUrl);
  const client = new XoperoClient({ serverUrl: settings.serverUrl, credentials: settings.credentials, transport, timeline });
  try {
    const context = { client, settings, log, now, listArchived }; // [release] listArchived
    const result =
      // [release] loaded only in this mode (ncc emits it as a separate file): the normal run does not carry it.
      settings.operation === 'release' ? await (await import('./release.js')).releaseRepository(context)
      : settings.repositories ? await sweepOrganization(context) : await protectRepository(context);
    return { result, requests: { ...client.requestCount } };
  } finally {
    // destroy, not close: nothing is in flight any more, and idle keep-alive sockets must not hold the exit.
    await transport.destroy();
  }
}

function logProxy(log: Log, proxy: ProxyChoice, serverUrl: URL): void {
  if (proxy.url) log.info(`Using proxy ${displayProxy(proxy.url)} (from ${proxy.source}).`);
  else if (proxy.excludedBy) log.info(`Not using the proxy in ${proxy.source}: ${serverUrl.hostname} is excluded by NO_PROXY entry '${proxy.excludedBy}'.`);
}
