// Tests of the API simulator itself, through real HTTPS requests, so the client's tests can trust it.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { ensureCertificates, seedDemo, Simulator } from '../../testbed/simulator/index.js';
import type { SimulatorOptions } from '../../testbed/simulator/index.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON; the assertions check its shape
  body: any;
}

interface Harness {
  sim: Simulator;
  agent: Agent;
  post(path: string, body?: unknown, options?: { token?: string; agent?: Agent; headers?: Record<string, string> }): Promise<Answer>;
  login(): Promise<string>;
}

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const running: Harness[] = [];

afterEach(async () => {
  for (const { sim, agent } of running.splice(0)) {
    await agent.close();
    await sim.stop();
  }
});

async function launch(options: SimulatorOptions = {}): Promise<Harness> {
  const sim = new Simulator(options);
  await sim.start();
  const agent = newAgent(sim);
  const harness: Harness = {
    sim,
    agent,
    async post(path, body, { token, agent: via = agent, headers = {} } = {}) {
      const response = await request(`${sim.url}${path}`, {
        method: 'POST',
        dispatcher: via,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const raw = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: raw ? JSON.parse(raw) : undefined };
    },
    async login() {
      const answer = await harness.post('/account/login', { ...ADMIN, rememberMe: true });
      expect(answer.status).toBe(200);
      return answer.body.accessToken as string;
    },
  };
  running.push(harness);
  return harness;
}

function newAgent(sim: Simulator, connections?: number): Agent {
  return new Agent({ connect: { ca: sim.caCert }, connections });
}

/** An organization 'acme' with plan 'Nightly' and repositories, for the tests that need a little state. */
function seed(sim: Simulator, repos: string[] = ['acme/api', 'acme/web']) {
  const org = sim.addOrganization({ name: 'acme' });
  const plan = sim.addPlan(org.id, { name: 'Nightly' });
  const repositories = repos.map((name) => sim.addRepository(org.id, { name }));
  return { org, plan, repositories };
}

function listRepositories(h: Harness, token: string, orgId: string, extra: object = {}) {
  return h.post('/git/repositories/getmany', { id: orgId, limit: 100, page: 1, ...extra }, { token });
}

function names(answer: Answer): string[] {
  return answer.body.result.repositories.map((r: { name: string }) => r.name);
}

describe('authentication', () => {
  test('login answers a long opaque token, and refuses bad or missing credentials', async () => {
    const h = await launch();
    const good = await h.post('/account/login', { email: 'ADMIN@example.com', password: ADMIN.password, rememberMe: true });
    expect(good.status).toBe(200);
    expect(good.body.userId).toEqual(expect.any(String));
    expect(good.body.accessToken.length).toBeGreaterThanOrEqual(100);

    const bad = await h.post('/account/login', { email: ADMIN.email, password: 'wrong' });
    expect(bad).toMatchObject({ status: 401, body: { errorCode: 'AU1001', message: 'Invalid email or password.' } });
    const missing = await h.post('/account/login', { email: ADMIN.email });
    expect(missing).toMatchObject({ status: 400, body: { errorCode: 'AU1000' } });
    const malformed = await h.post('/account/login', '{"email":');
    expect(malformed).toMatchObject({ status: 400, body: { errorCode: 'GN0400' } });
    expect(malformed.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  test('other endpoints need a live bearer token; revoking tokens forces a new login', async () => {
    const h = await launch();
    const { org } = seed(h.sim);
    const anonymous = await h.post('/git/organizations/getmany', {});
    expect(anonymous).toMatchObject({ status: 401, body: { errorCode: 'AU1401', message: 'Unauthorized' } });
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect((await h.post('/git/organizations/getmany', {}, { token: 'forged' })).status).toBe(401);

    const token = await h.login();
    expect((await listRepositories(h, token, org.id)).status).toBe(200);
    h.sim.revokeAllTokens();
    expect((await listRepositories(h, token, org.id)).status).toBe(401);
    expect((await listRepositories(h, await h.login(), org.id)).status).toBe(200);
  });

  test('every call needs System Administrator; activate, deactivate and remove also DataRemoveManagement or GitManagement', async () => {
    // As the vendor documents it (overview-and-authentication.md, and the three calls' hints); no other role.
    const h = await launch({
      users: [
        { email: 'admin@example.com', password: 'a', roles: ['SystemAdministrator'] },
        { email: 'remover@example.com', password: 'd', roles: ['SystemAdministrator', 'DataRemoveManagement'] },
        { email: 'git@example.com', password: 'g', roles: ['GitManagement'] },
      ],
    });
    const { org, plan, repositories } = seed(h.sim);
    const admin = h.sim.issueToken('admin@example.com');
    const remover = h.sim.issueToken('remover@example.com');
    const notAdmin = h.sim.issueToken('git@example.com');
    expect((await listRepositories(h, admin, org.id)).status).toBe(200);
    expect(await listRepositories(h, notAdmin, org.id)).toMatchObject({
      status: 403,
      body: { errorCode: 'AU1403', message: 'The account lacks the SystemAdministrator role.' },
    });
    const attach = await h.post('/plans/attachgitrepository', { planid: plan.id, repositoryid: repositories[0]!.id }, { token: admin });
    expect(attach.status).toBe(200);
    expect((await h.post('/git/repositories/sync', { id: org.id }, { token: admin })).status).toBe(200);
    for (const path of ['/git/repositories/activate', '/git/repositories/deactivate']) {
      expect(await h.post(path, { Ids: [] }, { token: admin })).toMatchObject({
        status: 403,
        body: { errorCode: 'AU1403', message: 'The account lacks the DataRemoveManagement or GitManagement role.' },
      });
      expect((await h.post(path, { Ids: [] }, { token: remover })).status).toBe(200);
    }
    expect((await h.post('/git/repositories/activate', { Ids: [] }, { token: notAdmin })).status).toBe(403);
  });
});

describe('routing and binding', () => {
  test('paths are case-insensitive, other methods get 405, unknown paths 404, non-JSON bodies 415', async () => {
    const h = await launch();
    const token = await h.login();
    const get = await request(`${h.sim.url}/git/organizations/getmany`, { dispatcher: h.agent });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    await get.body.text();
    expect(await h.post('/git/nothing', {}, { token })).toMatchObject({
      status: 404,
      body: { errorCode: 'GN0404', message: 'Not found' },
    });
    expect((await h.post('/Git/Organizations/GetMany', {}, { token })).status).toBe(200);
    const form = await h.post('/git/organizations/getmany', '{}', { token, headers: { 'content-type': 'text/plain' } });
    expect(form).toMatchObject({ status: 415, body: { errorCode: 'GN0415' } });
  });

  test('JSON keys are matched case-insensitively at every level', async () => {
    const h = await launch();
    const token = await h.login();
    const { org, plan, repositories } = seed(h.sim, ['acme/api', 'acme/api-gateway', 'acme/web']);
    const attach = await h.post(
      '/Plans/AttachGitRepository',
      { PlanId: plan.id.toUpperCase(), RepositoryID: repositories[0]!.id },
      { token },
    );
    expect(attach.status).toBe(200);
    expect(attach.body).toBeUndefined();
    expect(h.sim.plan('Nightly')!.repositoryIds).toEqual([repositories[0]!.id]);

    const listed = await h.post(
      '/git/repositories/getmany',
      { ID: org.id, LIMIT: 1, Page: 2, FILTERS: [{ PROPERTY: 'name', OPERATOR: 'contains', VALUE: 'api' }] },
      { token },
    );
    expect(listed.body).toMatchObject({ currentPage: 2, pageCount: 2, totalEntries: 2 });
    expect(names(listed)).toEqual(['acme/api-gateway']);
  });
});

describe('listings', () => {
  test('the page size is silently capped at pageCap and paging follows pageCount', async () => {
    const h = await launch({ pageCap: 100 });
    const token = await h.login();
    const org = h.sim.addOrganization({ name: 'big' });
    h.sim.addRepositories(org.id, 250, (i) => ({ name: `big/r${String(i).padStart(3, '0')}` }));

    const first = await listRepositories(h, token, org.id, { limit: 1000 });
    expect(first.body).toMatchObject({ currentPage: 1, pageCount: 3, totalEntries: 250 });
    expect(first.body.result.repositories).toHaveLength(100);
    const last = await listRepositories(h, token, org.id, { limit: 1000, page: 3 });
    expect(names(last)).toHaveLength(50);
    expect(names(last)[49]).toBe('big/r249');
    const beyond = await listRepositories(h, token, org.id, { limit: 1000, page: 4 });
    expect(beyond.body).toMatchObject({ currentPage: 4, pageCount: 3, totalEntries: 250 });
    expect(beyond.body.result.repositories).toEqual([]);
    const byDefault = await h.post('/git/repositories/getmany', { id: org.id }, { token });
    expect(byDefault.body.result.repositories).toHaveLength(20);
  });

  test('a Name filter is applied as a substring match; flags are honoured; ignore mode drops filters', async () => {
    const h = await launch();
    const token = await h.login();
    const { org } = seed(h.sim, ['acme/api', 'acme/API-gateway', 'acme/web']);
    h.sim.addRepository(org.id, { name: 'acme/old-api', isRemoved: true });
    const nameIs = (value: string) => ({ filters: [{ property: 'Name', operator: 'eq', value }] });

    expect(names(await listRepositories(h, token, org.id, nameIs('acme/api')))).toEqual(['acme/api', 'acme/API-gateway']);
    const removed = await listRepositories(h, token, org.id, {
      filters: [{ property: 'IsRemoved', operator: 'eq', value: true }],
    });
    expect(names(removed)).toEqual(['acme/old-api']);
    expect(removed.body.result.removedRepositories).toBe(1);

    h.sim.filterMode = 'ignore';
    expect(names(await listRepositories(h, token, org.id, nameIs('acme/api')))).toHaveLength(4);
  });

  test('organizations list their plans, with repoCount following attachments', async () => {
    const h = await launch();
    const token = await h.login();
    const { org, plan, repositories } = seed(h.sim);
    h.sim.addOrganization({ name: 'Zeta' });
    h.sim.addOrganization({ name: 'beta' });
    await h.post('/plans/attachgitrepository', { planid: plan.id, repositoryid: repositories[1]!.id }, { token });

    const listed = await h.post('/git/organizations/getmany', { limit: 2, orderby: 'Name', ordertype: 'asc', Page: 1 }, { token });
    expect(listed.body).toMatchObject({ currentPage: 1, pageCount: 2, totalEntries: 3 });
    expect(listed.body.result.map((o: { name: string }) => o.name)).toEqual(['acme', 'beta']);
    expect(listed.body.result[0]).toEqual({
      id: org.id,
      driver: 1,
      name: 'acme',
      apiUrl: null,
      isReadOnly: false,
      protectedRepositories: 2,
      totalRepositories: 2,
      missingLicences: 0,
      removedRepositories: 0,
      defaultWorkerId: expect.any(String),
      isCreatedByMarketplace: false,
      synchronizationInProgress: false,
      plans: [
        {
          id: plan.id,
          name: 'Nightly',
          backupType: 5,
          includeMetadata: true,
          repoCount: 1,
          lastStatus: { successes: 0, warnings: 0, errors: 0 },
          planFinishedTime: 0,
          isRunning: false,
        },
      ],
    });
    const descending = await h.post('/git/organizations/getmany', { orderby: 'Name', ordertype: 'desc' }, { token });
    expect(descending.body.result.map((o: { name: string }) => o.name)).toEqual(['Zeta', 'beta', 'acme']);
  });

  test('listassignedtoorganization lists only plans that have repositories', async () => {
    const h = await launch();
    const token = await h.login();
    const demo = seedDemo(h.sim);
    const listed = await h.post('/plans/listassignedtoorganization', { organizationid: demo.acme.id, limit: 10, page: 1 }, { token });
    expect(listed.body).toEqual({
      currentPage: 1,
      pageCount: 1,
      totalEntries: 1,
      result: [
        { id: demo.plans.nightly.id, name: 'Nightly GitHub', includeAllRepositories: false, repositoryIds: [demo.repositories.api.id] },
      ],
    });
    const unknown = await h.post('/plans/listassignedtoorganization', { organizationid: 'nope' }, { token });
    expect(unknown).toMatchObject({ status: 404, body: { errorCode: 'GT2004' } });
  });

  test('10,000 repositories are seeded and paged quickly', async () => {
    const h = await launch();
    const token = await h.login();
    const org = h.sim.addOrganization({ name: 'huge' });
    // CPU time, not wall time: other processes on a busy machine stretch the wall clock, not the work done
    // here. Seeding in linear time takes tens of ms; a quadratic one would take far more than the second allowed.
    const before = process.cpuUsage();
    h.sim.addRepositories(org.id, 10_000, (i) => ({ isProtected: i % 2 === 0 }));
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
    const page = await listRepositories(h, token, org.id, { page: 100 });
    expect(page.body).toMatchObject({ pageCount: 100, totalEntries: 10_000 });
    expect(names(page)[99]).toBe('huge/repo-09999');
    expect(h.sim.repository('huge/repo-04242')!.isProtected).toBe(true);
  });
});

describe('synchronization', () => {
  test('a pending repository appears only after a sync has run for syncDurationMs', async () => {
    // Far longer than the calls below can take on any machine: the sync is ended by the test (below), not by
    // a race between the clock and a busy scheduler.
    const h = await launch({ syncDurationMs: 600_000 });
    const token = await h.login();
    const { org, plan } = seed(h.sim);
    const fresh = h.sim.addRepository(org.id, { name: 'acme/new-service', pendingSync: true });

    expect(names(await listRepositories(h, token, org.id))).not.toContain('acme/new-service');
    const early = await h.post('/plans/attachgitrepository', { planid: plan.id, repositoryid: fresh.id }, { token });
    expect(early).toMatchObject({ status: 404, body: { errorCode: 'GT1004', message: 'Repository not found' } });

    const sync = await h.post('/git/repositories/sync', { id: org.id }, { token });
    expect(sync).toMatchObject({ status: 200, body: undefined });
    const endsAt = h.sim.organization('acme')!.syncEndsAt;
    const during = await listRepositories(h, token, org.id);
    expect(during.body.result.synchronizationInProgress).toBe(true);
    expect(names(during)).not.toContain('acme/new-service');
    await h.post('/git/repositories/sync', { id: org.id }, { token });
    expect(h.sim.organization('acme')!.syncEndsAt).toBe(endsAt); // not restarted

    expect(endsAt! - Date.now()).toBeGreaterThan(500_000); // it ends syncDurationMs after it started
    // The time passes: the simulator settles a sync whose end is due at the next read.
    h.sim.organization('acme')!.syncEndsAt = Date.now();
    const after = await listRepositories(h, token, org.id);
    expect(after.body.result.synchronizationInProgress).toBe(false);
    expect(names(after)).toContain('acme/new-service');
    expect((await h.post('/git/repositories/sync', { id: 'nope' }, { token })).body).toMatchObject({ errorCode: 'GT2004' });
  });
});

describe('licenses and plans', () => {
  test('activation reports LI5020 per id once licenses run out; deactivation frees them', async () => {
    const h = await launch({ licenses: 2 });
    const token = await h.login();
    const org = h.sim.addOrganization({ name: 'acme' });
    const [a, b, c] = h.sim.addRepositories(org.id, 3, () => ({ isProtected: false }));
    const held = h.sim.addRepository(org.id, { name: 'acme/held', isProtected: true });

    const activated = await h.post('/git/repositories/activate', { Ids: [a!.id, b!.id, c!.id, held.id, 'unknown'] }, { token });
    expect(activated).toMatchObject({ status: 200 });
    expect(activated.body).toEqual({
      success: [a!.id, b!.id, held.id],
      error: [
        { id: c!.id, errorCode: 'LI5020' },
        { id: 'unknown', errorCode: 'GT1001' },
      ],
    });
    expect(h.sim.freeLicenses).toBe(0);

    const deactivated = await h.post('/git/repositories/deactivate', { ids: [a!.id] }, { token });
    expect(deactivated.body).toEqual({ success: [a!.id], error: [] });
    expect(h.sim.freeLicenses).toBe(1);
    expect((await h.post('/git/repositories/activate', { Ids: [c!.id] }, { token })).body.success).toEqual([c!.id]);
  });

  test('remove deletes the repository, frees its license and detaches it', async () => {
    const h = await launch({ licenses: 0 });
    const token = await h.login();
    const { plan, repositories } = seed(h.sim);
    const [api] = repositories;
    await h.post('/plans/attachgitrepository', { planid: plan.id, repositoryid: api!.id }, { token });
    const removed = await h.post('/git/repositories/remove', { id: api!.id, removedata: false }, { token });
    expect(removed.body).toEqual({ succeededIds: [api!.id], failedIds: [], errors: [] });
    expect(h.sim.repository(api!.id)).toBeUndefined();
    expect(h.sim.plan(plan.id)!.repositoryIds).toEqual([]);
    expect(h.sim.freeLicenses).toBe(1);
    expect((await h.post('/git/repositories/remove', { id: api!.id }, { token })).body.failedIds).toEqual([api!.id]);
  });

  test('attach is idempotent, checks plan, repository and organization, and concurrent attaches all land', async () => {
    const h = await launch({ latencyMs: 20 });
    const token = await h.login();
    const { plan, repositories } = seed(
      h.sim,
      Array.from({ length: 30 }, (_, i) => `acme/r${i}`),
    );
    const other = h.sim.addOrganization({ name: 'other' });
    const foreign = h.sim.addRepository(other.id, { name: 'other/x' });
    const attach = (repositoryid: string, planid = plan.id) => h.post('/plans/attachgitrepository', { planid, repositoryid }, { token });

    const answers = await Promise.all(repositories.map((repo) => attach(repo.id)));
    expect(answers.map((a) => a.status)).toEqual(repositories.map(() => 200));
    expect(new Set(h.sim.plan(plan.id)!.repositoryIds)).toEqual(new Set(repositories.map((r) => r.id)));
    expect(h.sim.maxConcurrent).toBeGreaterThan(1);

    expect((await attach(repositories[0]!.id)).status).toBe(200);
    expect(h.sim.plan(plan.id)!.repositoryIds).toHaveLength(30);
    expect(await attach(repositories[0]!.id, 'nope')).toMatchObject({
      status: 404,
      body: { errorCode: 'PL3004', message: 'Plan not found' },
    });
    expect(await attach(foreign.id)).toMatchObject({ status: 400, body: { errorCode: 'PL3010' } });

    await h.post('/plans/detachgitrepository', { planid: plan.id, repositoryid: repositories[0]!.id }, { token });
    expect(h.sim.plan(plan.id)!.repositoryIds).toHaveLength(29);
  });

  test('modifygitplan replaces the whole repository list', async () => {
    const h = await launch();
    const token = await h.login();
    const { plan, repositories } = seed(h.sim, ['acme/a', 'acme/b', 'acme/c']);
    const [a, b, c] = repositories;
    h.sim.plan(plan.id)!.repositoryIds.push(a!.id, b!.id);

    const modified = await h.post(
      '/plans/modifygitplan',
      { id: plan.id, name: 'Nightly', repositoriesIds: [c!.id], inculdeAllReposistories: false },
      { token },
    );
    expect(modified.status).toBe(200);
    expect(h.sim.plan(plan.id)!.repositoryIds).toEqual([c!.id]);
    await h.post('/plans/modifygitplan', { id: plan.id, includeAllRepositories: true }, { token });
    expect(h.sim.plan(plan.id)).toMatchObject({ repositoryIds: [], includeAllRepositories: true });
    expect(h.sim.mutatingRequests().map((r) => r.path)).toEqual(['/plans/modifygitplan', '/plans/modifygitplan']);
  });
});

describe('fault injection', () => {
  test('a 503 with Retry-After applies once, then requests succeed', async () => {
    const h = await launch();
    const token = await h.login();
    const { org } = seed(h.sim);
    h.sim.addFault({ path: '/Git/Repositories/GetMany', status: 503, retryAfter: 2 });
    h.sim.addFault({ path: '/git/organizations/getmany', status: 429, body: 'slow down' });

    const refused = await listRepositories(h, token, org.id);
    expect(refused).toMatchObject({ status: 503, body: { errorCode: 'GN0503', message: 'Service Unavailable' } });
    expect(refused.headers['retry-after']).toBe('2');
    expect((await listRepositories(h, token, org.id)).status).toBe(200);
    const organizations = await request(`${h.sim.url}/git/organizations/getmany`, {
      method: 'POST',
      dispatcher: h.agent,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(organizations.statusCode).toBe(429);
    expect(await organizations.body.text()).toBe('slow down');
  });

  test('a dropped connection leaves state unchanged unless afterApply, which loses only the response', async () => {
    const h = await launch();
    const token = await h.login();
    const { plan, repositories } = seed(h.sim);
    const [api, web] = repositories;
    const attach = (repositoryid: string) => h.post('/plans/attachgitrepository', { planid: plan.id, repositoryid }, { token });

    h.sim.addFault({ path: '/plans/attachgitrepository', drop: true });
    await expect(attach(api!.id)).rejects.toThrow();
    expect(h.sim.plan(plan.id)!.repositoryIds).toEqual([]);
    expect(h.sim.requests.at(-1)).toMatchObject({ path: '/plans/attachgitrepository', status: 0 });

    h.sim.addFault({ path: '/plans/attachgitrepository', drop: true, afterApply: true });
    await expect(attach(web!.id)).rejects.toThrow();
    expect(h.sim.plan(plan.id)!.repositoryIds).toEqual([web!.id]);

    h.sim.addFault({ status: 502, afterApply: true, times: 2 });
    expect((await attach(api!.id)).status).toBe(502);
    expect((await attach(api!.id)).status).toBe(502);
    expect(h.sim.plan(plan.id)!.repositoryIds).toEqual([web!.id, api!.id]);
    expect((await attach(api!.id)).status).toBe(200);
  });

  test('revokeTokens invalidates every token on arrival, so requests already out are refused too', async () => {
    const h = await launch();
    const token = await h.login();
    const { org } = seed(h.sim);
    h.sim.addFault({ path: '/git/organizations/getmany', revokeTokens: true });
    // Ordered by events, not by latency: the listing has arrived and is held (out, its token already read) until
    // the organizations call arrives and revokes; only then is it processed.
    const organizationsArrived = h.sim.whenRequests((r) => r.path === '/git/organizations/getmany');
    h.sim.addFault({ path: '/git/repositories/getmany', hold: () => organizationsArrived });
    const listing = listRepositories(h, token, org.id);
    await h.sim.whenRequests((r) => r.path === '/git/repositories/getmany');
    const organizations = h.post('/git/organizations/getmany', {}, { token });
    expect((await organizations).status).toBe(401);
    expect((await listing).status).toBe(401);
    expect((await listRepositories(h, await h.login(), org.id)).status).toBe(200);
  });

  test('transform rewrites a processed answer; contentType labels a fault body', async () => {
    const h = await launch();
    const token = await h.login();
    const { org, repositories } = seed(h.sim);
    h.sim.repository('acme/api')!.isProtected = false;
    h.sim.addFault({ path: '/git/repositories/activate', transform: () => ({}) });
    const activated = await h.post('/git/repositories/activate', { Ids: [repositories[0]!.id] }, { token });
    expect(activated).toMatchObject({ status: 200, body: {} });
    expect(h.sim.repository('acme/api')!.isProtected).toBe(true); // processed: only the answer lies

    h.sim.addFault({ path: '/git/repositories/getmany', transform: (answer) => ({ ...(answer as object), result: null }) });
    expect((await listRepositories(h, token, org.id)).body).toMatchObject({ pageCount: 1, result: null });

    h.sim.addFault({ path: '/account/login', status: 200, body: 'OK', contentType: 'application/json' });
    const login = await request(`${h.sim.url}/account/login`, {
      method: 'POST',
      dispatcher: h.agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.headers['content-type']).toBe('application/json');
    expect(await login.body.text()).toBe('OK');
  });

  test('delayMs slows one request; clearFaults discards pending faults', async () => {
    const h = await launch();
    h.sim.addFault({ path: '/account/login', delayMs: 150 });
    const started = Date.now();
    await h.login();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    h.sim.addFault({ status: 500, times: 5 });
    h.sim.clearFaults();
    await h.login();
  });
});

describe('request log', () => {
  test('records each request and counts connections, reused by keep-alive', async () => {
    const h = await launch();
    const { org } = seed(h.sim);
    // One connection per agent: undici may otherwise open a second one for back-to-back requests.
    const first = newAgent(h.sim, 1);
    const second = newAgent(h.sim, 1);
    try {
      const login = await h.post('/account/login', ADMIN, { agent: first });
      const token: string = login.body.accessToken;
      await h.post('/git/repositories/getmany', { id: org.id }, { token, agent: first });
      await h.post('/git/repositories/getmany', { id: org.id }, { token, agent: first });
      expect(h.sim.connections).toBe(1);
      expect(h.sim.requests.map((r) => r.connectionId)).toEqual([1, 1, 1]);
      expect(h.sim.requests[0]).toMatchObject({
        method: 'POST',
        path: '/account/login',
        body: ADMIN,
        authorization: undefined,
        status: 200,
      });
      expect(h.sim.requests[1]).toMatchObject({ path: '/git/repositories/getmany', authorization: `Bearer ${token}`, status: 200 });
      expect(h.sim.requests[1]!.endedAt).toBeGreaterThanOrEqual(h.sim.requests[1]!.startedAt);

      await h.post('/git/repositories/getmany', { id: org.id }, { token, agent: second });
      expect(h.sim.connections).toBe(2);
      expect(h.sim.requests.at(-1)!.connectionId).toBe(2);
      expect(h.sim.mutatingRequests()).toEqual([]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
    h.sim.resetLog();
    expect(h.sim.requests).toEqual([]);
    expect(h.sim.connections).toBe(0);
  });

  test('stop closes kept-alive connections', async () => {
    const h = await launch();
    await h.login();
    await h.sim.stop();
    await expect(h.login()).rejects.toThrow();
  });
});

describe('transport', () => {
  test('plain HTTP works when tls is off', async () => {
    const sim = new Simulator({ tls: false });
    const url = await sim.start();
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(() => sim.caCert).toThrow();
      const response = await request(`${url}/account/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      });
      expect(response.statusCode).toBe(200);
      await response.body.text();
    } finally {
      await sim.stop();
    }
  });

  test('concurrent ensureCertificates calls agree on one CA that signed a localhost/xopero.test certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-certs-'));
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => ensureCertificates(join(dir, 'certs'))));
      for (const result of results) expect(result).toEqual(results[0]);
      const { caCert, cert, caCertPath } = results[0]!;
      expect(caCertPath).toBe(join(dir, 'certs', 'ca.crt'));
      const ca = new X509Certificate(caCert);
      const server = new X509Certificate(cert);
      expect(ca.ca).toBe(true);
      expect(server.verify(ca.publicKey)).toBe(true);
      expect(server.checkHost('xopero.test')).toBe('xopero.test');
      expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(server.checkIP('::1')).toBe('::1');
      expect(await ensureCertificates(join(dir, 'certs'))).toEqual(results[0]);

      // An incomplete leftover (an interrupted run) is replaced by a fresh, consistent set.
      await rm(join(dir, 'certs', 'server.key'));
      const regenerated = await ensureCertificates(join(dir, 'certs'));
      expect(regenerated.caCert).not.toBe(caCert);
      expect(new X509Certificate(regenerated.cert).verify(new X509Certificate(regenerated.caCert).publicKey)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Azure DevOps projects', () => {
  test('attach and detach a project: idempotent, keys bound case-insensitively, checked against plan and organization', async () => {
    const h = await launch();
    const token = await h.login();
    const { org, plan } = seed(h.sim);
    const project = h.sim.addAzureProject(org.id, { name: 'Fabrikam' });
    const foreign = h.sim.addAzureProject(h.sim.addOrganization({ name: 'other' }).id, { name: 'Elsewhere' });

    // The documentation's spellings: planId/projectId in the examples.
    expect(await h.post('/plans/AttachAzureProject', { planId: plan.id, projectId: project.id }, { token })).toMatchObject({ status: 200 });
    expect(await h.post('/plans/attachazureproject', { planid: plan.id, projectid: project.id }, { token })).toMatchObject({ status: 200 });
    expect(h.sim.plan(plan.id)!.projectIds).toEqual([project.id]);

    expect(await h.post('/plans/attachazureproject', { planId: plan.id, projectId: foreign.id }, { token })).toMatchObject({
      status: 400,
      body: { errorCode: 'PL3010' },
    });
    expect(await h.post('/plans/attachazureproject', { planId: plan.id, projectId: 'nope' }, { token })).toMatchObject({
      status: 404,
      body: { errorCode: 'AZ1004' },
    });
    expect(await h.post('/plans/attachazureproject', { planId: 'nope', projectId: project.id }, { token })).toMatchObject({
      status: 404,
      body: { errorCode: 'PL3004' },
    });
    expect(await h.post('/plans/attachazureproject', { planId: plan.id, projectId: project.id })).toMatchObject({ status: 401 });

    expect(await h.post('/plans/DetachAzureProject', { planId: plan.id, projectId: project.id }, { token })).toMatchObject({ status: 200 });
    expect(await h.post('/plans/detachazureproject', { planId: plan.id, projectId: project.id }, { token })).toMatchObject({ status: 200 });
    expect(h.sim.plan(plan.id)!.projectIds).toEqual([]);
  });

  test.each([[{ projectSelection: 'all' as const }], [{ projectSelection: 'rules' as const }], [{ includeAllRepositories: true }]])(
    'a plan without individual project selection refuses both calls (%j)',
    async (init) => {
      const h = await launch();
      const token = await h.login();
      const { org } = seed(h.sim);
      const plan = h.sim.addPlan(org.id, { name: 'Everything', ...init });
      const project = h.sim.addAzureProject(org.id, { name: 'Fabrikam' });
      for (const path of ['/plans/attachazureproject', '/plans/detachazureproject']) {
        expect(await h.post(path, { planId: plan.id, projectId: project.id }, { token })).toMatchObject({
          status: 400,
          body: { errorCode: 'PL3021', message: 'The plan does not use individual project selection.' },
        });
      }
      expect(h.sim.plan(plan.id)!.projectIds).toEqual([]);
    },
  );
});
