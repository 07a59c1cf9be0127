/** The GitLab host: the CLI runs in a GitLab job (GITLAB_CI=true), as the CI/CD component's script does. */
import { redact } from '../common/redact.js';
import type { Log } from '../core/log.js';
import type { RawInputs } from '../settings/settings.js';

/** The project running the pipeline, from GitLab's predefined variables, where no flag or XOPERO_* gave one. */
export function applyGitlabDefaults(raw: RawInputs, env: NodeJS.ProcessEnv): void {
  raw.organization ||= env.CI_PROJECT_ROOT_NAMESPACE;
  raw.repository ||= env.CI_PROJECT_PATH;
  // A sweep in a `parallel: N` job is sharded over its N jobs: GitLab numbers them CI_NODE_INDEX = 1..N.
  // Only a sweep: a single-repository job in a parallel matrix must not become a shard input error.
  if (!raw.shard?.trim() && raw.repositories?.trim() && env.CI_NODE_INDEX && env.CI_NODE_TOTAL) {
    raw.shard = `${env.CI_NODE_INDEX}/${env.CI_NODE_TOTAL}`;
  }
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

