/** The organization sweep end to end: the built action with `repositories`, against the simulator. */
import { afterEach, describe, expect, test } from '@jest/globals';
import { errorLines, runAction } from '../../testbed/harness.js';
import { count, startWorld, type World } from '../../testbed/fixtures.js';

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

const HOUR = 3600_000;

/** acme gets 12 unprotected services, 3 archives, and a GitLab-style subgroup; pages of 5. */
async function sweepWorld(options: Parameters<typeof startWorld>[0] = {}) {
  world = await startWorld({ pageCap: 5, ...options });
  const { sim, orgId } = world;
  for (let i = 0; i < 12; i++) sim.addRepository(orgId, { name: `acme/svc-${String(i).padStart(2, '0')}`, isProtected: false });
  for (const year of [2018, 2019, 2020]) sim.addRepository(orgId, { name: `acme/archive-${year}`, isProtected: false });
  sim.addRepository(orgId, { name: 'acme/team-a/api', isProtected: false });
  sim.addRepository(orgId, { name: 'acme/team-a/old', isProtected: false, isRemoved: true });
  return world;
}

async function sweep(w: World, inputs: Record<string, string>) {
  const run = await runAction({ ...w.inputs, ...inputs }, { env: { NODE_EXTRA_CA_CERTS: w.sim.caCertPath } });
  return { ...run, result: run.outputs.result ? JSON.parse(run.outputs.result) : undefined };
}

const svc = (w: World) => [...Array(12).keys()].map((i) => w.sim.repository(`acme/svc-${String(i).padStart(2, '0')}`)!);

describe('organization sweep', () => {
  test('patterns and exclusions: every match ends activated and attached, in few requests', async () => {
    const w = await sweepWorld();
    const run = await sweep(w, { repositories: 'svc-*, team-a/*\n!svc-1*' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = w.sim.plan('Nightly GitHub')!;
    const expected = [...svc(w).slice(0, 10), w.sim.repository('acme/team-a/api')!];
    for (const repo of expected) {
      expect(repo.isProtected).toBe(true);
      expect(plan.repositoryIds).toContain(repo.id);
    }
    for (const name of ['acme/svc-10', 'acme/svc-11', 'acme/archive-2019', 'acme/api']) {
      expect(w.sim.repository(name)!.isProtected).toBe(false);
    }
    expect(run.result.counts).toMatchObject({ matched: 11, activated: 11, attached: 11, failed: 0 });
    expect(run.outputs.changed).toBe('true');
    expect(run.outputs['repository-id']).toBe('');
    // 20 repositories in pages of 5: 4 list pages; 11 activations: one batch; 11 attachments, once each.
    expect(count(w.sim, '/git/repositories/getmany')).toBe(4);
    expect(count(w.sim, '/git/repositories/activate')).toBe(1);
    expect(count(w.sim, '/plans/attachgitrepository')).toBe(11);
    expect(count(w.sim, '/git/repositories/sync')).toBe(0);
    expect(count(w.sim, '/plans/modifygitplan')).toBe(0);
    expect(run.summary).toMatch(/\| Matched \| 11 \|/);
    expect(run.summary).toMatch(/\| acme\/svc-00 \| activated, attached \|/);
  });

  test('an idempotent second sweep makes no changing call', async () => {
    const w = await sweepWorld();
    expect((await sweep(w, { repositories: '**' })).code).toBe(0);
    w.sim.resetLog();
    const again = await sweep(w, { repositories: '**' });
    expect(again.code).toBe(0);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(again.outputs.changed).toBe('false');
    // 19 live repositories; the removed acme/team-a/old is not one of them.
    expect(again.result.counts).toMatchObject({ matched: 19, alreadyProtected: 19, activated: 0, attached: 0 });
  });

  test('a dry run lists what would change and changes nothing', async () => {
    const w = await sweepWorld();
    const run = await sweep(w, { repositories: 'svc-*', 'dry-run': 'true' });
    expect(run.code).toBe(0);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(run.result.counts).toMatchObject({ matched: 12, wouldActivate: 12, wouldAttach: 12 });
    expect(run.summary).toMatch(/\| acme\/svc-05 \| would-activate, would-attach \|/);
    // Nothing was changed because it was a dry run, not because all was in place.
    expect(run.summary).toMatch(/\| Status \| ⚠️ not fully protected yet: the dry run lists what would change \|/);
    expect(run.summary).not.toMatch(/no change needed/);
  });

  test('a partial license shortage: the rest are done, the shortfall reported with LI5020, exit 1', async () => {
    const w = await sweepWorld({ licenses: 5 });
    const run = await sweep(w, { repositories: 'svc-*' });
    expect(run.code).toBe(1);
    expect(svc(w).filter((repo) => repo.isProtected)).toHaveLength(5);
    // Unlicensed repositories are still attached: they are backed up as soon as a license is freed.
    const plan = w.sim.plan('Nightly GitHub')!;
    for (const repo of svc(w)) expect(plan.repositoryIds).toContain(repo.id);
    expect(run.result.counts).toMatchObject({ matched: 12, activated: 5, attached: 12, failed: 7 });
    const errors = errorLines(run.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^7 of 12 repositories failed: 7 × activation LI5020 \(no free license/);
    expect(run.summary).toMatch(/activation: LI5020/);
  });

  test('faults mid-sweep are survived', async () => {
    const w = await sweepWorld();
    w.sim.addFault({ path: '/git/repositories/getmany', status: 503, retryAfter: 0, times: 2 });
    w.sim.addFault({ path: '/git/repositories/activate', drop: true, afterApply: true });
    w.sim.addFault({ path: '/plans/attachgitrepository', status: 502, retryAfter: 0, times: 3 });
    w.sim.addFault({ path: '/plans/attachgitrepository', drop: true });
    const run = await sweep(w, { repositories: 'svc-*' });
    expect(run.code).toBe(0);
    for (const repo of svc(w)) expect(repo.isProtected).toBe(true);
    expect(run.result.counts).toMatchObject({ activated: 12, attached: 12, failed: 0 });
    expect(w.sim.freeLicenses).toBe(1000 - 12);
  });

  test('a name given without a wildcard that is unknown triggers one synchronization', async () => {
    const w = await sweepWorld();
    w.sim.addRepository(w.orgId, { name: 'acme/brand-new', isProtected: false, pendingSync: true });
    const run = await sweep(w, { repositories: 'brand-new, svc-0*' });
    expect(run.code).toBe(0);
    expect(count(w.sim, '/git/repositories/sync')).toBe(1);
    expect(w.sim.repository('acme/brand-new')!.isProtected).toBe(true);
    expect(run.result).toMatchObject({ synchronization: 'synchronized', notFound: [] });
  });

  test('a name that stays unknown fails the run after the others are done', async () => {
    const w = await sweepWorld();
    const run = await sweep(w, { repositories: 'ghost, svc-00' });
    expect(run.code).toBe(1);
    expect(run.outputs.failure).toBe('error'); // a name it cannot find: it could not do its work
    expect(w.sim.repository('acme/svc-00')!.isProtected).toBe(true);
    expect(errorLines(run.stdout)[0]).toMatch(/Not found in organization 'acme': acme\/ghost/);
  });

  test('check mode audits: zero changing calls, fails listing what is missing', async () => {
    const w = await sweepWorld();
    const run = await sweep(w, { repositories: 'svc-0*', mode: 'check' });
    expect(run.code).toBe(1);
    expect(run.outputs.failure).toBe('non-compliant');
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(errorLines(run.stdout)[0]).toMatch(
      /10 of 10 repositories are not fully protected \(10 without a license, 10 not attached to plan 'Nightly GitHub'\)/,
    );
  });

  test('max-backup-age reports stale and never-backed-up repositories', async () => {
    const w = await sweepWorld();
    const now = Date.now();
    const [fresh, stale] = svc(w);
    fresh.lastSuccessfulBackup = now - 2 * HOUR;
    stale.lastSuccessfulBackup = now - 50 * HOUR;
    const run = await sweep(w, { repositories: 'svc-00, svc-01, svc-02', 'max-backup-age': '24h' });
    expect(run.code).toBe(1);
    expect(run.result.counts.stale).toBe(2);
    expect(errorLines(run.stdout).at(-1)).toMatch(/2 of 3 repositories have no successful backup within the limit/);
    expect(run.summary).toMatch(
      /acme\/svc-01 \| activated, attached, stale \| 'acme\/svc-01': last successful backup 2 days 2 hours ago, limit 1 day/,
    );
    expect(run.summary).toMatch(/acme\/svc-02.*has never been backed up successfully/);
  });
});
