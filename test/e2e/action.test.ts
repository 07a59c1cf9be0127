/**
 * The GitHub Action end to end: the built dist/index.js, run as the runner runs it, against the simulator
 * over HTTPS with its own CA. Each story asserts the simulator's end state and its request log.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Agent, request } from 'undici';
import { startBystander } from '../../testbed/bystander.js';
import { startSlowRelay } from '../../testbed/relay.js';
import { rootCertificates } from 'node:tls';
import {
  ACTION_ENTRY,
  ROOT,
  actionEnv,
  bundleChunks,
  chunksLoadedBy,
  errorLines,
  runAction,
  runProcess,
  withTempDir,
  type ActionResult,
} from '../../testbed/harness.js';
import { expectOneLineFailure } from '../../testbed/expectations.js';
import { EMAIL, PASSWORD, count, holdTogether, startWorld, type World } from '../../testbed/fixtures.js';

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

/** Runs the action trusting the simulator's CA the way a self-hosted runner would: NODE_EXTRA_CA_CERTS. */
async function action(
  w: World,
  inputs: Record<string, string> = {},
  options: { repository?: string; env?: Record<string, string | undefined>; timeoutMs?: number; entry?: string } = {},
) {
  return runAction(
    { ...w.inputs, ...inputs },
    {
      repository: options.repository,
      env: { NODE_EXTRA_CA_CERTS: w.url.startsWith('https:') ? w.sim.caCertPath : undefined, ...options.env },
      timeoutMs: options.timeoutMs,
      entry: options.entry,
    },
  );
}

const result = (run: ActionResult) => JSON.parse(run.outputs.result);

/**
 * The action against `world`, with `probe` loaded into the child before it (--require): the run, and the JSON the
 * probe wrote to PROBE_OUT when the child exited (undefined when it never got that far).
 */
async function actionWithProbe<T>(probe: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  return withTempDir('xopero-probe-', async (dir) => {
    writeFileSync(join(dir, 'probe.cjs'), probe);
    const out = join(dir, 'probe.json');
    const run = await action(world!, inputs, { env: { ...env, NODE_OPTIONS: `--require ${join(dir, 'probe.cjs')}`, PROBE_OUT: out } });
    return { run, probed: existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as T) : undefined };
  });
}

describe('a new repository', () => {
  test('is synchronized, waited for, activated and attached', async () => {
    world = await startWorld();
    const { sim } = world;
    sim.addRepository(world.orgId, { name: 'acme/new-service', pendingSync: true, isProtected: false });

    // Both calls are held until both have arrived: sent together, they overlap; sent one after the other, they
    // cannot (fixtures holdTogether: an event, not a duration).
    holdTogether(sim, ['/git/repositories/activate', '/plans/attachgitrepository']);
    const run = await action(world, {}, { repository: 'acme/new-service' });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const repo = sim.repository('acme/new-service')!;
    expect(repo.isProtected).toBe(true);
    expect(sim.plan('Nightly GitHub')!.repositoryIds).toContain(repo.id);
    expect(run.outputs).toMatchObject({
      'organization-id': world.orgId,
      'repository-id': repo.id,
      'plan-id': world.nightlyId,
      changed: 'true',
    });
    expect(result(run)).toMatchObject({
      synchronization: 'synchronized',
      activation: 'activated',
      attachment: 'attached',
      changed: true,
      problems: [],
    });
    expect(
      sim
        .mutatingRequests()
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/git/repositories/activate', '/git/repositories/sync', '/plans/attachgitrepository']);
    expect(count(sim, '/plans/modifygitplan')).toBe(0);
    expect(count(sim, '/account/login')).toBe(1);
    // Activation and attachment went out together once the repository was known.
    const activate = sim.requests.find((r) => r.path === '/git/repositories/activate')!;
    const attach = sim.requests.find((r) => r.path === '/plans/attachgitrepository')!;
    // Held until both arrived (holdTogether): sent one after the other, the attachment would start only after the
    // activation's answer, which the hold delays until its 30 s limit. Equal times are the same millisecond.
    expect(attach.startedAt).toBeLessThanOrEqual(activate.endedAt);
    expect(activate.startedAt).toBeLessThanOrEqual(attach.endedAt);
    expect(run.summary).toContain('acme/new-service');
    expect(run.summary).toContain('Nightly GitHub');
    expect(run.summary).toContain(world.url.replace(/\/$/, ''));
    expect(run.stdout).toContain('::group::');
  });

  test('a synchronization already running that began before the repository existed is followed by one of ours', async () => {
    world = await startWorld();
    const { sim } = world;
    // Someone else's, started before the repository was created. It runs until the action has seen it
    // running (its first repository lookup, which reports the sync), then ends: an event, where a fixed duration would bet that node
    // starts, logs in and lists in time on a busy machine. The action's own sync keeps the short default.
    const ownDuration = sim.syncDurationMs;
    sim.syncDurationMs = 600_000;
    sim.startSync(world.orgId);
    sim.syncDurationMs = ownDuration;
    const org = sim.organization(world.orgId)!;
    sim.addFault({
      path: '/git/repositories/getmany',
      transform: (answer) => {
        org.syncEndsAt = Date.now(); // answered "in progress"; settled at the next read
        return answer;
      },
    });
    sim.addRepository(world.orgId, { name: 'acme/just-created', isProtected: false, pendingSync: true, createdAt: Date.now() + 1 });

    const run = await action(world, {}, { repository: 'acme/just-created' });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('A synchronization of acme is already running; waiting for it.');
    expect(count(sim, '/git/repositories/sync')).toBe(1);
    expect(sim.repository('acme/just-created')!.isProtected).toBe(true);
    expect(JSON.parse(run.outputs.result).synchronization).toBe('synchronized');
  });

  test('a re-run changes nothing: at most 4 requests, none mutating, changed=false', async () => {
    // Latency makes the overlap of the two parallel lookups visible in the request log.
    world = await startWorld({ latencyMs: 100 });
    const first = await action(world);
    expect(first.code).toBe(0);
    expect(first.outputs.changed).toBe('true');
    world.sim.resetLog();
    // Each lookup is held until both have arrived: the two overlap in the request log unless they went out one
    // after the other (fixtures holdTogether; 100 ms of latency alone did not show it on a busy machine).
    holdTogether(world.sim, ['/git/repositories/getmany', '/plans/listassignedtoorganization']);

    const again = await action(world);

    expect(again.code).toBe(0);
    expect(again.outputs.changed).toBe('false');
    expect(result(again)).toMatchObject({ synchronization: 'not-needed', activation: 'already', attachment: 'already' });
    expect(world.sim.mutatingRequests()).toHaveLength(0);
    expect(world.sim.requests.map((r) => r.path).sort()).toEqual([
      '/account/login',
      '/git/organizations/getmany',
      '/git/repositories/getmany',
      '/plans/listassignedtoorganization',
    ]);
    // The repository and the plan membership lookups went out in parallel: 3 round trips on the critical path.
    const [repos, plans] = ['/git/repositories/getmany', '/plans/listassignedtoorganization'].map(
      (p) => world!.sim.requests.find((r) => r.path === p)!,
    );
    expect(plans.startedAt).toBeLessThan(repos.endedAt);
    expect(repos.startedAt).toBeLessThan(plans.endedAt);
    expect(again.summary).toMatch(/no change needed/);
  });

  test('with an access token there is no login', async () => {
    world = await startWorld();
    const token = world.sim.issueToken(EMAIL);
    const run = await action(world, { email: '', password: '', 'access-token': token });
    expect(run.code).toBe(0);
    expect(count(world.sim, '/account/login')).toBe(0);
    expect(run.stdout).toContain(`::add-mask::${token}`);
  });

  test('a plan that includes all repositories counts as attached', async () => {
    world = await startWorld();
    world.sim.addPlan(world.orgId, { name: 'Everything', includeAllRepositories: true });
    world.sim.repository('acme/api')!.isProtected = true;
    const run = await action(world, { plan: 'Everything' });
    expect(run.code).toBe(0);
    expect(result(run).attachment).toBe('already');
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });

  test('the organization and repository can be given by id and short name; no plan means no attachment', async () => {
    world = await startWorld();
    const run = await action(world, { organization: world.orgId.toUpperCase(), repository: 'api', plan: '' });
    expect(run.code).toBe(0);
    expect(result(run)).toMatchObject({ activation: 'activated', attachment: 'skipped' });
    expect(result(run).plan).toBeUndefined();
    expect(run.outputs['plan-id']).toBe('');
    expect(world.sim.repository('acme/api')!.isProtected).toBe(true);
  });

  test('sync: always starts a synchronization at the end', async () => {
    world = await startWorld();
    world.sim.repository('acme/api')!.isProtected = true;
    const run = await action(world, { sync: 'always', plan: '' });
    expect(run.code).toBe(0);
    expect(result(run)).toMatchObject({ synchronization: 'started', changed: false });
    expect(world.sim.requests.at(-1)!.path).toBe('/git/repositories/sync');
  });

  test('activate: false leaves the license alone and warns', async () => {
    world = await startWorld();
    const run = await action(world, { activate: 'false' });
    expect(run.code).toBe(0);
    expect(result(run)).toMatchObject({ activation: 'skipped', attachment: 'attached' });
    expect(world.sim.repository('acme/api')!.isProtected).toBe(false);
    expect(run.stdout).toMatch(/::warning::acme\/api holds no license/);
  });

  test('names are matched exactly even when the server filters loosely or not at all', async () => {
    world = await startWorld({ filterMode: 'ignore', pageCap: 2 });
    const run = await action(world, { repository: 'ACME/API' });
    expect(run.code).toBe(0);
    expect(run.outputs['repository-id']).toBe(world.sim.repository('acme/api')!.id);
    expect(world.sim.repository('acme/api-gateway')!.isProtected).toBe(false);
    // With a page cap of 2 and no filtering, all pages were followed.
    expect(count(world.sim, '/git/repositories/getmany')).toBe(2);
  });

  test('a server that ignores page (answers page 1 for page 2) fails the run in one line, before any change', async () => {
    world = await startWorld({ filterMode: 'ignore', pageCap: 2 });
    world.sim.addFault({
      path: '/git/repositories/getmany',
      times: 10,
      transform: (answer) => ({ ...(answer as object), currentPage: 1 }),
    });
    const run = await action(world, { repository: 'acme/api' });
    expectOneLineFailure(
      run,
      /^Xopero ONE answered POST \/git\/repositories\/getmany with a malformed answer: currentPage: expected 2, the page asked for, got 1; no changing call was made after it\./,
    );
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });

  test('a removed record of the same name is skipped when a live one exists', async () => {
    world = await startWorld();
    const live = world.sim.repository('acme/api')!;
    const removed = world.sim.addRepository(world.orgId, { name: 'acme/api', isRemoved: true, isProtected: true });
    const run = await action(world);
    expect(run.code).toBe(0);
    expect(run.outputs['repository-id']).toBe(live.id);
    expect(run.outputs['repository-id']).not.toBe(removed.id);
    expect(live.isProtected).toBe(true);
  });
});

describe('dry run', () => {
  test('reports what would change and changes nothing', async () => {
    world = await startWorld();
    const run = await action(world, { 'dry-run': 'true' });
    expect(run.code).toBe(0);
    expect(result(run)).toMatchObject({ activation: 'would-activate', attachment: 'would-attach', changed: false, dryRun: true });
    expect(run.outputs.changed).toBe('false');
    expect(world.sim.mutatingRequests()).toHaveLength(0);
    expect(world.sim.repository('acme/api')!.isProtected).toBe(false);
    expect(run.stdout).toMatch(/Dry run: would activate the license, attach to plan Nightly GitHub; nothing was changed/);
    expect(run.summary).toMatch(/dry run/);
  });

  test('an unknown repository is not even synchronized', async () => {
    world = await startWorld();
    world.sim.addRepository(world.orgId, { name: 'acme/new-service', pendingSync: true });
    const run = await action(world, { 'dry-run': 'true', sync: 'always' }, { repository: 'acme/new-service' });
    expect(run.code).toBe(0);
    expect(result(run)).toMatchObject({ synchronization: 'would-synchronize', activation: 'would-activate', attachment: 'would-attach' });
    expect(run.outputs['repository-id']).toBe('');
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });
});

describe('failures: one line, cause and remedy, exit 1', () => {
  test('a GITHUB_STEP_SUMMARY the runner did not create (a local runner): one line saying so, the outputs set', async () => {
    world = await startWorld();
    const run = await action(world, {}, { env: { GITHUB_STEP_SUMMARY: '/nonexistent-xopero-dir/summary' } });
    // It said "Unexpected error: ... (please report it with the log)" before.
    expectOneLineFailure(
      run,
      /^Cannot write the job summary to GITHUB_STEP_SUMMARY \('\/nonexistent-xopero-dir\/summary'\): Unable to access summary file: .* The outputs are set; create that file or unset GITHUB_STEP_SUMMARY\.$/,
    );
    expect(run.outputs).toMatchObject({ changed: 'true', failure: 'error' });
    expect(world.sim.repository('acme/api')!.isProtected).toBe(true);
  });

  test('a rejected login is not retried and carries the server message', async () => {
    world = await startWorld();
    const run = await action(world, { password: 'wrong-password' });
    expectOneLineFailure(
      run,
      /^Xopero ONE authentication failed \(server: AU1001: Invalid email or password\.\): check the email and password secrets\.$/,
    );
    expect(world.sim.requests.map((r) => r.path)).toEqual(['/account/login']);
  });

  test('a refused access token: one line, and the organizations, the first request, read once', async () => {
    world = await startWorld();
    const run = await action(world, { email: '', password: '', 'access-token': 'a-token-xopero-never-issued' });
    expectOneLineFailure(
      run,
      /^Xopero ONE rejected the access token \(server: AU1401: Unauthorized\): tokens last 30 days; issue a new one or use email and password\.$/,
    );
    expect(world.sim.requests.map((r) => r.path)).toEqual(['/git/organizations/getmany']);
  });

  test('unknown organization: names the visible ones and the closest', async () => {
    world = await startWorld();
    const run = await action(world, { organization: 'acmee', repository: 'api' });
    expectOneLineFailure(run, /Organization 'acmee' not found \(did you mean 'acme'\?\); the account sees: 'acme', 'globex'/);
  });

  test('two organizations with the same name: asks for the id', async () => {
    world = await startWorld();
    const twin = world.sim.addOrganization({ name: 'ACME' });
    const run = await action(world);
    expectOneLineFailure(run, new RegExp(`2 organizations are named 'acme' \\(ids .*${twin.id}.*\\): set organization to the id`));
  });

  test('unknown plan fails before any change, listing the plans', async () => {
    world = await startWorld();
    world.sim.addRepository(world.orgId, { name: 'acme/new-service', pendingSync: true });
    const run = await action(world, { plan: 'Nightly' }, { repository: 'acme/new-service' });
    expectOneLineFailure(run, /Plan 'Nightly' not found in organization 'acme'.*'Nightly GitHub', 'Weekly'/);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });

  test('no free license: LI5020 with its meaning; the attachment still happens', async () => {
    world = await startWorld({ licenses: 0 });
    const run = await action(world);
    expectOneLineFailure(run, /License activation of 'acme\/api' failed: LI5020 \(no free license/);
    expect(result(run)).toMatchObject({ activation: 'failed', attachment: 'attached' });
    expect(world.sim.repository('acme/api')!.isProtected).toBe(false);
  });

  test('unknown repository with sync: never', async () => {
    world = await startWorld();
    const run = await action(world, { sync: 'never' }, { repository: 'acme/ghost' });
    expectOneLineFailure(run, /'acme\/ghost' is not known to Xopero ONE.*sync is 'never'/);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });

  test('a synchronization that ends without the repository fails early', async () => {
    world = await startWorld({ syncDurationMs: 100 });
    // An hour of wait-timeout: a run that waited it out would hit jest's own timeout, so finishing at all is
    // "early", with no clock read here to fail on a busy machine.
    const run = await action(world, { 'wait-timeout': '3600' }, { repository: 'acme/ghost' });
    expectOneLineFailure(run, /Synchronization of 'acme' finished, but 'acme\/ghost' is not among its repositories/);
  });

  test('wait-timeout passes', async () => {
    world = await startWorld({ syncDurationMs: 60_000 });
    world.sim.addRepository(world.orgId, { name: 'acme/slow', pendingSync: true });
    const run = await action(world, { 'wait-timeout': '2' }, { repository: 'acme/slow' });
    expectOneLineFailure(run, /'acme\/slow' did not appear in organization 'acme' within 2 s of synchronizing: raise wait-timeout/);
  });

  test.each([
    [{ 'wait-timeout': 'soon' }, /Input 'wait-timeout': expected a number of seconds/],
    [{ 'dry-run': 'maybe' }, /Input 'dry-run': expected true or false, got 'maybe'/],
    [{ email: '', password: '' }, /Input 'email': no credentials/],
    [{ 'server-url': '' }, /Input 'server-url': is required/],
    [
      { organization: 'acme', repository: 'globex/portal' },
      /Input 'repository': 'globex\/portal' belongs to 'globex', but organization is 'acme': set organization to globex/,
    ],
    [{ repository: '${{ github.repository }}' }, /Input 'repository': '\$\{\{ github\.repository \}\}' is an expression nobody evaluated/],
    // A token wrapped when it was pasted into the secret: a header cannot carry it (it had read as a network failure).
    [
      { email: '', password: '', 'access-token': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaSJ9\n.c2lnbmF0dXJl' },
      /^Input 'access-token': holds a space, a line break or another character no access token has: copy the token again, as one line\.$/,
    ],
    [{ 'server-url': 'http://127.0.0.1:1' }, /plain http.*set allow-http: true if you accept that/],
    // A token wrapped when it was pasted into the secret: a header cannot carry it (it had read as a network failure).
    [
      { email: '', password: '', 'access-token': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaSJ9\n.c2lnbmF0dXJl' },
      /^Input 'access-token': holds a space, a line break or another character no access token has: copy the token again, as one line\.$/,
    ],
  ])('bad input %j is refused before any request', async (inputs, message) => {
    world = await startWorld();
    const run = await action(world, inputs as Record<string, string>);
    expectOneLineFailure(run, message);
    expect(world.sim.requests).toHaveLength(0);
  });

  test('plain http is refused unless allowed', async () => {
    world = await startWorld({ tls: false });
    const refused = await action(world);
    expectOneLineFailure(refused, /plain http/);
    expect(world.sim.requests).toHaveLength(0);
    const allowed = await action(world, { 'allow-http': 'true' });
    expect(allowed.code).toBe(0);
  });

  test('an untrusted certificate is never accepted; ca-certificate makes it trusted', async () => {
    world = await startWorld();
    const untrusted = await runAction(world.inputs, {});
    expectOneLineFailure(untrusted, /TLS certificate of .* is not trusted.*ca-certificate/);
    expect(world.sim.requests).toHaveLength(0);
    // The login failed before it was sent, and the core (loaded then) took that failure over instead of signing
    // in again (src/core/run.ts): the early connection and the spare opened once it was taken, no third (the
    // spare may not have reached the server when the run ends).
    expect(world.sim.connections).toBeLessThanOrEqual(2);
    const trusted = await runAction({ ...world.inputs, 'ca-certificate': readFileSync(world.sim.caCertPath, 'utf8') }, {});
    expect(trusted.code).toBe(0);
  });

  test('with ca-certificate, only the CAs it holds are trusted for the server (like curl --cacert)', async () => {
    world = await startWorld();
    // The simulator's CA is trusted through NODE_EXTRA_CA_CERTS, but ca-certificate names another CA (one of
    // Node's bundled roots): the server's certificate is not signed by it, so the run must refuse the server.
    const otherCa = rootCertificates[0];
    const run = await runAction({ ...world.inputs, 'ca-certificate': otherCa }, { env: { NODE_EXTRA_CA_CERTS: world.sim.caCertPath } });
    expectOneLineFailure(run, /TLS certificate of .* is not signed by the CA given as ca-certificate/);
    expect(world.sim.requests).toHaveLength(0);
    // Both CAs in the input: trusted.
    const both = await runAction({ ...world.inputs, 'ca-certificate': `${otherCa}\n${readFileSync(world.sim.caCertPath, 'utf8')}` }, {});
    expect(both.code).toBe(0);
  });

  test('an account without GitManagement or DataRemoveManagement: says which role to add', async () => {
    world = await startWorld();
    const run = await action(world, { email: 'reader@example.com' });
    expect(run.code).toBe(1);
    expect(errorLines(run.stdout).join('\n')).toMatch(
      /^License activation of 'acme\/api' failed: The Xopero ONE account may not call POST \/git\/repositories\/activate \(server: AU1403.*\): give it the DataRemoveManagement or GitManagement role, besides System Administrator/m,
    );
  });

  test('an account that is no System Administrator: says the API is open only to that role', async () => {
    world = await startWorld({ users: [{ email: EMAIL, password: PASSWORD, roles: ['GitManagement'] }] });
    const run = await action(world);
    expectOneLineFailure(
      run,
      /may not call POST \/git\/organizations\/getmany \(server: AU1403.*\): the API is open only to accounts with the System Administrator role/,
    );
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });

  test('a server that keeps answering 502 fails after the bounded retries', async () => {
    world = await startWorld();
    world.sim.addFault({ path: '/git/organizations/getmany', status: 502, retryAfter: 0, times: 100 });
    const run = await action(world);
    expectOneLineFailure(run, /answered POST \/git\/organizations\/getmany with HTTP 502 on every one of 5 attempts/);
    expect(count(world.sim, '/git/organizations/getmany')).toBe(5);
  });

  test('a server that keeps answering 429 fails after the bounded retries, named a rate limit', async () => {
    world = await startWorld();
    world.sim.addFault({ path: '/git/organizations/getmany', status: 429, retryAfter: 0, times: 100 });
    const run = await action(world);
    expectOneLineFailure(
      run,
      /^Xopero ONE answered POST \/git\/organizations\/getmany with HTTP 429 \(too many requests\) on every one of 5 attempts: the server \(or a proxy in front of it\) limits this runner's requests; run fewer at once \(fewer shards or parallel jobs\), or try again later\.$/,
    );
    expect(count(world.sim, '/git/organizations/getmany')).toBe(5);
  });

  test('a redirect is not followed with the token', async () => {
    world = await startWorld();
    const elsewhere = await startBystander();
    try {
      const location = `${elsewhere.url}/git/organizations/getmany`;
      world.sim.addFault({ path: '/git/organizations/getmany', status: 307, body: '', location });
      const run = await action(world);
      expectOneLineFailure(
        run,
        new RegExp(`redirect \\(HTTP 307\\) to ${location.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}; set server-url to the final address`),
      );
      expect(count(world.sim, '/git/organizations/getmany')).toBe(1);
      expect({ connections: elsewhere.connections, requests: elsewhere.requests }).toEqual({ connections: 0, requests: [] });

      // The control: a client trusting the same CA that does follow redirects reaches the target.
      world.sim.addFault({ path: '/git/organizations/getmany', status: 307, body: '', location });
      const follower = new Agent({ connect: { ca: world.sim.caCert } });
      try {
        const answer = await request(new URL('/git/organizations/getmany', world.url), {
          method: 'POST',
          body: '{}',
          dispatcher: follower,
          maxRedirections: 1,
        });
        await answer.body.text();
        expect(answer.statusCode).toBe(200);
      } finally {
        await follower.close();
      }
      expect(elsewhere.requests).toEqual([{ method: 'POST', path: '/git/organizations/getmany', authorization: undefined }]);
    } finally {
      await elsewhere.stop();
    }
  });
});

describe('the failure output: the step fails on both, and says which', () => {
  test("non-compliant: mode check finds the repository unprotected; '' once it is protected", async () => {
    world = await startWorld();
    const check = await action(world, { mode: 'check' });
    expectOneLineFailure(check, /'acme\/api' is not license-activated and not attached to plan 'Nightly GitHub'/);
    expect(check.outputs).toMatchObject({ failure: 'non-compliant', changed: 'false' });
    expect(world.sim.mutatingRequests()).toHaveLength(0);

    expect((await action(world)).outputs.failure).toBe('');
    const again = await action(world, { mode: 'check' });
    expect([again.code, again.outputs.failure]).toEqual([0, '']);
  });

  test('error: a step that failed (no free license)', async () => {
    world = await startWorld({ licenses: 0 });
    const run = await action(world);
    expectOneLineFailure(run, /LI5020/);
    expect(run.outputs.failure).toBe('error');
  });

  test('error: bad input, before any request, and written without waiting for the report code', async () => {
    world = await startWorld();
    const run = await action(world, { 'wait-timeout': 'soon' });
    expectOneLineFailure(run, /Input 'wait-timeout'/);
    expect(run.outputs).toEqual({ failure: 'error' });
    expect(world.sim.requests).toHaveLength(0);
    // The job summary is not left empty: it says the step stopped, and why, in the error's own words.
    expect(run.summary).toMatch(/^## Xopero ONE backup \(failed\)\n/);
    expect(run.summary).toContain('| Status | ❌ stopped before it had a result |');
    expect(run.summary).toContain("Input 'wait-timeout': expected a number of seconds");
  });

  test('error: a result file that cannot be written fails before any request, not after the changes', async () => {
    world = await startWorld();
    const w = world;
    await withTempDir('xopero-result-', async (dir) => {
      writeFileSync(join(dir, 'a-file'), '');
      const run = await action(w, { 'result-file': join(dir, 'a-file', 'result.json') });
      expectOneLineFailure(
        run,
        /^Input 'result-file': cannot write '.*a-file\/result\.json': .*a-file is not a directory; give a writable path\.$/,
      );
      expect(run.outputs).toEqual({ failure: 'error' });
      expect(w.sim.requests).toHaveLength(0);
      // Directories that do not exist yet are made when it is written: not refused.
      expect((await action(w, { 'result-file': join(dir, 'new', 'dir', 'result.json') })).code).toBe(0);
      expect(existsSync(join(dir, 'new', 'dir', 'result.json'))).toBe(true);
    });
  });

  test('error after a change: the synchronization it started is published (changed), and the result file holds the problem, not an earlier result', async () => {
    world = await startWorld();
    const w = world;
    await withTempDir('xopero-result-', async (dir) => {
      const file = join(dir, 'result.json');
      // An earlier run's result at the same path: it must not pass for this run's.
      writeFileSync(file, '{"kind":"repository","changed":false,"problems":[]}\n');
      const run = await action(w, { repository: 'acme/not-there', 'result-file': file });
      expectOneLineFailure(run, /Synchronization of 'acme' finished, but 'acme\/not-there' is not among its repositories/);
      expect(w.sim.requests.filter((r) => r.path === '/git/repositories/sync')).toHaveLength(1);
      expect(run.outputs).toEqual({ changed: 'true', failure: 'error' });
      expect(run.summary).toContain('| Changed | yes: 1 change was confirmed before it stopped |');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
        problems: [expect.stringMatching(/is not among its repositories/)],
        changed: true,
        writtenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });
  });

  test('error: server text in the stopped summary is shown, never rendered: no link, image, HTML or terminal escape', async () => {
    world = await startWorld();
    world.sim.addPlan(world.orgId, { name: '![x](https://example.com/t.png) <img src=https://example.com/i.png> \u001b[31mred' });
    const run = await action(world, { plan: 'Nope' });
    expectOneLineFailure(run, /Plan 'Nope' not found/);
    expect(run.summary).toContain('| Status | ❌ stopped before it had a result |');
    expect(run.summary).toContain('!\\[x\\](https://example.com/t.png) \\<img src=https://example.com/i.png\\>');
    expect(run.summary).not.toMatch(/[^\\][[<]|\u001b/);
  });

  test("error after the result: a page that could not be written fails the step, and the result file and summary stay the run's", async () => {
    world = await startWorld();
    const w = world;
    await withTempDir('xopero-result-', async (dir) => {
      const page = join(dir, 'page.html');
      const file = join(dir, 'result.json');
      // Writable when checked before the run; a directory takes its place while the activation is under way.
      w.sim.addFault({ path: '/git/repositories/activate', hold: async () => mkdirSync(page) });
      const run = await action(w, { organization: 'acme', repository: '', repositories: '*', 'html-file': page, 'result-file': file });
      expect(run.code).toBe(1);
      expect(errorLines(run.stdout).at(-1)).toMatch(/page\.html/);
      expect(run.outputs).toMatchObject({ changed: 'true', failure: 'error' });
      // The sweep's own document, not a stop's; one summary, the run's.
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ kind: 'sweep', changed: true });
      expect(run.summary).not.toContain('stopped before it had a result');
      expect(run.summary).not.toContain('## Xopero ONE backup (failed)');
      expect(run.summary).toContain('acme/api');
    });
  });

  test('error: an unreachable server', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused (after the client's retries).
    const run = await runAction({ 'server-url': 'https://127.0.0.1:1', email: EMAIL, password: PASSWORD });
    expectOneLineFailure(run, /Cannot reach Xopero ONE: 127\.0\.0\.1:1 refused the connection/);
    expect(run.outputs).toEqual({ failure: 'error' });
    expect(run.summary).toMatch(/❌ stopped before it had a result[\s\S]*Cannot reach Xopero ONE: 127\.0\.0\.1:1 refused/);
  }, 30_000);
});

describe('a flaky server', () => {
  test("an attachment answered 200 with a firewall's page is not taken as done: the run fails saying so, and says what it did change", async () => {
    world = await startWorld();
    world.sim.addFault({
      path: '/plans/attachgitrepository',
      status: 200,
      body: '<html><body>Request blocked</body></html>',
      contentType: 'text/html',
    });
    const run = await action(world);
    expectOneLineFailure(
      run,
      /^Attaching 'acme\/api' to plan 'Nightly GitHub' failed: Xopero ONE answered POST \/plans\/attachgitrepository with success but a body that is not the API's .*whether that change was made is not known/,
    );
    expect(run.stdout).not.toMatch(/Attached acme\/api/);
    // The activation was confirmed (it went out beside the attachment): a change, published as such.
    expect(run.outputs).toMatchObject({ changed: 'true', failure: 'error' });
    expect(JSON.parse(run.outputs.result)).toMatchObject({ activation: 'activated', attachment: 'failed' });
    const repo = world.sim.repository('acme/api');
    expect(world.sim.plan('Nightly GitHub')?.repositoryIds).not.toContain(repo?.id);
  });

  test('429, 503, a dropped connection and a lost answer are survived', async () => {
    world = await startWorld();
    const { sim } = world;
    sim.addFault({ path: '/git/organizations/getmany', status: 503, retryAfter: 0 });
    sim.addFault({ path: '/git/repositories/getmany', status: 429, retryAfter: 1 });
    sim.addFault({ path: '/plans/listassignedtoorganization', drop: true });
    sim.addFault({ path: '/plans/attachgitrepository', drop: true, afterApply: true });
    sim.addFault({ path: '/git/repositories/activate', status: 504, afterApply: true });

    const run = await action(world);

    expect(run.code).toBe(0);
    expect(sim.repository('acme/api')!.isProtected).toBe(true);
    expect(sim.plan('Nightly GitHub')!.repositoryIds.filter((id) => id === sim.repository('acme/api')!.id)).toHaveLength(1);
    expect(count(sim, '/plans/attachgitrepository')).toBe(2);
    expect(sim.freeLicenses).toBe(999);
    expect(run.stdout).toMatch(/::warning::Retrying after HTTP 429 \(retry 1, in 1\.0 s\)/);
    // Retry-After was honoured: the retried request came at least a second after the first. Measured from the
    // first one's arrival, which precedes its answer: its 'close' (endedAt) can be noted late by a busy test
    // process, which would shrink the gap; 10 ms of slack for timer rounding. Ignoring Retry-After would retry
    // after the backoff, well under a second.
    const repoRequests = sim.requests.filter((r) => r.path === '/git/repositories/getmany');
    expect(repoRequests[1].startedAt - repoRequests[0].startedAt).toBeGreaterThanOrEqual(990);
  });

  test('a token that stops working mid-run gets one fresh login', async () => {
    world = await startWorld();
    world.sim.addFault({ path: '/git/repositories/getmany', status: 401 });
    const run = await action(world);
    expect(run.code).toBe(0);
    expect(count(world.sim, '/account/login')).toBe(2);
  });

  test('a token refused again right after the fresh login: not called expired, one line on what drops it', async () => {
    world = await startWorld();
    // As behind a reverse proxy that drops the Authorization header: every authenticated call is refused.
    world.sim.addFault({ path: '/git/organizations/getmany', status: 401, times: 100 });
    const run = await action(world);
    expectOneLineFailure(
      run,
      /^Xopero ONE refused the access token its own login had just issued \(server: GN0401: Unauthorized\): something in front of the Management Service \(a reverse proxy\) may drop the Authorization header; check it, and the Management Service log\.$/,
    );
    expect(world.sim.requests.map((r) => r.path)).toEqual([
      '/account/login',
      '/git/organizations/getmany',
      '/account/login',
      '/git/organizations/getmany',
    ]);
  });

  test('a password changed mid-run: the second login fails as a login, not as a refused fresh token', async () => {
    world = await startWorld();
    const sim = world.sim;
    sim.addFault({ path: '/git/organizations/getmany', status: 401, hold: async () => sim.changePassword(EMAIL, 'changed-meanwhile') });
    const run = await action(world);
    expectOneLineFailure(
      run,
      /^Xopero ONE authentication failed \(server: AU1001: Invalid email or password\.\): check the email and password secrets\.$/,
    );
    expect(sim.requests.map((r) => r.path)).toEqual(['/account/login', '/git/organizations/getmany', '/account/login']);
  });

  test('one TLS connection serves a sequential run', async () => {
    world = await startWorld();
    world.sim.repository('acme/api')!.isProtected = true;
    const run = await action(world, { plan: '' });
    expect(run.code).toBe(0);
    expect(new Set(world.sim.requests.map((r) => r.connectionId)).size).toBe(1);
  });
});

describe('many pipelines at once', () => {
  test('30 concurrent runs for 30 repositories into one plan all end attached', async () => {
    world = await startWorld();
    const { sim } = world;
    const names = Array.from({ length: 30 }, (_, i) => `acme/service-${String(i).padStart(2, '0')}`);
    for (const name of names) sim.addRepository(world.orgId, { name, isProtected: false });

    // Thirty node processes on two busy cores: each may take as long as the test allows.
    const runs = await Promise.all(names.map((name) => action(world!, {}, { repository: name, timeoutMs: 115_000 })));

    expect(runs.map((run) => run.code)).toEqual(names.map(() => 0));
    const plan = sim.plan('Nightly GitHub')!;
    for (const name of names) {
      expect(sim.repository(name)!.isProtected).toBe(true);
      expect(plan.repositoryIds).toContain(sim.repository(name)!.id);
    }
    expect(plan.repositoryIds).toContain(sim.repository('acme/other')!.id);
    expect(count(sim, '/plans/modifygitplan')).toBe(0);
  }, 120_000);
});

describe('the organization', () => {
  test("empty (action.yml's default): the repository's owner", async () => {
    world = await startWorld();
    const run = await action(world, {}, { repository: 'acme/api' });
    expect(run.code).toBe(0);
    expect(run.outputs['organization-id']).toBe(world.orgId);
    expect(world.sim.repository('acme/api')!.isProtected).toBe(true);
  });
});

describe('the job summary', () => {
  test("the plan's last run is over its repositories: one just attached was not part of it", async () => {
    world = await startWorld();
    world.sim.plan('Nightly GitHub')!.lastStatus = { successes: 1, warnings: 0, errors: 0 };
    world.sim.plan('Nightly GitHub')!.planFinishedTime = Date.now() - 3600_000;
    const run = await action(world, {}, { repository: 'acme/api' });
    expect(run.code).toBe(0);
    expect(run.summary).toMatch(/\| Last successful backup \| never \|/);
    expect(run.summary).toMatch(
      /\| Plan's last run \(all its repositories\) \| 1 succeeded, 0 warnings, 0 errors, finished .*1 hour ago\); this repository was not in the plan then \|/,
    );
  });
});

describe('secrets', () => {
  test('outside a GitHub runner (GITHUB_ACTIONS unset: a local run, an unstubbed @actions/core) no ::add-mask:: line prints a secret', async () => {
    world = await startWorld();
    const run = await action(world, {}, { env: { GITHUB_ACTIONS: undefined } });
    expect(run.code).toBe(0);
    expect(run.all).not.toContain('::add-mask::');
    expect(run.all).not.toContain(PASSWORD);
  });

  test('neither the password nor the token reaches a log, an output or the summary', async () => {
    world = await startWorld();
    const { sim } = world;
    sim.addFault({ path: '/git/repositories/getmany', status: 401 });
    sim.addFault({ path: '/plans/attachgitrepository', status: 500, body: { errorCode: 'GN0500', message: `echo ${PASSWORD}` } });
    const run = await action(world, {}, { env: { XOPERO_TIMING: '1' } });
    expect(run.code).toBe(1);
    const tokens = [...new Set(sim.requests.map((r) => r.authorization?.replace('Bearer ', '')).filter(Boolean))] as string[];
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    const visible = run.all
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const secret of [PASSWORD, ...tokens]) {
      expect(run.stdout).toContain(`::add-mask::${secret}`);
      expect(visible).not.toContain(secret);
      expect(run.summary).not.toContain(secret);
      expect(JSON.stringify(run.outputs)).not.toContain(secret);
    }
    expect(visible).toContain('echo ***');
  });
});

/**
 * What loads when (src/hosts/github.ts): dist/index.js alone checks the inputs; the network part loads once
 * they are valid; @actions/core and the report load while the first request waits for its answer; node:http2
 * never loads (src/xopero/lazy-http2.ts). A --require probe reads Node's own list of loaded built-in modules at
 * undici's diagnostics events: child_process stands for @actions/core (its exec module loads it, nothing else
 * in a run does), tls for the network part.
 */
describe('what loads when', () => {
  const PROBE = `
    const { subscribe } = require('node:diagnostics_channel');
    const loaded = (name) => process.moduleLoadList.includes('NativeModule ' + name);
    const seen = {};
    // A request on the wire, and its answer: the direct transport's channel and Node's http client's (undici's
    // own channels, for a run through a proxy).
    const sent = () => { if (!('coreAtFirstSend' in seen)) seen.coreAtFirstSend = loaded('child_process'); };
    const answered = () => { if (!('coreAtFirstAnswer' in seen)) seen.coreAtFirstAnswer = loaded('child_process'); };
    for (const name of ['xopero-one:request:sent', 'undici:request:bodySent']) subscribe(name, sent);
    for (const name of ['http.client.response.finish', 'undici:request:headers']) subscribe(name, answered);
    process.on('exit', () => {
      Object.assign(seen, { http2: loaded('http2'), tls: loaded('tls'), core: loaded('child_process') });
      require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify(seen));
    });`;

  /** Touches PROBE_CORE once child_process (@actions/core) has loaded; the watch keeps no run alive. */
  const CORE_WATCH = `
    const watch = setInterval(() => {
      if (!loaded('child_process')) return;
      clearInterval(watch);
      require('node:fs').writeFileSync(process.env.PROBE_CORE, '');
    }, 5);
    watch.unref();`;

  /** Resolves once `file` exists, or after `limitMs` (the caller's assertions then say what did not happen). */
  async function fileAppears(file: string, limitMs: number): Promise<void> {
    const limit = Date.now() + limitMs;
    while (!existsSync(file) && Date.now() < limit) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  test('a run that fails on its inputs needs dist/index.js alone and loads neither the network part nor @actions/core', async () => {
    await withTempDir('xopero-entry-alone-', async (dir) => {
      mkdirSync(join(dir, 'dist'));
      copyFileSync(ACTION_ENTRY, join(dir, 'dist/index.js'));
      copyFileSync(join(ROOT, 'dist/package.json'), join(dir, 'dist/package.json'));
      writeFileSync(join(dir, 'probe.cjs'), PROBE);
      const files = { outputFile: join(dir, 'output'), summaryFile: join(dir, 'summary'), runnerTemp: dir };
      writeFileSync(files.outputFile, '');
      writeFileSync(files.summaryFile, '');
      const env = actionEnv(
        { 'server-url': 'https://xopero.example.com', email: EMAIL, password: PASSWORD, 'wait-timeout': 'soon' },
        files,
        {
          env: { NODE_OPTIONS: `--require ${join(dir, 'probe.cjs')}`, PROBE_OUT: join(dir, 'probe.json') },
        },
      );
      const run = await runProcess([join(dir, 'dist/index.js')], env, { cwd: dir });
      expect(run.code).toBe(1);
      expect(errorLines(run.stdout)).toEqual([expect.stringContaining("Input 'wait-timeout'")]);
      expect(JSON.parse(readFileSync(join(dir, 'probe.json'), 'utf8'))).toEqual({ http2: false, tls: false, core: false });
      // Its job summary too is written by dist/index.js alone.
      expect(readFileSync(files.summaryFile, 'utf8')).toMatch(/^## Xopero ONE backup \(failed\)[\s\S]*Input 'wait-timeout'/);
    });
  });

  test('@actions/core loads after the first request is sent and before its answer; node:http2 never loads', async () => {
    world = await startWorld();
    await withTempDir('xopero-probe-', async (dir) => {
      // The first answer is held until the probe has seen @actions/core load (it touches PROBE_CORE), so
      // "loaded by then" is no race with a busy machine. If core never loads while the request waits, the
      // answer goes after 30 s, and coreAtFirstAnswer below fails.
      const coreFile = join(dir, 'core-loaded');
      world!.sim.addFault({ path: '/account/login', hold: () => fileAppears(coreFile, 30_000) });
      writeFileSync(join(dir, 'probe.cjs'), `${PROBE}${CORE_WATCH}`);
      const run = await action(
        world!,
        {},
        {
          env: {
            NODE_OPTIONS: `--require ${join(dir, 'probe.cjs')}`,
            PROBE_OUT: join(dir, 'probe.json'),
            PROBE_CORE: coreFile,
          },
        },
      );
      expect(run.code).toBe(0);
      expect(run.outputs.changed).toBe('true');
      expect(JSON.parse(readFileSync(join(dir, 'probe.json'), 'utf8'))).toEqual({
        coreAtFirstSend: false,
        coreAtFirstAnswer: true,
        http2: false,
        tls: true,
        core: true,
      });
    });
  });
});

/**
 * The Action's bundle is CommonJS (scripts/bundle.ts: Node then starts it without its ES module loader and reads
 * the files beside it synchronously). A CommonJS file, and only that, is in `require.cache`: the probe lists what
 * of dist/ is there when the run exits. A bundle built as ES modules lists nothing.
 */
describe('the bundle format', () => {
  test('a run requires dist/index.js and the files it loads beside it: the network part, the core and the report', async () => {
    world = await startWorld();
    const { run, probed } = await actionWithProbe<string[]>(
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify(Object.keys(require.cache))));",
    );
    expect(run.code).toBe(0);
    const required = probed!.filter((file) => dirname(file) === join(ROOT, 'dist'));
    expect(required).toContain(ACTION_ENTRY);
    expect(required.filter((file) => /\/\d+\.index\.js$/.test(file)).length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(readFileSync(join(ROOT, 'dist/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
  });

  // V8 keeps a file's source one byte per character only while every character is below U+0100: one ❌ made all
  // of dist/index.js two bytes a character (scripts/minify-chunks.ts). The summary still shows it: the tests of a
  // stopped run above read '❌ stopped before it had a result' in it.
  test('the files of the Action, the CLI and the report are ASCII: characters beyond it are escapes', () => {
    for (const dir of ['dist', 'dist/cli', 'dist/report'] as const) {
      for (const file of ['index.js', ...bundleChunks(dir)]) {
        const beyond = /[\u0080-\uffff]/.exec(readFileSync(join(ROOT, dir, file), 'utf8'));
        expect({ file: `${dir}/${file}`, beyond: beyond?.[0] }).toEqual({ file: `${dir}/${file}`, beyond: undefined });
      }
    }
  });

  // A CommonJS file is required synchronously: a missing one throws where the import() was, and the report's,
  // loaded from a setImmediate once the first request is out (first-request.ts), crashed the process with a stack
  // trace and no outputs. Each file a run loads, taken away in turn: the run stops as on any unexpected error.
  test('a file of the bundle missing: the run stops in one line with failure=error, whichever file it is', async () => {
    world = await startWorld();
    const loaded = await chunksLoadedBy('dist', async (env) => expect((await action(world!, {}, { env })).code).toBe(0));
    expect(loaded.length).toBeGreaterThanOrEqual(3);
    for (const missing of loaded) {
      await withTempDir('xopero-missing-file-', async (dir) => {
        mkdirSync(join(dir, 'dist'));
        for (const file of ['index.js', 'package.json', ...bundleChunks('dist')].filter((file) => file !== missing)) {
          copyFileSync(join(ROOT, 'dist', file), join(dir, 'dist', file));
        }
        const run = await action(world!, {}, { entry: join(dir, 'dist/index.js') });
        expect({ missing, code: run.code }).toEqual({ missing, code: 1 });
        expect(errorLines(run.stdout)).toEqual([
          `Incomplete copy: the file ${missing} is missing beside the entry file (dist/index.js, dist/cli/index.js). Use a released version (a tag of the action, the published package), or rebuild with 'npm run build'.`,
        ]);
        expect(run.all).not.toMatch(/^\s+at /m);
        expect(run.outputs.failure).toBe('error');
      });
    }
  });
});

/**
 * The core (src/core/run.ts): its file loads only once the run's first request (the login, or with an access
 * token the organizations) is on the wire, so its compiling does not hold that request back. The probe notes, on
 * the main thread's clock, when the first request's body was written; the run's own timing says when the core
 * was in. Both are the one thread's order, not a race.
 */
describe('the core', () => {
  const PROBE = `
    const { subscribe } = require('node:diagnostics_channel');
    const seen = {};
    subscribe('xopero-one:request:sent', () => { seen.firstSentMs ??= performance.now(); });
    process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify(seen)));`;

  async function coreLoadedAndFirstSent(inputs: Record<string, string>) {
    const { run, probed } = await actionWithProbe<{ firstSentMs: number }>(PROBE, inputs, { XOPERO_TIMING: '1' });
    expect(run.code).toBe(0);
    const coreLoaded = run.stdout.match(/^\s*([\d.]+) ms\s+\S+ ms {2}core loaded$/m);
    expect(coreLoaded).not.toBeNull();
    return { coreLoadedMs: Number(coreLoaded![1]), firstSentMs: Number(probed!.firstSentMs.toFixed(1)) };
  }

  // Through a relay at a 100 ms round trip the first request goes out after two of them (the TCP and TLS
  // handshakes): a core loaded as soon as the request was asked for, before it could go out, is in long before.
  async function throughRelay(inputs: Record<string, string>) {
    const relay = await startSlowRelay(Number(new URL(world!.url).port), 50);
    try {
      const { coreLoadedMs, firstSentMs } = await coreLoadedAndFirstSent({ ...inputs, 'server-url': relay.url });
      expect(coreLoadedMs).toBeGreaterThan(firstSentMs);
    } finally {
      await relay.close();
    }
  }

  test('loads once the login is on the wire, and the login is sent once', async () => {
    world = await startWorld();
    await throughRelay({});
    expect(count(world.sim, '/account/login')).toBe(1);
    expect(world.sim.requests[0]!.path).toBe('/account/login');
  });

  test('with an access token, loads once the organizations are on the wire, and they are read once', async () => {
    world = await startWorld();
    await throughRelay({ email: '', password: '', 'access-token': world.sim.issueToken(EMAIL) });
    expect(count(world.sim, '/account/login')).toBe(0);
    expect(count(world.sim, '/git/organizations/getmany')).toBe(1);
    expect(world.sim.requests[0]!.path).toBe('/git/organizations/getmany');
  });
});

/**
 * The first connection (src/xopero/early-connection.ts): opened by dist/index.js itself while the network part
 * loads, handed to undici as its first connection, and a run whose first request waits for it still ends only
 * when its work is done.
 */
describe('the first connection', () => {
  test('is opened by dist/index.js before the network part loads; undici opens only the spare', async () => {
    world = await startWorld();
    // Every tls.connect of the run, with the file that called it (the ESM namespace of node:tls follows).
    const { run, probed } = await actionWithProbe<string[]>(
      `const tls = require('node:tls'); const connect = tls.connect; const callers = [];
        tls.connect = function (...args) { callers.push(new Error().stack.split('\\n')[2]); return connect.apply(this, args); };
        require('node:module').syncBuiltinESMExports();
        process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify(callers)));`,
    );
    expect(run.code).toBe(0);
    const callers = probed!;
    expect(callers).toHaveLength(2);
    expect(callers[0]).toMatch(/dist\/index\.js:/);
    expect(callers[1]).toMatch(/dist\/\d+\.index\.js:/);
    expect(world!.sim.connections).toBe(2);
  });

  test('has its TCP connection under way before node:tls loads, and TLS over that same socket', async () => {
    world = await startWorld();
    // The first net connection of the run: whether node:tls was loaded when it started, and whether the first
    // TLS connection was made over an existing socket (the `socket` option) rather than a connection of its own.
    const { run, probed } = await actionWithProbe<Record<string, boolean>>(
      `const net = require('node:net'); const seen = {};
        const connect = net.connect;
        let firstTcp;
        net.connect = function (...args) {
          seen.tlsLoadedAtFirstTcp ??= process.moduleLoadList.includes('NativeModule tls');
          const socket = connect.apply(this, args);
          firstTcp ??= socket;
          return socket;
        };
        require('node:module').syncBuiltinESMExports();
        process.on('exit', () => {
          require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify(seen));
        });
        // node:tls is wrapped when something first asks for it (loading it here would spoil the first check).
        const probeTls = (exported) => {
          if (exported.__probed) return exported;
          // Whether the kernel had the connection (a local port) when node:tls was asked for: net.connect only
          // schedules it, and a synchronous load right after would hold it back.
          const local = {};
          firstTcp?._handle?.getsockname?.(local);
          seen.tcpUnderWayAtTlsLoad = (local.port ?? 0) > 0;
          const tlsConnect = exported.connect;
          exported.connect = function (options, ...more) {
            seen.firstTlsOverSocket ??= Boolean(options && options.socket);
            return tlsConnect.call(this, options, ...more);
          };
          exported.__probed = true;
          require('node:module').syncBuiltinESMExports();
          return exported;
        };
        const getBuiltin = process.getBuiltinModule;
        process.getBuiltinModule = (id) => (id === 'node:tls' || id === 'tls' ? probeTls(getBuiltin(id)) : getBuiltin(id));
        const { Module } = require('node:module');
        const load = Module._load;
        Module._load = function (request, ...rest) {
          const exported = load.call(this, request, ...rest);
          return request === 'node:tls' || request === 'tls' ? probeTls(exported) : exported;
        };`,
    );
    expect(run.code).toBe(0);
    expect(probed).toEqual({
      tlsLoadedAtFirstTcp: false,
      tcpUnderWayAtTlsLoad: true,
      firstTlsOverSocket: true,
    });
    expect(world!.sim.connections).toBe(2);
  });

  test('a run whose first request waits for it to finish its handshakes runs to the end', async () => {
    world = await startWorld();
    // 150 ms each way: the handshakes outlast the network part's loading, so undici waits for the connection.
    const relay = await startSlowRelay(Number(new URL(world.url).port), 150);
    try {
      const run = await action(world, { 'server-url': relay.url, repository: 'acme/other' });
      expect(run.code).toBe(0);
      expect(run.outputs.changed).toBe('false');
      expect(run.summary).toContain('acme/other');
      expect(world.sim.requests.map((request) => request.path).sort()).toEqual(
        ['/account/login', '/git/organizations/getmany', '/git/repositories/getmany', '/plans/listassignedtoorganization'].sort(),
      );
    } finally {
      await relay.close();
    }
  });
});
