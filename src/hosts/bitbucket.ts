/**
 * The Bitbucket Pipelines host: the CLI runs in a step's script (Bitbucket sets BITBUCKET_BUILD_NUMBER).
 * Bitbucket has no logging commands: no folding, no masking request, no step outputs. Its secured variables are
 * masked by Bitbucket itself; the token this run obtains is masked by `redact`. Values reach later steps as
 * files declared as `artifacts`: the dotenv file (xopero.env, for `source`) and the result JSON
 * (xopero-result.json, the same object as --json).
 */
import { writeFileSync } from 'node:fs';
import { redact } from '../common/redact.js';
import { XoperoError } from '../common/errors.js';
import { outputValues } from '../report/report.js';
import type { RawInputs } from '../settings/settings.js';
import type { Env, Host, Write } from './host.js';

/**
 * Control characters (terminal escapes, a bare carriage return) from a name or a server message would rewrite
 * what the log shows: nothing in the log can carry them. Tabs and line ends stay.
 */
export function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/** The workspace is the organization; BITBUCKET_REPO_FULL_NAME is `workspace/repo-slug`. */
export function applyBitbucketDefaults(raw: RawInputs, env: Env): void {
  raw.organization ||= env.BITBUCKET_WORKSPACE;
  raw.repository ||= env.BITBUCKET_REPO_FULL_NAME;
}

export const RESULT_FILE = 'xopero-result.json';

export const bitbucketHost: Host = {
  name: 'Bitbucket Pipelines',
  applyDefaults: applyBitbucketDefaults,
  defaultDotenv: 'xopero.env',
  text: (write) => (text) => write(stripControl(text)),
  log: (write) => ({
    info: (line) => write(`${stripControl(redact(line))}\n`),
    warning: (line) => write(`warning: ${stripControl(redact(line))}\n`),
    group: async (title, work) => {
      write(`== ${stripControl(title)}\n`);
      return work();
    },
  }),
  publish: (outcome, _write: Write, env) => {
    // XOPERO_RESULT_FILE moves it; an empty value turns it off.
    const path = env.XOPERO_RESULT_FILE ?? RESULT_FILE;
    if (!path) return;
    try {
      writeFileSync(path, `${redact(outputValues(outcome).result)}\n`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new XoperoError(`Cannot write the result file '${path}' (${code}): set XOPERO_RESULT_FILE to a writable path.`);
    }
  },
  fail: (problems, _write, stderr) => {
    for (const problem of problems) stderr(`xopero-one: ${stripControl(problem)}\n`);
  },
};
