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

/** "1 plan", "2 plans"; "1 repository", "2 repositories" with the plural given. */
export const plural = (count: number, noun: string, nouns = `${noun}s`) => `${count} ${count === 1 ? noun : nouns}`;
