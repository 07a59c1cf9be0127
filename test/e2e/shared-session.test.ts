/**
 * The broker's shared session (src/xopero/shared-session.ts) under a burst, against the HTTPS simulator: many
 * single-repository runs of the core at once, each with its own client, and the requests Xopero ONE receives
 * bounded by the organization, not by the number of callers. The session's clock is a fake one the tests move,
 * so "fresh" and "stale" are decided by the test, never by how busy the machine is.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { READ_MAX_AGE_MS, REFRESH_AHEAD_MS, SharedSession, type SessionTuning } from '../../src/xopero/shared-session.js';
import { BURST_ORGANIZATION, BURST_PLAN, burstClients, protectAll, seedBurstOrganization, type BurstClients } from '../../testbed/burst.js';
import { EMAIL, PASSWORD } from '../../testbed/fixtures.js';
import { planMembership } from '../../src/core/lookup.js';
import { Simulator, type SimRepo } from '../../testbed/simulator/index.js';

let sim: Simulator | undefined;
let clients: BurstClients | undefined;

afterEach(async () => {
  await clients?.transport.destroy();
  await sim?.stop();
  sim = undefined;
  clients = undefined;
});

/** A clock that stands still until the test moves it. */
function fakeClock() {
  let now = Date.parse('2026-12-07T09:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const USERS = [{ email: EMAIL, password: PASSWORD, roles: ['SystemAdministrator', 'GitManagement'] }];

/**
 * The simulator with the burst organization (`size` repositories, `targets` of them neither activated nor
 * attached; `before` adds more before it starts), a session on a fake clock, and the clients of its runs
 * (email and password: one sign-in for all). The default activation window is longer than any test: batches
 * then go out when they hold 100 ids, so their count is exact.
 */
async function burstWorld(
  size: number,
  targets: number,
  { session = {}, before }: { session?: Partial<SessionTuning>; before?: (s: Simulator) => void } = {},
) {
  sim = new Simulator({ syncDurationMs: 200, users: USERS });
  const seeded = seedBurstOrganization(sim, size, targets);
  before?.(sim);
  await sim.start();
  const clock = fakeClock();
  clients = burstClients(
    sim,
    { kind: 'password', email: EMAIL, password: PASSWORD },
    new SharedSession({ now: clock.now, activationWindowMs: 60_000, ...session }),
  );
  return { sim, clients, clock, ...seeded, names: seeded.targets.map((repo) => repo.name) };
}

/** The burst world after a first burst over its targets, with the request log emptied. */
async function afterFirstBurst(size: number, targets: number) {
  const w = await burstWorld(size, targets);
  await protectAll(w.clients, w.names);
  w.sim.resetLog();
  return w;
}

const byPath = (s: Simulator) => {
  const counts: Record<string, number> = {};
  for (const request of s.requests) counts[request.path] = (counts[request.path] ?? 0) + 1;
  return counts;
};

function expectProtectedAndAttached(s: Simulator, repos: SimRepo[]): void {
  const plan = s.plan(BURST_PLAN)!;
  expect(repos.filter((repo) => !s.repository(repo.id)!.isProtected).map((repo) => repo.name)).toEqual([]);
  expect(repos.filter((repo) => !plan.repositoryIds.includes(repo.id)).map((repo) => repo.name)).toEqual([]);
  expect(new Set(plan.repositoryIds).size).toBe(plan.repositoryIds.length);
}

describe('a burst of runs for distinct repositories', () => {
  test('200 runs at once: one login, one listing, one membership read, full activation batches, one attachment each', async () => {
    const w = await burstWorld(1_000, 200);
    const runs = await protectAll(w.clients, w.names);

    expect(runs.filter((run) => run.error).map((run) => String(run.error))).toEqual([]);
    for (const run of runs) {
      expect(run.result).toMatchObject({ activation: 'activated', attachment: 'attached', changed: true, problems: [] });
    }
    expectProtectedAndAttached(w.sim, w.targets);
    expect(byPath(w.sim)).toEqual({
      '/account/login': 1,
      '/git/organizations/getmany': 1,
      '/git/repositories/getmany': 10, // 1,000 repositories, 100 a page (the server's cap)
      '/plans/listassignedtoorganization': 1,
      '/git/repositories/activate': 2,
      '/plans/attachgitrepository': 200,
    });
    // Each request is counted on exactly one caller: the counts add up to what the server received.
    expect(runs.reduce((sum, run) => sum + run.requests.total, 0)).toBe(w.sim.requests.length);
  });

  test('each caller gets its own ids of a shared activation: a refused one fails alone', async () => {
    // 30 ids never fill a batch: the window sends them, in one call or two (when the window closes mid-burst).
    const w = await burstWorld(300, 30, { session: { activationWindowMs: 50 } });
    const refused = w.targets[7];
    w.sim.rejectRepository(refused.name, { activation: 'LI5020' });
    const runs = await protectAll(w.clients, w.names);

    const failed = runs.filter((run) => run.result?.activation === 'failed');
    expect(failed.map((run) => run.name)).toEqual([refused.name]);
    expect(failed[0].result?.problems.join(' ')).toMatch(/License activation of '.+' failed: .*LI5020/);
    expect(runs.filter((run) => run.result?.activation === 'activated')).toHaveLength(29);
    // Still attached: it is backed up once a license is free.
    expect(runs.every((run) => run.result?.attachment === 'attached')).toBe(true);
    const activations = w.sim.requests.filter((r) => r.path === '/git/repositories/activate');
    expect(activations.length).toBeLessThanOrEqual(2);
    expect(activations.flatMap((r) => (r.body as { Ids: string[] }).Ids).sort()).toEqual(w.targets.map((repo) => repo.id).sort());
  });
});

describe('plan membership under a burst', () => {
  test('every plan a caller is served answers membership as its own list says, before and after attachments', async () => {
    // A first burst over half the targets (a full activation batch); the other half is in no plan yet.
    const w = await burstWorld(300, 200);
    await protectAll(w.clients, w.names.slice(0, 100));
    const caller = w.clients.session.caller(w.clients.client());
    const organization = (await caller.listOrganizations()).find((org) => org.name === BURST_ORGANIZATION)!;
    const planId = organization.plans!.find((plan) => plan.name === BURST_PLAN)!.id;
    const [read] = await caller.listAssignedPlans(organization.id);
    const others = w.targets.slice(100);
    expect(others.filter((repo) => read.repositoryIds.includes(repo.id))).toEqual([]);
    // Confirmed attachments after the read: each caller gets a plan with its list and a lookup agreeing with it.
    for (const repo of others.slice(0, 3)) await caller.attach(planId, repo.id);
    const next = w.clients.session.caller(w.clients.client());
    const [plan] = await next.listAssignedPlans(organization.id);
    expect(plan.repositoryIds).toHaveLength(read.repositoryIds.length + 3);
    const isMember = planMembership([plan], planId);
    for (const repo of w.all) expect(isMember(repo.id.toUpperCase())).toBe(plan.repositoryIds.includes(repo.id));
    // The plan served before the attachments still says what its own list says.
    const wasMember = planMembership([read], planId);
    for (const repo of others.slice(0, 3)) expect(wasMember(repo.id)).toBe(false);
  });
});

describe('the same runs again', () => {
  test('within the freshness bound: answered from what the first burst read and changed, no request at all', async () => {
    const w = await afterFirstBurst(1_000, 100);

    w.clock.advance(REFRESH_AHEAD_MS);
    const again = await protectAll(w.clients, w.names);

    expect(w.sim.requests).toEqual([]);
    for (const run of again) expect(run.result).toMatchObject({ activation: 'already', attachment: 'already', changed: false });
  });

  test('near the bound: answered at once from the reads, which are renewed once in the background', async () => {
    const w = await afterFirstBurst(1_000, 100);

    w.clock.advance(READ_MAX_AGE_MS);
    const again = await protectAll(w.clients, w.names);
    for (const run of again) expect(run.result).toMatchObject({ activation: 'already', attachment: 'already', changed: false });
    // The renewal runs on after the answers; it is over once all 12 of its requests are answered.
    while (w.sim.requests.length < 12 || w.sim.requests.some((r) => r.endedAt === 0)) await new Promise((r) => setTimeout(r, 5));

    expect(byPath(w.sim)).toEqual({
      '/git/organizations/getmany': 1,
      '/git/repositories/getmany': 10,
      '/plans/listassignedtoorganization': 1,
    });
  });

  test('past the bound: one read of each kind for all of them, nothing changed', async () => {
    const w = await afterFirstBurst(1_000, 100);

    w.clock.advance(READ_MAX_AGE_MS + 1);
    const again = await protectAll(w.clients, w.names);

    expect(byPath(w.sim)).toEqual({
      '/git/organizations/getmany': 1,
      '/git/repositories/getmany': 10,
      '/plans/listassignedtoorganization': 1,
    });
    for (const run of again) expect(run.result).toMatchObject({ activation: 'already', attachment: 'already', changed: false });
  });

  test('a token revoked under the burst: one login again for all of them', async () => {
    const w = await afterFirstBurst(1_000, 100);

    w.clock.advance(READ_MAX_AGE_MS + 1);
    w.sim.revokeAllTokens();
    const again = await protectAll(w.clients, w.names);

    expect(again.filter((run) => run.error)).toEqual([]);
    expect(byPath(w.sim)['/account/login']).toBe(1);
    expect(w.sim.mutatingRequests()).toEqual([]);
  });

  test('a change made behind the session shows once the bound has passed, not before', async () => {
    const w = await burstWorld(100, 10, { session: { activationWindowMs: 10 } });
    const name = w.names[0];
    await protectAll(w.clients, [name]);
    // Someone detaches it in Xopero ONE.
    w.sim.plan(BURST_PLAN)!.repositoryIds = w.sim.plan(BURST_PLAN)!.repositoryIds.filter((id) => id !== w.targets[0].id);

    const [cached] = await protectAll(w.clients, [name]);
    expect(cached.result?.attachment).toBe('already');

    w.clock.advance(READ_MAX_AGE_MS + 1);
    const [fresh] = await protectAll(w.clients, [name]);
    expect(fresh.result?.attachment).toBe('attached');
    expect(w.sim.plan(BURST_PLAN)!.repositoryIds).toContain(w.targets[0].id);
  });
});

describe('repositories Xopero ONE does not know yet', () => {
  test('20 runs waiting for 20 new repositories share one synchronization', async () => {
    let fresh: SimRepo[] = [];
    const w = await burstWorld(100, 1, {
      session: { activationWindowMs: 20, syncWindowMs: 200 },
      before: (s) => {
        fresh = Array.from({ length: 20 }, (_, i) =>
          s.addRepository(BURST_ORGANIZATION, { name: `${BURST_ORGANIZATION}/new-${i}`, isProtected: false, pendingSync: true }),
        );
      },
    });
    const runs = await protectAll(
      w.clients,
      fresh.map((repo) => repo.name),
    );

    expect(runs.filter((run) => run.error).map((run) => String(run.error))).toEqual([]);
    for (const run of runs) {
      expect(run.result).toMatchObject({ synchronization: 'synchronized', activation: 'activated', attachment: 'attached' });
    }
    expect(byPath(w.sim)['/git/repositories/sync']).toBe(1);
    expectProtectedAndAttached(w.sim, fresh);
  });
});
