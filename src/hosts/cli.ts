/**
 * The command-line face, for GitLab (the CI/CD component runs it) and any other CI: flags and XOPERO_*
 * variables in, the same core, a text report or --json out. Secrets come only from the environment.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CancelledError } from '../common/cancel.js';
import { InputError, XoperoError, describeError } from '../common/errors.js';
import { cliLogLine, gitlabLogLine, plainText } from '../common/neutralize.js';
import { addSecret, redact } from '../common/redact.js';
import { outputValues, textReport } from '../report/report.js';
import { runProtection, type RunOutcome } from '../core/run.js';
import { INPUT_NAMES, parseSettings, type InputName, type RawInputs, type Settings } from '../settings/settings.js';
import { Timeline } from '../common/timing.js';
import { applyGitlabDefaults, gitlabLog } from './gitlab.js';
import { VERSION } from '../common/version.js';
import { describeCancellation, watchSignals, type HostLog } from './cancel.js';

const SECRET_INPUTS: InputName[] = ['email', 'password', 'access-token'];
const SWITCHES: InputName[] = ['dry-run', 'allow-http'];
const FLAG_INPUTS = INPUT_NAMES.filter((name) => !SECRET_INPUTS.includes(name));

const HELP = `Usage: xopero-one [ensure] [options]

Puts a repository under backup in Xopero ONE: known (synchronizing the organization when needed),
license-activated and attached to a backup plan. Changes nothing when all of that already holds.

Options (each also read from the environment variable shown):
  --server-url URL         XOPERO_SERVER_URL       Xopero ONE Management Service address (required)
  --organization NAME|ID   XOPERO_ORGANIZATION     default in GitLab CI: CI_PROJECT_ROOT_NAMESPACE
  --repository PATH        XOPERO_REPOSITORY       owner/name or name; default in GitLab CI: CI_PROJECT_PATH
  --repositories PATTERNS  XOPERO_REPOSITORIES     sweep: comma-separated names or globs (*, team/*, !old-*)
  --plan NAME|ID           XOPERO_PLAN             backup plan to attach to (empty: none)
  --activate true|false    XOPERO_ACTIVATE         activate the license when missing (default true)
  --no-activate                                    same as --activate false
  --sync auto|always|never XOPERO_SYNC             default auto
  --wait-timeout SECONDS   XOPERO_WAIT_TIMEOUT     wait for a synchronization (default 300)
  --dry-run                XOPERO_DRY_RUN          change nothing, report what would change
  --mode ensure|check      XOPERO_MODE             check: change nothing, fail when not protected
  --max-backup-age AGE     XOPERO_MAX_BACKUP_AGE   fail when the last successful backup is older (36h, 7d)
  --ca-certificate PEM|FILE XOPERO_CA_CERTIFICATE  CA to trust (PEM text or a file path)
  --allow-http             XOPERO_ALLOW_HTTP       allow a plain http:// server URL
  --dotenv FILE            XOPERO_DOTENV           write XOPERO_* results as a dotenv file
                                                   (default in GitLab CI: xopero.env)
  --json                                           print the result as JSON on stdout
  --help, --version

Secrets, from the environment only: XOPERO_EMAIL and XOPERO_PASSWORD, or XOPERO_ACCESS_TOKEN.
Exit status: 0 done, 1 failed, 2 usage error.`;

class UsageError extends Error {}

export interface CliIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function runCommandLine(io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(io.argv);
  } catch (error) {
    io.stderr(`xopero-one: ${(error as Error).message}\nTry 'xopero-one --help'.\n`);
    return 2;
  }
  if (parsed.help || parsed.version) {
    io.stdout(`${parsed.help ? HELP : VERSION}\n`);
    return 0;
  }

  const gitlab = io.env.GITLAB_CI === 'true';
  const print = parsed.json ? io.stderr : io.stdout;
  const log = gitlab ? gitlabLog(print) : plainLog(print);
  // Every line printed passes through the host's neutralizer (no escape sequence, no CI command from a name).
  const line = (text: string) => redact((gitlab ? gitlabLogLine : cliLogLine)(redact(text)));
  const timeline = new Timeline(io.env.XOPERO_TIMING === '1');
  let settings: Settings;
  try {
    settings = parseSettings(rawInputs(parsed.values, io.env, gitlab));
  } catch (error) {
    io.stderr(`xopero-one: ${line(describeError(error))}\n`);
    return error instanceof InputError ? 2 : 1;
  }
  const dotenv = parsed.values.dotenv ?? io.env.XOPERO_DOTENV ?? (gitlab ? 'xopero.env' : undefined);
  const signals = watchSignals(log);
  try {
    const outcome = await runProtection(settings, { log, env: io.env, timeline, signal: signals.signal });
    // The report first: if the dotenv file cannot be written, what the run changed is still on record.
    if (parsed.json) io.stdout(`${redact(outputValues(outcome).result)}\n`);
    print(textReport(singleLineValues(outcome), Date.now()).split('\n').map(line).join('\n'));
    if (dotenv) writeDotenv(dotenv, outputValues(outcome));
    for (const problem of outcome.result.problems) io.stderr(`xopero-one: ${line(problem)}\n`);
    return outcome.result.problems.length > 0 ? 1 : 0;
  } catch (error) {
    const signal = signals.received();
    if (error instanceof CancelledError && signal) {
      const cancellation = describeCancellation(signal, error);
      log.closeOpenGroup();
      io.stderr(`xopero-one: ${line(cancellation.line)}\n`);
      if (parsed.json) io.stdout(`${redact(cancellation.outputs.result)}\n`);
      try {
        if (dotenv) writeDotenv(dotenv, cancellation.outputs);
      } catch (dotenvError) {
        io.stderr(`xopero-one: ${line(describeError(dotenvError))}\n`);
      }
      return cancellation.exitCode;
    }
    io.stderr(`xopero-one: ${line(describeError(error))}\n`);
    return 1;
  } finally {
    signals.dispose();
    if (timeline.enabled) {
      timeline.mark('main finished', 0);
      io.stderr(['Timing (XOPERO_TIMING=1):', ...timeline.format(), ''].join('\n'));
    }
  }
}

/** parseArgs's own complaint (unknown option, missing value) as a usage error: its first line is the message. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}

function parseCommandLine(argv: string[]) {
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    help: { type: 'boolean' },
    version: { type: 'boolean' },
    json: { type: 'boolean' },
    dotenv: { type: 'string' },
    'no-activate': { type: 'boolean' },
  };
  for (const name of FLAG_INPUTS) options[name] = { type: SWITCHES.includes(name) ? 'boolean' : 'string' };
  for (const name of SECRET_INPUTS) options[name] = { type: 'string' };
  const { values, positionals } = usage(() => parseArgs({ args: argv, options, allowPositionals: true, strict: true }));
  for (const name of SECRET_INPUTS) {
    if (values[name] !== undefined) {
      throw new UsageError(`--${name} is not accepted: secrets on a command line end up in process lists and logs; set XOPERO_${envName(name)} instead`);
    }
  }
  if (values['no-activate'] && values.activate !== undefined) {
    throw new UsageError('give --activate or --no-activate, not both');
  }
  if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== 'ensure')) {
    throw new UsageError(`unknown command '${positionals.join(' ')}' (the only command is 'ensure')`);
  }
  return {
    values: values as Record<string, string | boolean | undefined> & { dotenv?: string },
    help: Boolean(values.help),
    version: Boolean(values.version),
    json: Boolean(values.json),
  };
}

const envName = (input: string) => input.toUpperCase().replace(/-/g, '_');

/** Flag, else XOPERO_* variable, else the GitLab CI default. */
function rawInputs(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv, gitlab: boolean): RawInputs {
  const raw: RawInputs = {};
  for (const name of INPUT_NAMES) {
    const flag = values[name];
    raw[name] = typeof flag === 'string' ? flag : flag === true ? 'true' : env[`XOPERO_${envName(name)}`];
  }
  if (values['no-activate']) raw.activate = 'false';
  if (gitlab) applyGitlabDefaults(raw, env);
  addSecret(raw.password);
  addSecret(raw['access-token']);
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
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new XoperoError(`Cannot write the dotenv file '${path}' (${code}): set --dotenv or XOPERO_DOTENV to a writable path.`);
  }
}

function dotenvText(values: Record<string, string>): string {
  const lines = Object.entries(values)
    .filter(([name]) => name !== 'result')
    .map(([name, value]) => `XOPERO_${envName(name)}=${value}`);
  return `${lines.join('\n')}\n`;
}

/** The outcome with every text value on one printable line, for the text report (names come from the server). */
function singleLineValues(outcome: RunOutcome): RunOutcome {
  return JSON.parse(JSON.stringify(outcome, (_key, value: unknown) => (typeof value === 'string' ? plainText(value) : value))) as RunOutcome;
}

function plainLog(print: (text: string) => void): HostLog {
  let open: string | undefined;
  let started = false;
  const safe = (text: string) => redact(cliLogLine(redact(text)));
  return {
    info: (line) => print(`${safe(line)}\n`),
    warning: (line) => print(`warning: ${safe(line)}\n`),
    group: async (title, work) => {
      print(`== ${safe(title)}\n`);
      open = title;
      started = true;
      try {
        return await work();
      } finally {
        if (open === title) open = undefined;
      }
    },
    openGroup: () => open,
    started: () => started,
    // A plain log has no group to close.
    closeOpenGroup: () => (open = undefined),
  };
}
