/**
 * The action's cases of `npm run bench` (scripts/bench.ts says what each measures): the re-run with
 * email/password, an access token and a ca-certificate PEM; the new-repository run; the curl + jq baseline of
 * each; start-up against `node -e 0`; all again under Node 24, and through a relay with a real round trip
 * (--rtt). One simulator for all, the cases alternating A B A B after a warm-up; then one timed re-run for the
 * breakdown, and the re-run against the baseline at the other --latencies. scripts/bench/action-report.ts turns
 * the figures into the report.
 * Adding a case: its id in CaseId, a line in CASES, its invocation, and its id in mainIds.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMAIL, PASSWORD, startWorld, type World } from '../../testbed/fixtures.js';
import {
  ACTION_ENTRY,
  ROOT,
  actionDefaults,
  baseEnv,
  chunksLoadedBy,
  inputEnv,
  parseGithubOutput,
  runCommand as timedRun,
  type TimedResult,
} from '../../testbed/harness.js';
import type { RequestRecord } from '../../testbed/simulator/index.js';
import { startSlowRelay } from '../../testbed/relay.js';
import { EXTRA_LATENCIES, LATENCY, RTT, RUNS, SYNC_MS, WARMUP, args } from './options.js';
import { criticalPath, median, spread, type Spread } from './stats.js';

export const BASELINE = join(ROOT, 'scripts/baseline.sh');
export const FLOOR = join(ROOT, 'scripts/bench/floor.cjs');
export const BASH = '/bin/bash';
export const PLAN = 'Nightly GitHub';
/** acme/other in the fixtures' world: license-activated and attached to Nightly GitHub. */
export const PROTECTED_REPOSITORY = 'acme/other';
/** The baseline polls at the action's first poll delay (protect.ts POLL_DELAYS_MS[0]), so both wait alike. */
export const BASELINE_POLL_SECONDS = '0.25';
// ---- cases ----------------------------------------------------------------------------------------------

export type CaseId =
  | 'rerun'
  | 'rerunToken'
  | 'rerunPem'
  | 'newRepo'
  | 'baseline'
  | 'baselinePem'
  | 'baselineNew'
  | 'startAction'
  | 'startNode'
  | 'startNodeSystemCa'
  | 'rerun24'
  | 'rerunToken24'
  | 'rerunPem24'
  | 'startAction24'
  | 'startNode24'
  | 'rerunRtt'
  | 'rerunRtt24'
  | 'baselineRtt'
  | 'floor'
  | 'floor24';

/** The node that runs a case: the one running the bench (Node 20 here and in CI), or Node 24. */
export type Runtime = 'current' | 'node24';

export interface CaseInfo {
  title: string;
  /** The case whose median this one is divided by. */
  versus?: CaseId;
  /** Whether requests are counted (start-up cases make none). */
  api: boolean;
  /** Which node runs it; undefined: no node (the curl + jq baseline). */
  runtime?: Runtime;
}

export const CASES: Record<CaseId, CaseInfo> = {
  rerun: { title: 'action re-run (email/password)', versus: 'baseline', api: true, runtime: 'current' },
  rerunToken: { title: 'action re-run (access-token)', versus: 'baseline', api: true, runtime: 'current' },
  rerunPem: { title: 'action re-run, ca-certificate PEM', versus: 'baselinePem', api: true, runtime: 'current' },
  baseline: { title: 'baseline re-run (curl + jq)', versus: 'baseline', api: true },
  baselinePem: { title: 'baseline re-run, same env as PEM', versus: 'baselinePem', api: true },
  newRepo: { title: 'action new repository (sync)', versus: 'baselineNew', api: true, runtime: 'current' },
  baselineNew: { title: 'baseline new repository (sync)', versus: 'baselineNew', api: true },
  startAction: { title: 'start-up: node dist/index.js', versus: 'startNode', api: false, runtime: 'current' },
  startNode: { title: 'start-up: node -e 0', versus: 'startNode', api: false, runtime: 'current' },
  startNodeSystemCa: { title: 'node -e 0, system CA bundle', versus: 'startNode', api: false, runtime: 'current' },
  rerun24: { title: 'action re-run (email/password)', versus: 'baseline', api: true, runtime: 'node24' },
  rerunToken24: { title: 'action re-run (access-token)', versus: 'baseline', api: true, runtime: 'node24' },
  rerunPem24: { title: 'action re-run, ca-certificate PEM', versus: 'baselinePem', api: true, runtime: 'node24' },
  startAction24: { title: 'start-up: node dist/index.js', versus: 'startNode24', api: false, runtime: 'node24' },
  startNode24: { title: 'start-up: node -e 0', versus: 'startNode24', api: false, runtime: 'node24' },
  rerunRtt: { title: `action re-run, ${RTT} ms round trip`, versus: 'baselineRtt', api: true, runtime: 'current' },
  rerunRtt24: { title: `action re-run, ${RTT} ms round trip`, versus: 'baselineRtt', api: true, runtime: 'node24' },
  baselineRtt: { title: `baseline re-run, ${RTT} ms round trip`, versus: 'baselineRtt', api: true },
  // Not a rival: what Node itself costs before and during a first request (scripts/bench/floor.cjs); its times
  // stand beside the action's "network code loaded" and "first request's extra" in the targets.
  floor: { title: 'floor: bare node https client', api: true, runtime: 'current' },
  floor24: { title: 'floor: bare node https client', api: true, runtime: 'node24' },
};

export interface Sample {
  wallMs: number;
  requests: number;
  mutating: number;
  criticalPath: number;
  connections: number;
  exitCode: number;
  /** The run's requests, times relative to the first one's start: kept to explain a long critical path. */
  log: Array<{ path: string; connectionId: number; startMs: number; endMs: number }>;
  /** From the action's 'main finished' to the process being gone; NaN where there is none (baseline, start-up). */
  afterMainMs: number;
  /** From main to 'network code loaded' (XOPERO_TIMING=1); NaN where there is none. */
  networkAfterMainMs: number;
  /** From main to 'core loaded' (the rest of the core, loaded once the login is on the wire); NaN where there is none. */
  coreAfterMainMs: number;
  /** The first request's time (the login; with a token, the organizations) minus the median of the later ones'. */
  firstRequestExtraMs: number;
}

interface Invocation {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Why the run is not what the case measures; undefined when it is. */
  check: (result: TimedResult) => string | undefined;
}

export interface CaseFigures {
  id: CaseId;
  title: string;
  latencyMs: number;
  samples: Sample[];
  failures: string[];
  wall: Spread;
  requests: number[];
  mutating: number[];
  criticalPath: number[];
  connections: number[];
  afterMain: number[];
  networkAfterMain: number[];
  coreAfterMain: number[];
  firstRequestExtra: number[];
  ratio?: number;
}

export interface Breakdown {
  wallMs: number;
  lines: string[];
  code: number;
  /** On the child's clock (ms since its time origin). */
  mainFinishedMs: number;
  exitEventMs: number;
  goneMs: number;
  /** From spawn to the child's time origin. */
  spawnToStartMs: number;
}

/** Other latencies: the re-run against the baseline only. */
export interface LatencyFigures {
  latencyMs: number;
  rerun: CaseFigures;
  baseline: CaseFigures;
  ratio?: number;
}

/** What the action's cases measured, for the report. */
export interface ActionMeasurements {
  url: string;
  caPath: string;
  machineExtraCa: string | undefined;
  measureSystemCa: boolean;
  relayed: boolean;
  versions: { node: string; node24: string; curl: string; jq: string; bash: string };
  mainIds: CaseId[];
  main: Map<CaseId, CaseFigures>;
  timed: Breakdown;
  timedToken: Breakdown;
  latencyFigures: LatencyFigures[];
  /** The files beside dist/index.js that a re-run loaded: the others load on demand only. */
  loadedByRerun: string[];
  /** How many start-up pairs each round holds. */
  startupPairs: number;
}

/** Runs the action's cases on a simulator of their own, stopped before returning. */
export async function measureActionCases(): Promise<ActionMeasurements> {
  const world: World = await startWorld({ latencyMs: LATENCY, syncDurationMs: SYNC_MS, licenses: 100_000 });
  const { sim, url } = world;
  const caPath = sim.caCertPath;
  const workDir = mkdtempSync(join(tmpdir(), 'xopero-bench-'));
  const outputFile = join(workDir, 'github-output');
  const summaryFile = join(workDir, 'step-summary');
  process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const machineExtraCa = process.env.NODE_EXTRA_CA_CERTS;
  const caPem = readFileSync(caPath, 'utf8');
  /**
   * The --rtt cases reach the simulator through a relay that delays every chunk RTT / 2 each way, so that the TCP
   * and TLS handshakes and every request cost a round trip as on a real network (the simulator's latency applies
   * per request only; the TCP handshake is modelled: testbed/relay.ts).
   */
  const relay = RTT > 0 ? await startSlowRelay(Number(new URL(url).port), RTT / 2) : undefined;

  /** The node binaries: this one, and Node 24 from scripts/node24.sh (installed once into a cache folder). */
  const runtimes: Record<Runtime, string | undefined> = { current: process.execPath, node24: await node24Path() };

  async function node24Path(): Promise<string | undefined> {
    if (args['no-node24']) return undefined;
    if (args.node24) return args.node24;
    const found = await timedRun(BASH, [join(ROOT, 'scripts/node24.sh')], baseEnv(), { cwd: ROOT, timeoutMs: 300_000 });
    if (found.code === 0) return found.stdout.trim().split('\n').pop();
    process.stderr.write(`bench: no Node 24 (scripts/node24.sh: ${found.stderr.trim().split('\n').pop()}); its cases are left out\n`);
    return undefined;
  }

  /**
   * Loaded into every action run with --require: reports when the child's clock started and when its 'exit' event
   * fired, so the time from 'main finished' (XOPERO_TIMING=1) until the process is gone can be told from here.
   */
  const exitProbe = join(workDir, 'exit-probe.cjs');
  writeFileSync(
    exitProbe,
    "const { performance } = require('node:perf_hooks');\n" +
      "process.on('exit', () => process.stderr.write(`bench-exit-probe ${performance.timeOrigin} ${performance.now()}\\n`));\n",
  );
  const timingEnv = { XOPERO_TIMING: '1', NODE_OPTIONS: `--require ${exitProbe}` };

  /** From 'main finished' (the child's clock) to the process being gone (this clock); NaN when not reported. */
  function afterMainFinished(result: TimedResult): number {
    const finished = /([\d.]+) ms +\+[\d.]+ ms {2}main finished/.exec(result.stdout);
    const probe = /bench-exit-probe ([\d.]+) ([\d.]+)/.exec(result.stderr);
    if (!finished || !probe) return Number.NaN;
    const spawnToStartMs = Number(probe[1]) - result.spawnedAtEpochMs;
    return result.wallMs - spawnToStartMs - Number(finished[1]);
  }

  /** From the action's own timing lines (XOPERO_TIMING=1): the network part's loading and the first request's extra. */
  function requestTimings(stdout: string): Pick<Sample, 'networkAfterMainMs' | 'coreAfterMainMs' | 'firstRequestExtraMs'> {
    const at = (label: string) => Number(new RegExp(`([\\d.]+) ms +\\+[\\d.]+ ms {2}${label}`).exec(stdout)?.[1] ?? Number.NaN);
    const requests = [...stdout.matchAll(/([\d.]+) ms +\+([\d.]+) ms {2}POST \S+/g)].map((m) => ({
      endMs: Number(m[1]),
      durationMs: Number(m[2]),
    }));
    // In the order they were sent (the lines are sorted by start): the first, and the ones after it.
    requests.sort((a, b) => a.endMs - a.durationMs - (b.endMs - b.durationMs));
    const [first, ...later] = requests;
    return {
      networkAfterMainMs: at('network code loaded') - at('load \\(process start to main\\)'),
      coreAfterMainMs: at('core loaded') - at('load \\(process start to main\\)'),
      firstRequestExtraMs: first && later.length ? first.durationMs - median(later.map((r) => r.durationMs)) : Number.NaN,
    };
  }

  /** What every child gets, both sides of every comparison alike; the simulator's CA only, not the system bundle. */
  const commonEnv = baseEnv({
    NODE_EXTRA_CA_CERTS: caPath,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: workDir,
  });

  /** The step's environment: the action's INPUT_* and the baseline's XOPERO_* together, so both see the same. */
  function stepEnv(
    repository: string,
    options: { token?: string; pem?: boolean; serverUrl?: string; extra?: Record<string, string> } = {},
  ): Record<string, string> {
    const serverUrl = options.serverUrl ?? url;
    const env: Record<string, string> = { ...commonEnv };
    // The private-CA case as a self-hosted user sets it up: the CA as the ca-certificate input, nothing in
    // NODE_EXTRA_CA_CERTS; the baseline in the same environment (curl is given the CA with --cacert either way).
    if (options.pem) delete env.NODE_EXTRA_CA_CERTS;
    const inputs: Record<string, string> = {
      ...actionDefaults({ repository: PROTECTED_REPOSITORY }),
      'server-url': serverUrl,
      repository,
      plan: PLAN,
      ...(options.token ? { 'access-token': options.token } : { email: EMAIL, password: PASSWORD }),
      ...(options.pem ? { 'ca-certificate': caPem } : {}),
    };
    Object.assign(env, inputEnv(inputs), {
      XOPERO_SERVER_URL: serverUrl,
      XOPERO_EMAIL: EMAIL,
      XOPERO_PASSWORD: PASSWORD,
      XOPERO_ORGANIZATION: 'acme',
      XOPERO_REPOSITORY: repository,
      XOPERO_PLAN: PLAN,
      XOPERO_CA_FILE: caPath,
      XOPERO_POLL_INTERVAL: BASELINE_POLL_SECONDS,
      XOPERO_WAIT_TIMEOUT: '60',
    });
    return { ...env, ...options.extra };
  }

  const token = sim.issueToken(EMAIL);
  let newRepoCounter = 0;

  /** A repository that exists at the Git service but that Xopero ONE learns of only with the next sync. */
  function freshRepository(side: string): string {
    const name = `acme/bench-${side}-${String(++newRepoCounter).padStart(4, '0')}`;
    sim.addRepository(world.orgId, { name, pendingSync: true, isProtected: false });
    return name;
  }

  function protectedAndAttached(name: string): boolean {
    const repo = sim.repository(name);
    const plan = sim.plan(PLAN);
    return Boolean(
      repo && !repo.pendingSync && repo.isProtected && plan?.repositoryIds.some((id) => id.toLowerCase() === repo.id.toLowerCase()),
    );
  }

  const tail = (result: TimedResult) =>
    `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`;

  function actionOutputs(): Record<string, string> {
    try {
      return parseGithubOutput(readFileSync(outputFile, 'utf8'));
    } catch {
      return {};
    }
  }

  function invocation(id: CaseId): Invocation {
    const node = runtimes[CASES[id].runtime ?? 'current']!;
    const rerunCheck = (result: TimedResult) => {
      if (result.code !== 0) return tail(result);
      const changed = actionOutputs().changed;
      return changed === 'false' ? undefined : `expected changed=false, got '${changed}'`;
    };
    const baselineRerunCheck = (result: TimedResult) =>
      result.code !== 0 ? tail(result) : result.stdout.includes('changed=false') ? undefined : 'expected changed=false';
    const startActionCheck = (result: TimedResult) =>
      result.stdout.includes('::error::') ? undefined : `expected an input error, got ${tail(result)}`;
    const exitZero = (result: TimedResult) => (result.code === 0 ? undefined : tail(result));
    const action = (env: Record<string, string>) => ({ command: node, args: [ACTION_ENTRY], env: { ...env, ...timingEnv } });
    switch (id) {
      case 'rerun':
      case 'rerun24':
        return { ...action(stepEnv(PROTECTED_REPOSITORY)), check: rerunCheck };
      case 'rerunToken':
      case 'rerunToken24':
        return { ...action(stepEnv(PROTECTED_REPOSITORY, { token })), check: rerunCheck };
      case 'rerunPem':
      case 'rerunPem24':
        return { ...action(stepEnv(PROTECTED_REPOSITORY, { pem: true })), check: rerunCheck };
      case 'rerunRtt':
      case 'rerunRtt24':
        return { ...action(stepEnv(PROTECTED_REPOSITORY, { serverUrl: relay!.url })), check: rerunCheck };
      case 'baselineRtt':
        return {
          command: BASH,
          args: [BASELINE],
          env: stepEnv(PROTECTED_REPOSITORY, { serverUrl: relay!.url }),
          check: baselineRerunCheck,
        };
      case 'baseline':
        return { command: BASH, args: [BASELINE], env: stepEnv(PROTECTED_REPOSITORY), check: baselineRerunCheck };
      case 'baselinePem':
        return { command: BASH, args: [BASELINE], env: stepEnv(PROTECTED_REPOSITORY, { pem: true }), check: baselineRerunCheck };
      case 'newRepo': {
        const repository = freshRepository('action');
        return {
          ...action(stepEnv(repository)),
          check: (result) => {
            if (result.code !== 0) return tail(result);
            if (actionOutputs().changed !== 'true') return 'expected changed=true';
            return protectedAndAttached(repository) ? undefined : `${repository} is not protected and attached afterwards`;
          },
        };
      }
      case 'baselineNew': {
        const repository = freshRepository('baseline');
        return {
          command: BASH,
          args: [BASELINE],
          env: stepEnv(repository),
          check: (result) => {
            if (result.code !== 0) return tail(result);
            if (!result.stdout.includes('changed=true')) return 'expected changed=true';
            return protectedAndAttached(repository) ? undefined : `${repository} is not protected and attached afterwards`;
          },
        };
      }
      case 'startAction':
      case 'startAction24':
        // No inputs: the bundle loads, finds no server-url, reports it and exits 1. That is the start-up cost.
        return { command: node, args: [ACTION_ENTRY], env: { ...commonEnv }, check: startActionCheck };
      case 'startNode':
      case 'startNode24':
        return { command: node, args: ['-e', '0'], env: { ...commonEnv }, check: exitZero };
      case 'floor':
      case 'floor24':
        return {
          command: node,
          args: [FLOOR],
          env: { ...stepEnv(PROTECTED_REPOSITORY), ...timingEnv },
          check: (result) => (result.code === 0 && result.stdout.includes('network code loaded') ? undefined : tail(result)),
        };
      case 'startNodeSystemCa':
        return { command: node, args: ['-e', '0'], env: { ...commonEnv, NODE_EXTRA_CA_CERTS: machineExtraCa ?? '' }, check: exitZero };
    }
  }

  /** The request log is complete once every answer has gone out (the child may exit a moment before). */
  async function settledLog(): Promise<RequestRecord[]> {
    for (let i = 0; i < 50 && sim.requests.some((r) => r.endedAt === 0); i++) await new Promise((resolve) => setTimeout(resolve, 2));
    return [...sim.requests];
  }

  async function measure(id: CaseId): Promise<{ sample: Sample; failure?: string }> {
    const run = invocation(id);
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    sim.resetLog();
    const result = await timedRun(run.command, run.args, run.env, { cwd: ROOT, timeoutMs: 120_000 });
    const log = await settledLog();
    const sample: Sample = {
      wallMs: result.wallMs,
      requests: log.length,
      mutating: sim.mutatingRequests().length,
      criticalPath: criticalPath(log),
      connections: sim.connections,
      exitCode: result.code,
      log: log.map((r) => ({
        path: r.path,
        connectionId: r.connectionId,
        startMs: r.startedAt - (log[0]?.startedAt ?? 0),
        endMs: r.endedAt - (log[0]?.startedAt ?? 0),
      })),
      afterMainMs: afterMainFinished(result),
      ...requestTimings(result.stdout),
    };
    const failure = run.check(result);
    return { sample, failure };
  }

  function figures(id: CaseId, latencyMs: number, samples: Sample[], failures: string[]): CaseFigures {
    return {
      id,
      title: CASES[id].title,
      latencyMs,
      samples,
      failures,
      wall: spread(samples.map((s) => s.wallMs)),
      requests: samples.map((s) => s.requests),
      mutating: samples.map((s) => s.mutating),
      criticalPath: samples.map((s) => s.criticalPath),
      connections: samples.map((s) => s.connections),
      afterMain: samples.map((s) => s.afterMainMs).filter(Number.isFinite),
      networkAfterMain: samples.map((s) => s.networkAfterMainMs).filter(Number.isFinite),
      coreAfterMain: samples.map((s) => s.coreAfterMainMs).filter(Number.isFinite),
      firstRequestExtra: samples.map((s) => s.firstRequestExtraMs).filter(Number.isFinite),
    };
  }

  /**
   * Warm-up, then `runs` rounds of the schedule in order (A B C ... A B C ...), so drift hits every case alike.
   * A case may appear more than once in the schedule: it then gets that many samples per round.
   */
  async function measureRounds(schedule: CaseId[], latencyMs: number, runs: number, warmup: number): Promise<Map<CaseId, CaseFigures>> {
    sim.latencyMs = latencyMs;
    const ids = [...new Set(schedule)];
    const samples = new Map<CaseId, Sample[]>(ids.map((id) => [id, []]));
    const failures = new Map<CaseId, string[]>(ids.map((id) => [id, []]));
    for (let round = -warmup; round < runs; round++) {
      for (const id of schedule) {
        const { sample, failure } = await measure(id);
        if (failure) failures.get(id)!.push(`${round < 0 ? 'warm-up' : `run ${round + 1}`}: ${failure}`);
        if (round >= 0 && !failure) samples.get(id)!.push(sample);
      }
      process.stderr.write(round < 0 ? 'w' : '.');
    }
    process.stderr.write('\n');
    const result = new Map<CaseId, CaseFigures>();
    for (const id of ids) result.set(id, figures(id, latencyMs, samples.get(id)!, failures.get(id)!));
    for (const figure of result.values()) {
      const versus = CASES[figure.id].versus;
      const base = versus && result.get(versus);
      if (base?.samples.length && figure.samples.length) figure.ratio = figure.wall.median / base.wall.median;
    }
    return result;
  }

  async function firstLine(command: string, commandArgs: string[]): Promise<string> {
    try {
      const result = await timedRun(command, commandArgs, baseEnv(), { cwd: ROOT, timeoutMs: 10_000 });
      return (result.stdout || result.stderr).trim().split('\n')[0] ?? '?';
    } catch {
      return 'not found';
    }
  }

  const versions = {
    node: process.version,
    node24: runtimes.node24 ? await firstLine(runtimes.node24, ['--version']) : 'not measured',
    curl: await firstLine('/usr/bin/curl', ['--version']),
    jq: await firstLine('/usr/bin/jq', ['--version']),
    bash: await firstLine(BASH, ['--version']),
  };

  const mainIds: CaseId[] = [
    'rerun',
    'baseline',
    'rerunToken',
    'rerun24',
    'floor',
    'floor24',
    'rerunToken24',
    'rerunPem',
    'baselinePem',
    'rerunPem24',
    ...(RTT > 0 ? (['rerunRtt', 'baselineRtt', 'rerunRtt24'] as const) : []),
    'newRepo',
    'baselineNew',
    'startAction',
    'startNode',
    'startAction24',
    'startNode24',
  ].filter((id) => runtimes[CASES[id as CaseId].runtime ?? 'current'] !== undefined) as CaseId[];
  const measureSystemCa = Boolean(machineExtraCa && machineExtraCa !== caPath && existsSync(machineExtraCa));
  if (measureSystemCa) mainIds.push('startNodeSystemCa');
  /** Start-up runs are short and noisy: STARTUP_PAIRS pairs of them per round (still alternating). */
  const STARTUP_PAIRS = 3;
  const STARTUP_PAIR: Partial<Record<CaseId, CaseId>> = { startAction: 'startNode', startAction24: 'startNode24' };
  const pairedWith = new Set(Object.values(STARTUP_PAIR));
  const schedule: CaseId[] = mainIds.flatMap((id): CaseId[] => {
    const pair = STARTUP_PAIR[id];
    if (pair) return Array.from({ length: STARTUP_PAIRS }, (): CaseId[] => [id, pair]).flat();
    return pairedWith.has(id) ? [] : [id];
  });

  process.stderr.write(`bench: ${RUNS} rounds of ${mainIds.length} cases at ${LATENCY} ms (w = warm-up, . = round)\n`);
  const main = await measureRounds(schedule, LATENCY, RUNS, WARMUP);

  // One re-run with XOPERO_TIMING=1: where its time goes; the exit probe also shows when the 'exit' event fired.
  sim.latencyMs = LATENCY;

  async function breakdown(token?: string): Promise<Breakdown> {
    writeFileSync(outputFile, '');
    const env = stepEnv(PROTECTED_REPOSITORY, { token, extra: timingEnv });
    const result = await timedRun(process.execPath, [ACTION_ENTRY], env, { cwd: ROOT });
    const lines = timingBreakdown(result.stdout);
    const probe = /bench-exit-probe ([\d.]+) ([\d.]+)/.exec(result.stderr);
    const spawnToStartMs = probe ? Number(probe[1]) - result.spawnedAtEpochMs : Number.NaN;
    const finished = lines.map((line) => /([\d.]+) ms +\+[\d.]+ ms {2}main finished/.exec(line)).find(Boolean);
    return {
      wallMs: result.wallMs,
      lines,
      code: result.code,
      mainFinishedMs: finished ? Number(finished[1]) : Number.NaN,
      exitEventMs: probe ? Number(probe[2]) : Number.NaN,
      goneMs: result.wallMs - spawnToStartMs,
      spawnToStartMs,
    };
  }

  function timingBreakdown(stdout: string): string[] {
    const lines = stdout.split('\n');
    const at = lines.findIndex((line) => line.includes('Timing (XOPERO_TIMING=1):'));
    if (at < 0) return [];
    const rest = lines.slice(at + 1);
    const end = rest.findIndex((line) => line.startsWith('::') || line.trim() === '');
    return (end < 0 ? rest : rest.slice(0, end)).filter((line) => line.trim() !== '');
  }

  const timed = await breakdown();
  const timedToken = await breakdown(token);

  const latencyFigures: LatencyFigures[] = [];
  for (const latencyMs of [...new Set(EXTRA_LATENCIES)]) {
    if (latencyMs === LATENCY) {
      latencyFigures.push({ latencyMs, rerun: main.get('rerun')!, baseline: main.get('baseline')!, ratio: main.get('rerun')!.ratio });
      continue;
    }
    process.stderr.write(`bench: re-run vs baseline at ${latencyMs} ms\n`);
    const measured = await measureRounds(['rerun', 'baseline'], latencyMs, RUNS, 1);
    latencyFigures.push({
      latencyMs,
      rerun: measured.get('rerun')!,
      baseline: measured.get('baseline')!,
      ratio: measured.get('rerun')!.ratio,
    });
  }
  latencyFigures.sort((a, b) => a.latencyMs - b.latencyMs);
  sim.latencyMs = LATENCY;

  // Which files beside dist/index.js a re-run loads, by Node's module resolution (harness chunksLoadedBy).
  sim.latencyMs = 0;
  const loadedByRerun = await chunksLoadedBy('dist', (trace) =>
    timedRun(process.execPath, [ACTION_ENTRY], stepEnv(PROTECTED_REPOSITORY, { extra: trace }), { cwd: ROOT }),
  );

  await relay?.close();
  await sim.stop();
  return {
    url,
    caPath,
    machineExtraCa,
    measureSystemCa,
    relayed: relay !== undefined,
    versions,
    mainIds,
    main,
    timed,
    timedToken,
    latencyFigures,
    loadedByRerun,
    startupPairs: STARTUP_PAIRS,
  };
}
