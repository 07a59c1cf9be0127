/**
 * The sharded-sweep scale case of the benchmark (`npm run bench -- --shards-only`; the full bench runs it after
 * the sweep case unless `--no-shards`). One run each, not alternated: these are long runs.
 *
 * A fresh simulator (HTTPS, in this process, 5 ms per request, page cap 100) holds organization `acme`, plan
 * `Nightly` and 100,000 repositories, 30,000 of them unprotected (neither licensed nor attached), spread evenly,
 * with exactly 30,000 free licenses (a license spent twice would leave a repository failing with LI5020):
 *   1. 10 shards at once, the CLI bundle each (`--shard i/10 --result-file`), against that one simulator;
 *   2. the same 10 shards again: 0 changing requests;
 *   3. one job (no shard) over a fresh copy of the same organization: time and peak RSS;
 *   4. 10 shards over a fresh copy with 15,000 licenses: licenses run out half way; every shard names its
 *      LI5020 repositories, `xopero-one report` merges them and fails with one line giving the count.
 * Peak RSS per process from GNU time's %M where it works (per-run output files, so concurrent runs do not mix),
 * else /proc/<pid>/status VmHWM polled every 10 ms. The end state comes from the simulator's own records.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMAIL, PASSWORD } from '../../testbed/fixtures.js';
import { CLI_ENTRY, ROOT, baseEnv, runCommand as timedRun, type TimedResult } from '../../testbed/harness.js';
import { Simulator, type SimRepo } from '../../testbed/simulator/index.js';
import { measuredRun, rssMethod } from './measure.js';
import { targetLines, type Target } from './stats.js';

export interface ShardBenchOptions {
  latencyMs: number;
  /** Defaults: the issue's figures. */
  size?: number;
  unprotected?: number;
  shards?: number;
}

export interface ShardBenchResult {
  lines: string[];
  json: Record<string, unknown>;
  targets: Target[];
}

const ORGANIZATION = 'acme';
const PLAN = 'Nightly';
const ROLES = ['SystemAdministrator', 'GitManagement'];
const RUN_TIMEOUT_MS = 600_000;
const SHARD_SECONDS = 60;
const SHARD_RSS_MIB = 150;
const SINGLE_SECONDS = 120;
const ACTIVATION_BATCH = 100;

interface Seeded {
  sim: Simulator;
  url: string;
  repos: SimRepo[];
}

interface ProcessRun {
  label: string;
  result: TimedResult;
  peakRssKiB?: number;
  cpuSeconds?: number;
  doc?: {
    counts?: Record<string, number>;
    entries?: Array<{ repository: string; actions: string[]; reason?: string }>;
    unchanged?: string[];
    problems?: string[];
  };
}

const spreadEvenly = (size: number, count: number) => (i: number) => Math.floor(((i + 1) * count) / size) > Math.floor((i * count) / size);

async function seed(size: number, unprotected: number, licenses: number, latencyMs: number): Promise<Seeded> {
  const sim = new Simulator({ latencyMs, licenses, syncDurationMs: 50, users: [{ email: EMAIL, password: PASSWORD, roles: ROLES }] });
  const org = sim.addOrganization({ name: ORGANIZATION });
  const isUnprotected = spreadEvenly(size, unprotected);
  const repos = sim.addRepositories(org.id, size, (i) => ({ isProtected: !isUnprotected(i) }));
  sim.addPlan(org.id, { name: PLAN, repositoryIds: repos.filter((repo) => repo.isProtected).map((repo) => repo.id) });
  return { sim, url: await sim.start(), repos };
}

function readDoc(file: string): ProcessRun['doc'] {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function runShardBench(options: ShardBenchOptions): Promise<ShardBenchResult> {
  const workDir = mkdtempSync(join(tmpdir(), 'xopero-bench-shards-'));
  try {
    return await shardCases(options, workDir);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function shardCases(options: ShardBenchOptions, workDir: string): Promise<ShardBenchResult> {
  const size = options.size ?? 100_000;
  const unprotected = options.unprotected ?? 30_000;
  const shards = options.shards ?? 10;
  const method = await rssMethod(workDir);
  let runCounter = 0;

  const cliRun = async (org: Seeded, label: string, shard: string | undefined, dir: string): Promise<ProcessRun> => {
    const n = ++runCounter;
    const resultFile = join(dir, `result-${shard ? shard.replace('/', '-of-') : 'single'}.json`);
    const args = [
      CLI_ENTRY,
      '--server-url',
      org.url,
      '--organization',
      ORGANIZATION,
      '--plan',
      PLAN,
      '--repositories',
      '*',
      '--result-file',
      resultFile,
      ...(shard ? ['--shard', shard] : []),
    ];
    const env = baseEnv({ NODE_EXTRA_CA_CERTS: org.sim.caCertPath, XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD });
    const run = await measuredRun(method, join(workDir, `time-${n}`), env, args, RUN_TIMEOUT_MS);
    return { label, ...run, doc: readDoc(resultFile) };
  };

  const shardWave = async (org: Seeded, label: string) => {
    const dir = mkdtempSync(join(workDir, 'wave-'));
    org.sim.resetLog();
    process.stderr.write(`bench: shards, ${label}\n`);
    const started = Date.now();
    const cpuBefore = process.cpuUsage();
    const runs = await Promise.all(
      Array.from({ length: shards }, (_, i) => cliRun(org, `shard ${i + 1}/${shards}`, `${i + 1}/${shards}`, dir)),
    );
    const wallMs = Date.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const simulatorCpuSeconds = (cpu.user + cpu.system) / 1e6;
    // The log is complete once every answer has gone out.
    for (let i = 0; i < 200 && org.sim.requests.some((r) => r.endedAt === 0); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    return { dir, runs, wallMs, simulatorCpuSeconds, log: [...org.sim.requests], maxInFlight: org.sim.maxConcurrent };
  };

  const stateOf = (org: Seeded) => {
    const plan = org.sim.plan(PLAN)!;
    const inPlan = new Set(plan.repositoryIds.map((id) => id.toLowerCase()));
    return {
      protectedCount: org.repos.filter((repo) => repo.isProtected).length,
      attachedCount: org.repos.filter((repo) => inPlan.has(repo.id.toLowerCase())).length,
      duplicateAttachments: plan.repositoryIds.length - inPlan.size,
      licensesLeft: org.sim.freeLicenses,
    };
  };

  const byPath = (log: Array<{ path: string }>) => {
    const counts: Record<string, number> = {};
    for (const r of log) counts[r.path] = (counts[r.path] ?? 0) + 1;
    return counts;
  };

  // ---- 1 and 2: 10 shards at once, then again -------------------------------------------------------------
  const org = await seed(size, unprotected, unprotected, options.latencyMs);
  let first: Awaited<ReturnType<typeof shardWave>>;
  let second: Awaited<ReturnType<typeof shardWave>>;
  let firstState: ReturnType<typeof stateOf>;
  let activationIds: { sent: number; distinct: number };
  try {
    first = await shardWave(org, `${fmt(size)} repositories, ${fmt(unprotected)} unprotected, ${shards} shards at once`);
    firstState = stateOf(org);
    const ids = first.log
      .filter((r) => r.path === '/git/repositories/activate')
      .flatMap((r) => ((r.body as { Ids?: string[] })?.Ids ?? []).map((id) => id.toLowerCase()));
    activationIds = { sent: ids.length, distinct: new Set(ids).size };
    second = await shardWave(org, `the same ${shards} shards again`);
  } finally {
    await org.sim.stop();
  }
  const firstPaths = byPath(first.log);
  const attachCalls = firstPaths['/plans/attachgitrepository'] ?? 0;
  const activateCalls = firstPaths['/git/repositories/activate'] ?? 0;
  const expectedBatches = first.runs.reduce((sum, run) => sum + Math.ceil((run.doc?.counts?.activated ?? 0) / ACTIVATION_BATCH), 0);
  const firstMutating = first.log.filter((r) =>
    ['/plans/attachgitrepository', '/git/repositories/activate', '/git/repositories/sync', '/plans/modifygitplan'].includes(r.path),
  ).length;
  const secondMutating = second.log.filter(
    (r) =>
      !['/account/login', '/git/organizations/getmany', '/git/repositories/getmany', '/plans/listassignedtoorganization'].includes(r.path),
  ).length;

  // ---- 3: one job over a fresh copy -----------------------------------------------------------------------
  const singleOrg = await seed(size, unprotected, unprotected, options.latencyMs);
  let single: ProcessRun;
  let singleState: ReturnType<typeof stateOf>;
  let singleRequests: number;
  try {
    process.stderr.write(`bench: shards, one job over ${fmt(size)}\n`);
    single = await cliRun(singleOrg, 'one job', undefined, mkdtempSync(join(workDir, 'single-')));
    singleState = stateOf(singleOrg);
    singleRequests = singleOrg.sim.requests.length;
  } finally {
    await singleOrg.sim.stop();
  }

  // ---- 4: licenses run out half way -----------------------------------------------------------------------
  const halfOrg = await seed(size, unprotected, unprotected / 2, options.latencyMs);
  let half: Awaited<ReturnType<typeof shardWave>>;
  let merged: { repositories?: Array<{ repository: string; outcome: string; reason?: string }> } = {};
  const reportDir = mkdtempSync(join(workDir, 'report-'));
  try {
    half = await shardWave(halfOrg, `${fmt(size)} with ${fmt(unprotected / 2)} licenses (run out half way), ${shards} shards`);
  } finally {
    await halfOrg.sim.stop();
  }
  process.stderr.write('bench: shards, xopero-one report over the failing shards\n');
  const report: TimedResult = await timedRun(
    process.execPath,
    [
      CLI_ENTRY,
      'report',
      '--json',
      join(reportDir, 'report.json'),
      '--junit',
      join(reportDir, 'junit.xml'),
      '--markdown',
      join(reportDir, 'summary.md'),
      half.dir,
    ],
    baseEnv(),
    { cwd: ROOT, timeoutMs: RUN_TIMEOUT_MS },
  );
  try {
    merged = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'));
  } catch {
    // left empty: the targets say so
  }
  const li5020 = (run: ProcessRun) => (run.doc?.entries ?? []).filter((e) => /LI5020/.test(e.reason ?? '')).length;
  const perShardLi5020 = half.runs.map(li5020);
  const shardsNaming = half.runs.filter(
    (run, i) => perShardLi5020[i] > 0 && run.result.code === 1 && (run.doc?.problems ?? []).some((p) => /LI5020/.test(p)),
  ).length;
  const mergedFailed = (merged.repositories ?? []).filter((r) => r.outcome === 'failed' && /LI5020/.test(r.reason ?? '')).length;
  const reportLines = report.stderr.trim().split('\n').filter(Boolean);

  // ---- targets --------------------------------------------------------------------------------------------
  const maxWall = (runs: ProcessRun[]) => Math.max(...runs.map((r) => r.result.wallMs));
  const maxRss = (runs: ProcessRun[]) => Math.max(...runs.map((r) => r.peakRssKiB ?? Number.NaN));
  const allOk = (runs: ProcessRun[]) => runs.every((r) => r.result.code === 0);
  const targets: Target[] = [
    {
      name: `${shards} shards: slowest shard`,
      target: `< ${SHARD_SECONDS} s`,
      value: `${(maxWall(first.runs) / 1000).toFixed(2)} s`,
      met: allOk(first.runs) && maxWall(first.runs) < SHARD_SECONDS * 1000,
    },
    {
      name: `${shards} shards: largest peak RSS`,
      target: `< ${SHARD_RSS_MIB} MiB`,
      value: mib(maxRss(first.runs)),
      met: maxRss(first.runs) < SHARD_RSS_MIB * 1024,
    },
    {
      name: 'every repository protected + attached once',
      target: `${fmt(size)} / ${fmt(size)}`,
      value: `${fmt(firstState.protectedCount)} protected, ${fmt(firstState.attachedCount)} attached, ${firstState.duplicateAttachments} twice`,
      met: firstState.protectedCount === size && firstState.attachedCount === size && firstState.duplicateAttachments === 0,
    },
    {
      name: 'no license activated twice',
      target: `${fmt(unprotected)} ids, 0 left`,
      value: `${fmt(activationIds.sent)} ids sent, ${fmt(activationIds.distinct)} distinct, ${firstState.licensesLeft} left`,
      met: activationIds.sent === unprotected && activationIds.distinct === unprotected && firstState.licensesLeft === 0,
    },
    {
      name: 'changing requests',
      target: `${fmt(unprotected)} + ${expectedBatches}`,
      value: `${fmt(attachCalls)} attach + ${activateCalls} activate = ${fmt(firstMutating)}`,
      met: attachCalls === unprotected && activateCalls === expectedBatches && firstMutating === unprotected + expectedBatches,
    },
    { name: 'again: changing requests', target: '0', value: String(secondMutating), met: allOk(second.runs) && secondMutating === 0 },
    {
      name: 'one job over the same organization',
      target: `< ${SINGLE_SECONDS} s`,
      value: `${(single.result.wallMs / 1000).toFixed(2)} s, ${mib(single.peakRssKiB)}`,
      met:
        single.result.code === 0 &&
        single.result.wallMs < SINGLE_SECONDS * 1000 &&
        singleState.protectedCount === size &&
        singleState.attachedCount === size,
    },
    {
      name: 'licenses out: shards name their LI5020',
      target: `${shards} shards`,
      value: `${shardsNaming} shards, ${fmt(perShardLi5020.reduce((a, b) => a + b, 0))} repositories`,
      met: shardsNaming === perShardLi5020.filter((n) => n > 0).length && perShardLi5020.reduce((a, b) => a + b, 0) === unprotected / 2,
    },
    {
      name: 'licenses out: report lists all, one line',
      target: `${fmt(unprotected / 2)}, exit 1`,
      value: `${fmt(mergedFailed)} listed, exit ${report.code}, ${reportLines.length} line(s)`,
      met:
        mergedFailed === unprotected / 2 &&
        report.code === 1 &&
        reportLines.length === 1 &&
        reportLines[0].includes(`${unprotected / 2} of ${size}`),
    },
  ];

  // ---- report ---------------------------------------------------------------------------------------------
  const out: string[] = [];
  const print = (line = '') => out.push(line);
  print(`Sharded sweep (CLI bundle, --shard i/${shards}, --result-file; one run each, not alternated):`);
  print(
    `  simulator     one per case, HTTPS in this process, ${options.latencyMs} ms per request, page cap 100; ${fmt(size)} repositories, ${fmt(unprotected)} unprotected spread evenly, licenses = unprotected (case 4: half)`,
  );
  print(`  peak RSS      ${method.description}, per process`);
  print();
  const header = `${pad('run', 16)}${padLeft('exit', 5)}${padLeft('wall', 9)}${padLeft('peak RSS', 11)}${padLeft('CPU', 8)}${padLeft('matched', 9)}${padLeft('activated', 10)}${padLeft('attached', 9)}${padLeft('failed', 8)}`;
  for (const [title, wave] of [
    ['1. first', first],
    ['2. again', second],
    ['4. licenses out', half],
  ] as const) {
    print(
      `${title}: ${wave.runs.length} processes at once, ${(wave.wallMs / 1000).toFixed(2)} s from the first spawn to the last exit, ${fmt(wave.log.length)} requests (${Object.entries(
        byPath(wave.log),
      )
        .map(([p, n]) => `${p.split('/').pop()} ${n}`)
        .join(
          ', ',
        )}), at most ${wave.maxInFlight} in flight; CPU: simulator ${wave.simulatorCpuSeconds.toFixed(1)} s, shards ${wave.runs.reduce((sum, r) => sum + (r.cpuSeconds ?? 0), 0).toFixed(1)} s`,
    );
    print(`  ${header}`);
    for (const r of wave.runs) print(`  ${row(r)}`);
  }
  print(`3. one job: ${row(single)}; ${fmt(singleRequests)} requests`);
  print(`4. report: exit ${report.code}, ${(report.wallMs / 1000).toFixed(2)} s; stderr: ${reportLines.join(' | ')}`);
  print();
  print('Shard targets:');
  for (const line of targetLines(targets, 'shard targets')) print(line);

  const runJson = (r: ProcessRun) => ({
    label: r.label,
    exitCode: r.result.code,
    wallMs: Math.round(r.result.wallMs),
    peakRssKiB: r.peakRssKiB ?? null,
    cpuSeconds: r.cpuSeconds ?? null,
    counts: r.doc?.counts ?? null,
  });
  const json = {
    config: {
      latencyMs: options.latencyMs,
      pageCap: 100,
      repositories: size,
      unprotected,
      shards,
      peakRss: method.kind,
    },
    first: {
      wallMs: first.wallMs,
      simulatorCpuSeconds: first.simulatorCpuSeconds,
      runs: first.runs.map(runJson),
      requestsByPath: firstPaths,
      mutating: firstMutating,
      expectedActivationBatches: expectedBatches,
      activationIds,
      state: firstState,
    },
    second: {
      wallMs: second.wallMs,
      simulatorCpuSeconds: second.simulatorCpuSeconds,
      runs: second.runs.map(runJson),
      requestsByPath: byPath(second.log),
      mutating: secondMutating,
    },
    single: { ...runJson(single), requests: singleRequests, state: singleState },
    licensesOut: {
      wallMs: half.wallMs,
      runs: half.runs.map(runJson),
      li5020PerShard: perShardLi5020,
      mergedFailed,
      reportExitCode: report.code,
      reportStderr: reportLines,
    },
    targets,
  };
  return { lines: out, json, targets };

  function row(r: ProcessRun): string {
    const c = r.doc?.counts ?? {};
    return `${pad(r.label, 16)}${padLeft(String(r.result.code), 5)}${padLeft(`${(r.result.wallMs / 1000).toFixed(2)} s`, 9)}${padLeft(mib(r.peakRssKiB), 11)}${padLeft(r.cpuSeconds === undefined ? '-' : `${r.cpuSeconds.toFixed(1)} s`, 8)}${padLeft(String(c.matched ?? '-'), 9)}${padLeft(String(c.activated ?? '-'), 10)}${padLeft(String(c.attached ?? '-'), 9)}${padLeft(String(c.failed ?? '-'), 8)}`;
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
const mib = (kib: number | undefined) => (kib === undefined || !Number.isFinite(kib) ? '-' : `${(kib / 1024).toFixed(1)} MiB`);
const pad = (text: string, width: number) => text.padEnd(width);
const padLeft = (text: string, width: number) => text.padStart(width);
