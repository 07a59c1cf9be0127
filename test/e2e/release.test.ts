/**
 * Releasing licenses end to end: `mode: release` for one repository and `reclaim` in a sweep, with the built
 * action (dist/index.js) and the CLI bundle against the Xopero ONE simulator, and a GitHub REST stand-in
 * (testbed/github-server.ts) reached through GITHUB_API_URL for archived repositories.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACTION_ENTRY,
  CLI_ENTRY,
  ROOT,
  actionEnv,
  baseEnv,
  bundleChunks,
  chunksLoadedBy,
  errorLines,
  parseGithubOutput,
  runAction,
  runProcess,
  withTempDir,
} from '../../testbed/harness.js';
import { EMAIL, PASSWORD, count, startWorld, type World } from '../../testbed/fixtures.js';
import { expectOneLineFailure } from '../../testbed/expectations.js';
import { GithubServer } from '../../testbed/github-server.js';
import type { Simulator } from '../../testbed/simulator/index.js';

let world: World | undefined;
let github: GithubServer | undefined;
afterEach(async () => {
  await world?.sim.stop();
  await github?.stop();
  world = undefined;
  github = undefined;
});

const GOOD_TOKEN = 'ghs_reclaim-test-token-0123456789';
const FORBIDDEN_TOKEN = 'ghs_no-org-access-token-0123456789';

async function action(w: World, inputs: Record<string, string>, env: Record<string, string> = {}) {
  const run = await runAction({ ...w.inputs, ...inputs }, { env: { NODE_EXTRA_CA_CERTS: w.sim.caCertPath, ...env } });
  return { ...run, result: run.outputs.result ? JSON.parse(run.outputs.result) : undefined };
}

/** What the log shows once the runner has masked the secrets (the ::add-mask:: commands are how it learns them). */
const visible = (all: string) =>
  all
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
const mutating = (sim: Simulator) => sim.mutatingRequests().map((r) => r.path);
const plansOf = (sim: Simulator, id: string) =>
  ['Nightly GitHub', 'Weekly', 'Everything'].filter((name) => sim.plan(name)?.repositoryIds.includes(id));

/** acme/svc: protected, in 'Nightly GitHub' and 'Weekly'; 'Everything' includes all repositories. */
async function releaseWorld() {
  world = await startWorld();
  const { sim, orgId } = world;
  const svc = sim.addRepository(orgId, { name: 'acme/svc', isProtected: true });
  sim.plan('Nightly GitHub')!.repositoryIds.push(svc.id);
  sim.plan('Weekly')!.repositoryIds.push(svc.id);
  sim.addPlan(orgId, { name: 'Everything', includeAllRepositories: true });
  return { w: world, svc };
}

describe('mode: release', () => {
  test('with a plan: detaches from that plan only and deactivates; nothing else is touched; a second run changes nothing', async () => {
    const { w, svc } = await releaseWorld();
    const other = w.sim.repository('acme/other')!;
    const free = w.sim.freeLicenses;
    const run = await action(w, { mode: 'release', repository: 'acme/svc' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(svc.isProtected).toBe(false);
    expect(w.sim.freeLicenses).toBe(free + 1);
    expect(plansOf(w.sim, svc.id)).toEqual(['Weekly']);
    // Said, not refused: the plan was named, and the other plan keeps it without a license.
    expect(run.stdout).toMatch(/::warning::'acme\/svc' stays in plan 'Weekly' without a license: it is no longer backed up there\./);
    // The repository next to it keeps its license and its plan.
    expect(other.isProtected).toBe(true);
    expect(plansOf(w.sim, other.id)).toEqual(['Nightly GitHub']);
    expect(mutating(w.sim).sort()).toEqual(['/git/repositories/deactivate', '/plans/detachgitrepository']);
    const detach = w.sim.requests.find((r) => r.path === '/plans/detachgitrepository')!;
    expect(detach.body).toEqual({ planid: w.nightlyId, repositoryid: svc.id });
    expect(w.sim.requests.find((r) => r.path === '/git/repositories/deactivate')!.body).toEqual({ Ids: [svc.id] });
    expect(run.outputs.changed).toBe('true');
    expect(run.outputs['repository-id']).toBe(svc.id);
    expect(run.result).toMatchObject({ kind: 'release', licensesFreed: 1, changed: true, problems: [] });
    expect(run.result.steps.map((s: { action: string; outcome: string }) => `${s.action}:${s.outcome}`)).toEqual([
      'detach:done',
      'deactivate:done',
    ]);
    expect(run.summary).toMatch(/\| Licenses freed \| 1 \|/);
    expect(run.summary).toMatch(/Backups already taken stay in storage/);

    w.sim.resetLog();
    const again = await action(w, { mode: 'release', repository: 'acme/svc' });
    expect(again.code).toBe(0);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(again.outputs.changed).toBe('false');
    expect(again.result.steps).toEqual([]);
  });

  test('without a plan: detaches from every plan that lists it; a plan of all repositories is named, not called', async () => {
    const { w, svc } = await releaseWorld();
    const run = await action(w, { mode: 'release', repository: 'svc', plan: '' });
    expect(run.code).toBe(0);
    expect(plansOf(w.sim, svc.id)).toEqual([]);
    expect(svc.isProtected).toBe(false);
    expect(count(w.sim, '/plans/detachgitrepository')).toBe(2);
    expect(
      w.sim.requests
        .filter((r) => r.path === '/plans/detachgitrepository')
        .map((r) => (r.body as { planid: string }).planid)
        .sort(),
    ).toEqual([w.sim.plan('Nightly GitHub')!.id, w.sim.plan('Weekly')!.id].sort());
    expect(count(w.sim, '/plans/modifygitplan')).toBe(0);
    expect(run.stdout).toMatch(
      /::warning::Plan 'Everything' includes all repositories of the organization, so it cannot drop 'acme\/svc' alone/,
    );
    expect(run.result.notes).toHaveLength(1);
    expect(errorLines(run.stdout)).toEqual([]);
  });

  test('remove: true removes it after deactivating, keeping its backups; the second run finds nothing to do', async () => {
    const { w, svc } = await releaseWorld();
    const run = await action(w, { mode: 'release', repository: 'acme/svc', plan: '', remove: 'true' });
    expect(run.code).toBe(0);
    expect(w.sim.repository('acme/svc')).toBeUndefined();
    const order = mutating(w.sim);
    expect(order[order.length - 1]).toBe('/git/repositories/remove');
    expect(order.indexOf('/git/repositories/deactivate')).toBeLessThan(order.indexOf('/git/repositories/remove'));
    expect(w.sim.requests.find((r) => r.path === '/git/repositories/remove')!.body).toEqual({ id: svc.id, removedata: false });
    expect(run.result.steps.map((s: { action: string }) => s.action)).toEqual(['detach', 'detach', 'deactivate', 'remove']);

    w.sim.resetLog();
    const again = await action(w, { mode: 'release', repository: 'acme/svc', plan: '', remove: 'true' });
    expect(again.code).toBe(0);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(again.outputs.changed).toBe('false');
    expect(again.stdout).toMatch(/not known to Xopero ONE in 'acme': nothing to release/);
  });

  test('a removal the answer does not list as removed is not counted as done: one line, the run fails', async () => {
    const { w } = await releaseWorld();
    w.sim.addFault({ path: '/git/repositories/remove', status: 200, body: { succeededIds: [], failedIds: [], errors: [] } });
    const run = await action(w, { mode: 'release', repository: 'acme/svc', plan: '', remove: 'true' });
    expect(run.code).toBe(1);
    const remove = run.result.steps.find((s: { action: string }) => s.action === 'remove');
    expect(remove).toMatchObject({
      outcome: 'failed',
      reason: expect.stringMatching(/^not confirmed: .*neither as removed nor as failed/),
    });
    expect(errorLines(run.stdout).join('\n')).toMatch(/not confirmed/);
  });

  test('without remove, the repository stays in Xopero ONE', async () => {
    const { w } = await releaseWorld();
    const run = await action(w, { mode: 'release', repository: 'acme/svc' });
    expect(run.code).toBe(0);
    expect(count(w.sim, '/git/repositories/remove')).toBe(0);
    expect(w.sim.repository('acme/svc')).toBeDefined();
  });

  test('a dry run lists the changes and makes none', async () => {
    const { w, svc } = await releaseWorld();
    const run = await action(w, { mode: 'release', repository: 'acme/svc', plan: '', remove: 'true', 'dry-run': 'true' });
    expect(run.code).toBe(0);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(svc.isProtected).toBe(true);
    expect(run.outputs.changed).toBe('false');
    expect(run.result.steps.every((s: { outcome: string }) => s.outcome === 'would')).toBe(true);
    expect(run.result.steps).toHaveLength(4);
    expect(run.summary).toMatch(
      /would detach from 'Nightly GitHub'; would detach from 'Weekly'; would deactivate license; would remove from Xopero ONE/,
    );
  });

  test('release-check fails while the repository holds a license, and passes once it is released', async () => {
    const { w } = await releaseWorld();
    const check = await action(w, { mode: 'release-check', repository: 'acme/svc' });
    expectOneLineFailure(
      check,
      /'acme\/svc' is not released: it holds a license and is in plan 'Nightly GitHub' \(mode: release-check changes nothing/,
    );
    expect(check.outputs.failure).toBe('non-compliant');
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect((await action(w, { mode: 'release', repository: 'acme/svc' })).code).toBe(0);
    w.sim.resetLog();
    const passed = await action(w, { mode: 'release-check', repository: 'acme/svc' });
    expect([passed.code, passed.outputs.failure]).toEqual([0, '']);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
  });

  test('an account without the role says which role the call needs', async () => {
    // System Administrator only: the documentation asks one of DataRemoveManagement or GitManagement for a
    // deactivation, and no more than System Administrator for a detach.
    world = await startWorld({
      users: [{ email: EMAIL, password: PASSWORD, roles: ['SystemAdministrator'] }],
    });
    const w = world;
    const svc = w.sim.addRepository(w.orgId, { name: 'acme/svc', isProtected: true });
    w.sim.plan('Nightly GitHub')!.repositoryIds.push(svc.id);
    const run = await action(w, { mode: 'release', repository: 'acme/svc' });
    expectOneLineFailure(
      run,
      /Deactivating the license of 'acme\/svc' failed: The Xopero ONE account may not call POST \/git\/repositories\/deactivate .*AU1403.*give it the DataRemoveManagement or GitManagement role, besides System Administrator/,
    );
    // The detach was still done: the two calls are independent.
    expect(svc.isProtected).toBe(true);
    expect(w.sim.plan('Nightly GitHub')!.repositoryIds).not.toContain(svc.id);
  });

  test('a plan that does not list the repository while another does: refused before any change, naming that plan', async () => {
    world = await startWorld();
    const w = world;
    const svc = w.sim.addRepository(w.orgId, { name: 'acme/svc', isProtected: true });
    w.sim.plan('Nightly GitHub')!.repositoryIds.push(svc.id);
    const run = await action(w, { mode: 'release', repository: 'acme/svc', plan: 'Weekly' });
    expectOneLineFailure(
      run,
      /^'acme\/svc' is not in plan 'Weekly'; it is in plan 'Nightly GitHub'\. Releasing it would free its license and leave it there, unprotected: set plan to that plan, or leave it empty to release it from every plan\. Nothing was changed\.$/,
    );
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(svc.isProtected).toBe(true);
    // Named right, it is released.
    expect((await action(w, { mode: 'release', repository: 'acme/svc', plan: 'Nightly GitHub' })).code).toBe(0);
    expect(svc.isProtected).toBe(false);
  });

  test("the server's error code of a release call is explained in words", async () => {
    const { w, svc } = await releaseWorld();
    w.sim.addFault({ path: '/plans/detachgitrepository', status: 404, body: { errorCode: 'GT1004', message: 'Repository not found' } });
    const run = await action(w, { mode: 'release', repository: 'acme/svc' });
    expectOneLineFailure(
      run,
      /Detaching 'acme\/svc' from plan 'Nightly GitHub' failed: .*GT1004.*Xopero ONE does not know this repository/,
    );
    expect(svc.isProtected).toBe(false);
  });

  test('release is for one repository: with repositories it is refused before any request', async () => {
    const { w } = await releaseWorld();
    const run = await action(w, { mode: 'release', repositories: '*' });
    expectOneLineFailure(run, /Input 'mode': release works on one repository/);
    expect(w.sim.requests).toHaveLength(0);
  });

  test('the CLI: --mode release, and a second run changes nothing', async () => {
    const { w, svc } = await releaseWorld();
    const cwd = mkdtempSync(join(tmpdir(), 'xopero-release-'));
    try {
      const env = baseEnv({ XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: w.sim.caCertPath });
      const args = [
        CLI_ENTRY,
        '--server-url',
        w.url,
        '--organization',
        'acme',
        '--repository',
        'acme/svc',
        '--mode',
        'release',
        '--remove',
      ];
      const run = await runProcess(args, env, { cwd });
      expect(run.stderr).not.toMatch(/^xopero-one: /m); // the log is on stderr; no error line in it
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /Release: detached from 'Nightly GitHub'; detached from 'Weekly'; deactivated license; removed from Xopero ONE; licenses freed: 1; changed: true/,
      );
      expect(w.sim.repository(svc.id)).toBeUndefined();
      w.sim.resetLog();
      const again = await runProcess(args, env, { cwd });
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/Release: nothing to change; licenses freed: 0; changed: false/);
      expect(w.sim.mutatingRequests()).toHaveLength(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

/**
 * acme (pages of 5) besides the fixture's repositories:
 *   live-1..3      protected, in Nightly, not archived             -> neither: untouched
 *   old-removed    removed in Xopero ONE, protected, in Nightly    -> removed
 *   gone-free      removed, no license, no plan                    -> removed but holds nothing: no call
 *   arch-1         archived on GitHub, protected, Nightly + Weekly -> archived
 *   arch-2         archived, no license, no plan                   -> archived, holds nothing: not protected either
 *   both           removed in Xopero ONE and archived on GitHub    -> both, released once
 *   keep-archived  archived, protected, in Nightly                 -> excluded by !keep-*: never touched
 *   keep-removed   removed, protected                              -> excluded by !keep-*: never touched
 * GitHub lists acme's repositories 3 per page.
 */
async function reclaimWorld() {
  world = await startWorld({ pageCap: 5 });
  const { sim, orgId } = world;
  const nightly = sim.plan('Nightly GitHub')!;
  const weekly = sim.plan('Weekly')!;
  const add = (name: string, init: { isProtected: boolean; isRemoved?: boolean }, plans: Array<typeof nightly> = []) => {
    const repo = sim.addRepository(orgId, { name: `acme/${name}`, ...init });
    for (const plan of plans) plan.repositoryIds.push(repo.id);
    return repo;
  };
  const repos = {
    live: [1, 2, 3].map((i) => add(`live-${i}`, { isProtected: true }, [nightly])),
    oldRemoved: add('old-removed', { isProtected: true, isRemoved: true }, [nightly]),
    goneFree: add('gone-free', { isProtected: false, isRemoved: true }),
    arch1: add('arch-1', { isProtected: true }, [nightly, weekly]),
    arch2: add('arch-2', { isProtected: false }),
    both: add('both', { isProtected: true, isRemoved: true }, [nightly]),
    keepArchived: add('keep-archived', { isProtected: true }, [nightly]),
    keepRemoved: add('keep-removed', { isProtected: true, isRemoved: true }),
  };
  github = new GithubServer();
  github.maxPerPage = 3;
  github.tokens.set(GOOD_TOKEN, 'all');
  github.tokens.set(FORBIDDEN_TOKEN, 'forbidden');
  const archived = new Set(['arch-1', 'arch-2', 'both', 'keep-archived']);
  github.addOwner(
    'acme',
    ['other', 'api', 'api-gateway', 'live-1', 'live-2', 'live-3', 'arch-1', 'arch-2', 'both', 'keep-archived', 'new-on-github'].map(
      (name) => ({ name, archived: archived.has(name) }),
    ),
  );
  await github.start();
  return { w: world, gh: github, repos };
}

const reclaimInputs = (extra: Record<string, string> = {}) => ({
  repositories: '*, !keep-*',
  reclaim: 'removed, archived',
  'github-token': GOOD_TOKEN,
  ...extra,
});

describe('reclaim in a sweep', () => {
  test('removed and archived repositories matched by the patterns are released; the rest are not touched; a second run changes nothing', async () => {
    const { w, gh, repos } = await reclaimWorld();
    const free = w.sim.freeLicenses;
    const run = await action(w, reclaimInputs(), { GITHUB_API_URL: gh.url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // octokit's requests through undici carry no body: never a FormData, whose code the build leaves out
    // (test/unit/undici-parts.test.ts).
    expect(gh.requests.length).toBeGreaterThan(0);
    expect(gh.requests.filter((r) => r.method !== 'GET' || r.hasBody)).toEqual([]);
    for (const repo of [repos.oldRemoved, repos.arch1, repos.both]) {
      expect(repo.isProtected).toBe(false);
      expect(plansOf(w.sim, repo.id)).toEqual([]);
    }
    // Archived and holding nothing: the sweep does not protect it.
    expect(repos.arch2.isProtected).toBe(false);
    expect(plansOf(w.sim, repos.arch2.id)).toEqual([]);
    // Excluded by the patterns: kept whatever GitHub or Xopero ONE says.
    expect(repos.keepArchived.isProtected).toBe(true);
    expect(plansOf(w.sim, repos.keepArchived.id)).toEqual(['Nightly GitHub']);
    expect(repos.keepRemoved.isProtected).toBe(true);
    for (const repo of repos.live) {
      expect(repo.isProtected).toBe(true);
      expect(plansOf(w.sim, repo.id)).toEqual(['Nightly GitHub']);
    }
    // The sweep still protects the live, unarchived repositories it matches (acme/api, acme/api-gateway).
    expect(w.sim.repository('acme/api')!.isProtected).toBe(true);
    expect(w.sim.freeLicenses).toBe(free + 3 - 2);
    // No call names a repository reclaim must not touch.
    const untouchable = [repos.keepArchived, repos.keepRemoved, repos.goneFree, repos.arch2, ...repos.live].map((r) => r.id);
    const called = w.sim.mutatingRequests().flatMap((r) => JSON.stringify(r.body));
    for (const id of untouchable) expect(called.join(' ')).not.toContain(id);
    expect(count(w.sim, '/git/repositories/deactivate')).toBe(1);
    expect(count(w.sim, '/git/repositories/remove')).toBe(0);

    const reclaim = run.result.reclaim;
    expect(reclaim.released).toEqual(['acme/arch-1', 'acme/both', 'acme/old-removed']);
    expect(reclaim.licensesFreed).toBe(3);
    expect(reclaim.entries.find((e: { repository: string }) => e.repository === 'acme/both').reasons).toEqual(['removed', 'archived']);
    expect(run.outputs.changed).toBe('true');
    expect(run.summary).toMatch(/Released 3 repositories; freed 3 licenses/);
    expect(run.summary).toMatch(
      /\| acme\/arch-1 \| archived \| detached from 'Nightly GitHub'; detached from 'Weekly'; deactivated license \|/,
    );
    // Every page of the GitHub list was read, following Link: 11 repositories, 3 per page.
    const pages = gh.requests.filter((r) => r.path === '/api/v3/orgs/acme/repos');
    expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3', '4']);
    expect(pages.every((r) => r.authorization === `token ${GOOD_TOKEN}`)).toBe(true);
    expect(run.stdout).toContain(`::add-mask::${GOOD_TOKEN}`);
    expect(visible(run.all)).not.toContain(GOOD_TOKEN);

    w.sim.resetLog();
    const again = await action(w, reclaimInputs(), { GITHUB_API_URL: gh.url });
    expect(again.code).toBe(0);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(again.outputs.changed).toBe('false');
    expect(again.result.reclaim.released).toEqual([]);
  });

  test('release-limit stops the run before its first change, naming the count and the input', async () => {
    const { w, gh, repos } = await reclaimWorld();
    const run = await action(w, reclaimInputs({ 'release-limit': '2' }), { GITHUB_API_URL: gh.url });
    expectOneLineFailure(
      run,
      /Reclaim would release 3 repositories \(3 licenses\), more than release-limit \(2\); nothing was changed\..*raise release-limit to 3/,
    );
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(repos.arch1.isProtected).toBe(true);
    expect(w.sim.repository('acme/api')!.isProtected).toBe(false);
  });

  test('a dry run lists what reclaim would release and changes nothing', async () => {
    const { w, gh } = await reclaimWorld();
    const run = await action(w, reclaimInputs({ 'dry-run': 'true' }), { GITHUB_API_URL: gh.url });
    expect(run.code).toBe(0);
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(run.result.reclaim.entries.map((e: { repository: string }) => e.repository)).toEqual([
      'acme/arch-1',
      'acme/both',
      'acme/old-removed',
    ]);
    expect(run.result.reclaim.wouldFree).toBe(3);
    expect(run.summary).toMatch(/Would release 3 repositories and free 3 licenses/);
  });

  test('check mode fails while removed or archived repositories still hold licenses, and changes nothing', async () => {
    const { w, gh } = await reclaimWorld();
    const run = await action(w, reclaimInputs({ mode: 'check' }), { GITHUB_API_URL: gh.url });
    expect(run.code).toBe(1);
    expect(run.outputs.failure).toBe('non-compliant');
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(errorLines(run.stdout)).toContainEqual(
      expect.stringMatching(/^3 archived or removed repositories still hold a license or a place in a plan; mode: check changes nothing/),
    );
  });

  test('reclaim removed alone needs no GitHub token and reads no GitHub', async () => {
    const { w, gh, repos } = await reclaimWorld();
    const run = await action(w, { repositories: '*, !keep-*', reclaim: 'removed', 'github-token': '' });
    expect(run.code).toBe(0);
    expect(gh.requests).toHaveLength(0);
    expect(run.result.reclaim.released).toEqual(['acme/both', 'acme/old-removed']);
    expect(repos.arch1.isProtected).toBe(true);
    expect(repos.keepRemoved.isProtected).toBe(true);
  });

  test('a GitHub token that is rejected, or cannot read the organization, fails in words before any change', async () => {
    const { w, gh } = await reclaimWorld();
    const bad = await action(w, reclaimInputs({ 'github-token': 'ghs_not-a-valid-token' }), { GITHUB_API_URL: gh.url });
    expectOneLineFailure(bad, /GitHub rejected github-token \(HTTP 401: Bad credentials\)/);
    const forbidden = await action(w, reclaimInputs({ 'github-token': FORBIDDEN_TOKEN }), { GITHUB_API_URL: gh.url });
    expectOneLineFailure(
      forbidden,
      /github-token may not list the repositories of 'acme' \(HTTP 403: Resource not accessible by integration\): give it read access .*Metadata: read/,
    );
    expect(w.sim.mutatingRequests()).toHaveLength(0);
    expect(visible(forbidden.all)).not.toContain(FORBIDDEN_TOKEN);
  });

  test('a next page pointed at another origin is not followed (it would carry the token there); an http:// API is refused', async () => {
    const { w, gh } = await reclaimWorld();
    const elsewhere = new GithubServer();
    elsewhere.tokens.set(GOOD_TOKEN, 'all');
    await elsewhere.start();
    try {
      gh.linkOrigin = new URL(elsewhere.url).origin;
      const run = await action(w, reclaimInputs(), { GITHUB_API_URL: gh.url });
      expect(run.code).toBe(1);
      expect(errorLines(run.stdout).join('\n')).toMatch(
        /pointed the next page at https:\/\/127\.0\.0\.1:\d+, not at the API .*not followed, as it would carry the token there; check that GITHUB_API_URL is the API's own address/,
      );
      expect(elsewhere.requests).toHaveLength(0);
      expect(w.sim.mutatingRequests()).toHaveLength(0);

      const plain = await action(w, reclaimInputs(), { GITHUB_API_URL: 'http://127.0.0.1:9/api/v3' });
      expect(plain.code).toBe(1);
      expect(errorLines(plain.stdout).join('\n')).toMatch(/GITHUB_API_URL 'http:\/\/127\.0\.0\.1:9' is not https/);
      expect(w.sim.mutatingRequests()).toHaveLength(0);
    } finally {
      await elsewhere.stop();
    }
  });

  test('patterns that match only archived repositories: they are released, and the sweep does not fail for matching nothing else', async () => {
    const { w, gh, repos } = await reclaimWorld();
    const run = await action(w, { repositories: 'arch-*', reclaim: 'archived', 'github-token': GOOD_TOKEN }, { GITHUB_API_URL: gh.url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.result.counts.matched).toBe(0);
    expect(run.result.reclaim).toMatchObject({ claimed: 2, released: ['acme/arch-1'], licensesFreed: 1 });
    expect(repos.arch1.isProtected).toBe(false);
    expect(repos.arch2.isProtected).toBe(false);
    expect(repos.both.isProtected).toBe(true);
  });

  test('the CLI: --reclaim archived with XOPERO_GITHUB_TOKEN', async () => {
    const { w, gh, repos } = await reclaimWorld();
    const cwd = mkdtempSync(join(tmpdir(), 'xopero-reclaim-'));
    try {
      const env = baseEnv({
        XOPERO_EMAIL: EMAIL,
        XOPERO_PASSWORD: PASSWORD,
        XOPERO_GITHUB_TOKEN: GOOD_TOKEN,
        GITHUB_API_URL: gh.url,
        NODE_EXTRA_CA_CERTS: w.sim.caCertPath,
      });
      const args = [
        CLI_ENTRY,
        '--server-url',
        w.url,
        '--organization',
        'acme',
        '--repositories',
        'arch-*,bo*,live-*',
        '--reclaim',
        'archived',
        '--no-activate',
      ];
      const run = await runProcess(args, env, { cwd });
      expect(run.stderr).not.toMatch(/^xopero-one: /m); // the log is on stderr; no error line in it
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Reclaim: released 2 repositories, freed 2 licenses: acme\/arch-1, acme\/both/);
      expect(repos.arch1.isProtected).toBe(false);
      expect(repos.oldRemoved.isProtected).toBe(true);
      expect(run.stdout).not.toContain(GOOD_TOKEN);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

/**
 * What loads on demand stays apart: ncc emits the release code and octokit as dist/NNN.index.js files. The
 * protect run must work without them (it neither carries nor loads them; it needs only dist/index.js and the
 * network and report files github.ts loads), and the CLI file alone (what the GitLab component runs) must still
 * release, with only reclaim: archived unavailable, in one line.
 */
describe('the files loaded on demand', () => {
  const chunks = bundleChunks;
  let unloadedByProtect: Promise<string[]> | undefined;
  /**
   * The release code and octokit, known by behaviour: the files beside dist/index.js that a protect run does
   * not load (seen by Node's module resolution). Found once, with a world of its own.
   */
  const releaseChunks = () =>
    (unloadedByProtect ??= (async () => {
      const probe = await startWorld();
      try {
        const loaded = await chunksLoadedBy('dist', async (env) => expect((await action(probe, {}, env)).code).toBe(0));
        expect(loaded.length).toBeGreaterThanOrEqual(1); // the network part and the report
        return chunks('dist').filter((file) => !loaded.includes(file));
      } finally {
        await probe.sim.stop();
      }
    })());

  test('the bundles have them beside the entry; a release run loads what a protect run leaves; the entry has no octokit', async () => {
    expect(chunks('dist').length).toBeGreaterThanOrEqual(2);
    expect(chunks('dist/cli').length).toBeGreaterThanOrEqual(1);
    const left = await releaseChunks();
    expect(left.length).toBeGreaterThanOrEqual(2);
    const { w } = await releaseWorld();
    const loaded = await chunksLoadedBy('dist', async (env) =>
      expect((await action(w, { mode: 'release', repository: 'acme/svc' }, env)).code).toBe(0),
    );
    expect(loaded.filter((file) => left.includes(file)).length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(ACTION_ENTRY, 'utf8')).not.toMatch(/octokit/i);
  });

  test('a protect run works without the release code and octokit', async () => {
    world = await startWorld();
    const w = world;
    const left = await releaseChunks();
    await withTempDir('xopero-lone-action-', async (dir) => {
      mkdirSync(join(dir, 'dist'));
      for (const file of ['index.js', 'package.json', ...chunks('dist').filter((file) => !left.includes(file))]) {
        copyFileSync(join(ROOT, 'dist', file), join(dir, 'dist', file));
      }
      const files = { outputFile: join(dir, 'output'), summaryFile: join(dir, 'summary'), runnerTemp: join(dir, 'runner-temp') };
      writeFileSync(files.outputFile, '');
      writeFileSync(files.summaryFile, '');
      mkdirSync(files.runnerTemp);
      const env = actionEnv({ ...w.inputs, repository: 'acme/api' }, files, { env: { NODE_EXTRA_CA_CERTS: w.sim.caCertPath } });
      const run = await runProcess([join(dir, 'dist/index.js')], env, { cwd: dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(parseGithubOutput(readFileSync(files.outputFile, 'utf8')).changed).toBe('true');
      expect(readFileSync(files.summaryFile, 'utf8')).toContain('acme/api');
      expect(w.sim.repository('acme/api')!.isProtected).toBe(true);
    });
  });

  test('the CLI file alone (as the GitLab component runs it) releases; reclaim: archived says in one line where to run it', async () => {
    const { w, svc } = await releaseWorld();
    await withTempDir('xopero-lone-cli-', async (dir) => {
      const lone = join(dir, 'xopero-one.mjs');
      copyFileSync(CLI_ENTRY, lone);
      const env = baseEnv({
        XOPERO_EMAIL: EMAIL,
        XOPERO_PASSWORD: PASSWORD,
        NODE_EXTRA_CA_CERTS: w.sim.caCertPath,
        XOPERO_SERVER_URL: w.url,
        XOPERO_ORGANIZATION: 'acme',
      });
      const run = await runProcess([lone, '--repository', 'acme/svc', '--mode', 'release'], env, { cwd: dir });
      expect(run.stderr).not.toMatch(/^xopero-one: /m); // the log is on stderr; no error line in it
      expect(run.code).toBe(0);
      expect(svc.isProtected).toBe(false);

      w.sim.resetLog();
      const archived = await runProcess(
        [lone, '--repositories', '*', '--reclaim', 'archived'],
        { ...env, XOPERO_GITHUB_TOKEN: GOOD_TOKEN, GITHUB_API_URL: 'https://127.0.0.1:9/api/v3' },
        { cwd: dir },
      );
      expect(archived.code).toBe(1);
      expect(archived.stderr.split('\n').filter((line) => line.startsWith('xopero-one:'))).toEqual([
        expect.stringMatching(
          /^xopero-one: reclaim: archived needs the GitHub API client, .*cannot be loaded here .*use reclaim: removed\.$/,
        ),
      ]);
      expect(w.sim.mutatingRequests()).toHaveLength(0);
    });
  });
});
