/** What every part of the core is given: the client, the settings, the host's log and the clock. */
import type { Settings } from '../settings/settings.js';
import type { XoperoApi } from '../xopero/client.js';
import type { Log } from './log.js';
import type { Clock } from './synchronize.js';

export interface RunContext {
  client: XoperoApi;
  settings: Settings;
  log: Log;
  clock: Clock;
}
