/** Backup status and the gate on it (single repository), end to end: zero extra requests. */
import { afterEach, describe, expect, test } from '@jest/globals';
import { staleBackupProblem } from '../../src/core/backup.js';
import { PASSWORD } from '../../testbed/fixtures.js';
import { errorLines, runAction } from '../../testbed/harness.js';
import { count, startWorld, type World } from '../../testbed/fixtures.js';

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

const HOUR = 3600_000;

/** acme/api protected and attached, with the given backup times. */
async function protectedWorld(times: { lastBackup?: number; lastSuccessfulBackup?: number; nextBackup?: number }) {
  world = await startWorld();
  const repo = world.sim.repository('acme/api')!;
  Object.assign(repo, { isProtected: true, lastBackup: 0, lastSuccessfulBackup: 0, nextBackup: 0, ...times });
  world.sim.plan('Nightly GitHub')!.repositoryIds.push(repo.id);
  return world;
}

const run = (w: World, inputs: Record<string, string>) =>
  runAction({ ...w.inputs, ...inputs }, { env: { NODE_EXTRA_CA_CERTS: w.sim.caCertPath } });

describe('backup status', () => {
  test('a fresh backup passes; outputs carry the server timestamps exactly; no extra request', async () => {
    const now = Date.now();
    const times = { lastBackup: now - 1 * HOUR, lastSuccessfulBackup: now - 3 * HOUR, nextBackup: now + 5 * HOUR };
    const w = await protectedWorld(times);
    const result = await run(w, { 'max-backup-age': '24h' });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({
      'last-backup': new Date(times.lastBackup).toISOString(),
      'last-successful-backup': new Date(times.lastSuccessfulBackup).toISOString(),
      'next-backup': new Date(times.nextBackup).toISOString(),
    });
    const age = Number(result.outputs['backup-age']);
    expect(age).toBeGreaterThanOrEqual(3 * 3600);
    expect(age).toBeLessThan(3 * 3600 + 60);
    expect(JSON.parse(result.outputs.result).backup.plan.lastStatus).toEqual({ successes: 0, warnings: 0, errors: 0 });
    // The re-run's request count is unchanged by the gate: 4, none changing anything.
    expect(w.sim.requests).toHaveLength(4);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(result.summary).toMatch(/\| Last successful backup \| \d{4}-\d\d-\d\d \d\d:\d\d UTC \(3 hours ago\) \|/);
    expect(result.summary).toMatch(/\| Next backup \| .* \(in (4 hours 59 minutes|5 hours)\) \|/);
  });

  test('a stale backup fails with its age in words, and changes nothing', async () => {
    const now = Date.now();
    const next = Date.UTC(2026, 10, 27, 2, 0);
    const w = await protectedWorld({ lastBackup: now - HOUR, lastSuccessfulBackup: now - (51 * HOUR + 5 * 60_000), nextBackup: next });
    const result = await run(w, { 'max-backup-age': '24h' });
    expect(result.code).toBe(1);
    expect(errorLines(result.stdout)).toEqual([
      "'acme/api': last successful backup 2 days 3 hours ago, limit 1 day; next backup scheduled 2026-11-27 02:00 UTC.",
    ]);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
  });

  test('a repository never backed up fails', async () => {
    const w = await protectedWorld({});
    const result = await run(w, { 'max-backup-age': '7d' });
    expect(result.code).toBe(1);
    expect(errorLines(result.stdout)[0]).toBe("'acme/api' has never been backed up successfully (limit 7 days); no backup is scheduled.");
    expect(result.outputs['backup-age']).toBe('');
    expect(result.outputs['last-successful-backup']).toBe('');
    expect(w.sim.mutatingRequests()).toHaveLength(0);
  });

  test('a bad duration is an input error before any request', async () => {
    const w = await protectedWorld({});
    const result = await run(w, { 'max-backup-age': 'a week' });
    expect(result.code).toBe(1);
    expect(errorLines(result.stdout)[0]).toMatch(/^Input 'max-backup-age': expected a duration/);
    expect(w.sim.requests).toHaveLength(0);
  });
});

describe('mode: check', () => {
  test('a protected and attached repository passes, with a read-only account and zero changing calls', async () => {
    const w = await protectedWorld({ lastSuccessfulBackup: Date.now() - HOUR });
    const result = await run(w, { mode: 'check', email: 'reader@example.com', password: PASSWORD, 'max-backup-age': '1d' });
    expect(result.code).toBe(0);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(result.summary).toMatch(/Xopero ONE protection check/);
  });

  test('an unprotected repository fails with the list of what is missing, and nothing changes', async () => {
    world = await startWorld();
    const result = await run(world, { mode: 'check', email: 'reader@example.com', sync: 'always' });
    expect(result.code).toBe(1);
    expect(errorLines(result.stdout)).toEqual([
      "'acme/api' is not license-activated and not attached to plan 'Nightly GitHub' (mode: check changes nothing; run with mode: ensure to fix it).",
    ]);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
    expect(world.sim.repository('acme/api')!.isProtected).toBe(false);
  });

  test('an unknown repository fails without a synchronization', async () => {
    world = await startWorld();
    world.sim.addRepository(world.orgId, { name: 'acme/new-service', pendingSync: true });
    const result = await runAction(
      { ...world.inputs, mode: 'check' },
      { repository: 'acme/new-service', env: { NODE_EXTRA_CA_CERTS: world.sim.caCertPath } },
    );
    expect(result.code).toBe(1);
    expect(errorLines(result.stdout)[0]).toMatch(/'acme\/new-service' is not known to Xopero ONE in organization 'acme'.*mode: ensure/);
    expect(count(world.sim, '/git/repositories/sync')).toBe(0);
  });
});

test('the stale message reads as a person writes it', () => {
  const status = { lastBackup: '', lastSuccessfulBackup: '', nextBackup: '2026-11-27T02:00:00.000Z', ageSeconds: 90 * 60 };
  expect(staleBackupProblem('acme/api', status, 3600)).toBe(
    "'acme/api': last successful backup 1 hour 30 minutes ago, limit 1 hour; next backup scheduled 2026-11-27 02:00 UTC.",
  );
  expect(staleBackupProblem('acme/api', status, 7200)).toBeUndefined();
});
