/**
 * The command-line face, for GitLab (the CI/CD component runs it) and any other CI: flags and XOPERO_*
 * variables in, the same core, a text report or --json out. Secrets come only from the environment.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { unwritableReason } from '../common/writable.js';
import { parseArgs } from 'node:util';
import { InputError, XoperoError, changesBeforeStop, describeError } from '../common/errors.js';
import { plainText } from '../common/neutralize.js';
import { redact } from '../common/redact.js';
import { loadReleaseReport, markdownSummary, outputValues, textReport } from '../report/report.js';
import type { RunOutcome } from '../core/run.js';
import { INPUT_NAMES, type RawInputs } from '../settings/settings.js';
import { Timeline } from '../common/timing.js';
import { detectHost } from './detect.js';
import { safeLines, type Host } from './host.js';
import { gitlabHost } from './gitlab.js';
import { VERSION } from '../common/version.js';
import { cancelledMarkdown } from './cancellation.js';
import * as localRun from './local-run.js';
import * as brokerRun from './broker-client.js';
import { driveRun } from './run.js';
import { CLI_WORDS, EXIT, type CliIo, type ParsedCommandLine, UsageError, flagOfInput, helpText, parseCommandLine } from './cli-args.js';
import { reportFailed, runReportCommand } from './report-command.js';
import { COMPONENT_WORDS } from './gitlab-words.js';
import type { HostWords } from '../common/words.js';
import { writeResultFile, writeStoppedResultFile } from '../report/result-file.js';
import { failureKind } from '../report/failure.js';
// Imported, not loaded on demand: the GitLab component runs dist/cli/index.js alone, and the report command
// brings the merge and the page into this bundle anyway.
import { writeSweepPages } from '../report/sweep-pages.js';

/**
 * stdout carries results only: the text report, or with --json exactly one JSON document, on success and on
 * every failure alike (then `{"problems": [...]}` at least), so `| jq` never meets an empty stdout. The log,
 * warnings and errors go to stderr.
 */
export async function runCommandLine(io: CliIo): Promise<number> {
  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(io.argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // report's errors are its own (no host, no JSON document): one line and the pointer to its help.
    if (error.command === 'report') {
      reportFailed(io, detectHost(io.env), [error.message], "Try 'xopero-one report --help'.");
      return EXIT.usage;
    }
    return runEnsure(io, error);
  }
  if (parsed.command === 'help' || parsed.command === 'version') {
    io.stdout(`${parsed.command === 'help' ? helpText(parsed.topic) : VERSION}\n`);
    return EXIT.done;
  }
  // The report subcommand (src/hosts/report-command.ts) merges result files; it talks to no server.
  if (parsed.command === 'report') return runReportCommand(io, parsed);
  // src/cli.ts starts the broker (its own bundle) before this parser; here only when called without it.
  if (parsed.command === 'broker') {
    io.stderr('xopero-one broker: run it as `xopero-one broker --config FILE` (dist/cli/index.js loads dist/broker/).\n');
    return EXIT.usage;
  }
  return runEnsure(io, parsed);
}

/** The default command: one run against the server; `parsed` is the command line, or what was wrong with it. */
async function runEnsure(io: CliIo, parsed: ParsedCommandLine | UsageError): Promise<number> {
  // The CI it runs in (GitLab CI, Azure Pipelines, Bitbucket Pipelines, else any shell; src/hosts/detect.ts):
  // its defaults, its log, its neutralizer, and how outputs, summary and failures are published. The log and
  // the host's commands go to stderr (the CI hosts read commands from both streams); stdout is for results.
  const host = detectHost(io.env);
  // The component's job names its inputs (gitlab-words.ts); any other command line, its flags and variables.
  const words = host === gitlabHost && io.env.XOPERO_COMPONENT === '1' ? COMPONENT_WORDS : CLI_WORDS;
  const streams = { write: io.stderr, stderr: io.stderr };
  // Every line printed passes through the host's neutralizer (no escape sequence, no CI command from a name): safeLines.
  const document = (text: string) => (host.json ?? String)(redact(text));
  // Known before parsing, so a usage error prints its document too.
  const json = parsed instanceof UsageError ? io.argv.includes('--json') : parsed.values.json === 'true';
  let dotenv: string | undefined;
  const fail = (code: number, message: string, usage = false, changesConfirmed = 0): number => {
    // What a run that stopped after a change still says: it changed something (as a cancelled run says it).
    const changed = changesConfirmed > 0 ? { changed: true } : {};
    const stopped = { problems: [message], ...changed };
    // The output first: the host's failure lines end the step (Azure's task.complete is its last line).
    host.publishStopped?.(streams, message, io.env, changesConfirmed);
    if (json) io.stdout(`${document(JSON.stringify(stopped))}\n`);
    recordError(dotenv, changesConfirmed > 0 ? { changed: 'true' } : {});
    writeStoppedResultFile(resultFileOfLine(io.argv, io.env, host), stopped);
    host.fail([message], streams, usage ? "Try 'xopero-one --help'." : undefined);
    return code;
  };
  if (parsed instanceof UsageError) {
    dotenv = dotenvOfUnreadableLine(io.argv, io.env, host);
    return fail(EXIT.usage, parsed.message, true);
  }

  const values = parsed.values;
  const log = host.log(io.stderr, { color: !io.env.NO_COLOR });
  host.start?.(streams, io.env);
  return driveRun({
    host,
    streams,
    log,
    timeline: new Timeline(io.env.XOPERO_TIMING === '1'),
    env: io.env,
    words,
    // Through the broker the identity token names the repository: the host's defaults for it do not apply.
    readInputs: () => {
      // The dotenv file first: a later input error is recorded in it (XOPERO_FAILURE=error) for the next jobs.
      const dotenvWanted = values.dotenv ?? (io.env.XOPERO_DOTENV || undefined) ?? host.defaultDotenv;
      if (dotenvWanted) checkWritable(dotenvWanted);
      dotenv = dotenvWanted;
      const throughBroker = (values['broker-url'] ?? io.env.XOPERO_BROKER_URL)?.trim();
      return rawInputs(values, io.env, throughBroker ? withResultFileDefaultOnly(host) : host, words);
    },
    // The network part is in this file (src/cli.ts): the GitLab component runs it alone.
    loadLocalRun: async () => localRun,
    loadBrokerRun: async () => brokerRun,
    report: async (outcome, settings) => {
      const outputs = outputValues(outcome);
      const releaseReport = await loadReleaseReport(outcome);
      // The report first: if the dotenv or result file cannot be written, what the run changed is still on record.
      (json ? io.stderr : io.stdout)(safeLines(host, textReport(singleLineValues(outcome), Date.now(), releaseReport)));
      let problems = outcome.result.problems;
      try {
        if (dotenv) writeDotenv(dotenv, outputs);
        if (settings.resultFile) writeResultFile(settings.resultFile, outcome, words);
        // A sweep's page and badge; a broker run is one repository, never a sweep.
        if ('htmlFile' in settings) writeSweepPages(outcome, settings, words);
        host.publish?.(outputs, () => markdownSummary(outcome, Date.now(), releaseReport), streams, io.env);
      } catch (error) {
        problems = [...problems, describeError(error)];
      }
      // A file this host could not write (the result file) makes the run an error after the dotenv was written.
      if (failureKind(outcome.result, problems) !== outputs.failure) recordError(dotenv, outputs);
      // The JSON document after the files, so a file that could not be written is among its problems: stdout
      // still holds exactly one document, the run's, never a second `{"problems": ...}` after it.
      if (json)
        io.stdout(
          `${document(problems === outcome.result.problems ? outputs.result : JSON.stringify({ ...JSON.parse(outputs.result), problems }))}\n`,
        );
      return problems;
    },
    exitCode: (outcome, problems) => {
      const failure = failureKind(outcome.result, problems);
      return failure === 'non-compliant' ? EXIT.notCompliant : failure === 'error' ? EXIT.error : EXIT.done;
    },
    reportCancellation: async (cancellation, settings) => {
      // The cancelled run's document, with the line as its problem like every other failure's.
      if (json) io.stdout(`${document(JSON.stringify({ ...JSON.parse(cancellation.outputs.result), problems: [cancellation.line] }))}\n`);
      if (dotenv) writeDotenv(dotenv, cancellation.outputs);
      writeStoppedResultFile(settings.resultFile, { ...JSON.parse(cancellation.outputs.result), problems: [cancellation.line] });
      host.publish?.(cancellation.outputs, () => cancelledMarkdown(cancellation, settings.serverUrl.origin), streams, io.env);
    },
    stopped: (error, during) => {
      if (during === 'run') return fail(EXIT.error, describeError(error), false, changesBeforeStop(error));
      let message =
        error instanceof InputError
          ? words.inputError(error.input, error.problem)
          : error instanceof UsageError
            ? error.message
            : describeError(error);
      // A GitLab-like job that is not GitLab (gitlab-ci-local sets GITLAB_CI=false): say why the project is not used.
      if (
        error instanceof InputError &&
        host !== gitlabHost &&
        io.env.CI_PROJECT_PATH &&
        ['organization', 'repository'].includes(error.input)
      ) {
        message = `${message.replace(/\.$/, '')}; CI_PROJECT_PATH is set, but GITLAB_CI is not 'true', so the GitLab defaults are off (gitlab-ci-local sets GITLAB_CI=false: add --variable GITLAB_CI=true).`;
      }
      return fail(
        error instanceof InputError || error instanceof UsageError ? EXIT.usage : EXIT.error,
        message,
        error instanceof UsageError,
      );
    },
    timing: (lines) => io.stderr([...lines, ''].join('\n')),
  });
}

/**
 * A run that ended before its outcome (bad input, an unreachable server) still says so to the jobs after it:
 * XOPERO_FAILURE=error in the dotenv file, when one was asked for and found writable. Best effort: the error
 * itself is already on stderr, and a file that cannot be written must not hide it.
 */
function recordError(dotenv: string | undefined, outputs: Record<string, string> = {}): void {
  if (!dotenv) return;
  try {
    writeFileSync(dotenv, dotenvText({ ...outputs, failure: 'error' }));
  } catch {
    // Nothing more to say: the run's own error line stands.
  }
}

/**
 * One flag of a command line read alone and leniently (node:util's parseArgs, not strict), as parseCommandLine
 * reads it (a value may start with a dash): what a stop records where, whether or not the rest of the line read.
 * Absent, or given last without its value: undefined.
 */
function flagOfLine(argv: string[], flag: 'dotenv' | 'result-file'): string | undefined {
  const { values } = parseArgs({ args: argv, options: { [flag]: { type: 'string' } }, strict: false, allowPositionals: true });
  const value = values[flag];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Where a stop is recorded as the result (writeStoppedResultFile): --result-file, else XOPERO_RESULT_FILE, else
 * the host's default (Bitbucket's xopero-result.json), as the inputs give it, also for a line that did not read
 * (an unknown option, two settings given together); empty turns it off.
 */
function resultFileOfLine(argv: string[], env: NodeJS.ProcessEnv, host: Host): string | undefined {
  const raw: RawInputs = { 'result-file': flagOfLine(argv, 'result-file') ?? env.XOPERO_RESULT_FILE };
  host.applyDefaults(raw, env);
  return raw['result-file']?.trim() || undefined;
}

/**
 * Where a command line that could not be read (an unknown option, a flag without its value) still records its
 * XOPERO_FAILURE=error: its --dotenv when that one flag reads (node:util's parseArgs, lenient, looks for it
 * alone), else XOPERO_DOTENV or the host's default (GitLab's and Bitbucket's xopero.env), as a readable line
 * would have chosen. Not checked for writability first: recordError's write is best effort.
 */
function dotenvOfUnreadableLine(argv: string[], env: NodeJS.ProcessEnv, host: Host): string | undefined {
  return (flagOfLine(argv, 'dotenv') || undefined) ?? (env.XOPERO_DOTENV || undefined) ?? host.defaultDotenv;
}

/**
 * The dotenv file is checked before the run, so a wrong path fails before anything changes: an existing file
 * must be writable, a new one needs a writable directory (it is written without creating directories).
 */
function checkWritable(path: string): void {
  const problem = unwritableReason(path, false);
  if (problem) throw new InputError('dotenv', `cannot write the dotenv file '${path}': ${problem}; give a writable path.`);
}

const envName = (input: string) => input.toUpperCase().replace(/-/g, '_');

/** Flag, else XOPERO_* variable, else the host's default (GitLab CI, Azure Pipelines, Bitbucket Pipelines). */
function rawInputs(values: Record<string, string>, env: NodeJS.ProcessEnv, host: Host, words: HostWords): RawInputs {
  const raw: RawInputs = {};
  for (const name of INPUT_NAMES) raw[name] = values[flagOfInput(name)] ?? env[`XOPERO_${envName(flagOfInput(name))}`];
  if (values['no-activate'] === 'true') raw.activate = 'false';
  // Both given, one would be silently ignored: the sweep takes no single repository.
  if (raw.repository?.trim() && raw.repositories?.trim()) {
    throw new UsageError(`give ${words.name('repository')} or ${words.name('repositories')} (a sweep), not both`);
  }
  host.applyDefaults(raw, env);
  raw['ca-certificate'] = readCaCertificate(raw['ca-certificate']);
  return raw;
}

/** GitLab file variables hold a path; a plain variable holds the PEM itself. */
function readCaCertificate(value: string | undefined): string | undefined {
  if (!value || value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError('ca-certificate', `is neither PEM text nor a readable file: '${value}' (${code}).`);
  }
}

function writeDotenv(path: string, values: Record<string, string>): void {
  try {
    writeFileSync(path, dotenvText(values));
  } catch (error) {
    // Checked before the run; this is a file that became unwritable during it.
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new XoperoError(`Cannot write the dotenv file '${path}' (${code}): set --dotenv or XOPERO_DOTENV to a writable path.`);
  }
}

/**
 * What a dotenv value may hold: ids, words, ISO times and numbers. GitLab keeps quotes as part of a value and
 * Bitbucket steps `source` the file, so a value is never quoted; one holding anything else (a space, `;`,
 * `$`, a quote, a line break) would be shell or a second variable, and is refused. The ids and times were
 * checked when they arrived (a server's answer, a broker's outcome); this is the last guard.
 */
const DOTENV_VALUE = /^[A-Za-z0-9._:+-]*$/;

function dotenvText(values: Record<string, string>): string {
  const lines = Object.entries(values)
    .filter(([name]) => name !== 'result')
    .map(([name, rawValue]) => {
      // An id that holds a secret (a server that answered a token as an id) is written empty: the file is read
      // by later jobs and kept as an artifact, and `***` would not be a value a shell takes as one. Ids only:
      // the other values are the product's own words and times, which a short secret might happen to be in.
      const value = name.endsWith('-id') && redact(rawValue) !== rawValue ? '' : rawValue;
      if (!DOTENV_VALUE.test(value)) {
        throw new XoperoError(
          `Refused to write XOPERO_${envName(name)} to the dotenv file: its value holds characters a shell or GitLab would read as more than a value (please report it).`,
        );
      }
      return `XOPERO_${envName(name)}=${value}`;
    });
  return `${lines.join('\n')}\n`;
}

/** The outcome with every text value on one printable line, for the text report (names come from the server). */
function singleLineValues(outcome: RunOutcome): RunOutcome {
  return JSON.parse(
    JSON.stringify(outcome, (_key, value: unknown) => (typeof value === 'string' ? plainText(value) : value)),
  ) as RunOutcome;
}

/**
 * Through the broker, the host's defaults for the repository and organization do not apply (the identity
 * token names them); its default result file does (Bitbucket's xopero-result.json for later steps).
 */
function withResultFileDefaultOnly(host: Host): Host {
  return {
    ...host,
    applyDefaults: (raw, env) => {
      const defaults: RawInputs = {};
      host.applyDefaults(defaults, env);
      if (raw['result-file'] === undefined && defaults['result-file'] !== undefined) raw['result-file'] = defaults['result-file'];
    },
  };
}
