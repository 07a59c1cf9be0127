/**
 * Every output is a function of the server's state and the inputs: the same starting state, answered with a
 * different random delay on every request each time, gives byte-identical summaries, results and logs (less
 * the lines labelled as timing).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { randomInt } from 'node:crypto';
import { runAction, type ActionResult } from '../../testbed/harness.js';
import { Simulator } from '../../testbed/simulator/index.js';
import { EMAIL, PASSWORD } from '../../testbed/fixtures.js';

const RUNS = 5;
const HOUR = 3600_000;
/** One clock for every run, so backup ages read the same in all of them. */
const BASE = Date.now();
const TOKEN = 'fixed-access-token-for-determinism-tests';
const id = (kind: number, n: number) => `00000000-0000-4000-8000-${String(kind).padStart(4, '0')}${String(n).padStart(8, '0')}`;

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** The same organization each time; only the seed of the 0-30 ms delay on every request changes. */
async function startState(seed: number, repositories: number) {
  sim = new Simulator({
    jitterMs: 30,
    seed,
    pageCap: 100,
    syncDurationMs: 300,
    users: [{ email: EMAIL, password: PASSWORD, roles: ['SystemAdministrator', 'GitManagement'] }],
  });
  const org = sim.addOrganization({ name: 'acme', id: id(1, 1) });
  const attachedIds: string[] = [];
  for (let i = 0; i < repositories; i++) {
    const name = `acme/${i % 2 ? 'Svc' : 'svc'}-${String((i * 7919) % repositories).padStart(3, '0')}`;
    const repo = sim.addRepository(org.id, {
      id: id(2, i),
      name,
      isProtected: i % 4 === 0,
      lastSuccessfulBackup: i % 5 === 0 ? 0 : BASE - (i % 3 === 0 ? 50.5 : 2.5) * HOUR,
      nextBackup: 0,
    });
    if (i % 6 === 0) attachedIds.push(repo.id);
    if (i % 17 === 1) sim.rejectRepository(name, { activation: 'LI5020' });
    if (i % 23 === 2) sim.rejectRepository(name, { attachment: { status: 409, code: 'PL4090', message: `Plan is locked for '${name}'.` } });
  }
  sim.addPlan(org.id, { name: 'Nightly', id: id(3, 1), repositoryIds: attachedIds });
  const url = await sim.start();
  sim.issueToken(EMAIL, TOKEN);
  return url;
}

async function runOnce(repositories: number, inputs: Record<string, string>, setUp?: (sim: Simulator) => void) {
  const url = await startState(randomInt(1, 2 ** 31), repositories);
  setUp?.(sim!);
  const run = await runAction(
    { 'server-url': url, 'access-token': TOKEN, email: '', password: '', organization: 'acme', plan: 'Nightly', ...inputs },
    { env: { NODE_EXTRA_CA_CERTS: sim!.caCertPath } },
  );
  await sim!.stop();
  sim = undefined;
  return comparable(run, url);
}

/** What must not differ between runs: the server's address (a new port each time) stands as SERVER. */
function comparable(run: ActionResult, url: string) {
  const strip = (text: string) => text.split(url).join('SERVER');
  return {
    code: run.code,
    summary: strip(run.summary),
    result: strip(run.outputs.result ?? ''),
    log: strip(run.stdout)
      .split('\n')
      .filter((line) => !line.includes('Timing:'))
      .join('\n'),
    stderr: run.stderr,
  };
}

describe('the same state gives the same outputs, whatever order the answers arrive in', () => {
  test('a sweep of 240 repositories with failing activations and attachments, 5 runs', async () => {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runOnce(240, { repositories: '*', 'max-backup-age': '24h' }));
    const [first] = runs;
    // The runs did real work and failed on the injected refusals.
    expect(first.code).toBe(1);
    const result = JSON.parse(first.result);
    expect(result.counts.failed).toBeGreaterThan(10);
    expect(result.counts.activated).toBeGreaterThan(100);
    expect(result.counts.stale).toBeGreaterThan(10);
    expect(first.log).toMatch(/::warning::acme\/svc-\d+: /);
    for (const run of runs.slice(1)) {
      expect(run.summary).toBe(first.summary);
      expect(run.result).toBe(first.result);
      expect(run.log).toBe(first.log);
      expect(run.stderr).toBe(first.stderr);
    }
    // Rows by name, case-insensitive then exact.
    const names: string[] = result.entries.map((entry: { repository: string }) => entry.repository);
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en') || (a < b ? -1 : a > b ? 1 : 0)));
  });

  test('a sweep with reclaim: removed that releases 13 repositories while protecting the rest, 5 runs', async () => {
    // Removed at the source: every 12th (licensed and in the plan) and every 7th from the 4th (some licensed).
    const markRemoved = (s: Simulator) => {
      for (let i = 0; i < 120; i++) if (i % 12 === 0 || i % 7 === 3) s.repository(id(2, i))!.isRemoved = true;
    };
    const runs = [];
    for (let i = 0; i < RUNS; i++)
      runs.push(await runOnce(120, { repositories: '*', reclaim: 'removed', 'release-limit': '100' }, markRemoved));
    const [first] = runs;
    const result = JSON.parse(first.result);
    expect(result.reclaim.released).toHaveLength(13);
    expect(result.reclaim.licensesFreed).toBe(12);
    expect(result.counts.activated).toBeGreaterThan(50);
    for (const run of runs.slice(1)) expect(run).toEqual(first);
    const names: string[] = result.reclaim.released;
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en') || (a < b ? -1 : a > b ? 1 : 0)));
  });

  test('one repository that needs a synchronization, an activation and an attachment, 5 runs', async () => {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(
        await runOnce(3, { repository: 'acme/brand-new' }, (s) =>
          s.addRepository(id(1, 1), { id: id(4, 1), name: 'acme/brand-new', pendingSync: true, isProtected: false }),
        ),
      );
    }
    const [first] = runs;
    expect(first.code).toBe(0);
    expect(JSON.parse(first.result)).toMatchObject({ synchronization: 'synchronized', activation: 'activated', attachment: 'attached' });
    // The number of polls while waiting for the synchronization depends on its speed: `requests.total` is the
    // result's one timing-dependent field (the README says so). Everything else is identical.
    const withoutPolls = (run: typeof first) => ({
      ...run,
      result: JSON.stringify({ ...JSON.parse(run.result), requests: { mutating: JSON.parse(run.result).requests.mutating } }),
    });
    for (const run of runs.slice(1)) expect(withoutPolls(run)).toEqual(withoutPolls(first));
  });
});
