/**
 * The benchmark: `npm run bench [-- --latency 40 --runs 15 --latencies 5,40,100 --warmup 2 --json FILE]`.
 *
 * Starts the HTTPS simulator in this process with a fixed latency per request, then measures, alternating
 * A B A B after a warm-up:
 *   - the action's re-run on a repository already protected and attached (dist/index.js as the runner runs it),
 *     with email/password and with an access token;
 *   - the action's new-repository run (a fresh repository that appears only after a sync);
 *   - the baseline, scripts/baseline.sh (sequential curl + jq), doing the same two runs;
 *   - the re-run with the server's private CA given as the `ca-certificate` input (PEM) and no NODE_EXTRA_CA_CERTS,
 *     against the baseline in the same environment (curl --cacert);
 *   - start-up: `node dist/index.js` with no inputs against `node -e 0`;
 *   - the floor (scripts/bench/floor.cjs): a bare Node https client doing the action's first steps and its first
 *     two requests, none of its code, so "network code loaded" and the first request's extra have Node's own
 *     figures beside them;
 *   - the action's cases again under Node 24 (action.yml's runtime; scripts/node24.sh installs it once into a
 *     cache folder; `--node24 PATH` gives a binary, `--no-node24` skips them);
 * then, once and not alternated, the organization sweep at scale (scripts/bench/sweep.ts): 10,000 repositories,
 * 3,000 of them unprotected, at 5 ms per request, a second idempotent sweep, and 1,000 for memory growth.
 * `--sweep-only` runs just the sweep case, `--no-sweep` skips it. Then the sharded sweep (scripts/bench/shards.ts):
 * 100,000 repositories over 10 shards at once; `--shards-only` runs just that, `--no-shards` skips it.
 * Each case reports wall time (median, p10–p90), requests and mutating requests per run and round trips on
 * the critical path, all from the simulator's request log, and the ratio to the baseline of the same run. Every
 * action run has XOPERO_TIMING=1 and a --require probe, so each case also reports the time from the action's
 * 'main finished' to the process being gone (seen from here); both cost the action side, not the baseline.
 * `--rtt MS` (default 20, 0 leaves it out) adds the re-run and its baseline through a TCP relay with that round-trip time
 * (testbed/relay.ts), where the TCP and TLS handshakes and the requests cost round trips as on a real network.
 * The cases live in scripts/bench/: action.ts (and action-report.ts, its report), sweep.ts, shards.ts and
 * gitlab.ts; `--broker` adds the broker under a burst (broker.ts; alone: `npm run bench:broker`); options.ts reads the flags. This file runs them in that order and prints one report.
 * Adding an action case: see scripts/bench/action.ts.
 * It is a report: it exits 0 whether or not the targets are met (2 only when it cannot run at all).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ACTION_ENTRY, CLI_ENTRY, ROOT } from '../testbed/harness.js';
import { measureActionCases } from './bench/action.js';
import { actionReport } from './bench/action-report.js';
import { BROKER_BENCH_DEFAULTS, runBrokerBench } from './bench/broker.js';
import { runGitlabBench } from './bench/gitlab.js';
import { SWEEP_OPTIONS, args, newestMtime, shardOptions, usage } from './bench/options.js';
import { runShardBench, type ShardBenchResult } from './bench/shards.js';
import { runSweepBench, type SweepBenchResult } from './bench/sweep.js';

if (!existsSync(ACTION_ENTRY) || !existsSync(CLI_ENTRY)) usage('dist/index.js or dist/cli/index.js is missing: run `npm run build` first.');

if (args['sweep-only']) await sweepOnly();

if (args['shards-only']) {
  const started = performance.now();
  const load = loadavg()[0];
  const shards = await runShardBench(shardOptions());
  console.log(
    [
      `Xopero ONE benchmark: sharded sweep only (--shards-only); node ${process.version}, ${cpus().length} CPUs, load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`,
      '',
      ...shards.lines,
      '',
      `Total bench time ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    ].join('\n'),
  );
  if (args.json)
    writeFileSync(
      args.json,
      `${JSON.stringify({ generatedAt: new Date().toISOString(), shardsOnly: true, shards: shards.json }, null, 2)}\n`,
    );
  process.exit(0);
}

/** `--sweep-only`: the organization-sweep case alone, its report and (with --json) its figures under `sweep`. */
async function sweepOnly(): Promise<never> {
  const started = performance.now();
  const load = loadavg()[0];
  const sweep = await runSweepBench(SWEEP_OPTIONS);
  const seconds = (performance.now() - started) / 1000;
  const lines = [
    'Xopero ONE action benchmark: organization sweep only (--sweep-only)',
    `  versions      node ${process.version}; ${cpus().length} CPUs, load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`,
  ];
  if (newestMtime(join(ROOT, 'src')) > statSync(ACTION_ENTRY).mtimeMs) {
    lines.push(
      '  NOTE          src/ has changes newer than dist/index.js: these figures are for the built bundle (npm run build to refresh)',
    );
  }
  lines.push('', ...sweep.lines, '', `Total bench time ${seconds.toFixed(1)} s.`);
  console.log(lines.join('\n'));
  if (args.json) {
    const report = {
      generatedAt: new Date().toISOString(),
      sweepOnly: true,
      sweep: sweep.json,
      totalSeconds: Math.round(seconds * 10) / 10,
    };
    writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`Figures written to ${args.json}.`);
  }
  process.exit(0);
}

const benchStarted = performance.now();
const loadBefore = loadavg()[0];
const action = await measureActionCases();

// The organization sweep at scale: after the other cases, on its own fresh simulator, one run (not alternated).
const sweep: SweepBenchResult | undefined = args['no-sweep'] ? undefined : await runSweepBench(SWEEP_OPTIONS);
const shardBench: ShardBenchResult | undefined = args['no-shards'] ? undefined : await runShardBench(shardOptions());
// The GitLab component's job under gitlab-ci-local against node dist/cli/index.js (scripts/bench/gitlab.ts); --no-gitlab skips it.
const gitlab = args['no-gitlab'] ? undefined : await runGitlabBench();
// The broker under a burst (scripts/bench/broker.ts, also `npm run bench:broker`): optional, --broker adds it.
const brokerBench = args.broker ? await runBrokerBench(BROKER_BENCH_DEFAULTS) : undefined;

const totalSeconds = (performance.now() - benchStarted) / 1000;
const loadAfter = loadavg()[0];

const report = actionReport(action, { loadBefore, loadAfter });
const out = [...report.lines];
const print = (line = '') => out.push(line);
if (sweep) {
  print();
  for (const line of sweep.lines) print(line);
}
if (shardBench) {
  print();
  for (const line of shardBench.lines) print(line);
}
if (gitlab) print(['', ...gitlab.lines].join('\n'));
if (brokerBench) print(['', ...brokerBench.lines].join('\n'));
print();
print(`Total bench time ${totalSeconds.toFixed(1)} s.`);

console.log(out.join('\n'));

if (args.json) {
  const round = (value: number) => Math.round(value * 10) / 10;
  const json = {
    generatedAt: new Date().toISOString(),
    ...report.json,
    sweep: sweep?.json ?? null,
    shards: shardBench?.json ?? null,
    gitlab: gitlab?.json ?? null,
    broker: brokerBench?.json ?? null,
    totalSeconds: round(totalSeconds),
  };
  writeFileSync(args.json, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`Figures written to ${args.json}.`);
}

process.exit(0);
