/**
 * The one synchronization wait, for one repository and for a sweep. A synchronization makes Xopero ONE see
 * repositories created at the source since the last one; the API only starts it and says, on the repository
 * list, whether one is running.
 */
import { XoperoError } from '../common/errors.js';

/** Time, injected so tests run the wait on a fake clock instead of real seconds. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Poll delays: the first well under a second (a sync of a small organization is quick), growing to 5 s. */
export const POLL_DELAYS_MS = [250, 500, 1000, 2000, 4000, 5000];

export interface Probe {
  /** What the caller waits for is there (the new repository appeared). */
  done: boolean;
  inProgress: boolean;
}

export interface WaitOptions {
  clock: Clock;
  timeoutSeconds: number;
  /** A synchronization was already running when the run looked. */
  alreadyRunning: boolean;
  start(): Promise<void>;
  probe(): Promise<Probe>;
  /** The one line for a timeout. */
  timeoutMessage: string;
  log(line: string): void;
  /** Said when waiting for someone else's synchronization. */
  waitingMessage: string;
}

/**
 * Starts a synchronization (unless one is running) and polls until `probe` says done, or until a
 * synchronization of our own is over: 'done' or 'finished'. A synchronization that was already running may
 * have begun before the repository existed: when it ends without it, one of our own follows, so at most one
 * is started. Waiting longer after our own ended cannot help, so that ends the wait at once.
 */
export async function synchronizeAndWait(options: WaitOptions): Promise<'done' | 'finished'> {
  const { clock } = options;
  const deadline = clock.now() + options.timeoutSeconds * 1000;
  let startedOwn = false;
  const startOwn = async () => {
    await options.start();
    startedOwn = true;
  };
  if (options.alreadyRunning) options.log(options.waitingMessage);
  else await startOwn();

  let sawRunning = options.alreadyRunning;
  let idlePolls = 0;
  for (let poll = 0; ; poll++) {
    const delay = POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)];
    if (clock.now() + delay > deadline) break;
    await clock.sleep(delay);
    const probe = await options.probe();
    if (probe.done) return 'done';
    sawRunning ||= probe.inProgress;
    idlePolls = probe.inProgress ? 0 : idlePolls + 1;
    // The server may take a moment to flag a sync as running; two idle polls in a row mean it is over.
    const finished = !probe.inProgress && (sawRunning || idlePolls >= 2);
    if (!finished) continue;
    if (startedOwn) return 'finished';
    await startOwn();
    sawRunning = false;
    idlePolls = 0;
  }
  throw new XoperoError(options.timeoutMessage);
}
