/**
 * The core on a client the caller built: a run here (core/run.ts loads this file once its first request, the
 * login, is on its way) and the broker (one shared sign-in for every request, src/hosts/broker/xopero.ts).
 */
import type { XoperoApi } from '../xopero/client.js';
import type { AzureProjectResult } from './azure-project.js';
import type { Log } from './log.js';
import { protectRepository, type ProtectResult } from './protect.js';
import type { Settings } from '../settings/settings.js';
import type { SweepResult } from './sweep.js';
import { CancelledError, untilCancelled } from '../common/cancel.js';
import { noteChangesBeforeStop } from '../common/errors.js';
import { systemClock, type Clock } from './synchronize.js';
import type { ReleaseHost } from './reclaim.js';
import type { ReleaseResult } from './release.js';
import { signIn } from './sign-in.js';

/** What the core itself takes beside the client (core/run.ts's RunOptions add how to reach the server). */
export interface CoreOptions {
  log: Log;
  /** Time and sleep; tests of the synchronization wait pass a fake one. */
  clock?: Clock;
  /**
   * Cancels the run (the hosts abort it on SIGINT/SIGTERM): no request starts after it, the ones in flight are
   * aborted, and the run rejects at once with a CancelledError saying what was sent and confirmed.
   */
  signal?: AbortSignal;
  /** The host's GitHub archived-repository lister (reclaim: archived). */
  listArchived?: ReleaseHost['listArchived'];
}

export interface RunOutcome {
  result: ProtectResult | SweepResult | AzureProjectResult | ReleaseResult;
  requests: { total: number; mutating: number };
}

/** Signs in (sign-in.ts), then runs the settings' mode. The caller closes the transport. */
export async function runWithClient(settings: Settings, client: XoperoApi, options: CoreOptions): Promise<RunOutcome> {
  await untilCancelled(signIn({ client, settings, log: options.log }), options.signal, () => client.progress());
  return runSignedIn(settings, client, options);
}

/**
 * Runs the settings' mode on a client that has signed in (core/run.ts signs in before this file is loaded). A
 * cancellation ends the run at once with what was sent and confirmed.
 */
export async function runSignedIn(
  settings: Settings,
  client: XoperoApi,
  { log, clock = systemClock, signal, listArchived }: CoreOptions,
): Promise<RunOutcome> {
  const context = { client, settings, log, clock, listArchived };
  // An Azure DevOps project is its own target: the whole project joins (or, with mode: release, leaves) the plan.
  // Each mode but the one-repository protect run is loaded only when asked for (ncc emits each as a file of
  // its own beside the Action's entry; the command line bundles them in its one file): the run every pipeline
  // makes compiles none of them.
  const runMode = (): Promise<RunOutcome['result']> =>
    settings.azureProject
      ? import('./azure-project.js').then((azure) => azure.runAzureProject(context))
      : settings.operation === 'release'
        ? import('./release.js').then((release) => release.releaseRepository(context))
        : settings.repositories
          ? import('./sweep.js').then((sweep) => sweep.sweepOrganization(context))
          : protectRepository(context);
  try {
    // Already cancelled (while this file loaded): no step is started, not even an empty one.
    if (signal?.aborted) throw client.progress();
    const result = await untilCancelled(runMode(), signal, () => client.progress());
    return { result, requests: { ...client.requestCount } };
  } catch (error) {
    // What was changed before the error is still published by the host that reports it (run.ts, stopped).
    if (!(error instanceof CancelledError)) noteChangesBeforeStop(error, client.progress().changesConfirmed);
    throw error;
  }
}
