/**
 * The one place tests and `npm run bench` run processes and hosts. The shipped entry points run the way their
 * hosts run them: `dist/index.js` as the GitHub runner does (`runAction`: INPUT_* variables with action.yml's
 * defaults, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), the CLI bundle as a shell does (`runCli`), and a
 * GitLab job's script in bash with the variables GitLab sets (`runGitlabJob`). Every child goes through
 * `runCommand`, always asynchronously: the simulator answering it lives in this process. Whatever a helper
 * creates in the temporary directory it removes before returning.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const ACTION_ENTRY = join(ROOT, 'dist/index.js');
export const CLI_ENTRY = join(ROOT, 'dist/cli/index.js');
/**
 * The node that runs the entry points: XOPERO_TEST_NODE when set (.ci/run sets it to Node 24, the runtime
 * action.yml declares, for a second pass of the action's tests), else the node running the tests.
 */
/** The files ncc emits beside an entry (`dist/NNN.index.js`, `dist/cli/NNN.index.js`), by name. */
export function bundleChunks(dir: 'dist' | 'dist/cli' | 'dist/broker'): string[] {
  return readdirSync(join(ROOT, dir)).filter((file) => /^\d+\.index\.js$/.test(file));
}

/**
 * Which of those load on demand only: octokit and the release code (mode: release, reclaim). The action's other
 * files (its network part and its report) load in every run that gets past its inputs.
 */
export function isOnDemandChunk(dir: 'dist' | 'dist/cli', file: string): boolean {
  return /octokit|includes all repositories of the organization, so it cannot drop/i.test(readFileSync(join(ROOT, dir, file), 'utf8'));
}

export const TEST_NODE = process.env.XOPERO_TEST_NODE || process.execPath;

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TimedResult extends ProcessResult {
  signal: NodeJS.Signals | null;
  /** Wall time from spawn to the process's exit, in ms. */
  wallMs: number;
  /** When spawn was called, epoch ms (sub-millisecond): to line a child's own clock up with ours. */
  spawnedAtEpochMs: number;
}

export interface RunOptions {
  /** The working directory; the repository's root unless given. */
  cwd?: string;
  /** The child is killed (SIGKILL) after this long: 60 s unless given (120 s for `runCommand`). */
  timeoutMs?: number;
  onSpawn?: (pid: number) => void;
  /** Each piece of output as it arrives (a long-running child, e.g. the broker, is watched through it). */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface ActionResult extends ProcessResult {
  outputs: Record<string, string>;
  summary: string;
  /** stdout and stderr together, for "no secret anywhere" checks. */
  all: string;
}

/**
 * A clean environment: the parent's NODE_OPTIONS (jest's VM modules flag) must not reach the child. TMPDIR is
 * passed on: the test run's own temporary directory (test/global-setup.ts) is where children create theirs.
 */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** The one process runner: `command` with exactly `env`, output collected, timed from spawn to exit. */
export function runCommand(command: string, args: string[], env: Record<string, string>, options: RunOptions = {}): Promise<TimedResult> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const spawnedAtEpochMs = performance.timeOrigin + started;
    let exitedAt = 0;
    const child = spawn(command, args, { env, cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onOutput?.('stdout', chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onOutput?.('stderr', chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', () => {
      exitedAt = performance.now();
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, signal, stdout, stderr, wallMs: (exitedAt || performance.now()) - started, spawnedAtEpochMs });
    });
  });
}

/** This node running `args` (a script and its arguments). */
export function runProcess(args: string[], env: Record<string, string>, options: RunOptions = {}): Promise<ProcessResult> {
  return runCommand(TEST_NODE, args, env, { ...options, timeoutMs: options.timeoutMs ?? 60_000 });
}

/** A fresh directory in the temporary directory, removed after `use` whatever happens. */
export async function withTempDir<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ActionInput {
  default?: string;
}

/** action.yml's defaults, with the `${{ github.* }}` expressions the runner would evaluate. */
export function actionDefaults(github: { repository: string; token?: string }): Record<string, string> {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, ActionInput> };
  const owner = github.repository.split('/')[0];
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) {
    defaults[name] = String(input.default ?? '')
      .replace('${{ github.repository_owner }}', owner)
      .replace('${{ github.repository }}', github.repository)
      .replace('${{ github.token }}', github.token ?? 'ghs_workflow-token-of-the-test-run');
  }
  return defaults;
}

/** GITHUB_OUTPUT holds `name<<DELIMITER` heredocs (and plain `name=value` lines). */
export function parseGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      outputs[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return outputs;
}

/** The runner's naming of an input's variable: upper-case, spaces to underscores, hyphens kept (INPUT_SERVER-URL). */
export function inputEnv(values: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return env;
}

/** Where a step's GITHUB_OUTPUT and GITHUB_STEP_SUMMARY go, and its RUNNER_TEMP. */
export interface StepFiles {
  outputFile: string;
  summaryFile: string;
  runnerTemp: string;
}

export interface RunActionOptions {
  repository?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * The environment the runner gives the action's step: GITHUB_* (the files), INPUT_* for every input of
 * action.yml (its defaults under `inputs`), then `options.env`. For callers that keep their own files (the
 * bench reuses one pair across hundreds of runs); `runAction` is the usual way.
 */
export function actionEnv(inputs: Record<string, string>, files: StepFiles, options: RunActionOptions = {}): Record<string, string> {
  const repository = options.repository ?? 'acme/api';
  const values = { ...actionDefaults({ repository }), ...inputs };
  return baseEnv({
    GITHUB_ACTIONS: 'true',
    // The workflow's repository, as the runner sets it in every step.
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0],
    GITHUB_OUTPUT: files.outputFile,
    GITHUB_STEP_SUMMARY: files.summaryFile,
    RUNNER_TEMP: files.runnerTemp,
    ...inputEnv(values),
    ...options.env,
  });
}

/** Runs dist/index.js as the GitHub runner does, in a step directory of its own that is removed afterwards. */
export async function runAction(inputs: Record<string, string>, options: RunActionOptions = {}): Promise<ActionResult> {
  return withTempDir('xopero-action-', async (dir) => {
    const files = { outputFile: join(dir, 'output'), summaryFile: join(dir, 'summary'), runnerTemp: join(dir, 'runner-temp') };
    writeFileSync(files.outputFile, '');
    writeFileSync(files.summaryFile, '');
    mkdirSync(files.runnerTemp);
    const result = await runProcess([ACTION_ENTRY], actionEnv(inputs, files, options), { cwd: options.cwd, timeoutMs: options.timeoutMs });
    return {
      code: result.code,
      stdout: result.stdout,
      stderr: result.stderr,
      outputs: parseGithubOutput(readFileSync(files.outputFile, 'utf8')),
      summary: readFileSync(files.summaryFile, 'utf8'),
      all: result.stdout + result.stderr,
    };
  });
}

export interface CliResult extends ProcessResult {
  /** The working directory it ran in: the one given, or a fresh one that no longer exists. */
  cwd: string;
  /** The files the run left at the top of its working directory (name to text), e.g. `xopero.env`. */
  files: Record<string, string>;
  /** stdout and stderr together, for "no secret anywhere" checks. */
  all: string;
}

/**
 * Runs the CLI bundle the way a shell does, with only `env` (plus PATH, HOME and TMPDIR). Without `cwd` it runs
 * in a fresh working directory that is removed afterwards; what it wrote there is in `files`.
 */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}, options: RunOptions = {}): Promise<CliResult> {
  const run = async (cwd: string): Promise<CliResult> => {
    const result = await runProcess([CLI_ENTRY, ...args], baseEnv(env), { ...options, cwd });
    return {
      code: result.code,
      stdout: result.stdout,
      stderr: result.stderr,
      cwd,
      files: topLevelFiles(cwd),
      all: result.stdout + result.stderr,
    };
  };
  return options.cwd ? run(options.cwd) : withTempDir('xopero-cli-', run);
}

function topLevelFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) if (statSync(join(dir, name)).isFile()) files[name] = readFileSync(join(dir, name), 'utf8');
  return files;
}

/** A GitLab job after `include: inputs:` interpolation: its variables, its script, its dotenv report. */
export interface GitlabJob {
  variables?: Record<string, unknown>;
  script: unknown[];
  artifacts?: { reports?: { dotenv?: string } };
}

export interface GitlabJobOptions {
  /** The project's path (CI_PROJECT_PATH); its first part is the root namespace. acme/api unless given. */
  project?: string;
  /** The job's name (CI_JOB_NAME). */
  jobName?: string;
  /** What the job's shell has besides GitLab's variables: PATH, HOME, the project's CI/CD variables. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

export interface GitlabJobResult extends ProcessResult {
  all: string;
  /** The job's dotenv report, parsed; undefined when the job wrote none. */
  dotenv?: Record<string, string>;
}

/** The predefined variables GitLab sets for a job of `project`. */
export function gitlabVariables(projectDir: string, project = 'acme/api', jobName = 'xopero-backup'): Record<string, string> {
  const parts = project.split('/');
  return {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER_URL: 'https://gitlab.example.com',
    CI_PROJECT_ROOT_NAMESPACE: parts[0],
    CI_PROJECT_NAMESPACE: parts.slice(0, -1).join('/'),
    CI_PROJECT_NAME: parts.at(-1)!,
    CI_PROJECT_PATH: project,
    CI_PROJECT_DIR: projectDir,
    CI_JOB_ID: '7001',
    CI_JOB_NAME: jobName,
    CI_JOB_STAGE: '.pre',
    CI_PIPELINE_ID: '9001',
    CI_COMMIT_REF_NAME: 'main',
  };
}

/** `$NAME`, `${NAME}` and `$$` in a variable's value, as GitLab expands them. */
export const expandGitlabVariable = (value: string, env: Record<string, string>) =>
  value.replace(/\$\$|\$\{(\w+)\}|\$(\w+)/g, (all, braced?: string, bare?: string) =>
    all === '$$' ? '$' : (env[braced ?? bare ?? ''] ?? ''),
  );

/**
 * Runs a job the way a GitLab runner's shell executor does: the predefined variables, the project's CI/CD
 * variables (`options.env`), the job's `variables:` (expanded), then its script lines in one bash with
 * errexit, in a fresh CI_PROJECT_DIR. The project directory and the script are removed afterwards.
 */
export async function runGitlabJob(job: GitlabJob, options: GitlabJobOptions = {}): Promise<GitlabJobResult> {
  return withTempDir('xopero-gitlab-job-', async (dir) => {
    const projectDir = join(dir, 'project');
    mkdirSync(projectDir);
    const env: Record<string, string> = { ...gitlabVariables(projectDir, options.project, options.jobName), ...baseEnv(options.env) };
    for (const [name, value] of Object.entries(job.variables ?? {})) env[name] = expandGitlabVariable(String(value), env);
    const scriptFile = join(dir, 'script.sh');
    writeFileSync(scriptFile, ['set -eo pipefail', ...job.script.map(String), ''].join('\n'));
    const result = await runCommand('bash', [scriptFile], env, { cwd: projectDir, timeoutMs: options.timeoutMs });
    const dotenvName = job.artifacts?.reports?.dotenv;
    const dotenvFile = dotenvName ? join(projectDir, dotenvName) : undefined;
    const dotenv = dotenvFile && existsSync(dotenvFile) ? parseDotenv(readFileSync(dotenvFile, 'utf8')) : undefined;
    return { code: result.code, stdout: result.stdout, stderr: result.stderr, all: result.stdout + result.stderr, dotenv };
  });
}

/** `NAME=value` lines (a dotenv report). */
export function parseDotenv(text: string): Record<string, string> {
  const lines = text.split('\n').filter(Boolean);
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

/** The lines the runner turns into annotations: `::error::message`. */
export function errorLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('::error::'))
    .map((line) => line.slice('::error::'.length));
}
