/**
 * The one run driver: every face (the GitHub Action, the command line in GitLab, Azure Pipelines, Bitbucket
 * or any shell) runs an operation through `driveRun`. It owns what the faces used to write each on its own:
 * the settings (parsed once, which registers the secrets: src/settings/settings.ts is the one place), the
 * signals that cancel the run, obtaining the RunOutcome, reporting it or the cancellation, the failure lines,
 * and the timing footer. A face contributes only what is its own, through a `RunFace` (host.ts): its Host,
 * how it reads its inputs, how it refuses them, how it publishes, and how it gets the network part.
 *
 * This module is in dist/index.js, which must stay small (src/hosts/github.ts explains the start-up): it
 * imports the settings, the signals and the log layer, and nothing of the transport, the client, the core or
 * @actions/core (types only from those).
 */
import { CancelledError } from '../common/cancel.js';
import { InputError, describeError } from '../common/errors.js';
import { unwritableReason } from '../common/writable.js';
import type { RunOptions, RunOutcome } from '../core/run.js';
import { parseSettings } from '../settings/settings.js';
import { describeCancellation } from './cancellation.js';
import type { RunFace, RunSettings } from './host.js';
import { watchSignals } from './signals.js';

/** How the RunOutcome is obtained: run the operation here, or ask a broker that runs it (issue #25). */
type Operation = (options: RunOptions) => Promise<RunOutcome>;

/**
 * The one place a RunOutcome comes from. With `broker-url` (a broker run's settings carry `brokerUrl`), the
 * host's OIDC identity token goes to the broker (src/hosts/broker-client.ts), which runs the same core for the
 * repository the token names and answers with its RunOutcome; otherwise the core runs here. Everything after
 * (reporting, failing, cancelling) is the same for both.
 */
function chooseOperation(face: RunFace, settings: RunSettings): Operation {
  // The broker's part (its client, the token's request) is loaded in this case only: dist/index.js stays small.
  if ('brokerUrl' in settings) return async (options) => (await face.loadBrokerRun()).askBroker(face, settings, options);
  return async (options) => {
    // The handshakes go on over the network while the network part loads. One turn of the event loop first:
    // a TCP connection to a near server is up by then, and the TLS client hello goes out before the loading
    // (synchronous compiling) holds the thread; the server's answer then waits for us, not we for it.
    const earlyConnection = face.openEarlyConnection?.(settings);
    if (earlyConnection) await new Promise((resolve) => setImmediate(resolve));
    const local = await face.loadLocalRun();
    // And one more turn once it is in: the server's answer to the client hello, which arrived while the part
    // was compiling, is taken now, so the handshake is done before the core builds its first request instead of
    // after (3-4 ms of the thread either way, but no longer counted in the first request's wait).
    if (earlyConnection) await new Promise((resolve) => setImmediate(resolve));
    // reclaim: archived reads GitHub (octokit loads only when it runs).
    const listArchived = local.lazyArchivedLister(settings, face.env);
    return local.runOperation(settings, { ...options, listArchived, earlyConnection });
  };
}

/**
 * A broker run's settings (broker-url given) or a local run's. The broker's parser comes with the broker's
 * part (loaded only then), so the Action's start-up file carries neither.
 */
async function readSettings(face: RunFace): Promise<RunSettings> {
  const raw = face.readInputs();
  const brokerUrl = raw['broker-url']?.trim();
  if (!brokerUrl) return parseSettings(raw, face.words);
  return (await face.loadBrokerRun()).parseBrokerClientSettings(brokerUrl, raw, face.words);
}

/**
 * The files the run writes at its end, checked before it starts: one that cannot be written would otherwise fail
 * the run after its changes were made, and hide them (README: a bad value fails before anything is sent).
 */
function checkOutputFiles(settings: RunSettings): void {
  const files: Array<[string, string | undefined]> = [
    ['result-file', settings.resultFile],
    ['html-file', 'htmlFile' in settings ? settings.htmlFile : undefined],
    ['badge-file', 'badgeFile' in settings ? settings.badgeFile : undefined],
  ];
  for (const [input, path] of files) {
    const problem = path && unwritableReason(path, true);
    if (problem) throw new InputError(input, `cannot write '${path}': ${problem}; give a writable path.`);
  }
}

/** Runs one operation for a face; resolves to the process's exit code (a cancellation's: 130 or 143). */
export async function driveRun(face: RunFace): Promise<number> {
  const { log, timeline } = face;
  const signals = watchSignals(log);
  // The timing footer (XOPERO_TIMING=1), once, before the failure lines: those end the step (Azure's
  // task.complete is its last line), so nothing is written after them.
  let timed = false;
  const printTiming = () => {
    if (timed || !timeline.enabled) return;
    timed = true;
    timeline.mark('main finished', 0);
    face.timing(['Timing (XOPERO_TIMING=1):', ...timeline.format()]);
  };
  try {
    let settings: RunSettings;
    try {
      settings = await readSettings(face);
      face.check?.(settings);
      checkOutputFiles(settings);
      timeline.mark('inputs checked', 0);
    } catch (error) {
      printTiming();
      return await face.stopped(error, 'settings');
    }
    try {
      const operation = chooseOperation(face, settings);
      const outcome = await operation({ log, env: face.env, timeline, signal: signals.signal });
      const problems = await face.report(outcome, settings);
      printTiming();
      if (problems.length > 0) face.host.fail(problems, face.streams);
      return face.exitCode ? face.exitCode(outcome, problems) : problems.length > 0 ? 1 : 0;
    } catch (error) {
      const signal = signals.received();
      if (!(error instanceof CancelledError) || !signal) {
        printTiming();
        return await face.stopped(error, 'run');
      }
      const cancellation = describeCancellation(signal, error);
      log.closeOpenGroup();
      // The outputs and summary first, then the failure lines, as after a result: a host's failure lines end
      // the step (Azure's task.complete is its last line).
      const lines = [cancellation.line];
      try {
        await face.reportCancellation(cancellation, settings);
      } catch (reportError) {
        lines.push(describeError(reportError));
      }
      printTiming();
      face.host.fail(lines, face.streams);
      return cancellation.exitCode;
    }
  } finally {
    signals.dispose();
    printTiming();
  }
}
