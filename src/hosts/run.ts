/**
 * The one run driver: every face (the GitHub Action, the command line in GitLab, Azure Pipelines, Bitbucket
 * or any shell) runs an operation through `driveRun`. It owns what the faces used to write each on its own:
 * the settings (parsed once, which registers the secrets: src/settings/settings.ts is the one place), the
 * signals that cancel the run, obtaining the RunOutcome, reporting it or the cancellation, the failure lines,
 * and the timing footer. A face contributes only what is its own, through a `RunFace` (host.ts): its Host,
 * how it reads its inputs, how it refuses them, how it publishes, and how it gets the network part.
 *
 * This module is in dist/index.js, which must stay small (src/hosts/github.ts explains the start-up): it
 * imports the settings, the signals and the log layer, and nothing of undici, the client, the core or
 * @actions/core (types only from those).
 */
import { CancelledError } from '../common/cancel.js';
import { describeError } from '../common/errors.js';
import type { RunOptions, RunOutcome } from '../core/run.js';
import { parseSettings, type Settings } from '../settings/settings.js';
import { describeCancellation } from './cancellation.js';
import type { RunFace } from './host.js';
import { watchSignals } from './signals.js';

/** How the RunOutcome is obtained: run the operation here, or later (issue #25) ask a broker that runs it. */
type Operation = (options: RunOptions) => Promise<RunOutcome>;

/**
 * The seam for a second way to run the same operation. Today there is one: the core runs here. A broker
 * (a `brokerUrl` setting) would select an operation that POSTs the host's OIDC identity token (an optional
 * `idToken(audience)` on the Host) to the broker and returns the RunOutcome JSON it answers; everything after
 * (reporting, failing, cancelling) stays as it is.
 */
function chooseOperation(face: RunFace, settings: Settings): Operation {
  return async (options) => {
    // The handshakes go on over the network while the network part loads.
    const earlyConnection = face.openEarlyConnection?.(settings);
    const local = await face.loadLocalRun();
    // reclaim: archived reads GitHub (octokit loads only when it runs).
    const listArchived = local.lazyArchivedLister(settings, face.env);
    return local.runOperation(settings, { ...options, listArchived, earlyConnection });
  };
}

/** Runs one operation for a face; resolves to the process's exit code (a cancellation's: 130 or 143). */
export async function driveRun(face: RunFace): Promise<number> {
  const { log, timeline } = face;
  const signals = watchSignals(log);
  try {
    let settings: Settings;
    try {
      settings = parseSettings(face.readInputs(), face.words);
      face.check?.(settings);
    } catch (error) {
      return face.stopped(error, 'settings');
    }
    try {
      const operation = chooseOperation(face, settings);
      const outcome = await operation({ log, env: face.env, timeline, signal: signals.signal });
      const problems = await face.report(outcome, settings);
      if (problems.length > 0) face.host.fail(problems, face.streams);
      return face.exitCode ? face.exitCode(outcome, problems) : problems.length > 0 ? 1 : 0;
    } catch (error) {
      const signal = signals.received();
      if (!(error instanceof CancelledError) || !signal) return face.stopped(error, 'run');
      const cancellation = describeCancellation(signal, error);
      log.closeOpenGroup();
      face.host.fail([cancellation.line], face.streams);
      try {
        await face.reportCancellation(cancellation, settings);
      } catch (reportError) {
        face.host.fail([describeError(reportError)], face.streams);
      }
      return cancellation.exitCode;
    }
  } finally {
    signals.dispose();
    if (timeline.enabled) {
      timeline.mark('main finished', 0);
      face.timing(['Timing (XOPERO_TIMING=1):', ...timeline.format()]);
    }
  }
}
