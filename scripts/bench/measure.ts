/**
 * Peak memory and CPU time of one child process, for the sweep and shard benchmarks: GNU time when it works
 * here (exact), else /proc polling.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, baseEnv, runCommand as timedRun, type TimedResult } from '../../testbed/harness.js';

const GNU_TIME = '/usr/bin/time';

/** How peak RSS is measured: GNU time when it works here, else /proc polling. */
export type RssMethod = { kind: 'gnu-time'; description: string } | { kind: 'proc-poll'; description: string };

export async function rssMethod(workDir: string): Promise<RssMethod> {
  if (existsSync(GNU_TIME)) {
    const file = join(workDir, 'time-probe');
    try {
      const probe = await timedRun(GNU_TIME, ['-f', '%M', '-o', file, process.execPath, '-e', '0'], baseEnv(), {
        cwd: ROOT,
        timeoutMs: 10_000,
      });
      if (probe.code === 0 && /^\d+\s*$/.test(readFileSync(file, 'utf8'))) {
        return {
          kind: 'gnu-time',
          description: `${GNU_TIME} -f '%M %U %S' (the node process's ru_maxrss, exact; wall time includes time's own fork, under 1 ms)`,
        };
      }
    } catch {
      // not GNU time, or not runnable: poll /proc instead
    }
  }
  return {
    kind: 'proc-poll',
    description: '/proc/<pid>/status VmHWM polled every 10 ms (a peak in the last 10 ms before exit can be missed)',
  };
}

/**
 * Runs `node ARGS` with GNU time or /proc polling around it; returns the run, its peak RSS and CPU time.
 * `timeFile` is the run's own, so runs at once do not mix their figures.
 */
export async function measuredRun(
  method: RssMethod,
  timeFile: string,
  env: Record<string, string>,
  args: string[],
  timeoutMs: number,
): Promise<{ result: TimedResult; peakRssKiB?: number; cpuSeconds?: number }> {
  if (method.kind === 'gnu-time') {
    const file = timeFile;
    writeFileSync(file, '');
    const result = await timedRun(GNU_TIME, ['-f', '%M %U %S', '-o', file, process.execPath, ...args], env, {
      cwd: ROOT,
      timeoutMs,
    });
    // GNU time writes "Command exited with non-zero status N" before the figures when the command fails.
    const figures = readFileSync(file, 'utf8').trim().split('\n').pop()?.split(/\s+/).map(Number) ?? [];
    const [rss, user, system] = figures;
    return {
      result,
      peakRssKiB: Number.isFinite(rss) ? rss : undefined,
      cpuSeconds: Number.isFinite(user) && Number.isFinite(system) ? user + system : undefined,
    };
  }
  let peak: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const poll = (pid: number) => {
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peak = Math.max(peak ?? 0, Number(match[1]));
    } catch {
      // gone
    }
  };
  const result = await timedRun(process.execPath, args, env, {
    cwd: ROOT,
    timeoutMs,
    onSpawn: (pid) => {
      poll(pid);
      timer = setInterval(() => poll(pid), 10);
    },
  });
  clearInterval(timer);
  return { result, peakRssKiB: peak };
}
