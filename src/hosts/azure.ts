/**
 * The Azure Pipelines host: the CLI runs in a script step of an Azure Pipelines job (the agent sets
 * TF_BUILD=True). The agent reads logging commands from the step's output:
 * https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands
 * - `##[group]` / `##[endgroup]` fold each step of the run (a cancellation closes the open one);
 * - `##vso[task.setsecret]` masks every secret the moment it is known (the token right after the login);
 * - `##vso[task.logissue type=warning|error]` lists warnings and failures on the run's summary page;
 * - `##vso[task.setvariable variable=NAME;isOutput=true;issecret=false]` publishes each output, for later
 *   steps (`$(STEP.NAME)`) and jobs (`dependencies.JOB.outputs['STEP.NAME']`);
 * - `##vso[task.uploadsummary]` adds the Markdown summary to the run (a file in AGENT_TEMPDIRECTORY,
 *   which the agent empties after every job);
 * - `##vso[task.complete result=Failed]` after the error lines, as the task library's setResult does: the step
 *   fails even where the shell would drop the exit status (a PowerShell step, a `cmd || echo` wrapper).
 * The commands go to the stream the log goes to (stderr: stdout is for the report and the --json document):
 * the agent's step handler runs both streams through its command parser.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { azureLogLine } from '../common/neutralize.js';
import { onSecret, redact } from '../common/redact.js';
import type { RawInputs } from '../settings/settings.js';
import { groupedLog, type HostLog } from './log.js';
import { safeLine, type Env, type Host, type Write } from './host.js';
import { idTokenFromEnvironment } from './id-token.js';
import { stoppedMarkdown } from './cancellation.js';

/** A message (the text after `]`): the agent decodes these three, so a value can never end the line early. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value also must not contain the `;` that separates properties nor the `]` that ends them. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/]/g, '%5D').replace(/;/g, '%3B');
}

/** The organization from System.CollectionUri: https://dev.azure.com/ORG/, https://ORG.visualstudio.com/. */
export function organizationFromCollectionUri(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const host = url.hostname.toLowerCase();
  if (host === 'dev.azure.com') return segments[0];
  if (host.endsWith('.visualstudio.com')) return host.slice(0, -'.visualstudio.com'.length);
  // Azure DevOps Server: https://server/tfs/COLLECTION/; the collection plays the organization's part.
  return segments[segments.length - 1];
}

/** Repository providers other than Azure Repos: their repository name is already `owner/name`. */
const EXTERNAL_PROVIDERS = ['github', 'githubenterprise', 'bitbucket'];

/**
 * Defaults from the predefined variables (the agent exports `Build.Repository.Name` as BUILD_REPOSITORY_NAME):
 * - Azure Repos (BUILD_REPOSITORY_PROVIDER=TfsGit): organization from SYSTEM_COLLECTIONURI, repository
 *   `ORGANIZATION/PROJECT/NAME` with the project from SYSTEM_TEAMPROJECT. Xopero ONE names a repository by its
 *   full path at the Git service (`org/repo`, `group/subgroup/repo` on GitLab); on Azure DevOps that path is
 *   dev.azure.com/ORG/PROJECT/_git/NAME, and a name is unique only within its project, so the project is part
 *   of it.
 * - A GitHub or Bitbucket repository built by Azure Pipelines: BUILD_REPOSITORY_NAME is `owner/name`, and the
 *   organization is its owner.
 */
export function applyAzureDefaults(raw: RawInputs, env: Env): void {
  const name = env.BUILD_REPOSITORY_NAME;
  // A repository given with its owner (owner/name, ORG/PROJECT/NAME) carries its organization (the settings take
  // it from there), as on every host: the pipeline's own is the default only for its own repository or a bare name.
  const defaultOrganization = !raw.organization && !raw.repository?.includes('/');
  if (EXTERNAL_PROVIDERS.includes((env.BUILD_REPOSITORY_PROVIDER ?? '').toLowerCase())) {
    if (defaultOrganization) raw.organization = name?.split('/')[0];
    raw.repository ||= name;
    return;
  }
  const organization = organizationFromCollectionUri(env.SYSTEM_COLLECTIONURI);
  const project = env.SYSTEM_TEAMPROJECT;
  if (defaultOrganization) raw.organization = organization;
  if (organization && project && name) raw.repository ||= `${organization}/${project}/${name}`;
}

/** Output names as variable names: letters, digits and underscores (a hyphen is not allowed there). */
export const variableName = (output: string) => output.replace(/-/g, '_');

/** A command's data: redacted, neutralized (one line, no second mark), then escaped as the agent unescapes it. */
const commandData = (text: string) => escapeData(safeLine(azureHost, text));

/** `##[group]`/`##[endgroup]` around each step; warnings as task.logissue lines; every line through azureLogLine. */
export function azureLog(write: Write): HostLog {
  return groupedLog({
    info: (line) => write(`${safeLine(azureHost, line)}\n`),
    warning: (line) => write(`##vso[task.logissue type=warning]${commandData(line)}\n`),
    begin: (title) => {
      write(`##[group]${safeLine(azureHost, title)}\n`);
      return () => write('##[endgroup]\n');
    },
  });
}

/** An output variable of the step (isOutput: later jobs read it as dependencies.<job>.outputs['<step>.<name>']). */
const setVariable = (name: string, value: string) =>
  `##vso[task.setvariable variable=${escapeProperty(variableName(name))};isOutput=true;issecret=false]${escapeData(redact(value))}\n`;

export const azureHost: Host = {
  name: 'Azure Pipelines',
  applyDefaults: applyAzureDefaults,
  logLine: azureLogLine,
  // The same JSON, with no command mark in it: `[` inside a JSON string may be written \u005b.
  json: (text) => text.replace(/##(vso)?\[/gi, (match) => `${match.slice(0, -1)}\\u005b`),
  log: azureLog,
  start: ({ write }) => {
    // A secret printed here is the one place it appears: the agent takes the line and masks the value from then on.
    onSecret((secret) => write(`##vso[task.setsecret]${escapeData(secret)}\n`));
  },
  publish: (values, summary, { write }, env) => {
    for (const [name, value] of Object.entries(values)) {
      if (name === 'result') continue; // the whole result is what --json prints; a variable is for one value
      write(setVariable(name, value));
    }
    uploadSummary(summary, write, env);
  },
  // The one output a stopped run has: a later step's condition on `failure` then reads `error`, not nothing.
  publishStopped: ({ write }, line, env, changesConfirmed) => {
    if (changesConfirmed > 0) write(setVariable('changed', 'true'));
    write(setVariable('failure', 'error'));
    // The run's page shows a summary even so: the line of the failure, as GitHub's job summary has it.
    uploadSummary(() => stoppedMarkdown(redact(line), changesConfirmed), write, env);
  },
  fail: (problems, { write }, hint) => {
    for (const problem of problems) write(`##vso[task.logissue type=error]${commandData(problem)}\n`);
    if (hint) write(`${hint}\n`);
    // The last line of the step: nothing is written after it.
    write('##vso[task.complete result=Failed;]\n');
  },
  // The broker accepts no Azure Pipelines issuer of its own (issue #25 names GitHub, GitLab and Bitbucket).
  idToken: async ({ env, words }) =>
    idTokenFromEnvironment(
      env,
      words,
      "Azure Pipelines mints no token the broker accepts; set XOPERO_ID_TOKEN to one from an issuer the broker trusts, or give the Xopero ONE credential instead of the broker's address.",
    ),
};

/**
 * The summary file: in AGENT_TEMPDIRECTORY (the agent empties it after every job), named xopero-one-backup.md, or
 * -2, -3... when an earlier run of the same job wrote one: the agent may upload a file after this process is gone,
 * so none is overwritten. The name depends only on what the job ran before (no random part: the log stays a
 * function of the inputs and the server state).
 */
function uploadSummary(summary: () => string, write: Write, env: Env): void {
  const temp = env.AGENT_TEMPDIRECTORY;
  if (!temp) return; // not a real agent: there is nowhere the run's page would show it
  try {
    const file = writeNewFile(temp, redact(summary()));
    write(`##vso[task.uploadsummary]${escapeData(file)}\n`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    write(
      `##vso[task.logissue type=warning]${escapeData(`Cannot write the run summary under AGENT_TEMPDIRECTORY (${code}); the log has the same.`)}\n`,
    );
  }
}

const SUMMARY_FILES = 100;

function writeNewFile(dir: string, text: string): string {
  for (let n = 1; ; n++) {
    const file = join(dir, n === 1 ? 'xopero-one-backup.md' : `xopero-one-backup-${n}.md`);
    try {
      writeFileSync(file, text, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= SUMMARY_FILES) throw error;
    }
  }
}
