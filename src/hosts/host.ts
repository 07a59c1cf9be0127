/**
 * What the command line needs from the CI it runs in. Each host is detected from its own variables, fills the
 * inputs that flags and XOPERO_* variables left empty from that CI's predefined variables, writes the log its
 * way, and publishes outputs, summary and failures its way. The core knows none of this.
 */
import { redact } from '../common/redact.js';
import type { Log } from '../core/log.js';
import type { RunOutcome } from '../core/run.js';
import type { RawInputs } from '../settings/settings.js';

export type Write = (text: string) => void;
export type Env = NodeJS.ProcessEnv;

export interface Host {
  /** As the README and --help name it. */
  readonly name: string;
  /** Fills inputs no flag or XOPERO_* variable gave, from the CI's predefined variables. */
  applyDefaults(raw: RawInputs, env: Env): void;
  /** The dotenv file written when neither --dotenv nor XOPERO_DOTENV says otherwise. */
  readonly defaultDotenv?: string;
  /** Plain text (the closing report) as the host must show it: nothing in it may read as a command. */
  text(write: Write): Write;
  /** The --json document as the host must see it on stdout (default: as is). */
  json?(text: string): string;
  log(write: Write): Log;
  /** Called before any secret is known (so a host mask can be told of each one the moment it exists). */
  start?(write: Write, env: Env): void;
  /** Outputs, summary and result files, the host's way. Called after the report, whatever the verdict. */
  publish?(outcome: RunOutcome, write: Write, env: Env): void;
  /** The run failed: one line per problem (already redacted), the host's way. */
  fail(problems: string[], write: Write, stderr: Write): void;
}

/** Any shell: plain lines, `== title` for a group, failures on stderr. */
export const plainHost: Host = {
  name: 'plain',
  applyDefaults: () => undefined,
  text: (write) => write,
  log: (write) => ({
    info: (line) => write(`${redact(line)}\n`),
    warning: (line) => write(`warning: ${redact(line)}\n`),
    group: async (title, work) => {
      write(`== ${title}\n`);
      return work();
    },
  }),
  fail: (problems, _write, stderr) => {
    for (const problem of problems) stderr(`xopero-one: ${problem}\n`);
  },
};
