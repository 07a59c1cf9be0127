/**
 * The broker under a burst (issue 25): `npm run bench:broker [-- --in-process | --plain-http] [--page-cap N] [--broker-node-options="..."] [--json FILE]`.
 *
 * A fresh HTTPS simulator in this process, 5 ms per request, holds organization `acme` with 10,000 repositories
 * and plan `Nightly`: 1,000 of them (spread evenly through the list) neither license-activated nor attached, the
 * others both. Then 1,000 requests, one for each of the 1,000, arrive evenly within 1 s; once all are answered,
 * the same 1,000 again. Measured: the answers (every one a result that says protected and attached, and the
 * simulator's own records agreeing), the requests Xopero ONE received by kind (from the simulator's log), the
 * answer time of each request (p50, p99, max), the broker's peak RSS, and for every answer how old the newest
 * complete read of each kind (organizations, the repository listing, the plan membership) was when it was
 * given, from the simulator's log as well: a read is as old as its first request.
 *
 * Through the real broker (default): `node dist/broker/index.js --config FILE` under GNU time (peak RSS), with
 * the node options it ships with (src/hosts/broker/runtime.ts) and any of `--broker-node-options="..."`; the
 * requests POST /v1/protect with identity tokens of a fake issuer (testbed/oidc-issuer.ts) for each repository,
 * from pipelines in a worker thread (pipelines.ts), so their handshakes do not delay the simulator's answers.
 * `--plain-http`: the broker listens on plain HTTP on loopback (behind a reverse proxy that ends TLS), so its
 * figures leave out the TLS handshakes of 2,000 connections. `--in-process`: the same burst through the shared session in this process (testbed/burst.ts), without the
 * broker's HTTP and token checks; RSS is then this process's, simulator included.
 *
 * Page cap: the server caps page sizes and the docs name no cap; the simulator's default is 100. The issue's
 * budget (50 requests besides activations and attachments, and 50 in all for the second 1,000) covers reading
 * 10,000 repositories only when a page holds 1,000 (10 pages a read), which is what the client asks for:
 * `--page-cap` (default 1000) sets it; at 100 a read of the listing alone is 100 requests.
 * It is a report: it exits 0 whether or not the targets are met (2 only when it cannot run at all).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { ProtectResult } from '../../src/core/protect.js';
import { BROKER_NODE_OPTIONS } from '../../src/hosts/broker/runtime.js';
import { EMAIL, PASSWORD } from '../../testbed/fixtures.js';
import { BURST_ORGANIZATION, BURST_PLAN, burstClients, protectAll, seedBurstOrganization } from '../../testbed/burst.js';
import { ROOT, TEST_NODE, baseEnv, runCommand } from '../../testbed/harness.js';
import { FakeIssuer, githubClaims } from '../../testbed/oidc-issuer.js';
import { DEFAULT_CERT_DIR, Simulator, type RequestRecord, type SimRepo } from '../../testbed/simulator/index.js';
import { startPipelines } from './pipelines.js';
import { quantile, targetLines, type Target } from './stats.js';

export interface BrokerBenchOptions {
  size: number;
  requests: number;
  latencyMs: number;
  pageCap: number;
  spreadMs: number;
  inProcess: boolean;
  /** The broker listens on plain HTTP (loopback, behind a reverse proxy that ends TLS) instead of HTTPS. */
  plainHttp: boolean;
  /**
   * Extra node options for the broker's process, after the shipped ones (BROKER_NODE_OPTIONS): `--cpu-prof` to
   * see where its time goes, `--max-semi-space-size=16` to measure without the shipped young-generation size.
   */
  brokerNodeOptions: string[];
}

export const BROKER_BENCH_DEFAULTS: BrokerBenchOptions = {
  size: 10_000,
  requests: 1_000,
  latencyMs: 5,
  pageCap: 1_000,
  spreadMs: 1_000,
  inProcess: false,
  plainHttp: false,
  brokerNodeOptions: [],
};

const TARGETS = {
  firstOthers: 50,
  firstActivations: 20,
  secondTotal: 50,
  firstP99Ms: 5_000,
  secondP99Ms: 1_000,
  peakRssMiB: 150,
  readAgeMs: 5_000,
};

/** One request's answer, as the driver saw it. */
export interface Answer {
  name: string;
  sentAt: number;
  answeredAt: number;
  /** The result says protected and attached (already or by this run). */
  protectedAndAttached: boolean;
  /** Why not, in one line, when it is not. */
  problem?: string;
}

/** Sends one request per name at its arrival time and collects the answers. */
export type Driver = (names: string[], arrivalOffsetsMs: number[]) => Promise<Answer[]>;

/** A way to run the burst: its driver, the broker's own time per request so far (its audit lines), its end. */
interface BurstDriver {
  /** Work before the pass's clock starts (signing the pass's tokens), so it is neither in the answer times nor late arrivals. */
  prepare?: (names: string[]) => Promise<void>;
  drive: Driver;
  /** durationMs of every audit line of POST /v1/protect so far, in the order written (the real broker only). */
  brokerTimes?: () => number[];
  close: () => Promise<Usage>;
}

interface PassFigures {
  label: string;
  answers: Answer[];
  byPath: Record<string, number>;
  total: number;
  activations: number;
  attachments: number;
  others: number;
  p50: number;
  p99: number;
  max: number;
  failed: Answer[];
  /** Oldest read an answer was based on, per kind: ms between the read's first request and the answer. */
  readAge: Record<ReadKind, number>;
  wallMs: number;
  /** Per path, the first request's start and the last one's end, ms from the pass's start: where the time goes. */
  spans: Record<string, [number, number]>;
  /** When the first and the last request reached the broker (sent), and the last answer came, ms from the start. */
  sentSpan: [number, number];
  lastAnswer: number;
  /**
   * The broker's own time per request (its audit line's durationMs: from the request's headers read to the
   * answer, so without the TLS handshake and the wait for the connection to be accepted): p50 and p99.
   */
  brokerTime?: { p50: number; p99: number };
  /** CPU seconds this process (the clients, the simulator, the issuer) used during the pass: taken from the broker's cores. */
  benchCpuSeconds: number;
  /**
   * Connections the kernel dropped during the pass because a listening socket's accept queue was full
   * (TcpExt ListenOverflows, machine-wide): each costs its client a retransmission, 1 s or more.
   */
  listenOverflows?: number;
  /** The pass's shared reads by kind: each read's first request sent and last page answered, ms from the start. */
  reads: Record<ReadKind, Array<[number, number]>>;
}

type ReadKind = 'organizations' | 'listing' | 'membership';
const READ_PATHS: Record<ReadKind, string> = {
  organizations: '/git/organizations/getmany',
  listing: '/git/repositories/getmany',
  membership: '/plans/listassignedtoorganization',
};

/** Complete reads of one kind from the log: a read is page 1 and the pages after it, as old as page 1's start. */
function readsOf(log: RequestRecord[], path: string): Array<{ startedAt: number; endedAt: number }> {
  const reads: Array<{ startedAt: number; endedAt: number; pages: number; seen: number }> = [];
  for (const request of log.filter((r) => r.path === path && r.status === 200)) {
    const page = Number((request.body as { page?: unknown; Page?: unknown })?.page ?? 1);
    if (page === 1) reads.push({ startedAt: request.startedAt, endedAt: request.endedAt, pages: 0, seen: 0 });
    const read = reads.at(-1);
    if (read) read.endedAt = Math.max(read.endedAt, request.endedAt);
  }
  return reads;
}

/** For each answer, the newest read that had ended before it: how old (ms) that read was at the answer. */
function oldestReadAge(answers: Answer[], reads: Array<{ startedAt: number; endedAt: number }>): number {
  let oldest = 0;
  for (const answer of answers) {
    const before = reads.filter((read) => read.endedAt <= answer.answeredAt);
    if (before.length === 0) return Number.POSITIVE_INFINITY;
    const newest = Math.max(...before.map((read) => read.startedAt));
    oldest = Math.max(oldest, answer.answeredAt - newest);
  }
  return oldest;
}

async function pass(
  sim: Simulator,
  label: string,
  names: string[],
  offsets: number[],
  driver: BurstDriver,
  allLog: RequestRecord[],
): Promise<PassFigures> {
  await driver.prepare?.(names);
  const before = sim.requests.length;
  const auditBefore = driver.brokerTimes?.().length ?? 0;
  const cpuBefore = process.cpuUsage();
  const overflowsBefore = listenOverflows();
  const started = performance.now();
  const startedAt = Date.now();
  const answers = await driver.drive(names, offsets);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const overflowsAfter = listenOverflows();
  // The pass is over once Xopero ONE has seen no new request for a while and none is in flight: a read the
  // broker renews in the background after the last answer counts for this pass too.
  for (let seen = -1; seen !== sim.requests.length || sim.requests.some((r) => r.endedAt === 0); ) {
    seen = sim.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const log = sim.requests.slice(before);
  allLog.push(...log);
  const byPath: Record<string, number> = {};
  for (const request of log) byPath[request.path] = (byPath[request.path] ?? 0) + 1;
  const activations = byPath['/git/repositories/activate'] ?? 0;
  const attachments = byPath['/plans/attachgitrepository'] ?? 0;
  const latencies = answers.map((answer) => answer.answeredAt - answer.sentAt);
  // Reads of earlier passes count too: an answer may rest on one.
  const readAge = Object.fromEntries(
    (Object.keys(READ_PATHS) as ReadKind[]).map((kind) => [kind, oldestReadAge(answers, readsOf(allLog, READ_PATHS[kind]))]),
  ) as Record<ReadKind, number>;
  const reads = Object.fromEntries(
    (Object.keys(READ_PATHS) as ReadKind[]).map((kind) => [
      kind,
      readsOf(log, READ_PATHS[kind]).map((read): [number, number] => [read.startedAt - startedAt, read.endedAt - startedAt]),
    ]),
  ) as Record<ReadKind, Array<[number, number]>>;
  const spans: Record<string, [number, number]> = {};
  for (const request of log) {
    const [from, to] = spans[request.path] ?? [Number.POSITIVE_INFINITY, 0];
    spans[request.path] = [Math.min(from, request.startedAt - startedAt), Math.max(to, request.endedAt - startedAt)];
  }
  const sent = answers.map((answer) => answer.sentAt - startedAt);
  // Read after the wait above: an audit line is written before its answer, and its pipe has delivered it by now.
  const brokerTimes = driver.brokerTimes?.().slice(auditBefore);
  return {
    reads,
    benchCpuSeconds: (cpu.user + cpu.system) / 1e6,
    listenOverflows: overflowsBefore === undefined || overflowsAfter === undefined ? undefined : overflowsAfter - overflowsBefore,
    brokerTime: brokerTimes?.length ? { p50: quantile(brokerTimes, 0.5), p99: quantile(brokerTimes, 0.99) } : undefined,
    spans,
    sentSpan: [Math.min(...sent), Math.max(...sent)],
    lastAnswer: Math.max(...answers.map((answer) => answer.answeredAt - startedAt)),
    label,
    answers,
    byPath,
    total: log.length,
    activations,
    attachments,
    others: log.length - activations - attachments,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: Math.max(...latencies),
    failed: answers.filter((answer) => !answer.protectedAndAttached),
    readAge,
    wallMs,
  };
}

/** The machine's count of connections dropped for a full accept queue (Linux: TcpExt ListenOverflows), if readable. */
function listenOverflows(): number | undefined {
  try {
    const [names, values] = readFileSync('/proc/net/netstat', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('TcpExt:'))
      .map((line) => line.split(/\s+/));
    const at = names?.indexOf('ListenOverflows') ?? -1;
    return at > 0 && values ? Number(values[at]) : undefined;
  } catch {
    return undefined;
  }
}

/** The burst through the shared session in this process (testbed/burst.ts), each run started at its arrival time. */
/** Peak RSS (KiB) and CPU seconds of the process that served the burst. */
interface Usage {
  peakRssKiB?: number;
  cpuSeconds?: number;
}

function inProcessDriver(sim: Simulator): BurstDriver {
  const clients = burstClients(sim, { kind: 'password', email: EMAIL, password: PASSWORD });
  const drive: Driver = (names, offsets) =>
    atArrivals(names, offsets, async (name) => {
      const sentAt = Date.now();
      const [run] = await protectAll(clients, [name]);
      return judge(name, sentAt, run.result, run.error === undefined ? undefined : String(run.error));
    });
  return {
    drive,
    close: async () => {
      await clients.transport.destroy();
      const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
      return { peakRssKiB: maxRSS, cpuSeconds: (userCPUTime + systemCPUTime) / 1e6 };
    },
  };
}

const BROKER_ENTRY = join(ROOT, 'dist/broker/index.js');
const AUDIENCE = 'https://xopero-broker.bench';
const GNU_TIME = '/usr/bin/time';
/**
 * Runs at once in the broker (limits.maxConcurrent). A run of a burst mostly waits (for the shared reads, the
 * activation window, its attachment), and an activation batch can only hold the runs that are waiting for one:
 * with 32 at once (the broker's default) no batch holds more than 32 ids, and 1,000 need over 30 calls.
 */
const BURST_CONCURRENCY = 1_000;

/** Whether an answer's result says protected and attached, and if not, why. */
function judge(name: string, sentAt: number, result: ProtectResult | undefined, failure?: string, answeredAt = Date.now()): Answer {
  const ok = Boolean(
    result && result.problems.length === 0 && result.repository.protected && ['already', 'attached'].includes(result.attachment),
  );
  const problem = failure ?? result?.problems.join(' ') ?? 'no result';
  return { name, sentAt, answeredAt, protectedAndAttached: ok, problem: ok ? undefined : problem };
}

/** Each request started at its offset from now; the answers in the names' order. */
function atArrivals(names: string[], offsets: number[], send: (name: string, i: number) => Promise<Answer>): Promise<Answer[]> {
  const start = Date.now();
  return Promise.all(
    names.map(async (name, i) => {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + offsets[i] - Date.now())));
      return send(name, i);
    }),
  );
}

/**
 * The real broker: `node dist/broker/index.js --config FILE` under GNU time (its peak RSS), HTTPS with the test
 * CA's certificate, tokens of a fake issuer for each repository (signed before each pass, so signing is not in
 * the answer times). Every request opens its own TLS connection, as separate pipelines do.
 */
async function brokerDriver(sim: Simulator, workDir: string, plainHttp: boolean, nodeOptions: string[]): Promise<BurstDriver> {
  const issuer = await FakeIssuer.start();
  const configFile = join(workDir, 'broker.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      listen: { host: '127.0.0.1', port: 0 },
      ...(plainHttp
        ? { allowPlainHttpOnLoopback: true }
        : { tls: { certFile: join(DEFAULT_CERT_DIR, 'server.crt'), keyFile: join(DEFAULT_CERT_DIR, 'server.key') } }),
      audience: AUDIENCE,
      xopero: {
        serverUrl: sim.url,
        caCertificateFile: sim.caCertPath,
        emailVariable: 'BROKER_XOPERO_EMAIL',
        passwordVariable: 'BROKER_XOPERO_PASSWORD',
      },
      issuers: [{ issuer: issuer.url, kind: 'github', owners: [BURST_ORGANIZATION] }],
      plans: [{ repositories: [`${BURST_ORGANIZATION}/*`], allowed: [BURST_PLAN], default: BURST_PLAN }],
      limits: { maxConcurrent: BURST_CONCURRENCY, maxQueued: 1_000 },
    }),
  );
  const timeFile = join(workDir, 'broker-time');
  writeFileSync(timeFile, '');
  let stderr = '';
  let stdout = '';
  const brokerTimes: number[] = [];
  let listening: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const env = baseEnv({ BROKER_XOPERO_EMAIL: EMAIL, BROKER_XOPERO_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: sim.caCertPath });
  let pid = 0;
  const exit = runCommand(
    GNU_TIME,
    ['-f', '%M %U %S', '-o', timeFile, TEST_NODE, ...BROKER_NODE_OPTIONS, ...nodeOptions, BROKER_ENTRY, '--config', configFile],
    env,
    {
      timeoutMs: 600_000,
      onSpawn: (id) => {
        pid = id;
      },
      onOutput: (stream, text) => {
        if (stream === 'stdout') {
          // The audit lines, one JSON object each: the broker's own time per protect request.
          const lines = (stdout + text).split('\n');
          stdout = lines.pop() ?? '';
          for (const line of lines) {
            const audit = JSON.parse(line) as { path?: string; durationMs?: number };
            if (audit.path === '/v1/protect' && typeof audit.durationMs === 'number') brokerTimes.push(audit.durationMs);
          }
          return;
        }
        stderr += text;
        const found = /listening on (\S+)/.exec(stderr);
        if (found) listening(found[1]);
      },
    },
  );
  const started = await Promise.race([url, exit.then((result) => `exited: ${result.stderr.trim()}`)]);
  if (!/^https?:\/\//.test(started)) throw new Error(`the broker did not start: ${started}`);
  // The clients are separate pipelines on separate machines: each request on a connection of its own with a
  // full TLS handshake (no keep-alive, no TLS session resumption, which would spare the broker its certificate
  // signature). They run in a worker thread (pipelines.ts), so their 1,000 handshakes do not queue up this
  // thread's simulator and issuer, which stand for servers of their own; and they are made cheap, since their
  // CPU is taken from the broker's two cores: one trust store for all and a bare HTTP/1.1 exchange.
  const pipelines = startPipelines({ origin: started, ca: plainHttp ? undefined : sim.caCert });
  let tokens: string[] = [];
  const prepare = async (names: string[]) => {
    tokens = await Promise.all(names.map((name) => issuer.token(githubClaims(name, AUDIENCE))));
  };
  const drive: Driver = async (names, offsets) => {
    const exchanges = await pipelines.send(
      tokens.map((token) => `Bearer ${token}`),
      offsets,
    );
    return exchanges.map((exchange, i) => {
      const { sentAt, answeredAt } = exchange;
      if (exchange.error !== undefined) return judge(names[i], sentAt, undefined, exchange.error, answeredAt);
      if (exchange.status !== 200)
        return judge(names[i], sentAt, undefined, `HTTP ${exchange.status}: ${exchange.body.slice(0, 200)}`, answeredAt);
      const { outcome } = JSON.parse(exchange.body) as { outcome: { result: ProtectResult } };
      return judge(names[i], sentAt, outcome.result, undefined, answeredAt);
    });
  };
  const close = async () => {
    await pipelines.stop();
    // The broker's own process is the child of GNU time: SIGTERM stops it gracefully, time then writes its figure.
    for (const child of childrenOf(pid)) process.kill(child, 'SIGTERM');
    await exit;
    await issuer.stop();
    const [kib, user, system] = (readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '').split(/\s+/).map(Number);
    return { peakRssKiB: kib > 0 ? kib : undefined, cpuSeconds: Number.isFinite(user + system) ? user + system : undefined };
  };
  return { prepare, drive, close, brokerTimes: () => brokerTimes };
}

/** The process ids whose parent is `pid` (the broker under GNU time). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export interface BrokerBenchResult {
  lines: string[];
  targets: Target[];
  json: Record<string, unknown>;
}

export async function runBrokerBench(options: BrokerBenchOptions): Promise<BrokerBenchResult> {
  const sim = new Simulator({
    latencyMs: options.latencyMs,
    pageCap: options.pageCap,
    // Exactly the licenses the burst needs: one spent twice would show as a failure.
    licenses: options.requests,
    users: [{ email: EMAIL, password: PASSWORD, roles: ['SystemAdministrator', 'GitManagement'] }],
  });
  const { targets: repos } = seedBurstOrganization(sim, options.size, options.requests);
  await sim.start();
  const names = repos.map((repo) => repo.name);
  const offsets = names.map((_, i) => (i * options.spreadMs) / names.length);
  const workDir = mkdtempSync(join(tmpdir(), 'xopero-bench-broker-'));
  const allLog: RequestRecord[] = [];
  let first: PassFigures;
  let second: PassFigures;
  let usage: Usage = {};
  const loadBefore = loadavg()[0];
  const driver = options.inProcess ? inProcessDriver(sim) : await brokerDriver(sim, workDir, options.plainHttp, options.brokerNodeOptions);
  try {
    process.stderr.write(`bench: broker, ${options.requests} new repositories\n`);
    first = await pass(sim, `${fmt(options.requests)} new`, names, offsets, driver, allLog);
    process.stderr.write(`bench: broker, the same ${options.requests} again\n`);
    second = await pass(sim, `${fmt(options.requests)} again`, names, offsets, driver, allLog);
  } finally {
    usage = await driver.close();
    await sim.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  const state = endState(sim, repos);
  return report(options, first, second, state, usage, [loadBefore, loadavg()[0]]);
}

function endState(sim: Simulator, repos: SimRepo[]) {
  const plan = sim.plan(BURST_PLAN);
  const inPlan = new Set(plan?.repositoryIds.map((id) => id.toLowerCase()));
  return {
    protectedCount: repos.filter((repo) => repo.isProtected).length,
    attachedCount: repos.filter((repo) => inPlan.has(repo.id.toLowerCase())).length,
    duplicates: (plan?.repositoryIds.length ?? 0) - inPlan.size,
    licensesLeft: sim.freeLicenses,
  };
}

function report(
  options: BrokerBenchOptions,
  first: PassFigures,
  second: PassFigures,
  state: ReturnType<typeof endState>,
  usage: Usage,
  load: number[],
): BrokerBenchResult {
  const { peakRssKiB } = usage;
  const n = options.requests;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const oldest = (p: PassFigures) => Math.max(...Object.values(p.readAge));
  const targets: Target[] = [
    {
      name: `first ${fmt(n)}: all protected and attached`,
      target: `${fmt(n)} / ${fmt(n)}`,
      value: `${fmt(n - first.failed.length)} answers; ${fmt(state.protectedCount)} protected, ${fmt(state.attachedCount)} attached`,
      met: first.failed.length === 0 && state.protectedCount === n && state.attachedCount === n && state.duplicates === 0,
    },
    { name: 'first: attachments', target: `<= ${fmt(n)}`, value: String(first.attachments), met: first.attachments <= n },
    {
      name: 'first: activation calls',
      target: `<= ${TARGETS.firstActivations}`,
      value: String(first.activations),
      met: first.activations <= TARGETS.firstActivations,
    },
    {
      name: 'first: other requests',
      target: `<= ${TARGETS.firstOthers}`,
      value: String(first.others),
      met: first.others <= TARGETS.firstOthers,
    },
    {
      name: 'first: p99 answer',
      target: `< ${seconds(TARGETS.firstP99Ms)}`,
      value: seconds(first.p99),
      met: first.p99 < TARGETS.firstP99Ms,
    },
    {
      name: `peak RSS (${options.inProcess ? 'this process, simulator included' : 'broker'})`,
      target: `< ${TARGETS.peakRssMiB} MiB`,
      value: peakRssKiB === undefined ? '-' : `${(peakRssKiB / 1024).toFixed(1)} MiB`,
      met: peakRssKiB === undefined ? undefined : peakRssKiB / 1024 < TARGETS.peakRssMiB,
    },
    {
      name: 'again: all protected and attached',
      target: `${fmt(n)} / ${fmt(n)}`,
      value: `${fmt(n - second.failed.length)} answers`,
      met: second.failed.length === 0,
    },
    {
      name: 'again: requests in all',
      target: `<= ${TARGETS.secondTotal}`,
      value: String(second.total),
      met: second.total <= TARGETS.secondTotal,
    },
    {
      name: 'again: p99 answer',
      target: `< ${seconds(TARGETS.secondP99Ms)}`,
      value: seconds(second.p99),
      met: second.p99 < TARGETS.secondP99Ms,
    },
    {
      name: 'again: oldest read behind an answer',
      target: `<= ${seconds(TARGETS.readAgeMs)}`,
      value: seconds(oldest(second)),
      met: oldest(second) <= TARGETS.readAgeMs,
    },
  ];
  const out: string[] = [];
  const print = (line = '') => out.push(line);
  print(
    `Broker under a burst (${options.inProcess ? 'in process: the shared session without the broker' : `dist/broker/index.js, ${options.plainHttp ? 'plain HTTP on loopback' : 'HTTPS'}`}); simulator: HTTPS, ${options.latencyMs} ms per request, page cap ${options.pageCap},`,
  );
  print(
    `  organization of ${fmt(options.size)} repositories; ${fmt(n)} requests for ${fmt(n)} distinct repositories neither activated nor attached, arriving evenly within ${seconds(options.spreadMs)}`,
  );
  print(
    `  ${cpus().length} cores, load average ${load.map((l) => l.toFixed(1)).join(' -> ')} (before -> after); ${options.inProcess ? 'this process' : 'broker'} CPU ${usage.cpuSeconds === undefined ? '-' : `${usage.cpuSeconds.toFixed(1)} s`} for both passes`,
  );
  print();
  const header = `${pad('pass', 14)}${padLeft('wall', 9)}${padLeft('requests', 10)}${padLeft('activate', 10)}${padLeft('attach', 8)}${padLeft('others', 8)}${padLeft('p50', 9)}${padLeft('p99', 9)}${padLeft('max', 9)}${padLeft('failed', 8)}`;
  print(header);
  print('-'.repeat(header.length));
  for (const p of [first, second]) {
    print(
      `${pad(p.label, 14)}${padLeft(seconds(p.wallMs), 9)}${padLeft(String(p.total), 10)}${padLeft(String(p.activations), 10)}${padLeft(String(p.attachments), 8)}${padLeft(String(p.others), 8)}` +
        `${padLeft(seconds(p.p50), 9)}${padLeft(seconds(p.p99), 9)}${padLeft(seconds(p.max), 9)}${padLeft(String(p.failed.length), 8)}`,
    );
  }
  print();
  print('Requests by path, and when (ms from the pass start: first request sent - last answered):');
  const span = (p: PassFigures, path: string) => (p.spans[path] ? `${p.spans[path][0].toFixed(0)}-${p.spans[path][1].toFixed(0)}` : '-');
  for (const path of [...new Set([...Object.keys(first.byPath), ...Object.keys(second.byPath)])].sort())
    print(
      `  ${pad(path, 40)}${padLeft(String(first.byPath[path] ?? 0), 8)}${padLeft(String(second.byPath[path] ?? 0), 8)}${padLeft(span(first, path), 14)}${padLeft(span(second, path), 14)}`,
    );
  for (const p of [first, second])
    print(
      `  ${pad(p.label, 14)} requests to the broker sent ${p.sentSpan[0].toFixed(0)}-${p.sentSpan[1].toFixed(0)} ms, last answer at ${p.lastAnswer.toFixed(0)} ms; this process's CPU ${p.benchCpuSeconds.toFixed(1)} s` +
        (p.listenOverflows === undefined ? '' : `; accept queue overflows ${p.listenOverflows}`) +
        (p.brokerTime
          ? `; in the broker (audit durationMs, headers read to answer) p50 ${seconds(p.brokerTime.p50)}, p99 ${seconds(p.brokerTime.p99)}`
          : ''),
    );
  print();
  print('Shared reads (first request sent - last page answered, ms from the pass start):');
  for (const p of [first, second])
    print(
      `  ${pad(p.label, 14)}${(Object.keys(READ_PATHS) as ReadKind[])
        .map((kind) => `${kind} ${p.reads[kind].map(([from, to]) => `${from.toFixed(0)}-${to.toFixed(0)}`).join(', ') || '-'}`)
        .join('; ')}`,
    );
  print('Oldest read an answer rested on (answer time minus the first request of the newest complete read before it):');
  for (const p of [first, second])
    print(
      `  ${pad(p.label, 14)}${(Object.keys(READ_PATHS) as ReadKind[]).map((kind) => `${kind} ${seconds(p.readAge[kind])}`).join(', ')}`,
    );
  print(
    `End state (simulator): ${fmt(state.protectedCount)} protected, ${fmt(state.attachedCount)} attached, ${state.duplicates} duplicate ids in the plan, ${state.licensesLeft} licenses left.`,
  );
  for (const failed of [...first.failed, ...second.failed].slice(0, 5)) print(`  NOT PROTECTED: ${failed.name}: ${failed.problem ?? ''}`);
  print();
  print('Targets:');
  out.push(...targetLines(targets));
  const json = { options, first: summary(first), second: summary(second), state, usage, load, targets };
  return { lines: out, targets, json };
}

function summary(p: PassFigures) {
  const { answers: _answers, failed, ...rest } = p;
  return { ...rest, failed: failed.length };
}

const fmt = (value: number) => value.toLocaleString('en-US');
const pad = (text: string, width: number) => text.padEnd(width);
const padLeft = (text: string, width: number) => text.padStart(width);

// ---- run as a script ------------------------------------------------------------------------------------

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      'in-process': { type: 'boolean', default: false },
      'page-cap': { type: 'string', default: String(BROKER_BENCH_DEFAULTS.pageCap) },
      'plain-http': { type: 'boolean', default: false },
      'broker-node-options': { type: 'string', default: '' },
      json: { type: 'string' },
    },
  });
  const pageCap = Number(values['page-cap']);
  if (!Number.isInteger(pageCap) || pageCap < 1) {
    console.error(`bench: --page-cap must be a positive integer, got '${values['page-cap']}'`);
    process.exit(2);
  }
  const result = await runBrokerBench({
    ...BROKER_BENCH_DEFAULTS,
    pageCap,
    inProcess: values['in-process'],
    plainHttp: values['plain-http'],
    brokerNodeOptions: values['broker-node-options'].split(/\s+/).filter(Boolean),
  });
  console.log(result.lines.join('\n'));
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result.json, null, 2)}\n`);
}
