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
import { basename, join, resolve } from 'node:path';
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
export function bundleChunks(dir: 'dist' | 'dist/cli' | 'dist/report' | 'dist/broker'): string[] {
  return readdirSync(join(ROOT, dir)).filter((file) => /^\d+\.index\.js$/.test(file));
}

/**
 * A module hook (node:module `register`) that appends the URL of every file a child resolves to the file named
 * by XOPERO_IMPORT_LOG: which files an entry loads, learnt from Node's module resolution, so no test has to
 * recognise a bundle file by its contents. Passed as data: URLs in NODE_OPTIONS, so no file has to exist.
 * The hook sees ES modules only; the Action's bundle is CommonJS (scripts/bundle.ts), whose files the child's
 * `require.cache` lists, appended to the same log when the child exits.
 */
const IMPORT_HOOKS = [
  "import { appendFileSync } from 'node:fs';",
  'export async function resolve(specifier, context, next) {',
  '  const resolved = await next(specifier, context);',
  "  if (resolved.url.startsWith('file:')) appendFileSync(process.env.XOPERO_IMPORT_LOG, `${resolved.url}\\n`);",
  '  return resolved;',
  '}',
].join('\n');
const dataUrl = (code: string) => `data:text/javascript,${encodeURIComponent(code)}`;
const IMPORT_PRELOAD = [
  "import { appendFileSync } from 'node:fs';",
  "import { createRequire, register } from 'node:module';",
  "import { pathToFileURL } from 'node:url';",
  `register(${JSON.stringify(dataUrl(IMPORT_HOOKS))});`,
  'const required = createRequire(`${process.cwd()}/`).cache;',
  "process.on('exit', () => appendFileSync(process.env.XOPERO_IMPORT_LOG, Object.keys(required).map((file) => `${pathToFileURL(file).href}\\n`).join('')));",
].join('\n');
const IMPORT_TRACE = `--import=${dataUrl(IMPORT_PRELOAD)}`;

/**
 * The files of `dir` beside its entry (`NNN.index.js`) that a child loaded while `run` ran: `run` gets the
 * variables to add to the child's environment (they replace NODE_OPTIONS). Sorted by name.
 */
export async function chunksLoadedBy(
  dir: 'dist' | 'dist/cli',
  run: (traceEnv: Record<string, string>) => Promise<unknown>,
): Promise<string[]> {
  return withTempDir('xopero-import-trace-', async (traceDir) => {
    const log = join(traceDir, 'imports.log');
    writeFileSync(log, '');
    await run({ NODE_OPTIONS: IMPORT_TRACE, XOPERO_IMPORT_LOG: log });
    const chunks = new Set(bundleChunks(dir));
    const loaded = readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => fileURLToPath(url))
      .filter((file) => resolve(file, '..') === join(ROOT, dir) && chunks.has(basename(file)));
    return [...new Set(loaded.map((file) => basename(file)))].sort();
  });
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
  /** Written to the child's stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: string;
  /**
   * The child leads a process group of its own, and `kill` signals the whole group: for a command that starts
   * others (`npm run` -> shell -> tsx -> node) and must be stopped with all of them.
   */
  group?: boolean;
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

/** A child that is still running: its output so far, a kill handle, a wait on its output, and its end. */
export interface RunningProcess {
  readonly pid: number | undefined;
  /** What it has printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Sends `signal` to the child (to its whole group with `group: true`); nothing once it has exited. */
  kill(signal: NodeJS.Signals): void;
  /**
   * Resolves as soon as `ready(stdout, stderr)` holds, checked on every piece of output as it arrives (an
   * event, not a poll); rejects if the child exits first. `ready` may start more work (e.g. change the
   * simulator) before it answers true.
   */
  waitForOutput(ready: (stdout: string, stderr: string) => boolean): Promise<void>;
  /** Settles when the child has exited and its output is closed. */
  readonly result: Promise<TimedResult>;
}

/**
 * The one process runner: `command` with exactly `env`, output collected as it comes, timed from spawn to
 * exit. `runCommand` waits for the end; this returns at once, for tests that talk to a running child
 * (signal it once it printed something, stop a server they started).
 */
export function startCommand(command: string, args: string[], env: Record<string, string>, options: RunOptions = {}): RunningProcess {
  const started = performance.now();
  const spawnedAtEpochMs = performance.timeOrigin + started;
  let exitedAt = 0;
  let exited = false;
  const child = spawn(command, args, {
    env,
    cwd: options.cwd ?? ROOT,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: options.group ?? false,
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  const changed = () => {
    for (const watcher of [...watchers]) watcher();
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    options.onOutput?.('stdout', chunk);
    changed();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    options.onOutput?.('stderr', chunk);
    changed();
  });
  const kill = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    if (!options.group) {
      if (!exited) child.kill(signal);
      return;
    }
    try {
      process.kill(-child.pid, signal); // the group may outlive its leader: signal it even after the exit
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // no member left
    }
  };
  const timer = setTimeout(() => kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const result = new Promise<TimedResult>((resolvePromise, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', () => {
      exited = true;
      exitedAt = performance.now();
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      changed(); // a waiter still waiting learns that nothing more will come
      resolvePromise({ code: code ?? -1, signal, stdout, stderr, wallMs: (exitedAt || performance.now()) - started, spawnedAtEpochMs });
    });
  });
  let closed = false;
  result.then(
    () => (closed = true),
    () => (closed = true),
  );
  const waitForOutput = (ready: (stdout: string, stderr: string) => boolean) =>
    new Promise<void>((resolvePromise, reject) => {
      const check = () => {
        if (ready(stdout, stderr)) {
          watchers.delete(check);
          resolvePromise();
        } else if (closed) {
          watchers.delete(check);
          reject(new Error(`${command} exited before printing what was awaited:\n${stdout}\n${stderr}`));
        }
      };
      watchers.add(check);
      result.finally(check).catch(() => undefined);
      check();
    });
  return {
    pid: child.pid,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    kill,
    waitForOutput,
    result,
  };
}

/** `startCommand`, awaited to the end. */
export function runCommand(command: string, args: string[], env: Record<string, string>, options: RunOptions = {}): Promise<TimedResult> {
  return startCommand(command, args, env, options).result;
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
  /** The entry to run: dist/index.js unless given (a test's altered copy of the bundle). */
  entry?: string;
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
    const result = await runProcess([options.entry ?? ACTION_ENTRY], actionEnv(inputs, files, options), {
      cwd: options.cwd,
      timeoutMs: options.timeoutMs,
    });
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
