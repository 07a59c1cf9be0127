/**
 * What the command line needs from the CI it runs in. Each host is detected from its own variables
 * (detect.ts), fills the inputs that flags and XOPERO_* variables left empty from that CI's predefined
 * variables, neutralizes every line of untrusted text its way (src/common/neutralize.ts), writes the log its way
 * (a HostLog, so a cancellation can close the open group), and publishes outputs, summary and failures its
 * way. The core knows none of this; src/hosts/cli.ts only picks the host and calls it.
 */
import { cliLogLine } from '../common/neutralize.js';
import { redactAround } from '../common/redact.js';
import type { RawInputs } from '../settings/settings.js';
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
  /** The run failed: one line per problem, as given (the host redacts and neutralizes them). */
  fail(problems: string[], streams: HostStreams): void;
}

/** Redacted, then neutralized, then redacted again (a secret split by a neutralizer's escape is whole again). */
export const safeLine = (host: Pick<Host, 'logLine'>, text: string) => redactAround(host.logLine, text);

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
  return (problems, { stderr }) => {
    for (const problem of problems) stderr(`xopero-one: ${safeLine(host, problem)}\n`);
  };
}

/** Any shell (a terminal, a GitHub `run:` step, a CI without a host of its own). */
export const plainHost: Host = {
  name: 'plain',
  applyDefaults: () => undefined,
  logLine: cliLogLine,
  log: (write) => plainLog(write),
  fail: (problems, streams) => plainFail(plainHost)(problems, streams),
};
