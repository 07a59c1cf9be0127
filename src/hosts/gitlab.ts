/** The GitLab host: the CLI runs in a GitLab job (GITLAB_CI=true), as the CI/CD component's script does. */
import { gitlabLogLine } from '../common/neutralize.js';
import { redact } from '../common/redact.js';
import type { HostLog } from './cancel.js';
import type { RawInputs } from '../settings/settings.js';
import { plainFail, type Host } from './host.js';

/** The project running the pipeline, from GitLab's predefined variables, where no flag or XOPERO_* gave one. */
export function applyGitlabDefaults(raw: RawInputs, env: NodeJS.ProcessEnv): void {
  raw.organization ||= env.CI_PROJECT_ROOT_NAMESPACE;
  raw.repository ||= env.CI_PROJECT_PATH;
}

/**
 * GitLab renders these escape sequences as collapsible sections in the job log. Every line the core logs
 * passes through gitlabLogLine first (no escape sequence, no carriage return: no fake section, no colour).
 */
export function gitlabLog(print: (text: string) => void): HostLog {
  let sections = 0;
  let open: { name: string; title: string } | undefined;
  const stamp = () => Math.floor(Date.now() / 1000);
  const close = () => {
    if (open) print(`\u001b[0Ksection_end:${stamp()}:${open.name}\r\u001b[0K\n`);
    open = undefined;
  };
  return {
    info: (line) => print(`${safe(line)}\n`),
    warning: (line) => print(`\u001b[33mwarning: ${safe(line)}\u001b[0m\n`),
    group: async (title, work) => {
      close();
      const mine = { name: `xopero_${++sections}`, title };
      print(`\u001b[0Ksection_start:${stamp()}:${mine.name}[collapsed=false]\r\u001b[0K${safe(title)}\n`);
      open = mine;
      try {
        return await work();
      } finally {
        if (open === mine) close();
      }
    },
    openGroup: () => open?.title,
    started: () => sections > 0,
    closeOpenGroup: close,
  };
}

/** Redacted, then neutralized, then redacted again (a secret split by an escape sequence is whole again). */
const safe = (text: string) => redact(gitlabLogLine(redact(text)));

/** Detected by GITLAB_CI=true; the dotenv report (xopero.env) hands the results to later jobs. */
export const gitlabHost: Host = {
  name: 'GitLab CI',
  applyDefaults: applyGitlabDefaults,
  defaultDotenv: 'xopero.env',
  logLine: gitlabLogLine,
  log: gitlabLog,
  fail: (problems, streams) => plainFail(gitlabHost)(problems, streams),
};
