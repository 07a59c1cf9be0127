/**
 * Timed child processes. Always asynchronous: the simulator answering the child lives in this process, so
 * a synchronous spawn would deadlock it.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface TimedResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to the process's exit, in ms. */
  wallMs: number;
  /** When spawn was called, epoch ms (sub-millisecond): to line a child's own clock up with ours. */
  spawnedAtEpochMs: number;
}

export function timedRun(command: string, args: string[], env: Record<string, string>, options: { cwd: string; timeoutMs?: number; onSpawn?: (pid: number) => void }): Promise<TimedResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const spawnedAtEpochMs = performance.timeOrigin + started;
    let exitedAt = 0;
    const child = spawn(command, args, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
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
      resolve({ code: code ?? -1, signal, stdout, stderr, wallMs: (exitedAt || performance.now()) - started, spawnedAtEpochMs });
    });
  });
}
