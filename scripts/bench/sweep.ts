/**
 * The organization-sweep scale case of the benchmark (the main bench calls runSweepBench after its other cases;
 * `--sweep-only` runs just this, `--no-sweep` skips it).
 *
 * A fresh simulator (HTTPS, in this process, a fixed latency per request, the default page cap) holds
 * organization `acme`, plan `Nightly` and 10,000 repositories: 7,000 license-activated and attached to the plan,
 * 3,000 neither, spread evenly across the list. The action (dist/index.js, INPUT_* as the runner sets them,
 * repositories `*`) sweeps it once; then it sweeps the now fully protected organization again (idempotent);
 * then the same first sweep over a fresh 1,000 (300 unprotected), so peak RSS at both sizes shows how memory
 * grows with the organization. One run each: these are long runs, not alternated.
 *
 * Requests come from the simulator's log, the end state from the simulator's own records (not the action's
 * word), peak RSS from GNU time's %M (the action process's ru_maxrss) or, without it, /proc/<pid>/status
 * VmHWM polled every 10 ms.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMAIL, PASSWORD } from '../../testbed/fixtures.js';
import { ACTION_ENTRY, actionEnv, baseEnv, parseGithubOutput, type TimedResult } from '../../testbed/harness.js';
import { Simulator, repositoryView, type RequestRecord, type SimRepo } from '../../testbed/simulator/index.js';
import { measuredRun, rssMethod } from './measure.js';
import { criticalPath, targetLines, type Target } from './stats.js';

export interface SweepBenchOptions {
  /** Latency per request (the issue's figure: 5 ms). */
  latencyMs: number;
  /** How long a synchronization takes in the simulator (a sweep of known repositories starts none). */
  syncDurationMs: number;
}

export type SweepTarget = Target;

export interface SweepBenchResult {
  /** The report section, ready to print. */
  lines: string[];
  /** For the JSON output's `sweep` key. */
  json: Record<string, unknown>;
  targets: SweepTarget[];
}

const ORGANIZATION = 'acme';
const PLAN = 'Nightly';
const SIZE = 10_000;
const UNPROTECTED = 3_000;
const SMALL_SIZE = 1_000;
const SMALL_UNPROTECTED = 300;
/** The issue's bound: ceil(size / page size) + ceil(unprotected / batch) + unprotected + a handful. */
const BOUND_BATCH = 100;
const BOUND_HANDFUL = 5;
const TARGET_SECONDS = 30;
const RUN_TIMEOUT_MS = 300_000;
const ROLES = ['SystemAdministrator', 'GitManagement'];

interface SeededOrg {
  sim: Simulator;
  url: string;
  size: number;
  unprotected: number;
  repos: SimRepo[];
  /** Bytes of the repository list as the API sends it (the repository views, without the page envelopes). */
  listBytes: number;
}

interface SweepRun {
  label: string;
  size: number;
  unprotected: number;
  code: number;
  wallMs: number;
  requests: number;
  byPath: Record<string, number>;
  mutating: number;
  /** Largest number of requests in flight at once, and TLS connections opened. */
  maxInFlight: number;
  connections: number;
  criticalPath: number;
  bound?: number;
  peakRssKiB?: number;
  /** CPU seconds of the action process (user + system), from GNU time; undefined with /proc polling. */
  actionCpuSeconds?: number;
  /** CPU seconds this process (the simulator) spent while the action ran. */
  simulatorCpuSeconds: number;
  changed?: string;
  counts?: Record<string, number>;
  /** The action's own request count (its `result` output), to compare with the simulator's log. */
  actionRequests?: { total: number; mutating: number };
  problems: string[];
  phases: Phases;
  state: StateCheck;
  /** Why the run is not what the case measures; undefined when it is. */
  failure?: string;
  tail: string;
}

/**
 * Where the wall time goes, from the simulator's log lined up with the spawn time (ms): start-up until the first
 * request; sign-in and the organization; the lists; the action's own work between the last list answer and the
 * first change (or the exit, when nothing changes); the changes; and the last answer to the process's exit.
 */
interface Phases {
  startup: number;
  signIn: number;
  lists: number;
  betweenListsAndChanges: number;
  changes: number;
  afterLastAnswer: number;
}

interface StateCheck {
  protectedCount: number;
  attachedCount: number;
  /** Ids in the plan more than once. */
  duplicateAttachments: number;
  licensesLeft: number;
  allProtectedAndAttached: boolean;
}

/** `i` is unprotected when the running share of unprotected repositories steps up there: evenly spread. */
const spreadEvenly = (size: number, count: number) => (i: number) => Math.floor(((i + 1) * count) / size) > Math.floor((i * count) / size);

async function seed(size: number, unprotected: number, options: SweepBenchOptions): Promise<SeededOrg> {
  const sim = new Simulator({
    latencyMs: options.latencyMs,
    syncDurationMs: options.syncDurationMs,
    // Exactly as many licenses as the sweep needs (>= unprotected): one spent twice would show as a failure.
    licenses: unprotected,
    users: [{ email: EMAIL, password: PASSWORD, roles: ROLES }],
  });
  const org = sim.addOrganization({ name: ORGANIZATION });
  const isUnprotected = spreadEvenly(size, unprotected);
  const repos = sim.addRepositories(org.id, size, (i) => ({ isProtected: !isUnprotected(i) }));
  sim.addPlan(org.id, { name: PLAN, repositoryIds: repos.filter((repo) => repo.isProtected).map((repo) => repo.id) });
  // The list's size as the server sends it: each repository as the simulator lists it, one per line.
  const listBytes = repos.reduce((sum, repo) => sum + Buffer.byteLength(JSON.stringify(repositoryView(repo))) + 1, 0);
  const url = await sim.start();
  return { sim, url, size, unprotected, repos, listBytes };
}

function checkState(org: SeededOrg): StateCheck {
  const plan = org.sim.plan(PLAN)!;
  const inPlan = new Set(plan.repositoryIds.map((id) => id.toLowerCase()));
  const protectedCount = org.repos.filter((repo) => repo.isProtected).length;
  const attachedCount = org.repos.filter((repo) => inPlan.has(repo.id.toLowerCase())).length;
  return {
    protectedCount,
    attachedCount,
    duplicateAttachments: plan.repositoryIds.length - inPlan.size,
    licensesLeft: org.sim.freeLicenses,
    allProtectedAndAttached: protectedCount === org.size && attachedCount === org.size,
  };
}

/** The request log is complete once every answer has gone out (the child may exit a moment before). */
async function settledLog(sim: Simulator): Promise<RequestRecord[]> {
  for (let i = 0; i < 100 && sim.requests.some((r) => r.endedAt === 0); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  return [...sim.requests];
}

const LIST_PATHS = new Set(['/git/repositories/getmany', '/plans/listassignedtoorganization']);

function phasesOf(log: RequestRecord[], result: TimedResult): Phases {
  const spawned = result.spawnedAtEpochMs;
  const exited = spawned + result.wallMs;
  const lists = log.filter((r) => LIST_PATHS.has(r.path));
  const changes = log.filter((r) => !LIST_PATHS.has(r.path) && r.path !== '/account/login' && r.path !== '/git/organizations/getmany');
  const firstRequest = Math.min(...log.map((r) => r.startedAt), exited);
  const listsStart = Math.min(...lists.map((r) => r.startedAt), exited);
  const listsEnd = Math.max(...lists.map((r) => r.endedAt), listsStart);
  const changesStart = changes.length ? Math.min(...changes.map((r) => r.startedAt)) : exited;
  const changesEnd = changes.length ? Math.max(...changes.map((r) => r.endedAt)) : exited;
  const lastAnswer = Math.max(...log.map((r) => r.endedAt), firstRequest);
  return {
    startup: firstRequest - spawned,
    signIn: listsStart - firstRequest,
    lists: listsEnd - listsStart,
    betweenListsAndChanges: changesStart - listsEnd,
    changes: changesEnd - changesStart,
    afterLastAnswer: exited - lastAnswer,
  };
}

const tailOf = (result: TimedResult) =>
  `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`;

export async function runSweepBench(options: SweepBenchOptions): Promise<SweepBenchResult> {
  const workDir = mkdtempSync(join(tmpdir(), 'xopero-bench-sweep-'));
  try {
    return await sweepCases(options, workDir);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function sweepCases(options: SweepBenchOptions, workDir: string): Promise<SweepBenchResult> {
  const outputFile = join(workDir, 'github-output');
  const summaryFile = join(workDir, 'step-summary');
  const method = await rssMethod(workDir);

  const envFor = (org: SeededOrg) =>
    actionEnv(
      { 'server-url': org.url, email: EMAIL, password: PASSWORD, organization: ORGANIZATION, plan: PLAN, repositories: '*' },
      { outputFile, summaryFile, runnerTemp: workDir },
      { repository: `${ORGANIZATION}/bench`, env: { NODE_EXTRA_CA_CERTS: org.sim.caCertPath } },
    );

  const sweep = async (org: SeededOrg, label: string, expectChange: boolean): Promise<SweepRun> => {
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    org.sim.resetLog();
    process.stderr.write(`bench: sweep, ${label}\n`);
    const cpuBefore = process.cpuUsage();
    const { result, peakRssKiB, cpuSeconds } = await measuredRun(
      method,
      join(workDir, 'time-output'),
      envFor(org),
      [ACTION_ENTRY],
      RUN_TIMEOUT_MS,
    );
    const log = await settledLog(org.sim);
    const cpu = process.cpuUsage(cpuBefore);
    const byPath: Record<string, number> = {};
    for (const request of log) byPath[request.path] = (byPath[request.path] ?? 0) + 1;
    let outputs: Record<string, string> = {};
    try {
      outputs = parseGithubOutput(readFileSync(outputFile, 'utf8'));
    } catch {
      // no outputs: the failure below says why
    }
    let parsed: { counts?: Record<string, number>; requests?: { total: number; mutating: number }; problems?: string[] } = {};
    try {
      parsed = outputs.result ? JSON.parse(outputs.result) : {};
    } catch {
      // left empty
    }
    const state = checkState(org);
    const mutating = org.sim.mutatingRequests().length;
    const run: SweepRun = {
      label,
      size: org.size,
      unprotected: org.unprotected,
      code: result.code,
      wallMs: result.wallMs,
      requests: log.length,
      byPath,
      mutating,
      maxInFlight: org.sim.maxConcurrent,
      connections: org.sim.connections,
      criticalPath: criticalPath(log),
      peakRssKiB,
      actionCpuSeconds: cpuSeconds,
      simulatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
      changed: outputs.changed,
      counts: parsed.counts,
      actionRequests: parsed.requests,
      problems: parsed.problems ?? [],
      phases: phasesOf(log, result),
      state,
      tail: tailOf(result),
    };
    if (expectChange)
      run.bound = Math.ceil(org.size / org.sim.pageCap) + Math.ceil(org.unprotected / BOUND_BATCH) + org.unprotected + BOUND_HANDFUL;
    const why: string[] = [];
    if (result.code !== 0) why.push(run.tail);
    if (run.changed !== String(expectChange)) why.push(`expected changed=${expectChange}, got '${run.changed ?? ''}'`);
    if (!state.allProtectedAndAttached)
      why.push(`${org.size - state.protectedCount} not protected, ${org.size - state.attachedCount} not attached afterwards`);
    if (state.duplicateAttachments > 0) why.push(`${state.duplicateAttachments} ids twice in the plan`);
    run.failure = why.length ? why.join('; ') : undefined;
    return run;
  };

  // Reference: the bundle loading and stopping at the input check, no list at all (warms the file cache too).
  process.stderr.write('bench: sweep, reference run (no inputs)\n');
  const reference = await measuredRun(
    method,
    join(workDir, 'time-output'),
    baseEnv({ GITHUB_ACTIONS: 'true' }),
    [ACTION_ENTRY],
    RUN_TIMEOUT_MS,
  );

  const large = await seed(SIZE, UNPROTECTED, options);
  let first: SweepRun;
  let second: SweepRun;
  try {
    first = await sweep(large, `${fmt(SIZE)} repositories, ${fmt(UNPROTECTED)} unprotected`, true);
    second = await sweep(large, `${fmt(SIZE)} again, all protected (idempotent)`, false);
  } finally {
    await large.sim.stop();
  }
  const smallOrg = await seed(SMALL_SIZE, SMALL_UNPROTECTED, options);
  let small: SweepRun;
  try {
    small = await sweep(smallOrg, `${fmt(SMALL_SIZE)} repositories, ${fmt(SMALL_UNPROTECTED)} unprotected`, true);
  } finally {
    await smallOrg.sim.stop();
  }

  // ---- targets --------------------------------------------------------------------------------------------
  const targets: SweepTarget[] = [
    {
      name: `sweep of ${fmt(SIZE)} at ${options.latencyMs} ms`,
      target: `< ${TARGET_SECONDS} s`,
      value: `${(first.wallMs / 1000).toFixed(2)} s`,
      met: first.code === 0 && first.wallMs < TARGET_SECONDS * 1000,
    },
    {
      name: 'sweep requests within the bound',
      target: `<= ${first.bound}`,
      value: String(first.requests),
      met: first.requests <= first.bound!,
    },
    {
      name: 'every repository protected and attached',
      target: `${fmt(SIZE)} / ${fmt(SIZE)}`,
      value: `${fmt(first.state.protectedCount)} protected, ${fmt(first.state.attachedCount)} attached`,
      met: first.state.allProtectedAndAttached && first.state.duplicateAttachments === 0,
    },
    {
      name: 'second sweep mutating requests',
      target: '0',
      value: String(second.mutating),
      met: second.code === 0 && second.mutating === 0,
    },
  ];

  // ---- report ---------------------------------------------------------------------------------------------
  const out: string[] = [];
  const print = (line = '') => out.push(line);
  const runs = [first, second, small];
  const mib = (kib: number | undefined) => (kib === undefined ? '-' : `${(kib / 1024).toFixed(1)} MiB`);
  const secs = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(2)} s`);

  print(`Organization sweep (repositories '*', organization ${ORGANIZATION}, plan ${PLAN}; one run each, not alternated):`);
  print(
    `  simulator     fresh per organization: HTTPS in-process, ${options.latencyMs} ms per request, page cap ${large.sim.pageCap}, licenses = the unprotected count,`,
  );
  print(
    `                sync ${options.syncDurationMs} ms; unprotected repositories spread evenly through the list (every 3rd or 4th), neither licensed nor attached`,
  );
  print(`  peak RSS      ${method.description}`);
  print();
  const header = `${pad('run', 44)}${padLeft('wall', 9)}${padLeft('requests', 9)}${padLeft('bound', 7)}${padLeft('mutating', 9)}${padLeft('crit.path', 10)}${padLeft('in flight', 10)}${padLeft('conns', 6)}${padLeft('peak RSS', 11)}${padLeft('action CPU', 11)}${padLeft('sim CPU', 9)}`;
  print(header);
  print('-'.repeat(header.length));
  for (const r of runs) {
    print(
      `${pad(r.label, 44)}${padLeft(secs(r.wallMs / 1000), 9)}${padLeft(String(r.requests), 9)}${padLeft(r.bound === undefined ? '-' : String(r.bound), 7)}` +
        `${padLeft(String(r.mutating), 9)}${padLeft(String(r.criticalPath), 10)}${padLeft(String(r.maxInFlight), 10)}${padLeft(String(r.connections), 6)}` +
        `${padLeft(mib(r.peakRssKiB), 11)}${padLeft(secs(r.actionCpuSeconds), 11)}${padLeft(secs(r.simulatorCpuSeconds), 9)}`,
    );
  }
  print(
    `${pad('reference: node dist/index.js, no inputs', 44)}${padLeft(secs(reference.result.wallMs / 1000), 9)}${padLeft('0', 9)}${padLeft('-', 7)}${padLeft('0', 9)}${padLeft('-', 10)}${padLeft('-', 10)}${padLeft('-', 6)}${padLeft(mib(reference.peakRssKiB), 11)}${padLeft(secs(reference.cpuSeconds), 11)}${padLeft('-', 9)}`,
  );
  print('  (bound: ceil(repositories / page cap) + ceil(unprotected / 100) + unprotected + 5; crit.path: round trips in sequence;');
  print(
    "   in flight: most requests the simulator counted at once, arrival to the response's close event, which lags under load, so it can",
  );
  print(
    "   exceed the client's 8 attach + 2 activate calls; conns bounds the real figure; sim CPU: this process, i.e. the simulator, during the run)",
  );
  print();
  print('Requests by path:');
  const paths = [...new Set(runs.flatMap((r) => Object.keys(r.byPath)))].sort();
  const columns = ['first 10,000', 'second 10,000', '1,000'];
  print(`  ${pad('path', 40)}${columns.map((c) => padLeft(c, 15)).join('')}`);
  for (const path of paths) print(`  ${pad(path, 40)}${runs.map((r) => padLeft(String(r.byPath[path] ?? 0), 15)).join('')}`);
  print(`  ${pad('total (simulator log)', 40)}${runs.map((r) => padLeft(String(r.requests), 15)).join('')}`);
  print(
    `  ${pad("total (the action's own count)", 40)}${runs.map((r) => padLeft(r.actionRequests ? `${r.actionRequests.total} (${r.actionRequests.mutating} mut.)` : '-', 15)).join('')}`,
  );
  print();
  print("Where the time goes (ms, from the simulator's request log lined up with the spawn time):");
  print(
    `  ${pad('run', 44)}${['start-up', 'sign-in+org', 'lists', 'lists->1st change', 'changes', 'last answer->exit'].map((h) => padLeft(h, 18)).join('')}`,
  );
  for (const r of runs) {
    const p = r.phases;
    const cells = [p.startup, p.signIn, p.lists, p.betweenListsAndChanges, p.changes, p.afterLastAnswer];
    print(`  ${pad(r.label, 44)}${cells.map((v) => padLeft(v.toFixed(0), 18)).join('')}`);
  }
  print("  (with no change, lists->1st change runs to the process exit and last answer->exit is 0: all of it is the action's own work)");
  print();
  print('End state (from the simulator), and what the action reported:');
  for (const r of runs) {
    const c = r.counts;
    const reported = c
      ? `matched ${c.matched}, already ${c.alreadyProtected}, activated ${c.activated}, attached ${c.attached}, failed ${c.failed}`
      : 'no result output';
    print(
      `  ${pad(r.label, 44)} exit ${r.code}, changed=${r.changed ?? '-'}; protected ${fmt(r.state.protectedCount)}/${fmt(r.size)}, attached ${fmt(r.state.attachedCount)}/${fmt(r.size)}` +
        `${r.state.duplicateAttachments ? `, ${r.state.duplicateAttachments} duplicate ids in the plan` : ''}, licenses left ${r.state.licensesLeft}; action: ${reported}`,
    );
    for (const problem of r.problems.slice(0, 3)) print(`      problem: ${problem}`);
    if (r.failure) print(`      NOT AS EXPECTED: ${r.failure}`);
  }
  print();
  const growth = first.peakRssKiB !== undefined && small.peakRssKiB !== undefined ? first.peakRssKiB - small.peakRssKiB : undefined;
  const listGrowth = large.listBytes - smallOrg.listBytes;
  print('Memory (peak RSS of the action process):');
  print(
    `  no inputs ${mib(reference.peakRssKiB)}; sweep of ${fmt(SMALL_SIZE)} ${mib(small.peakRssKiB)}; sweep of ${fmt(SIZE)} ${mib(first.peakRssKiB)}; second sweep of ${fmt(SIZE)} ${mib(second.peakRssKiB)}`,
  );
  if (growth !== undefined) {
    print(
      `  ${fmt(SMALL_SIZE)} -> ${fmt(SIZE)} repositories: +${mib(growth)}, ${((growth * 1024) / (SIZE - SMALL_SIZE)).toFixed(0)} bytes per added repository;` +
        ` the repository list itself grows by ${(listGrowth / 1024 / 1024).toFixed(1)} MiB of JSON (${(listGrowth / (SIZE - SMALL_SIZE)).toFixed(0)} bytes per repository on the wire)`,
    );
  }
  print();
  print('Sweep targets:');
  for (const line of targetLines(targets, 'sweep targets')) print(line);

  const runJson = (r: SweepRun) => ({
    label: r.label,
    repositories: r.size,
    unprotected: r.unprotected,
    exitCode: r.code,
    wallMs: round(r.wallMs),
    requests: r.requests,
    requestBound: r.bound ?? null,
    withinBound: r.bound === undefined ? null : r.requests <= r.bound,
    requestsByPath: r.byPath,
    mutating: r.mutating,
    criticalPath: r.criticalPath,
    maxInFlight: r.maxInFlight,
    connections: r.connections,
    peakRssKiB: r.peakRssKiB ?? null,
    actionCpuSeconds: r.actionCpuSeconds ?? null,
    simulatorCpuSeconds: round(r.simulatorCpuSeconds, 1000),
    changed: r.changed ?? null,
    counts: r.counts ?? null,
    actionRequestCount: r.actionRequests ?? null,
    problems: r.problems,
    phasesMs: Object.fromEntries(Object.entries(r.phases).map(([k, v]) => [k, round(v)])),
    state: r.state,
    failure: r.failure ?? null,
  });
  const json = {
    config: {
      latencyMs: options.latencyMs,
      pageCap: large.sim.pageCap,
      syncDurationMs: options.syncDurationMs,
      organization: ORGANIZATION,
      plan: PLAN,
      repositories: '*',
      boundFormula: `ceil(repositories / ${large.sim.pageCap}) + ceil(unprotected / ${BOUND_BATCH}) + unprotected + ${BOUND_HANDFUL}`,
      peakRssMethod: method.kind,
      peakRssMethodDescription: method.description,
    },
    first: runJson(first),
    second: runJson(second),
    small: runJson(small),
    reference: { wallMs: round(reference.result.wallMs), peakRssKiB: reference.peakRssKiB ?? null, exitCode: reference.result.code },
    memory: {
      peakRssKiB: {
        noInputs: reference.peakRssKiB ?? null,
        [SMALL_SIZE]: small.peakRssKiB ?? null,
        [SIZE]: first.peakRssKiB ?? null,
        [`${SIZE}Second`]: second.peakRssKiB ?? null,
      },
      growthKiB: growth ?? null,
      growthBytesPerRepository: growth === undefined ? null : Math.round((growth * 1024) / (SIZE - SMALL_SIZE)),
      repositoryListBytes: { [SMALL_SIZE]: smallOrg.listBytes, [SIZE]: large.listBytes },
    },
    targets,
  };
  return { lines: out, json, targets };
}

const fmt = (n: number) => n.toLocaleString('en-US');
const pad = (text: string, width: number) => text.padEnd(width);
const padLeft = (text: string, width: number) => text.padStart(width);
const round = (value: number, scale = 10) => Math.round(value * scale) / scale;
