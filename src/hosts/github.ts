/**
 * The GitHub Action face: inputs from the runner (INPUT_*), the one run driver (run.ts), outputs and a job
 * summary the runner's way (github-report.ts).
 */
import { changesBeforeStop, describeError } from '../common/errors.js';
import { writeStoppedResultFile } from '../report/result-file.js';
import { loadAfterFirstRequest } from '../common/first-request.js';
import { githubLogLine, plainText } from '../common/neutralize.js';
import { onSecret, redact, redactAround } from '../common/redact.js';
import { Timeline } from '../common/timing.js';
import { ACTION_WORDS } from '../common/words.js';
import { openEarlyConnection } from '../xopero/early-connection.js';
import { INPUT_NAMES, type RawInputs } from '../settings/settings.js';
import * as commands from './github-commands.js';
import type { Host } from './host.js';
import { groupedLog, type HostLog } from './log.js';
import { stoppedMarkdown } from './cancellation.js';
import { driveRun } from './run.js';
import { EXIT_CODES } from './signals.js';

/*
 * dist/index.js holds what every run needs before it can send its first request: reading the inputs, checking
 * them, the log. The rest comes in files ncc emits beside it (measured: dist/index.js with everything in it
 * took 87 ms over bare node to start, and a run that fails on its inputs paid all of it):
 *   - the network part (the transport, the client, the run's start): loaded once the inputs are valid, while the
 *     first connection to the server is opened (early-connection.ts); it sends the login, then loads the core
 *     (a third file, core/run.ts says why);
 *   - the report (@actions/core, the outputs, the job summary): loaded while the first request waits for its
 *     answer, when the main thread has nothing else to do (first-request.ts).
 */
const loadNetwork = () => import(/* webpackChunkName: "network" */ './local-run.js');
/**
 * A run through the broker (broker-url) loads its client instead (no core). The same file as the network
 * part: both need the transport, and one file loads faster than the three the build would otherwise split
 * them into (each file is read and compiled on its own; tried again with the CommonJS bundle, still slower:
 * docs/performance.md).
 */
const loadBroker = () => import(/* webpackChunkName: "network" */ './broker-client.js');

/** Redacted, then neutralized (no runner command, no escape sequence), then redacted again. */
const safe = (text: string) => redactAround(githubLogLine, text);
/** For the data of a command the action writes itself (error, warning): @actions/core escapes its line breaks. */
const safeData = (text: string) => redactAround(plainText, text);

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

/** GitHub Actions as a Host: workflow commands for the log, the failure lines and the masks. */
export const githubHost: Host = {
  name: 'GitHub Actions',
  // A bare repository name is one of the workflow's owner (as GitLab's root namespace is for a bare name there).
  applyDefaults: (raw, env) => {
    if (!raw.organization && raw.repository && !raw.repository.includes('/')) raw.organization = env.GITHUB_REPOSITORY_OWNER;
  },
  logLine: githubLogLine,
  log: () => githubLog(),
  // `::add-mask::SECRET` is an instruction to the GitHub runner, which hides it; anywhere else (a local run,
  // a tool that failed to stub @actions/core) it prints the secret in clear. Everything this action prints is
  // redacted already, so outside a runner the secret is simply not announced.
  start: (_streams, env) => {
    if (env.GITHUB_ACTIONS === 'true') onSecret((secret) => commands.setSecret(secret));
  },
  // Outputs and the job summary go through @actions/core, loaded after the first request (the face's report).
  fail: (problems) => {
    for (const problem of problems.slice(0, -1)) commands.error(safeData(problem));
    if (problems.length > 0) commands.setFailed(safeData(problems[problems.length - 1]));
  },
  // @actions/core's getIDToken (github-id-token.ts), loaded only for a run through the broker.
  idToken: async (request) => (await import('./github-id-token.js')).githubIdToken(request),
};

export async function runGithubAction(): Promise<void> {
  const env = process.env;
  const streams = { write: commands.info, stderr: commands.info };
  githubHost.start?.(streams, env);
  // Loaded while the first request waits for its answer (created once the network part is in: loadLocalRun).
  let report: (() => Promise<typeof import('./github-report.js')>) | undefined;
  const loadReport = () => {
    report ??= loadAfterFirstRequest(() => import('./github-report.js'));
    return report();
  };
  const timeline = new Timeline(env.XOPERO_TIMING === '1');
  // The result file a stopped run writes its problem to (writeStoppedResultFile), known once the inputs are read.
  let resultFile: string | undefined;
  const code = await driveRun({
    host: githubHost,
    streams,
    log: githubLog(),
    timeline,
    env,
    words: ACTION_WORDS,
    readInputs: () => {
      const raw: RawInputs = {};
      for (const name of INPUT_NAMES) raw[name] = commands.getInput(name, { trimWhitespace: name !== 'password' });
      resultFile = raw['result-file'] || undefined;
      // Through the broker the token names the repository: action.yml's default for it is no choice of the job.
      if (raw['broker-url'] && raw.repository === env.GITHUB_REPOSITORY) raw.repository = '';
      else githubHost.applyDefaults(raw, env);
      return raw;
    },
    // Called synchronously once the inputs are valid, before the network part's files are read (node:tls is
    // loaded then, not at start-up: early-connection.ts).
    openEarlyConnection: ({ serverUrl, caCertificate }) => openEarlyConnection({ serverUrl, caCertificate, env }),
    // The report loads when the answer is in (loadReport): the broker's one request leaves no wait to fill.
    loadBrokerRun: loadBroker,
    loadLocalRun: async () => {
      const network = await loadNetwork();
      report = loadAfterFirstRequest(() => import('./github-report.js'));
      timeline.mark('network code loaded', 0);
      return network;
    },
    report: async (outcome, settings) => {
      try {
        await (await loadReport()).reportOutcome(outcome, settings);
      } catch (error) {
        // A file that could not be written after the outcome's outputs, summary and result file: the step fails
        // with it, but this run's result stands. Not stopped(): that would put a stop's file and summary over it.
        commands.setPlainOutput('failure', 'error');
        return [...outcome.result.problems, describeError(error)];
      }
      return outcome.result.problems;
    },
    reportCancellation: async (cancellation, settings) => (await loadReport()).reportCancellation(cancellation, settings),
    stopped: (error) => {
      // No outcome to report: bad input, an unreachable server, a refused login. A gate reads it as an error;
      // what Xopero ONE confirmed before the stop (a synchronization) is still a change.
      const changesConfirmed = changesBeforeStop(error);
      if (changesConfirmed > 0) commands.setPlainOutput('changed', 'true');
      commands.setPlainOutput('failure', 'error');
      const line = describeError(error);
      // Not an earlier run's result: this run's problem, as the dotenv of the command line records it.
      writeStoppedResultFile(resultFile, { problems: [line], ...(changesConfirmed > 0 ? { changed: true } : {}) });
      // The job summary says it too, written here without the report's code (@actions/core). A summary file that
      // cannot be written adds nothing to the line below.
      try {
        // Redacted before the Markdown escapes too: an escaped secret no longer matches its plain form.
        commands.appendSummary(redact(stoppedMarkdown(redact(line), changesConfirmed)));
      } catch {
        // The error line stands alone.
      }
      commands.setFailed(safeData(line));
      return 1;
    },
    timing: (lines) => commands.info(lines.join('\n')),
  });
  // A cancelled run exits at once: the abandoned core may still sit in a poll delay.
  if (Object.values(EXIT_CODES).includes(code)) process.exit(code);
}
