/**
 * `npm run bench`'s flags (the usage line lists them), checked once, for the driver (scripts/bench.ts) and the
 * cases it runs. Bad flags stop the bench with exit 2 before anything runs.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const { values: args } = parseArgs({
  options: {
    latency: { type: 'string', default: '40' },
    runs: { type: 'string', default: '15' },
    latencies: { type: 'string', default: '' },
    rtt: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '2' },
    'sync-duration': { type: 'string', default: '200' },
    json: { type: 'string' },
    'sweep-only': { type: 'boolean', default: false },
    'no-sweep': { type: 'boolean', default: false },
    'shards-only': { type: 'boolean', default: false },
    'no-shards': { type: 'boolean', default: false },
    'shards-size': { type: 'string', default: '100000' },
    node24: { type: 'string' },
    'no-node24': { type: 'boolean', default: false },
    'no-gitlab': { type: 'boolean', default: false },
    broker: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(
    'usage: npm run bench -- [--latency MS] [--runs N] [--latencies 5,40,100] [--rtt MS] [--warmup N] [--sync-duration MS] [--json FILE] [--sweep-only | --no-sweep] [--shards-only | --no-shards] [--shards-size N] [--node24 PATH | --no-node24] [--broker]',
  );
  process.exit(0);
}

export function nonNegativeInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) usage(`--${name} must be a non-negative integer, got '${value}'`);
  return number;
}

export function usage(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

export const LATENCY = nonNegativeInteger('latency', args.latency);
/** The network round trip of the --rtt cases (a TCP relay, testbed/relay.ts); 0 leaves them out. */
export const RTT = nonNegativeInteger('rtt', args.rtt);
export const RUNS = Math.max(1, nonNegativeInteger('runs', args.runs));
export const WARMUP = nonNegativeInteger('warmup', args.warmup);
export const SYNC_MS = nonNegativeInteger('sync-duration', args['sync-duration']);
if (args['sweep-only'] && args['no-sweep']) usage('--sweep-only and --no-sweep exclude each other');
/** The sweep case's conditions, from the issue: 5 ms per request; a sweep of known repositories starts no sync. */
export const SWEEP_OPTIONS = { latencyMs: 5, syncDurationMs: 50 };
export const EXTRA_LATENCIES = args.latencies
  .split(',')
  .map((value) => value.trim())
  .filter(Boolean)
  .map((value) => nonNegativeInteger('latencies', value));

export const TARGETS = {
  rerunRequests: 4,
  rerunRequestsToken: 3,
  rerunMutating: 0,
  rerunCriticalPath: 3,
  rerunCriticalPathToken: 2,
  startupOverheadMs: 45,
  /** Issue #28: the re-run at most 0.60x curl + jq on Node 20, 0.55x on Node 24 (action.yml's runtime). */
  rerunRatio: { current: 0.6, node24: 0.55 },
  rerunRatioToken: 0.5,
  /** Issue #28: the network code loaded at most this long after main (Node 24; reported for both). */
  networkAfterMainMs: 15,
  /** Issue #28: the first request (the login) no slower than the later ones by more than this. */
  firstRequestExtraMs: 5,
  rerunRatioAtLatency: 40,
  afterMainMs: 15,
};

/** The sharded sweep (scripts/bench/shards.ts): 100,000 repositories (--shards-size), 30 % unprotected, 10 shards, 5 ms. */
export const shardOptions = () => {
  const size = nonNegativeInteger('shards-size', args['shards-size']);
  return { latencyMs: SWEEP_OPTIONS.latencyMs, size, unprotected: Math.round(size * 0.3) };
};

/** The newest modification time under `dir`: a dist/ older than src/ is named in the report. */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
