/**
 * What a hostile or broken server (or a cancelled job) must not be able to do, end to end through the built
 * action (dist/index.js) and the CLI bundle, against the simulator: a token revoked while requests are in
 * flight, names carrying runner commands or terminal escapes, answers that break the documented shapes, and
 * SIGINT/SIGTERM during the synchronization wait.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  ACTION_ENTRY,
  ROOT,
  CLI_ENTRY,
  actionDefaults,
  baseEnv,
  errorLines,
  parseGithubOutput,
  runAction,
  runProcess,
  startCommand,
  TEST_NODE,
  type ActionResult,
} from '../../testbed/harness.js';
import { EMAIL, PASSWORD, count, startWorld, type World } from '../../testbed/fixtures.js';
import type { RequestRecord } from '../../testbed/simulator/index.js';
import { scratchFolder } from '../scratch.js';

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});
const scratch = scratchFolder('xopero-hardening-');

const REPORT_ENTRY = join(ROOT, 'dist/report/index.js');
const ACTIVATE = '/git/repositories/activate';
const ATTACH = '/plans/attachgitrepository';
const ORGS = '/git/organizations/getmany';
const REPOS = '/git/repositories/getmany';

async function action(w: World, inputs: Record<string, string> = {}, repository?: string): Promise<ActionResult> {
  return runAction({ ...w.inputs, ...inputs }, { repository, env: { NODE_EXTRA_CA_CERTS: w.sim.caCertPath } });
}

async function cli(w: World, args: string[], env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(scratch(), 'cli-'));
  const run = await runProcess(
    [CLI_ENTRY, ...args],
    baseEnv({ XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: w.sim.caCertPath, ...env }),
    { cwd },
  );
  return { ...run, cwd, all: run.stdout + run.stderr };
}

const cliFlags = (w: World, repository = 'acme/api') => [
  '--server-url',
  w.url,
  '--organization',
  'acme',
  '--repository',
  repository,
  '--plan',
  'Nightly GitHub',
];

/** Requests sent after the first login answered that needed a token and went out without one. */
function withoutToken(requests: RequestRecord[]): RequestRecord[] {
  const firstLogin = requests.findIndex((r) => r.path === '/account/login');
  return requests.slice(firstLogin + 1).filter((r) => r.path !== '/account/login' && !r.authorization);
}

const mutating = (w: World) => w.sim.mutatingRequests().map((r) => r.path);

describe('a token revoked while requests are in flight', () => {
  test('sweep of 300 repositories: one re-login, every request carries a token, every repository ends attached and activated', async () => {
    world = await startWorld({ latencyMs: 15 });
    const { sim, orgId } = world;
    const repos = sim.addRepositories(orgId, 300, () => ({ isProtected: false }));
    // The 40th attachment revokes every token while the others (8 at a time) and the activations are out.
    sim.addFault({ path: ATTACH, times: 39 });
    sim.addFault({ path: ATTACH, revokeTokens: true });

    const run = await action(world, { repositories: 'repo-*' });

    expect(errorLines(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
    const plan = sim.plan('Nightly GitHub')!;
    for (const repo of repos) {
      expect(repo.isProtected).toBe(true);
      expect(plan.repositoryIds).toContain(repo.id);
    }
    expect(withoutToken(sim.requests)).toEqual([]);
    expect(count(sim, '/account/login')).toBe(2);
    expect(JSON.parse(run.outputs.result).counts).toMatchObject({ matched: 300, attached: 300, activated: 300, failed: 0 });
  });

  test('one repository, CLI: a revocation while activation and attachment are out costs one re-login', async () => {
    world = await startWorld({ latencyMs: 30 });
    const { sim } = world;
    // Both changes go out together; the activation arrives, revokes, and both are then refused with 401.
    sim.addFault({ path: ACTIVATE, revokeTokens: true });

    const run = await cli(world, cliFlags(world));

    // The log is on stderr; no error line among it.
    expect(run.stderr).not.toMatch(/^xopero-one: /m);
    expect(run.code).toBe(0);
    const api = sim.repository('acme/api')!;
    expect(api.isProtected).toBe(true);
    expect(sim.plan('Nightly GitHub')!.repositoryIds).toContain(api.id);
    expect(withoutToken(sim.requests)).toEqual([]);
    expect(count(sim, '/account/login')).toBe(2);
  });
});

/** Names a hostile or broken server could hold: each line a runner command, a terminal escape, a fake section. */
const HOSTILE = [
  'evil',
  '::add-mask::Nightly',
  '::error title=forged::forged annotation',
  '  ::warning::forged warning',
  '::stop-commands::pwned',
  'x ##[error]forged v1 command',
  '##[group]forged group',
  '\u001b[0Ksection_start:1:forged[collapsed=true]\r\u001b[0Kforged section',
  '\u001b[31mred\u001b[0m\u0007\u009b31m',
].join('\n');

async function hostileWorld(): Promise<{ w: World; orgId: string; planId: string }> {
  const w = await startWorld();
  const org = w.sim.addOrganization({ name: HOSTILE });
  w.sim.addRepository(org.id, { name: 'evil/api', isProtected: false });
  const plan = w.sim.addPlan(org.id, { name: `plan\n${HOSTILE}` });
  return { w, orgId: org.id, planId: plan.id };
}

describe('server text reaches the log neutralized', () => {
  test("GitHub: no line starts a runner command but the action's own, no escape sequence, no v1 command", async () => {
    const { w, orgId, planId } = await hostileWorld();
    world = w;
    const run = await action(w, { organization: orgId, plan: planId }, 'evil/api');

    expect(run.code).toBe(0);
    const commands = run.stdout.split('\n').filter((line) => /^\s*::/.test(line));
    for (const line of commands) expect(line).toMatch(/^::(group|endgroup|add-mask|warning|error)::/);
    // The action's own masks are only for its secrets; its own groups are its own titles.
    expect(commands.filter((line) => line.startsWith('::add-mask::')).every((line) => !/Nightly|evil|pwned|forged/.test(line))).toBe(true);
    expect(commands.filter((line) => line.startsWith('::group::')).every((line) => !/forged|evil/.test(line))).toBe(true);
    expect(run.stdout).not.toMatch(/forged (annotation|warning)$/m);
    expect(run.stdout).not.toContain('##[');
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    // Still readable: the name is there, its line breaks shown, not executed.
    expect(run.stdout).toContain('Organization: evil\\n::add-mask::Nightly\\n');
    expect(run.summary).toContain('evil');
    const repo = w.sim.repository('evil/api')!;
    expect(repo.isProtected).toBe(true);
    expect(w.sim.plan(planId)!.repositoryIds).toContain(repo.id);
  });

  test("GitLab: only the CLI's own section markers and colours; no control character from the server", async () => {
    const { w, orgId, planId } = await hostileWorld();
    world = w;
    const run = await cli(w, ['--server-url', w.url, '--organization', orgId, '--repository', 'evil/api', '--plan', planId], {
      GITLAB_CI: 'true',
      CI: 'true',
      CI_PROJECT_ROOT_NAMESPACE: 'evil',
      CI_PROJECT_PATH: 'evil/api',
    });

    expect(run.code).toBe(0);
    // What GitLab's log parser takes as a section marker (Gitlab::Regex.build_trace_section_regex).
    const markers = [...run.all.matchAll(/section_(start|end):(\d+):([a-zA-Z0-9_.-]+)(?:\[(.*?)\])?\r\u001b\[0K/g)];
    expect(markers.length).toBeGreaterThanOrEqual(2);
    markers.forEach((m, i) => {
      // start xopero_1, end xopero_1, start xopero_2...: only the CLI's own, each closed before the next opens.
      expect(m[1]).toBe(i % 2 === 0 ? 'start' : 'end');
      expect(m[3]).toBe(`xopero_${Math.floor(i / 2) + 1}`);
    });
    expect(markers.length % 2).toBe(0);
    // Remove the CLI's own markers and colours: nothing escape-like or control-like is left.
    const own = run.all
      .replace(/\u001b\[0Ksection_(start|end):\d+:xopero_\d+(\[collapsed=false\])?\r\u001b\[0K/g, '')
      .replace(/\u001b\[33m|\u001b\[0m/g, '');
    expect(own).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(readFileSync(join(run.cwd, 'xopero.env'), 'utf8')).toContain(`XOPERO_ORGANIZATION_ID=${orgId}\n`);
  });

  test('plain CLI: the text report and the log carry no control character from the server', async () => {
    const { w, orgId, planId } = await hostileWorld();
    world = w;
    const run = await cli(w, ['--server-url', w.url, '--organization', orgId, '--repository', 'evil/api', '--plan', planId]);

    expect(run.code).toBe(0);
    expect(run.all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(run.stdout).toContain('Organization: evil\\n::add-mask::Nightly\\n');
  });
});

describe('server text in summaries and merged reports', () => {
  /** A plan name that would be an image calling home, raw HTML and a link, were it Markdown. */
  const MARKDOWN = '![x](https://evil.test/x.png) <img src=https://evil.test/y> [click](https://evil.test) `code` *bold*';

  test('the job summary shows a name as written: no image, HTML, link, code span or emphasis from it', async () => {
    const w = await startWorld();
    world = w;
    const plan = w.sim.addPlan(w.orgId, { name: MARKDOWN });
    const run = await action(w, { plan: plan.id });

    expect(run.code).toBe(0);
    expect(run.summary).toContain(
      '!\\[x\\](https://evil.test/x.png) \\<img src=https://evil.test/y\\> \\[click\\](https://evil.test) \\`code\\` \\*bold\\*',
    );
    // No unescaped mark of the name is left to open anything.
    expect(run.summary).not.toMatch(/(^|[^\\])(!\[x\]|<img|\[click\]|\*bold)/m);
  });

  test('xopero-one report and the report action: a hostile organization name is no command in the log and no Markdown in the summary', async () => {
    const { w, orgId } = await hostileWorld();
    world = w;
    w.sim.organization(orgId)!.name = `${HOSTILE}\n${MARKDOWN}`;
    const results = mkdtempSync(join(scratch(), 'results-'));
    const sweep = await cli(w, [
      '--server-url',
      w.url,
      '--organization',
      orgId,
      '--repositories',
      '**',
      '--result-file',
      join(results, 'r.json'),
    ]);
    expect(sweep.code).toBe(0);

    const merged = await cli(w, ['report', results]);
    expect(merged.code).toBe(0);
    const logLines = merged.all.split('\n');
    expect(logLines.filter((line) => /^\s*::/.test(line))).toEqual([]);
    expect(merged.all).not.toMatch(/##\[|##vso\[/i);
    expect(merged.all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(merged.stdout).toContain('!\\[x\\](https://evil.test/x.png)');
    // (The chart's title is Mermaid source inside its fence, not Markdown.)
    const outsideChart = (text: string) => text.replace(/^```mermaid\n[\s\S]*?^```$/gm, '');
    expect(outsideChart(merged.stdout)).not.toMatch(/(^|[^\\])(!\[x\]|<img)/m);

    const out = mkdtempSync(join(scratch(), 'report-action-'));
    const summary = join(out, 'summary.md');
    writeFileSync(summary, '');
    writeFileSync(join(out, 'output'), '');
    const action = await runProcess(
      [REPORT_ENTRY],
      baseEnv({
        GITHUB_ACTIONS: 'true',
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: join(out, 'output'),
        RUNNER_TEMP: out,
        INPUT_RESULTS: results,
      }),
    );
    expect(action.code).toBe(0);
    expect(action.stdout.split('\n').filter((line) => /^\s*::/.test(line) && !line.startsWith('::add-mask::'))).toEqual([]);
    expect(action.stdout).not.toContain('##[');
    const page = readFileSync(summary, 'utf8');
    expect(outsideChart(page)).not.toMatch(/(^|[^\\])(!\[x\]|<img)/m);
    // The chart's title cannot close its code fence.
    expect(page.match(/^```/gm)).toHaveLength(2);
  });

  test('plain CLI --json: no command mark a CI would act on, and still the same JSON', async () => {
    const w = await startWorld();
    world = w;
    const plan = w.sim.addPlan(w.orgId, { name: 'x ##[error]forged ##vso[task.complete result=Failed] ##teamcity[message]' });
    const run = await cli(w, [...cliFlags(w).slice(0, -2), '--plan', plan.id, '--json']);

    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/##(vso|teamcity)?\[/i);
    expect(JSON.parse(run.stdout).plan.name).toBe('x ##[error]forged ##vso[task.complete result=Failed] ##teamcity[message]');
  });
});

describe('answers that break the documented shape', () => {
  const cases: Array<[string, (w: World) => void, RegExp]> = [
    [
      'an organization without a name',
      (w) => w.sim.addFault({ path: ORGS, transform: (a) => ({ ...(a as object), result: [{ id: w.orgId, plans: [] }] }) }),
      /POST \/git\/organizations\/getmany.*result\[0\]\.name.*expected a string/,
    ],
    [
      'result: null',
      (w) => w.sim.addFault({ path: ORGS, transform: (a) => ({ ...(a as object), result: null }) }),
      /POST \/git\/organizations\/getmany.*result.*expected a list.*null/,
    ],
    [
      'a repository page without repositories',
      (w) => w.sim.addFault({ path: REPOS, transform: (a) => ({ ...(a as object), result: { synchronizationInProgress: false } }) }),
      /POST \/git\/repositories\/getmany.*result\.repositories.*expected a list/,
    ],
    [
      'a list that is not JSON',
      (w) => w.sim.addFault({ path: ORGS, status: 200, body: '<html>Welcome</html>' }),
      /POST \/git\/organizations\/getmany.*expected a JSON body.*<html>Welcome/,
    ],
    [
      'an answer larger than any of this API (17 MiB)',
      (w) => w.sim.addFault({ path: ORGS, status: 200, body: `"${'x'.repeat(17 * 1024 * 1024)}"` }),
      /answered POST \/git\/organizations\/getmany with more than 16 MiB, which no answer of this API holds: check that server-url is the Management Service/,
    ],
    [
      'a login answer that is not JSON',
      (w) => w.sim.addFault({ path: '/account/login', status: 200, body: 'OK', contentType: 'application/json' }),
      /POST \/account\/login.*expected a JSON body.*'OK'/,
    ],
  ];
  for (const [name, inject, pattern] of cases) {
    test(`${name}: one line naming the endpoint, exit 1, no changing call`, async () => {
      world = await startWorld();
      inject(world);
      const run = await action(world);
      expect(run.code).toBe(1);
      const errors = errorLines(run.stdout);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(pattern);
      expect(run.all).not.toMatch(/Cannot read properties|Unexpected error|\n\s+at .+:\d+:\d+\)?/);
      expect(mutating(world)).toEqual([]);
    });
  }

  const activationAnswers: Array<[string, { status: 200; body: unknown }, RegExp]> = [
    ['{}', { status: 200, body: {} }, /POST \/git\/repositories\/activate.*success.*expected a list/],
    ['OK', { status: 200, body: 'OK' }, /POST \/git\/repositories\/activate.*expected a JSON body/],
    ['empty lists', { status: 200, body: { success: [], error: [] } }, /License activation of 'acme\/api' was not confirmed/],
    [
      // The documentation's own example answers ids that differ from the request's: the code is the only clue.
      'with an error for an id it was not sent',
      { status: 200, body: { success: [], error: [{ id: 'a4ac7979e-0000-0000-0000-000000000000', errorCode: 'LI5020' }] } },
      /License activation of 'acme\/api' was not confirmed.*\(it lists LI5020 \(no free license: .*\) for ids that were not sent\)/,
    ],
  ];
  for (const [name, answer, pattern] of activationAnswers) {
    test(`an activation answered ${name} is not reported as activated`, async () => {
      world = await startWorld();
      world.sim.addFault({ path: ACTIVATE, ...answer });
      const run = await action(world);
      expect(run.code).toBe(1);
      const errors = errorLines(run.stdout);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(pattern);
      expect(run.stdout).not.toContain('Activated the license');
      expect(JSON.parse(run.outputs.result).activation).not.toBe('activated');
    });
  }

  test('an activation that lists its successes as { id } objects is counted: the license was taken', async () => {
    world = await startWorld();
    world.sim.addFault({
      path: ACTIVATE,
      transform: (a) => ({ ...(a as object), success: (a as { success: string[] }).success.map((id) => ({ id })) }),
    });
    const run = await action(world);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.result).activation).toBe('activated');
    expect(world.sim.repository('acme/api')?.isProtected).toBe(true);
  });

  test('CLI: a malformed organization list is one line on stderr, exit 1, no changing call', async () => {
    world = await startWorld();
    world.sim.addFault({ path: ORGS, transform: (a) => ({ ...(a as object), result: [{ name: 'acme' }] }) });
    const run = await cli(world, cliFlags(world));
    expect(run.code).toBe(1);
    // The log is on stderr too: one error line among it.
    expect(run.stderr.split('\n').filter((line) => line.startsWith('xopero-one: '))).toHaveLength(1);
    expect(run.stderr).toMatch(/^xopero-one: .*POST \/git\/organizations\/getmany.*result\[0\]\.id/m);
    expect(mutating(world)).toEqual([]);
  });

  test('sweep: a repository page without repositories starts no synchronization', async () => {
    world = await startWorld();
    world.sim.addFault({ path: REPOS, transform: (a) => ({ ...(a as object), result: { synchronizationInProgress: false } }) });
    const run = await action(world, { repositories: 'api, new-one' });
    expect(run.code).toBe(1);
    expect(errorLines(run.stdout)).toHaveLength(1);
    expect(errorLines(run.stdout)[0]).toMatch(/POST \/git\/repositories\/getmany/);
    expect(mutating(world)).toEqual([]);
  });

  test('sweep: an activation answered {} counts nothing as activated and fails the run in one line', async () => {
    world = await startWorld();
    world.sim.addRepositories(world.orgId, 5, () => ({ isProtected: false }));
    world.sim.addFault({ path: ACTIVATE, status: 200, body: {} });
    const run = await action(world, { repositories: 'repo-*' });
    expect(run.code).toBe(1);
    const errors = errorLines(run.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/POST \/git\/repositories\/activate/);
    expect(run.stdout).not.toMatch(/Done: activated [1-9]/);
  });
});

/**
 * Runs an entry and sends `signal` once `ready(log)` holds, checked as output comes (the CLI logs on stderr),
 * and then `andThen` has settled: a wait on the server's side, for a signal that must come at a set moment.
 */
async function runAndSignal(
  args: string[],
  env: Record<string, string>,
  ready: (log: string) => boolean,
  signal: NodeJS.Signals,
  cwd: string,
  andThen?: () => Promise<void>,
) {
  const running = startCommand(TEST_NODE, args, env, { cwd, timeoutMs: 50_000 });
  await running.waitForOutput((stdout, stderr) => ready(stdout + stderr));
  await andThen?.();
  running.kill(signal);
  return running.result;
}

const started = (stdout: string) => stdout.includes('Started a synchronization');

/** The action's environment as the runner sets it for `repository`, with empty output and summary files. */
function actionRun(w: World, repository: string) {
  const dir = mkdtempSync(join(scratch(), 'action-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env = baseEnv({
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    NODE_EXTRA_CA_CERTS: w.sim.caCertPath,
  });
  const inputs = { ...actionDefaults({ repository }), ...w.inputs };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return { dir, outputFile, summaryFile, env };
}

describe('cancellation while signing in', () => {
  // The login is sent before the rest of the core loads (src/core/run.ts): a signal while it is out reaches a run
  // whose core took that login over.
  test('action, SIGTERM while the login is out: it is aborted, nothing else is sent, one line says so, exit 143', async () => {
    world = await startWorld();
    const { sim } = world;
    const { dir, outputFile, summaryFile, env } = actionRun(world, 'acme/api');
    let loginArrived!: () => void;
    const arrived = new Promise<void>((resolve) => {
      loginArrived = resolve;
    });
    // Never answered; sim.stop() closes its connection.
    sim.addFault({ path: '/account/login', onArrival: () => loginArrived(), hold: () => new Promise<void>(() => {}) });

    const signingIn = (stdout: string) => stdout.includes('::group::Sign in');
    const run = await runAndSignal([ACTION_ENTRY], env, signingIn, 'SIGTERM', dir, () => arrived);

    expect(run.code).toBe(143);
    expect(run.stdout).toMatch(/^::error::Cancelled \(SIGTERM\) while signing in/m);
    expect(sim.requests.map((r) => [r.path, r.status])).toEqual([['/account/login', 0]]);
    const outputs = parseGithubOutput(readFileSync(outputFile, 'utf8'));
    expect(JSON.parse(outputs.result)).toMatchObject({ cancelled: true, signal: 'SIGTERM', step: 'Sign in' });
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/Cancelled \(SIGTERM\) while signing in/);
  });

  test('action, SIGTERM while the first connection is still being made: ends at once, no second connection, exit 143', async () => {
    world = await startWorld();
    // A server that accepts the TCP connection and never answers the TLS handshake: the login cannot go out, and
    // only the connect timeout (10 s) would end the attempt, after which a fresh connection would be tried.
    const sockets: Socket[] = [];
    let connected!: () => void;
    const arrived = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      connected();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { dir, outputFile, env } = actionRun(world, 'acme/api');
      env['INPUT_SERVER-URL'] = `https://127.0.0.1:${(silent.address() as { port: number }).port}`;
      const signingIn = (stdout: string) => stdout.includes('::group::Sign in');
      const run = await runAndSignal([ACTION_ENTRY], env, signingIn, 'SIGTERM', dir, () => arrived);

      expect(run.code).toBe(143);
      expect(run.stdout).toMatch(/^::error::Cancelled \(SIGTERM\) while signing in/m);
      // Ended before its connect timeout: the server never saw the fresh connection that follows one.
      expect(sockets).toHaveLength(1);
      const outputs = parseGithubOutput(readFileSync(outputFile, 'utf8'));
      expect(JSON.parse(outputs.result)).toMatchObject({ cancelled: true, signal: 'SIGTERM', step: 'Sign in' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('cancellation during the synchronization wait', () => {
  test('action, SIGTERM: the group is closed, one line says so, outputs and summary written, exit 143', async () => {
    world = await startWorld({ syncDurationMs: 120_000 });
    world.sim.addRepository(world.orgId, { name: 'acme/new-service', pendingSync: true, isProtected: false });
    const { dir, outputFile, summaryFile, env } = actionRun(world, 'acme/new-service');

    const run = await runAndSignal([ACTION_ENTRY], env, started, 'SIGTERM', dir);

    expect(run.code).toBe(143);
    const lines = run.stdout.split('\n');
    const lastGroup = lines.map((l) => l.startsWith('::group::')).lastIndexOf(true);
    expect(lines.slice(lastGroup + 1)).toContain('::endgroup::');
    expect(run.stdout).toMatch(/^::error::Cancelled \(SIGTERM\) while synchronizing the organization; nothing was left half-done/m);
    const outputs = parseGithubOutput(readFileSync(outputFile, 'utf8'));
    expect(JSON.parse(outputs.result)).toMatchObject({ cancelled: true, signal: 'SIGTERM', step: 'Synchronize the organization' });
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/Cancelled \(SIGTERM\) while synchronizing the organization/);
    expect(world.sim.repository('acme/new-service')!.isProtected).toBe(false);
  });

  test('CLI in GitLab, SIGINT: the section is closed, one line says so, exit 130', async () => {
    world = await startWorld({ syncDurationMs: 120_000 });
    world.sim.addRepository(world.orgId, { name: 'acme/new-service', pendingSync: true, isProtected: false });
    const cwd = mkdtempSync(join(scratch(), 'cli-'));
    const env = baseEnv({
      XOPERO_EMAIL: EMAIL,
      XOPERO_PASSWORD: PASSWORD,
      NODE_EXTRA_CA_CERTS: world.sim.caCertPath,
      GITLAB_CI: 'true',
      CI_PROJECT_ROOT_NAMESPACE: 'acme',
      CI_PROJECT_PATH: 'acme/new-service',
    });

    const run = await runAndSignal([CLI_ENTRY, '--server-url', world.url, '--plan', 'Nightly GitHub'], env, started, 'SIGINT', cwd);

    expect(run.code).toBe(130);
    const starts = run.stderr.match(/section_start:\d+:xopero_\d+/g) ?? [];
    const ends = run.stderr.match(/section_end:\d+:xopero_\d+/g) ?? [];
    expect(ends).toHaveLength(starts.length);
    expect(run.stderr).toMatch(/^xopero-one: Cancelled \(SIGINT\) while synchronizing the organization; nothing was left half-done/m);
    expect(readFileSync(join(cwd, 'xopero.env'), 'utf8')).toMatch(/^XOPERO_CHANGED=true$/m);
  });

  test('CLI, SIGTERM while a poll is in flight: the request is aborted, nothing is sent after it, exit 143', async () => {
    world = await startWorld({ syncDurationMs: 120_000 });
    const { sim } = world;
    sim.addRepository(world.orgId, { name: 'acme/new-service', pendingSync: true, isProtected: false });
    const cwd = mkdtempSync(join(scratch(), 'cli-'));
    const env = baseEnv({ XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: sim.caCertPath });
    let hanging: RequestRecord | undefined;
    // Once the synchronization started, the next poll is held at the server: the signal comes while it is out.
    const pollHeld = () =>
      new Promise<void>((arrived) => {
        sim.addFault({
          path: REPOS,
          hold: () => {
            hanging = [...sim.requests].reverse().find((r) => r.path === REPOS && r.status === 0);
            arrived();
            return new Promise<void>(() => {}); // never answered; sim.stop() closes its connection
          },
        });
      });

    const args = [CLI_ENTRY, ...cliFlags(world, 'acme/new-service'), '--json'];
    const run = await runAndSignal(args, env, started, 'SIGTERM', cwd, pollHeld);

    expect(run.code).toBe(143);
    expect(run.stderr).toMatch(/^xopero-one: Cancelled \(SIGTERM\) while synchronizing the organization; nothing was left half-done/m);
    // --json: one document on stdout, the cancellation as its problem.
    expect(JSON.parse(run.stdout)).toMatchObject({
      cancelled: true,
      signal: 'SIGTERM',
      problems: [expect.stringMatching(/^Cancelled \(SIGTERM\)/)],
    });
    expect(hanging!.status).toBe(0); // never answered: the client gave up on it
    expect(sim.requests[sim.requests.length - 1]).toBe(hanging);
    expect(sim.repository('acme/new-service')!.isProtected).toBe(false);
  });
});
