/** The GitLab host: the CLI runs in a GitLab job (GITLAB_CI=true), as the CI/CD component's script does. */
import { redact } from '../common/redact.js';
import type { Log } from '../core/log.js';
import type { RawInputs } from '../settings/settings.js';
import { plainHost, type Host } from './host.js';

/** The project running the pipeline, from GitLab's predefined variables, where no flag or XOPERO_* gave one. */
export function applyGitlabDefaults(raw: RawInputs, env: NodeJS.ProcessEnv): void {
  raw.organization ||= env.CI_PROJECT_ROOT_NAMESPACE;
  raw.repository ||= env.CI_PROJECT_PATH;
}

/** GitLab renders these escape sequences as collapsible sections in the job log. */
export function gitlabLog(print: (text: string) => void): Log {
  let sections = 0;
  return {
    info: (line) => print(`${redact(line)}\n`),
    warning: (line) => print(`\u001b[33mwarning: ${redact(line)}\u001b[0m\n`),
    group: async (title, work) => {
      const name = `xopero_${++sections}`;
      const stamp = () => Math.floor(Date.now() / 1000);
      print(`\u001b[0Ksection_start:${stamp()}:${name}[collapsed=false]\r\u001b[0K${title}\n`);
      try {
        return await work();
      } finally {
        print(`\u001b[0Ksection_end:${stamp()}:${name}\r\u001b[0K\n`);
      }
    },
  };
}

/** Detected by GITLAB_CI=true; the dotenv report (xopero.env) hands the results to later jobs. */
export const gitlabHost: Host = {
  name: 'GitLab CI',
  applyDefaults: applyGitlabDefaults,
  defaultDotenv: 'xopero.env',
  text: (write) => write,
  log: gitlabLog,
  fail: plainHost.fail,
};
