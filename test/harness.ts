/**
 * Runs the shipped entry points the way their hosts do: `dist/index.js` as the GitHub runner runs it
 * (INPUT_* variables with action.yml's defaults, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), and the CLI
 * bundle as a shell runs it. Children are spawned asynchronously: the simulator lives in this process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const ACTION_ENTRY = join(ROOT, 'dist/index.js');
export const CLI_ENTRY = join(ROOT, 'dist/cli/index.js');

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ActionResult extends ProcessResult {
  outputs: Record<string, string>;
  summary: string;
  /** stdout and stderr together, for "no secret anywhere" checks. */
  all: string;
}

/** A clean environment: the parent's NODE_OPTIONS (jest's VM modules flag) must not reach the child. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export function runProcess(args: string[], env: Record<string, string>, options: { cwd?: string; timeoutMs?: number } = {}): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { env, cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
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

export interface RunActionOptions {
  repository?: string;
  env?: Record<string, string | undefined>;
}

export async function runAction(inputs: Record<string, string>, options: RunActionOptions = {}): Promise<ActionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'xopero-action-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env = baseEnv({
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    ...options.env,
  });
  const values = { ...actionDefaults({ repository: options.repository ?? 'acme/api' }), ...inputs };
  // The runner's naming: upper-case, spaces to underscores, hyphens kept (INPUT_SERVER-URL).
  for (const [name, value] of Object.entries(values)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const result = await runProcess([ACTION_ENTRY], env);
  return {
    ...result,
    outputs: parseGithubOutput(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    all: result.stdout + result.stderr,
  };
}

/** The lines the runner turns into annotations: `::error::message`. */
export function errorLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('::error::')).map((line) => line.slice('::error::'.length));
}
