/** The GitLab host: the CLI runs in a GitLab job (GITLAB_CI=true), as the CI/CD component's script does. */
import { gitlabLogLine } from '../common/neutralize.js';
import { redactAround } from '../common/redact.js';
import { groupedLog, type HostLog } from './log.js';
import type { RawInputs } from '../settings/settings.js';
import { plainFail, type Host } from './host.js';
import { idTokenFromEnvironment } from './id-token.js';

/** The project running the pipeline, from GitLab's predefined variables, where no flag or XOPERO_* gave one. */
export function applyGitlabDefaults(raw: RawInputs, env: NodeJS.ProcessEnv): void {
  // A repository given as group/name carries its organization (the settings take it from there); the
  // project's root namespace is the default only for the project itself or a bare name.
  if (!raw.organization && !raw.repository?.includes('/')) raw.organization = env.CI_PROJECT_ROOT_NAMESPACE;
  if (!raw.repositories?.trim()) raw.repository ||= env.CI_PROJECT_PATH;
  // A sweep in a `parallel: N` job is sharded over its N jobs: GitLab numbers them CI_NODE_INDEX = 1..N.
  // Only a sweep: a single-repository job in a parallel matrix must not become a shard input error.
  if (!raw.shard?.trim() && raw.repositories?.trim() && env.CI_NODE_INDEX && env.CI_NODE_TOTAL) {
    raw.shard = `${env.CI_NODE_INDEX}/${env.CI_NODE_TOTAL}`;
  }
}

/**
 * GitLab renders these escape sequences as collapsible sections in the job log. Every line the core logs
 * passes through gitlabLogLine first (no escape sequence, no carriage return: no fake section, no colour).
 */
export function gitlabLog(print: (text: string) => void, { color = true }: { color?: boolean } = {}): HostLog {
  let sections = 0;
  // Colour is decoration (NO_COLOR turns it off); the section markers are how GitLab folds the log, kept.
  const yellow = (text: string) => (color ? `\u001b[33m${text}\u001b[0m` : text);
  const stamp = () => Math.floor(Date.now() / 1000);
  return groupedLog({
    info: (line) => print(`${safe(line)}\n`),
    warning: (line) => print(`${yellow(`warning: ${safe(line)}`)}\n`),
    begin: (title) => {
      const name = `xopero_${++sections}`;
      print(`\u001b[0Ksection_start:${stamp()}:${name}[collapsed=false]\r\u001b[0K${safe(title)}\n`);
      return () => print(`\u001b[0Ksection_end:${stamp()}:${name}\r\u001b[0K\n`);
    },
  });
}

/** Redacted, then neutralized, then redacted again (a secret split by an escape sequence is whole again). */
const safe = (text: string) => redactAround(gitlabLogLine, text);

/** Detected by GITLAB_CI=true; the dotenv report (xopero.env) hands the results to later jobs. */
export const gitlabHost: Host = {
  name: 'GitLab CI',
  applyDefaults: applyGitlabDefaults,
  defaultDotenv: 'xopero.env',
  logLine: gitlabLogLine,
  log: gitlabLog,
  fail: (problems, streams, hint) => plainFail(gitlabHost)(problems, streams, hint),
  // GitLab mints a job's tokens only as the job names them: the CI/CD component's job does (id_tokens:), a job
  // of the user's own that runs the CLI must.
  idToken: async ({ env, words }) =>
    idTokenFromEnvironment(
      env,
      words,
      "add `id_tokens: { XOPERO_ID_TOKEN: { aud: <the broker's audience> } }` to the job (the CI/CD component's job has it).",
    ),
};
