/**
 * The one shape of every face. A `Host` is the CI a run shows itself in: GitHub Actions (github.ts), and for
 * the command line GitLab CI, Azure Pipelines, Bitbucket Pipelines or a plain shell (detected from their own
 * variables, detect.ts). Each fills the inputs nothing else gave from that CI's predefined variables,
 * neutralizes every line of untrusted text its way (src/common/neutralize.ts), writes the log its way (a
 * HostLog, so a cancellation can close the open group), and publishes outputs, summary and failures its way.
 * A `RunFace` is how an entry point (the Action, the command line) hands a host to the one run driver
 * (run.ts, `driveRun`): its inputs, its network part and its reporting. The core knows none of this.
 *
 * A new CI host for the command line is one file: a `Host` here, and a line in detect.ts.
 */
import type { Socket } from 'node:net';
import { cliLogLine } from '../common/neutralize.js';
import { redactAround } from '../common/redact.js';
import type { Timeline } from '../common/timing.js';
import type { HostWords } from '../common/words.js';
import type { RunOutcome } from '../core/run.js';
import type { BrokerClientSettings } from '../settings/broker-client.js';
import type { RawInputs, Settings } from '../settings/settings.js';
import type { Cancellation } from './cancellation.js';
import { idTokenFromEnvironment, type IdTokenRequest } from './id-token.js';
import { groupedLog, type HostLog } from './log.js';

export type Write = (text: string) => void;
export type Env = NodeJS.ProcessEnv;

/** Where a host writes: the log stream (stderr on the command line, where stdout is for results) and stderr. */
export interface HostStreams {
  write: Write;
  stderr: Write;
}

export interface Host {
  /** As the README names it. */
  readonly name: string;
  /** Fills inputs no flag or XOPERO_* variable gave, from the CI's predefined variables. */
  applyDefaults(raw: RawInputs, env: Env): void;
  /** The dotenv file written when neither --dotenv nor XOPERO_DOTENV says otherwise. */
  readonly defaultDotenv?: string;
  /** One line of untrusted text made inert for this host's log (no command, no escape sequence). */
  logLine(text: string): string;
  /** The log, on `write`; `color` false when NO_COLOR is set (hosts that colour nothing ignore it). */
  log(write: Write, options?: { color?: boolean }): HostLog;
  /** The --json document as the host must see it on stdout (default: as is). */
  json?(text: string): string;
  /** Called before any secret is known, so a host mask learns of each one the moment it exists. */
  start?(streams: HostStreams, env: Env): void;
  /**
   * Outputs (the values of `outputValues`, or those of a cancellation) and the Markdown summary, the host's
   * way. Called after the report, whatever the verdict.
   */
  publish?(values: Record<string, string>, summary: () => string, streams: HostStreams, env: Env): void;
  /**
   * A run that stopped before it had an outcome (bad input, an unreachable server): the output a later step
   * reads says `failure=error`, as `publish` would have, and `changed=true` when Xopero ONE confirmed a change
   * before the stop (`changesConfirmed`). Only hosts whose outputs are not the dotenv file (which the command
   * line writes itself) need it.
   */
  publishStopped?(streams: HostStreams, line: string, env: Env, changesConfirmed: number): void;
  /**
   * The run failed: one line per problem, as given (the host redacts and neutralizes them), then `hint` (the
   * command line's pointer to its help after a usage error) as a line of its own, before whatever ends the step.
   */
  fail(problems: string[], streams: HostStreams, hint?: string): void;
  /**
   * The CI job's OIDC identity token for a run through the broker (issue #25), masked the moment it exists;
   * a job that cannot have one fails in one line saying what to add to it. `audience` asks the broker which
   * audience it expects: only a host that chooses the token's audience at run time calls it (GitHub's
   * getIDToken); the others read a token minted for the audience written in the job (GitLab's id_tokens).
   */
  idToken?(request: IdTokenRequest): Promise<string>;
}

/** The network part of a run done here (src/hosts/local-run.ts): the run's start, the client, the transport. */
export type LocalRun = typeof import('./local-run.js');
/** The part of a run through the broker (src/hosts/broker-client.ts): its settings, its client, the transport. */
export type BrokerRun = typeof import('./broker-client.js');
/** What a face reports from: a local run's settings or a broker run's (both name the result file and the server). */
export type RunSettings = Settings | BrokerClientSettings;

/** What an entry point gives the run driver (run.ts): a host, and what is the entry point's own. */
export interface RunFace {
  host: Host;
  streams: HostStreams;
  log: HostLog;
  timeline: Timeline;
  /** The environment the proxy variables (and GitHub's API address) are read from. */
  env: Env;
  /** How this face names its settings in messages. */
  words: HostWords;
  /** The raw inputs (flags and XOPERO_* variables, or INPUT_*; then the host's defaults); may throw a usage error. */
  readInputs(): RawInputs;
  /** The face's own checks before anything is sent (the CLI's dotenv path); throws to refuse. */
  check?(settings: RunSettings): void;
  /** The network part: the CLI has it in its file, the Action loads it once the inputs are valid. */
  loadLocalRun(): Promise<LocalRun>;
  /** The broker's part, loaded only when broker-url is set (the CLI has it in its file). */
  loadBrokerRun(): Promise<BrokerRun>;
  /** A first connection opened while the network part loads (the Action: src/xopero/early-connection.ts). */
  openEarlyConnection?(settings: Settings): Promise<Socket | undefined>;
  /** Outputs, summary and files the face's way; returns the problems that fail the run (the result's, a file not written). */
  report(outcome: RunOutcome, settings: RunSettings): Promise<string[]>;
  /** The exit status for a run that reported (default: 1 when there are problems, else 0); the CLI tells drift (3) apart. */
  exitCode?(outcome: RunOutcome, problems: string[]): number;
  /** After the cancellation's line: the outputs and summary known so far. */
  reportCancellation(cancellation: Cancellation, settings: RunSettings): Promise<void>;
  /** The run stopped on an error (bad input, `during: 'settings'`, or an unexpected one): says it, returns the exit code. */
  stopped(error: unknown, during: 'settings' | 'run'): number | Promise<number>;
  /** The timing footer (XOPERO_TIMING=1), the face's way. */
  timing(lines: string[]): void;
}

/** Redacted, then neutralized, then redacted again (a secret split by a neutralizer's escape is whole again). */
export const safeLine = (host: Pick<Host, 'logLine'>, text: string) => redactAround(host.logLine, text);

/** Text of several lines, each made safe as safeLine makes one. */
export const safeLines = (host: Pick<Host, 'logLine'>, text: string) =>
  text
    .split('\n')
    .map((line) => safeLine(host, line))
    .join('\n');

/** Plain lines, `== title` for a group, `warning: ` before a warning; every line through `neutralize`. */
export function plainLog(print: Write, neutralize: (text: string) => string = cliLogLine): HostLog {
  const safe = (text: string) => redactAround(neutralize, text);
  return groupedLog({
    info: (line) => print(`${safe(line)}\n`),
    warning: (line) => print(`warning: ${safe(line)}\n`),
    // A plain log has no group to close: a title line, and nothing at its end.
    begin: (title) => {
      print(`== ${safe(title)}\n`);
      return undefined;
    },
  });
}

/** Failures on stderr, one `xopero-one: ` line each. */
export function plainFail(host: Pick<Host, 'logLine'>): Host['fail'] {
  return (problems, { stderr }, hint) => {
    for (const problem of problems) stderr(`xopero-one: ${safeLine(host, problem)}\n`);
    if (hint) stderr(`${hint}\n`);
  };
}

/**
 * The same JSON, with no command mark in it for the CI this shell may run under (a GitHub `run:` step reads
 * `##[` anywhere in a line; Azure `##vso[`, TeamCity `##teamcity[`): after `##`, `[` can only be inside a JSON
 * string, where it may be written \u005b.
 */
export const plainJson = (text: string) => text.replace(/##(vso|teamcity)?\[/gi, (match) => `${match.slice(0, -1)}\\u005b`);

/** Any shell (a terminal, a GitHub `run:` step, a CI without a host of its own). */
export const plainHost: Host = {
  name: 'plain',
  applyDefaults: () => undefined,
  logLine: cliLogLine,
  json: plainJson,
  log: (write) => plainLog(write),
  fail: (problems, streams, hint) => plainFail(plainHost)(problems, streams, hint),
  idToken: async ({ env, words }) =>
    idTokenFromEnvironment(env, words, "set XOPERO_ID_TOKEN to the CI job's OIDC identity token, minted for the broker's audience."),
};
