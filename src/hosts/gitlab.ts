/** The GitLab host: the CLI runs in a GitLab job (GITLAB_CI=true), as the CI/CD component's script does. */
import { redact } from '../common/redact.js';
import type { Log } from '../core/log.js';
import type { RawInputs } from '../settings/settings.js';

/** The project running the pipeline, from GitLab's predefined variables, where no flag or XOPERO_* gave one. */
export function applyGitlabDefaults(raw: RawInputs, env: NodeJS.ProcessEnv): void {
  // A repository given as group/name carries its organization (the settings take it from there); the
  // project's root namespace is the default only for the project itself or a bare name.
  if (!raw.organization && !raw.repository?.includes('/')) raw.organization = env.CI_PROJECT_ROOT_NAMESPACE;
  if (!raw.repositories?.trim()) raw.repository ||= env.CI_PROJECT_PATH;
}

/** GitLab renders these escape sequences as collapsible sections in the job log. */
export function gitlabLog(print: (text: string) => void, { color = true }: { color?: boolean } = {}): Log {
  let sections = 0;
  // Colour is decoration (NO_COLOR turns it off); the section markers are how GitLab folds the log, kept.
  const yellow = (text: string) => (color ? `\u001b[33m${text}\u001b[0m` : text);
  return {
    info: (line) => print(`${redact(line)}\n`),
    warning: (line) => print(`${yellow(`warning: ${redact(line)}`)}\n`),
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

