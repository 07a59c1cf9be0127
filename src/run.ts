/** One run, whatever the host: build the transport and client from the settings, run the core, close. */
import { XoperoClient } from './client.js';
import type { Log } from './log.js';
import { protectRepository, type ProtectResult } from './protect.js';
import type { Settings } from './settings.js';
import { Timeline } from './timing.js';
import { createTransport } from './transport.js';

export interface RunOptions {
  log: Log;
  timeline?: Timeline;
  now?: () => number;
}

export interface RunOutcome {
  result: ProtectResult;
  requests: { total: number; mutating: number };
}

export async function run(settings: Settings, { log, timeline = new Timeline(false), now = Date.now }: RunOptions): Promise<RunOutcome> {
  const transport = createTransport({
    caCertificate: settings.caCertificate,
    onRetry: (reason, attempt, delayMs) => log.warning(`Retrying after ${reason} (retry ${attempt}, in ${(delayMs / 1000).toFixed(1)} s).`),
  });
  const client = new XoperoClient({ serverUrl: settings.serverUrl, credentials: settings.credentials, transport, timeline });
  try {
    const result = await protectRepository({ client, settings, log, now });
    return { result, requests: { ...client.requestCount } };
  } finally {
    // destroy, not close: nothing is in flight any more, and idle keep-alive sockets must not hold the exit.
    await transport.destroy();
  }
}
