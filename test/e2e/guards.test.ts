/**
 * The guards the README promises, each held by a test that fails when the guard is taken out (issue #30 names
 * the small changes these tests were checked against; docs/mutation-testing.md lists which test kills which):
 * an activation or release counts only when the answer lists the id under `success` and nowhere else;
 * release-limit stops a real run, and a dry run or `mode: check` says that it would (in a sharded sweep, on the
 * whole sweep's count); several requests refused with 401 at once cost one re-login, also when a refusal arrives
 * after that login. End to end: the built action (dist/index.js) against the simulator.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { errorLines, runAction, runCli } from '../../testbed/harness.js';
import { EMAIL, PASSWORD, count, startWorld, type World } from '../../testbed/fixtures.js';
import { expectOneLineFailure } from '../../testbed/expectations.js';
import type { RequestRecord } from '../../testbed/simulator/index.js';

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

const ACTIVATE = '/git/repositories/activate';
const DEACTIVATE = '/git/repositories/deactivate';
const REPOS = '/git/repositories/getmany';

async function action(w: World, inputs: Record<string, string> = {}) {
  const run = await runAction({ ...w.inputs, ...inputs }, { env: { NODE_EXTRA_CA_CERTS: w.sim.caCertPath } });
  return { ...run, result: run.outputs.result ? JSON.parse(run.outputs.result) : undefined };
}

interface LicenseAnswer {
  success: string[];
  error?: Array<{ id: string; errorCode: string }>;
}

/** The answer processed as usual, then every id it lists under success listed under error as well. */
const listedUnderBoth = (answer: unknown) => {
  const { success, error = [] } = answer as LicenseAnswer;
  return { success, error: [...error, ...success.map((id) => ({ id, errorCode: 'LI5020' }))] };
};

describe('an activation or a release counts only when the answer lists the id under success alone', () => {
  test('activation: an id listed under success and under error is a failure, with the error code', async () => {
    world = await startWorld();
    world.sim.addFault({ path: ACTIVATE, transform: listedUnderBoth });
    const run = await action(world);
    expectOneLineFailure(run, /License activation of 'acme\/api' failed: LI5020/);
    expect(run.result).toMatchObject({ activation: 'failed' });
    expect(run.stdout).not.toContain('Activated the license');
  });

  test('release: a deactivation listed under success and under error frees no license in the result', async () => {
    world = await startWorld();
    world.sim.addRepository(world.orgId, { name: 'acme/svc', isProtected: true });
    world.sim.addFault({ path: DEACTIVATE, transform: listedUnderBoth });
    const run = await action(world, { mode: 'release', repository: 'acme/svc', plan: '' });
    expect(run.code).toBe(1);
    expect(errorLines(run.stdout)).toHaveLength(1);
    expect(errorLines(run.stdout)[0]).toMatch(/LI5020/);
    expect(run.result).toMatchObject({ kind: 'release', licensesFreed: 0 });
    expect(run.result.steps).toEqual([expect.objectContaining({ action: 'deactivate', outcome: 'failed' })]);
    expect(count(world.sim, DEACTIVATE)).toBe(1);
  });

  test('sweep: an id the answer lists nowhere is not counted as activated; the ids listed under success are', async () => {
    world = await startWorld();
    const repos = world.sim.addRepositories(world.orgId, 4, () => ({ isProtected: false }));
    const dropped = repos[2];
    // The server activates all four but leaves one out of its answer.
    world.sim.addFault({
      path: ACTIVATE,
      transform: (answer) => {
        const { success, error = [] } = answer as LicenseAnswer;
        return { success: success.filter((id) => id !== dropped.id), error };
      },
    });
    const run = await action(world, { repositories: 'repo-*', plan: '' });
    expect(run.code).toBe(1);
    expect(count(world.sim, ACTIVATE)).toBe(1);
    expect(run.result.counts).toMatchObject({ matched: 4, activated: 3, failed: 1 });
    const failed = run.result.entries.filter((entry: { actions: string[] }) => entry.actions.includes('failed'));
    expect(failed.map((entry: { repository: string }) => entry.repository)).toEqual([dropped.name]);
    expect(run.stdout).toMatch(/Done: activated 3, attached 0, failed 1\./);
  });
});

/** acme with three repositories removed at the source, each holding a license: reclaim: removed releases them. */
async function removedWorld() {
  world = await startWorld();
  for (const name of ['acme/gone-1', 'acme/gone-2', 'acme/gone-3']) {
    world.sim.addRepository(world.orgId, { name, isProtected: true, isRemoved: true });
  }
  return world;
}

const reclaimRemoved = (extra: Record<string, string>) => ({ repositories: '*', reclaim: 'removed', plan: '', ...extra });

describe('release-limit', () => {
  for (const [label, inputs, line] of [
    ['a dry run', { 'dry-run': 'true' }, /Dry run: reclaim would release 3 repositories/],
    ['mode: check', { mode: 'check' }, /Check: reclaim would release 3 repositories/],
  ] as const) {
    test(`${label} over the limit says that a real run would stop, and changes nothing`, async () => {
      const w = await removedWorld();
      const run = await action(w, reclaimRemoved({ 'release-limit': '2', ...inputs }));
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(line);
      expect(errorLines(run.stdout)).toContainEqual(
        expect.stringMatching(
          /^Reclaim would release 3 repositories, more than release-limit \(2\): a real run would stop before changing anything\. .*raise release-limit to 3\.$/,
        ),
      );
      expect(run.result.reclaim).toMatchObject({ limit: 2, wouldFree: 3 });
      expect(w.sim.mutatingRequests()).toHaveLength(0);
    });
  }

  test("the GitLab component's job names its inputs as the include writes them (release_limit), the CLI its flags", async () => {
    const w = await removedWorld();
    const env = { XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: w.sim.caCertPath };
    const args = ['--server-url', w.url, '--organization', 'acme', '--repositories', '*', '--reclaim', 'removed', '--release-limit', '2'];
    // As the component's script runs it (templates/xopero-backup.yml): GITLAB_CI and XOPERO_COMPONENT set.
    const component = await runCli(args, { ...env, GITLAB_CI: 'true', XOPERO_COMPONENT: '1' });
    expect(component.code).toBe(1);
    expect(component.stderr).toMatch(
      /xopero-one: Reclaim would release 3 repositories \(3 licenses\), more than release_limit \(2\); nothing was changed\. If that many really are removed, raise release_limit to 3; otherwise check repositories\.\n/,
    );
    const cli = await runCli(args, env);
    expect(cli.stderr).toMatch(
      /more than --release-limit \/ XOPERO_RELEASE_LIMIT \(2\); .*otherwise check --repositories \/ XOPERO_REPOSITORIES\.\n/,
    );
    expect(w.sim.mutatingRequests()).toHaveLength(0);
  });

  test('exactly at the limit a real run releases them all; a dry run at the limit names no limit', async () => {
    const w = await removedWorld();
    const dry = await action(w, reclaimRemoved({ 'release-limit': '3', 'dry-run': 'true' }));
    expect(dry.code).toBe(0);
    expect(dry.all).not.toMatch(/release-limit/);
    const run = await action(w, reclaimRemoved({ 'release-limit': '3' }));
    expect(errorLines(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.result.reclaim.released).toEqual(['acme/gone-1', 'acme/gone-2', 'acme/gone-3']);
    expect(count(w.sim, DEACTIVATE)).toBe(1);
  });
});

// acme/gone-2 is shard 1's of two, acme/gone-1 and acme/gone-3 shard 2's (src/core/shard.ts shardOf).
describe("release-limit in a sharded sweep is the whole sweep's", () => {
  test('shards within the limit on their own share, over it together: each refuses, nothing is released', async () => {
    const w = await removedWorld();
    for (const shard of ['1/2', '2/2']) {
      const run = await action(w, reclaimRemoved({ 'release-limit': '2', shard }));
      const own = shard === '1/2' ? '1 in this one, 1 license' : '2 in this one, 2 licenses';
      expectOneLineFailure(
        run,
        new RegExp(
          `^Reclaim would release 3 repositories across the sweep's 2 shards \\(${own}\\), more than release-limit \\(2\\); nothing was changed\\. .*raise release-limit to 3;`,
        ),
      );
    }
    expect(w.sim.mutatingRequests()).toHaveLength(0);
  });

  test('a dry run of one shard says the sweep would stop; at the limit each shard releases its own share', async () => {
    const w = await removedWorld();
    const dry = await action(w, reclaimRemoved({ 'release-limit': '2', shard: '1/2', 'dry-run': 'true' }));
    expect(dry.code).toBe(1);
    expect(errorLines(dry.stdout)).toContainEqual(
      expect.stringMatching(
        /^Reclaim would release 3 repositories across the sweep's 2 shards \(1 in this one\), more than release-limit \(2\): a real run would stop before changing anything\. .*raise release-limit to 3\.$/,
      ),
    );
    const first = await action(w, reclaimRemoved({ 'release-limit': '3', shard: '1/2' }));
    const second = await action(w, reclaimRemoved({ 'release-limit': '3', shard: '2/2' }));
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.result.reclaim.released).toEqual(['acme/gone-2']);
    expect(second.result.reclaim.released).toEqual(['acme/gone-1', 'acme/gone-3']);
  });
});

describe('one re-login at a time', () => {
  test('four page reads refused with 401 together: one login, also for the refusals that arrive after it', async () => {
    // Pages of one repository: after page 1, pages 2..5 go out together (four at a time).
    world = await startWorld({ pageCap: 1 });
    const { sim } = world;
    sim.addRepositories(world.orgId, 2, () => ({ isProtected: true }));
    const page = (r: RequestRecord) => (r.body as { page?: number } | undefined)?.page ?? 0;
    // Held until all four are in flight, all with the first token.
    const wave = sim.whenRequests((r) => r.path === REPOS && page(r) >= 2, 4);
    // Answered once a page read with another token came in: the first refused one, repeated after the re-login.
    const afterRelogin = wave.then(([first]) => sim.whenRequests((r) => r.path === REPOS && r.authorization !== first.authorization));
    sim.addFault({ path: REPOS }); // page 1: answered as usual
    sim.addFault({ path: REPOS, holdUntil: wave, revokeTokens: true }); // the first of the four: 401 at once
    sim.addFault({ path: REPOS, times: 3, holdUntil: afterRelogin }); // the other three: 401 after the re-login

    const run = await action(world, { repositories: '*', plan: '' });

    expect(errorLines(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
    const [first] = await wave;
    const refused = sim.requests.filter((r) => r.path === REPOS && r.status === 401);
    expect(refused).toHaveLength(4);
    expect(refused.every((r) => r.authorization === first.authorization)).toBe(true);
    expect(count(sim, '/account/login')).toBe(2);
    // Each refused page was read again, all with the one new token.
    const again = sim.requests.filter((r) => r.path === REPOS && page(r) >= 2 && r.status === 200);
    expect(again).toHaveLength(4);
    expect(new Set(again.map((r) => r.authorization)).size).toBe(1);
    expect(run.result.counts.matched).toBe(5);
  });
});
