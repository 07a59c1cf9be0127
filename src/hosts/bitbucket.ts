/**
 * The Bitbucket Pipelines host: the CLI runs in a step's script (Bitbucket sets BITBUCKET_BUILD_NUMBER).
 * Bitbucket has no logging commands: no folding, no masking request, no step outputs. Its secured variables are
 * masked by Bitbucket itself; the token this run obtains is masked by `redact`. Values reach later steps as
 * files declared as `artifacts`: the dotenv file (xopero.env, for `source`) and the result JSON
 * (xopero-result.json, the same object as --json).
 *
 * Decision: the log is the plain CLI's, neutralized by cliLogLine. Bitbucket itself acts on no text in a step's
 * log (its viewer renders colour escape sequences, which plainText removes with every other control
 * character), but the same lines are often relayed to another system (a pipe, a wrapper script, a GitHub or
 * Azure job that runs the same script), so the plain CLI's rules, which cover the command marks of GitHub,
 * Azure Pipelines and TeamCity, stay on here as well: the log reads the same as in any shell.
 */
import { cliLogLine } from '../common/neutralize.js';
import type { RawInputs } from '../settings/settings.js';
import { plainFail, plainJson, plainLog, type Env, type Host } from './host.js';
import { idTokenFromEnvironment } from './id-token.js';

/** The workspace is the organization; BITBUCKET_REPO_FULL_NAME is `workspace/repo-slug`. */
export const RESULT_FILE = 'xopero-result.json';

export function applyBitbucketDefaults(raw: RawInputs, env: Env): void {
  // A repository given as workspace/name carries its organization (the settings take it from there), as on
  // every host; the step's workspace is the default only for the step's own repository or a bare name.
  if (!raw.organization && !raw.repository?.includes('/')) raw.organization = env.BITBUCKET_WORKSPACE;
  raw.repository ||= env.BITBUCKET_REPO_FULL_NAME;
  // The result JSON for later steps: the `result-file` setting, unless --result-file or XOPERO_RESULT_FILE
  // says otherwise (an empty value turns it off).
  if (raw['result-file'] === undefined) raw['result-file'] = RESULT_FILE;
}

export const bitbucketHost: Host = {
  name: 'Bitbucket Pipelines',
  applyDefaults: applyBitbucketDefaults,
  defaultDotenv: 'xopero.env',
  logLine: cliLogLine,
  // The plain CLI's JSON too: the same document is often relayed to a CI that reads command marks (see above).
  json: plainJson,
  log: (write) => plainLog(write, cliLogLine),
  fail: (problems, streams, hint) => plainFail(bitbucketHost)(problems, streams, hint),
  idToken: async ({ env, words }) =>
    idTokenFromEnvironment(env, words, 'add `oidc: true` to the step (Bitbucket then sets BITBUCKET_STEP_OIDC_TOKEN).'),
};
