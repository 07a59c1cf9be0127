/**
 * Outputs do not depend on the order Xopero ONE lists repositories in. The simulator lists them in a scrambled
 * order (`listOrder: 'scrambled'`) that changes with its seed, so each run below reads the same organization in
 * another order; a sort by name missing anywhere in the product (the change list, the result's entries and
 * unchanged names, the release plan) shows as runs that differ or rows out of order. test/e2e/determinism.test.ts
 * covers the order in which answers arrive.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { compareNames } from '../../src/core/changes.js';
import { runAction, withTempDir } from '../../testbed/harness.js';
import { Simulator } from '../../testbed/simulator/index.js';
import { EMAIL, PASSWORD } from '../../testbed/fixtures.js';

const HOUR = 3600_000;
/** One clock for every run, so backup ages read the same in all of them. */
const BASE = Date.now();
const TOKEN = 'fixed-access-token-for-listing-order-tests';
const REPOSITORIES = 48;
const id = (kind: number, n: number) => `00000000-0000-4000-8000-${String(kind).padStart(4, '0')}${String(n).padStart(8, '0')}`;

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/**
 * The same organization each time, listed in the order `seed` scrambles it into, 7 to a page: mixed-case names,
 * some protected, attached, removed (reclaim), refused, stale; fewer free licenses than activations (which ones
 * get a license depends on the order they are asked in); a plan of all repositories (a note per released one).
 */
async function startState(seed: number) {
  sim = new Simulator({
    listOrder: 'scrambled',
    seed,
    jitterMs: 10,
    pageCap: 7,
    licenses: 12,
    syncDurationMs: 300,
    users: [{ email: EMAIL, password: PASSWORD, roles: ['SystemAdministrator', 'GitManagement'] }],
  });
  const org = sim.addOrganization({ name: 'acme', id: id(1, 1) });
  const attached: string[] = [];
  for (let i = 0; i < REPOSITORIES; i++) {
    const name = `acme/${['svc', 'Svc', 'SVC', 'lib'][i % 4]}-${String((i * 31) % REPOSITORIES).padStart(2, '0')}`;
    sim.addRepository(org.id, {
      id: id(2, i),
      name,
      isProtected: i % 3 === 0,
      isRemoved: i % 5 === 3,
      lastSuccessfulBackup: i % 5 === 0 ? 0 : BASE - (i % 2 ? 50.5 : 2.5) * HOUR,
      nextBackup: 0,
    });
    if (i % 4 === 0) attached.push(id(2, i));
    if (i % 13 === 7) sim.rejectRepository(name, { activation: 'LI5021' });
  }
  sim.addPlan(org.id, { name: 'Nightly', id: id(3, 1), repositoryIds: attached });
  sim.addPlan(org.id, { name: 'Everything', id: id(3, 2), includeAllRepositories: true });
  const url = await sim.start();
  sim.issueToken(EMAIL, TOKEN);
  return url;
}

/** One run of the action over a fresh state listed in `seed`'s order, with what must not differ between runs. */
async function runOnce(seed: number) {
  const url = await startState(seed);
  return withTempDir('xopero-order-', async (dir) => {
    const resultFile = join(dir, 'result.json');
    const run = await runAction(
      {
        'server-url': url,
        'access-token': TOKEN,
        email: '',
        password: '',
        organization: 'acme',
        plan: 'Nightly',
        repositories: '*',
        reclaim: 'removed',
        'release-limit': '100',
        'max-backup-age': '24h',
        'result-file': resultFile,
      },
      { env: { NODE_EXTRA_CA_CERTS: sim!.caCertPath } },
    );
    await sim!.stop();
    sim = undefined;
    const strip = (text: string) => text.split(url).join('SERVER').split(resultFile).join('RESULT-FILE');
    return {
      code: run.code,
      summary: strip(run.summary),
      result: strip(run.outputs.result ?? ''),
      // When it was written is the one field that differs between runs by design (the HTML page shows it).
      resultFile: strip(readFileSync(resultFile, 'utf8')).replace(/"writtenAt": "[^"]*"/, '"writtenAt": "WHEN"'),
      log: strip(run.stdout)
        .split('\n')
        .filter((line) => !line.includes('Timing:'))
        .join('\n'),
      stderr: run.stderr,
    };
  });
}

const sortedByName = (names: string[]) => [...names].sort(compareNames);

describe('the same state listed in another order gives the same outputs', () => {
  test('the simulator really lists in another order for another seed, and not by name', async () => {
    const firstPage = async (seed: number) => {
      const url = await startState(seed);
      const agent = new Agent({ connect: { ca: sim!.caCert } });
      try {
        const answer = await request(`${url}/git/repositories/getmany`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ id: id(1, 1), orderby: 'Name', ordertype: 'asc', limit: 100, page: 1 }),
        });
        const body = (await answer.body.json()) as { result: { repositories: Array<{ name: string }> } };
        return body.result.repositories.map((repo) => repo.name);
      } finally {
        await agent.close();
        await sim!.stop();
        sim = undefined;
      }
    };
    const [a, b] = [await firstPage(1), await firstPage(2)];
    expect(a).toHaveLength(7);
    expect(a).not.toEqual(sortedByName(a));
    expect(b).not.toEqual(a);
  });

  test('a sweep with reclaim, refusals, too few licenses and stale backups: 3 orders, identical outputs, rows by name', async () => {
    const runs = [];
    for (const seed of [11, 22, 33]) runs.push(await runOnce(seed));
    const [first] = runs;
    // The runs did real work: activations (some refused, some out of licenses), releases, stale backups.
    expect(first.code).toBe(1);
    const result = JSON.parse(first.result);
    expect(result.counts.activated).toBeGreaterThan(5);
    expect(result.counts.failed).toBeGreaterThan(5);
    expect(result.counts.stale).toBeGreaterThan(5);
    expect(result.reclaim.released.length).toBeGreaterThan(2);
    expect(first.log).toMatch(/::warning::Plan 'Everything' includes all repositories/);
    for (const run of runs.slice(1)) {
      expect(run.summary).toBe(first.summary);
      expect(run.result).toBe(first.result);
      expect(run.resultFile).toBe(first.resultFile);
      expect(run.log).toBe(first.log);
      expect(run.stderr).toBe(first.stderr);
    }
    const document = JSON.parse(first.resultFile);
    const names = (entries: Array<{ repository: string }>) => entries.map((entry) => entry.repository);
    expect(names(result.entries)).toEqual(sortedByName(names(result.entries)));
    expect(document.unchanged.length).toBeGreaterThan(2);
    expect(document.unchanged).toEqual(sortedByName(document.unchanged));
    expect(result.reclaim.released).toEqual(sortedByName(result.reclaim.released));
    expect(names(result.reclaim.entries)).toEqual(sortedByName(names(result.reclaim.entries)));
  });
});
