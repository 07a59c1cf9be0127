/** The GitHub Action face: inputs from the runner, the core, outputs and a job summary the runner's way. */
import { CancelledError } from '../common/cancel.js';
import { describeError } from '../common/errors.js';
import { loadAfterFirstRequest } from '../common/first-request.js';
import { githubLogLine, plainText } from '../common/neutralize.js';
import { addSecret, onSecret, redact } from '../common/redact.js';
import { INPUT_NAMES, parseSettings, type RawInputs } from '../settings/settings.js';
import { Timeline } from '../common/timing.js';
import { describeCancellation, groupedLog, watchSignals, type HostLog } from './cancel.js';
import * as commands from './github-commands.js';

/*
 * dist/index.js holds what every run needs before it can send its first request: reading the inputs, checking
 * them, the log. The rest comes in two files ncc emits beside it (measured: dist/index.js with everything in it
 * took 87 ms over bare node to start, and a run that fails on its inputs paid all of it):
 *   - the network part (undici, the client, the core): loaded once the inputs are valid, while the first
 *     connection to the server is opened (early-connection.ts);
 *   - the report (@actions/core, the outputs, the job summary): loaded while the first request waits for its
 *     answer, when the main thread has nothing else to do (first-request.ts).
 */
const loadNetwork = () => import('./github-run.js');
/** Inside dist/index.js ("eager"), evaluated only once the inputs are valid: with node:tls, node:net, the proxy rules. */
const loadEarlyConnection = () => import(/* webpackMode: "eager" */ '../xopero/early-connection.js');

/** Redacted, then neutralized (no runner command, no escape sequence), then redacted again. */
const safe = (text: string) => redact(githubLogLine(redact(text)));
/** For the data of a command the action writes itself (error, warning): @actions/core escapes its line breaks. */
const safeData = (text: string) => redact(plainText(redact(text)));

/** Every line the core logs passes through githubLogLine; groups are tracked so a cancellation can close one. */
export function githubLog(): HostLog {
  return groupedLog({
    info: (line) => commands.info(safe(line)),
    warning: (line) => commands.warning(safeData(line)),
    begin: (title) => {
      commands.startGroup(safeData(title));
      return commands.endGroup;
    },
  });
}

export async function runGithubAction(): Promise<void> {
  // `::add-mask::SECRET` is an instruction to the GitHub runner, which hides it; anywhere else (a local run,
  // a tool that failed to stub @actions/core) it prints the secret in clear. Everything this action prints is
  // redacted already, so outside a runner the secret is simply not announced.
  if (process.env.GITHUB_ACTIONS === 'true') onSecret((secret) => commands.setSecret(secret));
  const timeline = new Timeline(process.env.XOPERO_TIMING === '1');
  const log = githubLog();
  const signals = watchSignals(log);
  let exitCode: number | undefined;
  try {
    const raw: RawInputs = {};
    for (const name of INPUT_NAMES) raw[name] = commands.getInput(name, { trimWhitespace: name !== 'password' });
    // A bare repository name is one of the workflow's owner (as GitLab's root namespace is for a bare name there).
    if (!raw.organization && raw.repository && !raw.repository.includes('/')) raw.organization = process.env.GITHUB_REPOSITORY_OWNER;
    addSecret(raw.password);
    addSecret(raw['access-token']);
    addSecret(raw['github-token']); // [release]
    const settings = parseSettings(raw);

    // The handshakes go on over the network while the network part loads.
    const { serverUrl, caCertificate } = settings;
    const earlyConnection = loadEarlyConnection().then((early) =>
      early.openEarlyConnection({ serverUrl, caCertificate, env: process.env }),
    );
    const network = await loadNetwork();
    const report = loadAfterFirstRequest(() => import('./github-report.js'));
    timeline.mark('network code loaded', 0);
    try {
      // [release] reclaim: archived reads GitHub (octokit loads only when it runs).
      const listArchived = network.lazyArchivedLister(settings, process.env);
      const outcome = await network.runProtection(settings, {
        log,
        env: process.env,
        timeline,
        signal: signals.signal,
        listArchived,
        earlyConnection,
      });
      await (await report()).reportOutcome(outcome, settings);
      const { problems } = outcome.result;
      for (const problem of problems.slice(0, -1)) commands.error(safeData(problem));
      if (problems.length > 0) commands.setFailed(safeData(problems[problems.length - 1]));
    } catch (error) {
      const signal = signals.received();
      if (!(error instanceof CancelledError) || !signal) throw error;
      const cancellation = describeCancellation(signal, error);
      log.closeOpenGroup();
      commands.error(safeData(cancellation.line));
      await (await report()).reportCancellation(cancellation, settings);
      exitCode = cancellation.exitCode;
    }
  } catch (error) {
    // No outcome to report: bad input, an unreachable server, a refused login. A gate reads it as an error.
    commands.setPlainOutput('failure', 'error');
    commands.setFailed(safeData(describeError(error)));
  } finally {
    signals.dispose();
    if (timeline.enabled) {
      timeline.mark('main finished', 0);
      commands.info(['Timing (XOPERO_TIMING=1):', ...timeline.format()].join('\n'));
    }
  }
  // A cancelled run exits at once: the abandoned core may still sit in a poll delay.
  if (exitCode !== undefined) process.exit(exitCode);
}
