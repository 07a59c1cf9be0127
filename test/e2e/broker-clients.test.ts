/**
 * The broker's clients (issue #25). The CLI's hosts word a missing identity token each their own way. The
 * GitHub Action as a client of the broker: dist/index.js run as the runner runs it, with
 * `broker-url` and no credential. The runner's token service is a test endpoint (ACTIONS_ID_TOKEN_REQUEST_URL
 * and _TOKEN, as the runner sets them for a job with `permissions: id-token: write`) that has the fake issuer
 * sign a GitHub-shaped token for the audience asked; the broker (its real entry) stands in front of the
 * simulator. The token is masked the moment it exists and never printed, and the outputs, summary and exit
 * code are rendered from the broker's RunOutcome as for a local run.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAction, runCli, type ActionResult } from '../../testbed/harness.js';
import { expectOneLineFailure } from '../../testbed/expectations.js';
import { EMAIL, PASSWORD, startWorld, type World } from '../../testbed/fixtures.js';
import { FakeIssuer, githubClaims } from '../../testbed/oidc-issuer.js';
import { AUDIENCE, BROKER_ENTRY, brokerEnv, startBroker, writeBrokerConfig, type BrokerProcess } from '../../testbed/broker-process.js';
import { scratchFolder } from '../scratch.js';

const REQUEST_TOKEN = 'runner-request-token-of-the-test';

/** A loopback HTTP server that records each request's method and path and answers `answer`'s document. */
async function startRecorder(answer: (url: URL, req: http.IncomingMessage) => Promise<{ status: number; body: unknown }>) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    void answer(url, req).then(({ status, body }) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, requests, stop };
}

/**
 * The runner's token service: `?api-version=2.0&audience=X` with the request token as a bearer -> `{"value": JWT}`
 * for acme/api (getIDToken appends `&audience=` to ACTIONS_ID_TOKEN_REQUEST_URL). `audienceOverride` mints a
 * token for another audience, which the broker must refuse.
 */
async function startTokenService(issuer: FakeIssuer) {
  const minted: string[] = [];
  const audiences: string[] = [];
  let audienceOverride: string | undefined;
  const service = await startRecorder(async (url, req) => {
    if (req.headers.authorization !== `Bearer ${REQUEST_TOKEN}`) return { status: 401, body: { message: 'bad request token' } };
    const audience = url.searchParams.get('audience') ?? '';
    audiences.push(audience);
    const token = await issuer.token(githubClaims('acme/api', audienceOverride ?? audience));
    minted.push(token);
    return { status: 200, body: { value: token } };
  });
  return {
    ...service,
    minted,
    audiences,
    mintFor: (audience: string | undefined) => {
      audienceOverride = audience;
    },
    env: () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: `${service.url}/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN }),
  };
}

/** Every place a step's text goes, but the `::add-mask::` commands (how the runner learns what to hide). */
const shown = (run: ActionResult) =>
  [
    ...run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')),
    run.stderr,
    run.summary,
    ...Object.values(run.outputs),
  ].join('\n');

describe('the action through the broker', () => {
  const scratch = scratchFolder('xopero-action-broker-');
  let world: World;
  let issuer: FakeIssuer;
  let broker: BrokerProcess;
  let tokens: Awaited<ReturnType<typeof startTokenService>>;

  beforeAll(async () => {
    world = await startWorld();
    issuer = await FakeIssuer.start();
    tokens = await startTokenService(issuer);
    broker = await startBroker([BROKER_ENTRY, '--config', writeBrokerConfig(scratch(), world, issuer)], brokerEnv(world));
  });

  afterAll(async () => {
    if (broker) {
      process.kill(broker.pid, 'SIGTERM');
      await broker.exit;
    }
    await tokens?.stop();
    await issuer?.stop();
    await world?.sim.stop();
  });

  const brokerRun = (env: Record<string, string> = tokens.env()) =>
    runAction({ 'broker-url': broker.url, plan: 'Nightly GitHub' }, { env: { ...env, NODE_EXTRA_CA_CERTS: world.sim.caCertPath } });

  test('protects its own repository with the runner-issued token; the outputs have the local run’s shape; the token is never shown', async () => {
    const start = await broker.settle();
    const run = await brokerRun();

    expect([run.code, run.stdout.split('\n').filter((line) => line.startsWith('::error::'))]).toEqual([0, []]);
    const repo = world.sim.repository('acme/api');
    expect(repo?.isProtected).toBe(true);
    expect(world.sim.plan('Nightly GitHub')?.repositoryIds).toContain(repo?.id);
    // The token was asked for the audience the broker names, and masked the moment it existed.
    expect(tokens.audiences.at(-1)).toBe(AUDIENCE);
    const token = tokens.minted.at(-1) ?? '';
    expect(token.split('.')).toHaveLength(3);
    expect(run.stdout).toContain(`::add-mask::${token}`);
    expect(shown(run)).not.toContain(token);
    expect(shown(run)).not.toContain(REQUEST_TOKEN);
    const [audit] = await broker.since(start, 1);
    expect(audit).toMatchObject({ status: 200, decision: 'ran', repository: 'acme/api', changed: true });

    // A local run of another repository of the organization, with the credential: the same outputs, the same result keys.
    const local = await runAction(
      { 'server-url': world.url, email: EMAIL, password: PASSWORD, repository: 'acme/other', plan: 'Nightly GitHub' },
      { env: { NODE_EXTRA_CA_CERTS: world.sim.caCertPath } },
    );
    expect(local.code).toBe(0);
    expect(Object.keys(run.outputs).sort()).toEqual(Object.keys(local.outputs).sort());
    const result = JSON.parse(run.outputs.result) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual(Object.keys(JSON.parse(local.outputs.result) as object).sort());
    expect(result).toMatchObject({ repository: { name: 'acme/api' }, changed: true, problems: [] });
    expect(run.outputs).toMatchObject({ 'repository-id': repo?.id, changed: 'true', 'plan-id': world.nightlyId });
    expect(run.summary).toMatch(/acme\/api/);
  });

  test('without `permissions: id-token: write` (no request URL): one line saying to add it, exit 1, no request to the broker', async () => {
    const recorder = await startRecorder(async () => ({ status: 200, body: { audience: AUDIENCE } }));
    try {
      const run = await runAction(
        { 'broker-url': recorder.url, 'allow-http': 'true' },
        { env: { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' } },
      );
      expectOneLineFailure(
        run,
        /broker-url is set but this job may not ask GitHub for an identity token: add `permissions: id-token: write` to the job/,
      );
      expect(recorder.requests).toEqual([]);
    } finally {
      await recorder.stop();
    }
  });

  test('a broker naming another service’s audience: one line, exit 1, and the runner never asked for a token', async () => {
    // Whoever answers at broker-url (here a stand-in) must not get a token good for a cloud's role federation.
    const impostor = await startRecorder(async () => ({ status: 200, body: { audience: 'sts.amazonaws.com', version: '1.0.0' } }));
    const asked = tokens.requests.length;
    try {
      const run = await runAction({ 'broker-url': impostor.url, 'allow-http': 'true', plan: 'Nightly GitHub' }, { env: tokens.env() });
      expectOneLineFailure(
        run,
        /names 'sts\.amazonaws\.com' as its audience; a token is asked only for the broker's own URL \(http:\/\/127\.0\.0\.1:\d+\) or xopero-one-broker/,
      );
      expect(tokens.requests).toHaveLength(asked);
      expect(impostor.requests).toEqual(['GET /.well-known/xopero-broker']);
    } finally {
      await impostor.stop();
    }
  });

  test('a refused token: one line with the broker’s code, exit 1, nothing changed in Xopero ONE', async () => {
    const mutatingBefore = world.sim.mutatingRequests().length;
    tokens.mintFor('https://another-broker.example');
    try {
      const run = await brokerRun();
      expectOneLineFailure(run, /The broker refused the run \(token_audience, HTTP 401\): /);
      expect(shown(run)).not.toContain(tokens.minted.at(-1));
    } finally {
      tokens.mintFor(undefined);
    }
    expect(world.sim.mutatingRequests()).toHaveLength(mutatingBefore);
  });

  test('broker-url with a credential: one input error, before any request', async () => {
    const asked = tokens.requests.length;
    const run = await runAction({ 'broker-url': broker.url, 'access-token': 'xo-token-never-shown' }, { env: tokens.env() });
    expect(tokens.requests).toHaveLength(asked);
    expectOneLineFailure(run, /^Input 'broker-url': is set, and so is access-token: the broker holds the Xopero ONE credential/);
    expect(run.stdout).toContain('::add-mask::xo-token-never-shown');
    expect(shown(run)).not.toContain('xo-token-never-shown');
  });
});

describe('what a broker answers is checked as a server answer is', () => {
  const outcome = (organizationId: string) => ({
    result: {
      kind: 'repository',
      server: 'https://backup.example.com',
      mode: 'ensure',
      dryRun: false,
      organization: { id: organizationId, name: 'acme' },
      repository: { id: 'r1', name: 'acme/api', known: true, protected: true },
      synchronization: 'not-needed',
      activation: 'already',
      attachment: 'already',
      changed: false,
      problems: [],
    },
    requests: { total: 3, mutating: 0 },
  });

  /** The CLI in a GitLab job, asking a stand-in broker that answers 200 with `answer` as the run's outcome. */
  async function cliAnsweredWith(answer: unknown) {
    const impostor = await startRecorder(async () => ({ status: 200, body: { outcome: answer } }));
    try {
      return await runCli(['--allow-http'], {
        GITLAB_CI: 'true',
        CI_PROJECT_PATH: 'acme/api',
        XOPERO_BROKER_URL: impostor.url,
        XOPERO_ID_TOKEN: 'header.payload.signature',
      });
    } finally {
      await impostor.stop();
    }
  }

  test.each([
    ['a line break and a second variable', 'o1\nCI_DEBUG_TRACE=true'],
    ['shell for a step that sources the dotenv file', 'o1;touch${IFS}pwned'],
  ])('an organization id with %s: one line, exit 1, and no dotenv line from it', async (_name, organizationId) => {
    const run = await cliAnsweredWith(outcome(organizationId));
    expect(run.code).toBe(1);
    expect(run.all.split('\n').filter((line) => line.startsWith('xopero-one: '))).toEqual([
      expect.stringMatching(
        /answered with a run outcome whose organization\.id is not what a broker gives: nothing of it was published; check that --broker-url \/ XOPERO_BROKER_URL names a Xopero ONE broker of this version\.$/,
      ),
    ]);
    expect(run.files['xopero.env'] ?? '').not.toMatch(/CI_DEBUG_TRACE|pwned|o1/);
  });

  test('the same outcome with a real id is published', async () => {
    const run = await cliAnsweredWith(outcome('0a000000-0000-4000-8000-000000000001'));
    expect(run.code).toBe(0);
    expect(run.files['xopero.env']).toContain('XOPERO_ORGANIZATION_ID=0a000000-0000-4000-8000-000000000001\n');
  });
});

describe("the CLI's hosts without an identity token: one line in that CI's words, exit 1, before any request", () => {
  test.each([
    [
      'GitLab CI',
      { GITLAB_CI: 'true', CI_PROJECT_PATH: 'acme/api' },
      /add `id_tokens: \{ XOPERO_ID_TOKEN: \{ aud: <the broker's audience> \} \}` to the job/,
    ],
    ['Bitbucket Pipelines', { BITBUCKET_BUILD_NUMBER: '7', BITBUCKET_REPO_FULL_NAME: 'acme/api' }, /add `oidc: true` to the step/],
    ['Azure Pipelines', { TF_BUILD: 'True' }, /Azure Pipelines mints no token the broker accepts; set XOPERO_ID_TOKEN/],
    ['a plain shell', {}, /set XOPERO_ID_TOKEN to the CI job's OIDC identity token/],
  ])('%s', async (_host, env, remedy) => {
    const recorder = await startRecorder(async () => ({ status: 200, body: { audience: AUDIENCE } }));
    try {
      const run = await runCli(['--allow-http'], { ...env, XOPERO_BROKER_URL: recorder.url });
      expect(run.code).toBe(1);
      const lines = run.all.split('\n').filter((line) => /has no identity token/.test(line));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/--broker-url \/ XOPERO_BROKER_URL is set but this job has no identity token: /);
      expect(lines[0]).toMatch(remedy);
      expect(recorder.requests).toEqual([]);
    } finally {
      await recorder.stop();
    }
  });
});
