/**
 * The broker end to end: `node dist/broker/index.js --config FILE` (and `dist/cli/index.js broker`) as an
 * operator starts it, in front of the simulator, with a fake OIDC issuer serving its keys over HTTPS. The CLI
 * protects its own repository through it; every token or request the broker must refuse is refused with its
 * code, one audit line, and not one request to Xopero ONE; SIGTERM lets a run in flight finish, then exits 0.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { SignJWT, UnsecuredJWT, base64url } from 'jose';
import { Agent } from 'undici';
import { CLI_ENTRY, TEST_NODE, runCli, runCommand } from '../../testbed/harness.js';
import { EMAIL, PASSWORD, startWorld, type World } from '../../testbed/fixtures.js';
import { FakeIssuer, githubClaims, gitlabClaims, newSigningKey } from '../../testbed/oidc-issuer.js';
import { fetchBrokerAudience } from '../../src/hosts/broker-client.js';
import { parseBrokerClientSettings } from '../../src/settings/broker-client.js';
import { ACTION_WORDS } from '../../src/common/words.js';
import { AUDIENCE, BROKER_ENTRY, brokerEnv, startBroker, writeBrokerConfig, type BrokerProcess } from '../../testbed/broker-process.js';
import { scratchFolder } from '../scratch.js';

/** The broker's answer: the outcome, or the error document (broker-protocol.md). */
interface BrokerAnswer {
  outcome?: { result: { repository?: { name: string }; changed: boolean }; requests: { total: number } };
  error?: { code: string; message: string };
}

const scratch = scratchFolder('xopero-broker-');
const writeConfig = (world: World, issuer: FakeIssuer, overrides: Record<string, unknown> = {}) =>
  writeBrokerConfig(scratch(), world, issuer, overrides);

/**
 * What reached Xopero ONE besides the shared reads' refresh-ahead. A run served an organization list, a repository
 * listing or a plan membership older than REFRESH_AHEAD_MS (2 s) starts the next read of it in the background
 * (src/xopero/shared-session.ts), which may reach the simulator after that run was answered, and so after a test's
 * resetLog. What a refused request must not cause, a sign-in or any change, is still counted; the refusal tests
 * also check the audit line's own count of Xopero ONE requests (0).
 */
const SHARED_READS = new Set(['/git/organizations/getmany', '/git/repositories/getmany', '/plans/listassignedtoorganization']);
const requestsOfRuns = (w: World) => w.sim.requests.filter((request) => !SHARED_READS.has(request.path)).map((request) => request.path);

/** One HTTP client for the tests' own requests to the broker: keep-alive, the test CA trusted. */
let http: Agent;

async function post(
  url: string,
  token: string | undefined,
  body: unknown = {},
): Promise<{ status: number; document: BrokerAnswer; headers: Record<string, unknown> }> {
  const target = new URL('/v1/protect', url);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await http.request({
    origin: target.origin,
    path: target.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: text,
  });
  const answer = await response.body.text();
  return { status: response.statusCode, document: JSON.parse(answer) as BrokerAnswer, headers: response.headers };
}

describe('the broker in front of the simulator', () => {
  let world: World;
  let issuer: FakeIssuer;
  let broker: BrokerProcess;

  beforeAll(async () => {
    world = await startWorld();
    issuer = await FakeIssuer.start();
    http = new Agent({ connections: 8, connect: { ca: world.sim.caCert } });
    broker = await startBroker([BROKER_ENTRY, '--config', writeConfig(world, issuer)], brokerEnv(world));
  });

  afterAll(async () => {
    if (broker) {
      process.kill(broker.pid, 'SIGTERM');
      await broker.exit;
    }
    await http?.close();
    await issuer?.stop();
    await world?.sim.stop();
  });

  test('a run the core could not finish after a change (a synchronization started): 502 xopero_failed, and the CLI still says changed', async () => {
    const token = await issuer.token(githubClaims('acme/not-there', AUDIENCE));
    const start = await broker.settle();
    const run = await runCli(['--broker-url', broker.url, '--json'], { XOPERO_ID_TOKEN: token, NODE_EXTRA_CA_CERTS: world.sim.caCertPath });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      problems: [
        expect.stringMatching(
          /^The broker refused the run \(xopero_failed, HTTP 502\): Synchronization of 'acme' finished, but 'acme\/not-there' is not among its repositories/,
        ),
      ],
      changed: true,
    });
    const [line] = await broker.since(start, 1);
    expect(line).toMatchObject({ status: 502, decision: 'failed', code: 'xopero_failed', changed: true });
  });

  test('the CLI protects its own repository through the broker, with no Xopero ONE credential of its own', async () => {
    const token = await issuer.token(githubClaims('acme/api', AUDIENCE));
    const start = await broker.settle();
    const run = await runCli(['--broker-url', broker.url, '--json'], { XOPERO_ID_TOKEN: token, NODE_EXTRA_CA_CERTS: world.sim.caCertPath });

    expect(run.code).toBe(0);
    const repo = world.sim.repository('acme/api');
    expect(repo?.isProtected).toBe(true);
    expect(world.sim.plan('Nightly GitHub')?.repositoryIds).toContain(repo?.id);
    // The same document a local run prints.
    const result = JSON.parse(run.stdout) as { repository: { name: string }; changed: boolean; problems: string[] };
    expect(result).toMatchObject({ repository: { name: 'acme/api' }, changed: true, problems: [] });
    expect(run.stderr).toMatch(/activation: activated; attachment: attached; changed: true/);
    expect(run.all).not.toContain(token);
    const [line] = await broker.since(start, 1);
    expect(line).toMatchObject({ status: 200, decision: 'ran', repository: 'acme/api', plan: 'Nightly GitHub', changed: true });
    expect(line?.xoperoRequests.mutating).toBe(2);
    expect(broker.audit.map((entry) => JSON.stringify(entry)).join('\n')).not.toContain(token);
  });

  test("a Xopero ONE message that echoes the broker's own password reaches the job as ***, never in clear", async () => {
    // The run's outcome is answered with 200: it, too, passes the broker's redaction (a refusal always did).
    world.sim.addFault({
      path: '/plans/attachgitrepository',
      status: 400,
      body: { errorCode: 'PL4000', message: `cannot attach, login ${PASSWORD} lacks rights` },
    });
    const token = await issuer.token(githubClaims('acme/api-gateway', AUDIENCE));
    const resultFile = `${scratch()}/result.json`;
    const run = await runCli(['--broker-url', broker.url, '--json', '--result-file', resultFile], {
      XOPERO_ID_TOKEN: token,
      NODE_EXTRA_CA_CERTS: world.sim.caCertPath,
    });
    expect(run.code).toBe(1);
    expect(run.all).toMatch(/PL4000: cannot attach, login \*\*\* lacks rights/);
    expect(run.all).not.toContain(PASSWORD);
    expect(readFileSync(resultFile, 'utf8')).not.toContain(PASSWORD);
  });

  test('the well-known document names the audience; /healthz answers ok', async () => {
    const get = async (path: string) => {
      const response = await http.request({ origin: broker.url, path, method: 'GET' });
      return { status: response.statusCode, document: await response.body.json() };
    };
    expect(await get('/.well-known/xopero-broker')).toEqual({ status: 200, document: { audience: AUDIENCE, version: expect.any(String) } });
    expect(await get('/healthz')).toEqual({ status: 200, document: { status: 'ok' } });
    // What the GitHub Action asks before getIDToken(audience).
    const settings = parseBrokerClientSettings(broker.url, { 'ca-certificate': world.sim.caCert }, ACTION_WORDS);
    expect(await fetchBrokerAudience(settings)).toBe(AUDIENCE);
  });

  describe('refused with its code, one audit line, and no request to Xopero ONE', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: Array<[string, () => Promise<{ token?: string; body?: unknown }>, number, string]> = [
      ['no token', async () => ({ token: undefined }), 401, 'token_missing'],
      [
        'an expired token',
        async () => ({ token: await issuer.token(githubClaims('acme/api', AUDIENCE, { iat: now() - 900, exp: now() - 120 })) }),
        401,
        'token_expired',
      ],
      [
        'a token not yet valid',
        async () => ({ token: await issuer.token(githubClaims('acme/api', AUDIENCE, { nbf: now() + 600 })) }),
        401,
        'token_not_yet_valid',
      ],
      [
        'a token for another audience',
        async () => ({ token: await issuer.token(githubClaims('acme/api', 'https://elsewhere.test')) }),
        401,
        'token_audience',
      ],
      [
        'a token of an issuer not listed',
        async () => ({ token: await issuer.token(githubClaims('acme/api', AUDIENCE, { iss: 'https://evil.test' })) }),
        401,
        'token_issuer',
      ],
      [
        'alg none',
        async () => ({
          token: new UnsecuredJWT({ ...githubClaims('acme/api', AUDIENCE), iss: issuer.url, jti: 'none-1' })
            .setIssuedAt()
            .setExpirationTime('5m')
            .encode(),
        }),
        401,
        'token_algorithm',
      ],
      [
        "HS256 signed with the issuer's public key",
        async () => ({
          token: await new SignJWT({ ...githubClaims('acme/api', AUDIENCE), iss: issuer.url })
            .setProtectedHeader({ alg: 'HS256', kid: issuer.key.kid })
            .setIssuedAt()
            .setExpirationTime('5m')
            .sign(new TextEncoder().encode(JSON.stringify(issuer.key.publicJwk))),
        }),
        401,
        'token_algorithm',
      ],
      [
        'an unknown key id',
        async () => ({ token: await issuer.token(githubClaims('acme/api', AUDIENCE), await newSigningKey('unknown-kid')) }),
        401,
        'token_unknown_key',
      ],
      [
        "another key's signature under the issuer's key id",
        async () => ({ token: await issuer.token(githubClaims('acme/api', AUDIENCE), await newSigningKey(issuer.key.kid)) }),
        401,
        'token_signature',
      ],
      [
        'a tampered payload (another repository)',
        async () => {
          const [header, payload, signature] = (await issuer.token(githubClaims('acme/api', AUDIENCE))).split('.');
          const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ''))) as Record<string, unknown>;
          const forged = base64url.encode(JSON.stringify({ ...claims, repository: 'acme/other' }));
          return { token: `${header}.${forged}.${signature}` };
        },
        401,
        'token_signature',
      ],
      ['an owner not allowed', async () => ({ token: await issuer.token(githubClaims('globex/api', AUDIENCE)) }), 403, 'owner_not_allowed'],
      [
        "an owner's name with another id than the pinned one (the name registered again by someone else)",
        async () => ({ token: await issuer.token(githubClaims('acme/api', AUDIENCE, { repository_owner_id: '666' })) }),
        403,
        'owner_not_allowed',
      ],
      [
        'a pinned owner with no id in the token',
        async () => ({ token: await issuer.token(githubClaims('acme/api', AUDIENCE, { repository_owner_id: undefined })) }),
        403,
        'owner_not_allowed',
      ],
      [
        'a plan not allowed',
        async () => ({ token: await issuer.token(githubClaims('acme/api', AUDIENCE)), body: { plan: 'Everything' } }),
        403,
        'plan_not_allowed',
      ],
      [
        'a body naming another repository',
        async () => ({ token: await issuer.token(githubClaims('acme/api', AUDIENCE)), body: { repository: 'acme/other', plan: 'Weekly' } }),
        400,
        'request_field_not_allowed',
      ],
      [
        'a mode the broker does not offer',
        async () => ({ token: await issuer.token(githubClaims('acme/api', AUDIENCE)), body: { mode: 'release' } }),
        400,
        'mode_not_allowed',
      ],
      [
        'an oversized body',
        async () => ({
          token: await issuer.token(githubClaims('acme/api', AUDIENCE)),
          body: JSON.stringify({ plan: 'x'.repeat(17 * 1024) }),
        }),
        413,
        'body_too_large',
      ],
    ];

    test.each(cases)('%s', async (_name, make, status, code) => {
      const { token, body } = await make();
      world.sim.resetLog();
      const start = await broker.settle();
      const answer = await post(broker.url, token, body ?? {});

      expect(answer.status).toBe(status);
      expect(answer.document.error?.code).toBe(code);
      expect(answer.document.error?.message).not.toContain('\n');
      const [line] = await broker.since(start, 1);
      expect(line).toMatchObject({ status, code, decision: 'refused', xoperoRequests: { total: 0, mutating: 0 } });
      // One line for it: the next settle's own line is the only one after it.
      expect(await broker.settle()).toBe(start + 2);
      expect(requestsOfRuns(world)).toEqual([]);
      if (token) expect(JSON.stringify(line)).not.toContain(token);
    });

    test('a replayed token: the first use runs, the second is refused', async () => {
      const token = await issuer.token(githubClaims('acme/api', AUDIENCE));
      const first = await post(broker.url, token, { mode: 'check' });
      expect(first.status).toBe(200);
      // The first use's line may still be on its way here (settle() says why): counting from now could take it.
      const start = await broker.settle();
      world.sim.resetLog();
      const second = await post(broker.url, token, { mode: 'check' });
      expect(second.status).toBe(401);
      expect(second.document.error?.code).toBe('token_replayed');
      expect((await broker.since(start, 1))[0]).toMatchObject({ code: 'token_replayed', xoperoRequests: { total: 0 } });
      expect(requestsOfRuns(world)).toEqual([]);
    });
  });

  test("no answer repeats what the caller sent: a guess equal to the broker's credential is answered word for word like a wrong one", async () => {
    // Every answer is masked with the broker's Xopero ONE credential; an echoed guess that matched would come back
    // as *** and confirm it. So the answer to the right guess must be the answer to a wrong one.
    const valid = () => issuer.token(githubClaims('acme/api', AUDIENCE));
    const withAlg = async (alg: string) => {
      const [, payload, signature] = (await valid()).split('.');
      return `${base64url.encode(JSON.stringify({ alg, typ: 'JWT' }))}.${payload}.${signature}`;
    };
    const asks: Array<[string, string, (guess: string) => Promise<{ status: number; document: unknown }>]> = [
      [
        'the path',
        EMAIL,
        async (guess) => {
          const response = await http.request({ origin: broker.url, path: `/${guess}`, method: 'POST', body: '{}' });
          return { status: response.statusCode, document: await response.body.json() };
        },
      ],
      [
        'the issuer',
        PASSWORD,
        async (guess) => post(broker.url, await issuer.token({ ...githubClaims('acme/api', AUDIENCE), iss: guess })),
      ],
      ['the algorithm', PASSWORD, async (guess) => post(broker.url, await withAlg(guess))],
      ['a field name', PASSWORD, async (guess) => post(broker.url, await valid(), { [guess]: true })],
      ['the mode', PASSWORD, async (guess) => post(broker.url, await valid(), { mode: guess })],
      ['the plan', PASSWORD, async (guess) => post(broker.url, await valid(), { plan: guess })],
    ];
    for (const [where, secret, ask] of asks) {
      const right = await ask(secret);
      const wrong = await ask('Summer2024-guess');
      expect({ where, status: right.status, document: right.document }).toEqual({ where, status: wrong.status, document: wrong.document });
      expect(JSON.stringify(right.document)).not.toContain('***');
    }
  });

  test('a token without jti is one use, however its signature is written', async () => {
    const token = await issuer.token(githubClaims('acme/api', AUDIENCE, { jti: undefined }));
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())).not.toHaveProperty('jti');
    // The same signature bytes, written another way: an RS256 signature (256 bytes) leaves 4 spare bits in its
    // last base64url character, which decoding ignores.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = token.at(-1) ?? '';
    const variant = `${token.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    expect(variant).not.toBe(token);
    expect(Buffer.from(variant.split('.')[2] ?? '', 'base64url')).toEqual(Buffer.from(token.split('.')[2] ?? '', 'base64url'));

    expect((await post(broker.url, token, { mode: 'check' })).status).toBe(200);
    world.sim.resetLog();
    const again = await post(broker.url, variant, { mode: 'check' });
    expect([again.status, again.document.error?.code]).toEqual([401, 'token_replayed']);
    expect(requestsOfRuns(world)).toEqual([]);
  });

  test('10,000 requests with bad tokens: not one request to Xopero ONE, and the keys refetched at most once per 30 s', async () => {
    const tokens = [
      await issuer.token(
        githubClaims('acme/api', AUDIENCE, { iat: Math.floor(Date.now() / 1000) - 900, exp: Math.floor(Date.now() / 1000) - 120 }),
      ),
      await issuer.token(githubClaims('acme/api', 'https://elsewhere.test')),
      await issuer.token(githubClaims('acme/api', AUDIENCE), await newSigningKey('flood-kid')),
      await issuer.token(githubClaims('acme/api', AUDIENCE), await newSigningKey(issuer.key.kid)),
      new UnsecuredJWT({ ...githubClaims('acme/api', AUDIENCE), iss: issuer.url }).setIssuedAt().setExpirationTime('5m').encode(),
      'not-a-jwt',
    ];
    world.sim.resetLog();
    const keyFetchesBefore = issuer.keyFetches;
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < 10_000) {
        const token = tokens[next++ % tokens.length];
        const { status } = await post(broker.url, token, { plan: 'Weekly' });
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: 16 }, worker));

    expect(Object.fromEntries(statuses)).toEqual({ 401: 10_000 });
    expect(requestsOfRuns(world)).toEqual([]);
    // An unknown kid refetches the keys at most once per 30 s cooldown, however many tokens carry one.
    expect(issuer.keyFetches - keyFetchesBefore).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - started) / 30_000));
  });

  test('a refusal reaches the CLI as one line with the broker code; exit 1', async () => {
    const token = await issuer.token(githubClaims('globex/api', AUDIENCE));
    const run = await runCli(['--broker-url', broker.url], { XOPERO_ID_TOKEN: token, NODE_EXTRA_CA_CERTS: world.sim.caCertPath });
    expect(run.code).toBe(1);
    const errors = run.stderr.split('\n').filter((line) => line.startsWith('xopero-one: '));
    expect(errors).toEqual([
      expect.stringMatching(
        /^xopero-one: The broker refused the run \(owner_not_allowed, HTTP 403\): The token's repository is not under an owner/,
      ),
    ]);
    expect(run.all).not.toContain(token);
  });
});

describe('the CLI with --broker-url, before any request', () => {
  test('a Xopero ONE credential as well is an input error (exit 2, one line)', async () => {
    const run = await runCli(['--broker-url', 'https://127.0.0.1:9'], {
      XOPERO_PASSWORD: PASSWORD,
      XOPERO_EMAIL: EMAIL,
      XOPERO_ID_TOKEN: 'x.y.z',
    });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n').filter((line) => line.startsWith('xopero-one: '))).toEqual([
      expect.stringMatching(/^xopero-one: --broker-url \/ XOPERO_BROKER_URL: is set, and so is XOPERO_EMAIL and XOPERO_PASSWORD/),
    ]);
    expect(run.all).not.toContain(PASSWORD);
  });

  test('no identity token: one line naming the variable to set', async () => {
    const run = await runCli([], { XOPERO_BROKER_URL: 'https://127.0.0.1:9' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^xopero-one: .*has no identity token: set XOPERO_ID_TOKEN/m);
  });
});

test('the CLI bundle the GitLab component pins does not carry the server: it loads dist/broker/ at run time', () => {
  const cli = readFileSync(CLI_ENTRY, 'utf8');
  const server = readFileSync(BROKER_ENTRY, 'utf8');
  // Words of the server alone (the client, in the CLI, knows the protocol's paths, not its checks).
  for (const part of ['ERR_JWKS_NO_MATCHING_KEY', 'request_field_not_allowed', 'body_too_large']) {
    expect({ part, inServer: server.includes(part), inCli: cli.includes(part) }).toEqual({ part, inServer: true, inCli: false });
  }
});

describe('a broker with tight limits, a slot of one and an issuer whose keys cannot be fetched', () => {
  let world: World;
  let issuer: FakeIssuer;
  let broken: FakeIssuer;
  let broker: BrokerProcess;
  let agent: Agent;

  beforeAll(async () => {
    world = await startWorld();
    issuer = await FakeIssuer.start();
    broken = await FakeIssuer.start();
    agent = new Agent({ connect: { ca: world.sim.caCert } });
    const config = writeConfig(world, issuer, {
      issuers: [
        // Both list acme: each pins it to the one organization of that name (config organizations).
        { issuer: issuer.url, kind: 'github', owners: ['acme'], organizations: { acme: world.orgId } },
        // Its key set is at a path that answers 404.
        {
          issuer: broken.url,
          kind: 'github',
          owners: ['acme'],
          organizations: { acme: world.orgId },
          jwksUrl: `${broken.url}/no-keys-here`,
        },
      ],
      limits: {
        perRepository: { requests: 1000, windowSeconds: 60 },
        waitTimeoutSeconds: 10,
        maxConcurrent: 1,
        headersTimeoutMs: 1000,
        requestTimeoutMs: 1000,
      },
    });
    broker = await startBroker([BROKER_ENTRY, '--config', config], brokerEnv(world));
  });

  afterAll(async () => {
    if (broker) {
      process.kill(broker.pid, 'SIGTERM');
      await broker.exit;
    }
    await agent?.close();
    await issuer?.stop();
    await broken?.stop();
    await world?.sim.stop();
  });

  const ask = async (token: string, body: unknown = { mode: 'check' }) => {
    const response = await agent.request({
      origin: broker.url,
      path: '/v1/protect',
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.statusCode, document: (await response.body.json()) as BrokerAnswer };
  };

  test('a token that expires while its request waits for a slot is refused there, not run', async () => {
    const start = await broker.settle();
    let release: () => void = () => undefined;
    const held = new Promise<void>((done) => {
      release = done;
    });
    const arrived = new Promise<void>((resolve) => {
      world.sim.addFault({ path: '/git/organizations/getmany', onArrival: resolve, hold: () => held });
    });
    const first = ask(await issuer.token(githubClaims('acme/api', AUDIENCE)));
    await arrived; // the one slot is taken
    // Valid for two more seconds: its exp is 58 s ago and the broker allows 60 s of clock skew.
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.token(githubClaims('acme/other', AUDIENCE, { iat: now - 100, exp: now - 58 }));
    const expiresAt = (now - 58 + 60) * 1000;
    const second = ask(token);
    // The clock is the event here: hold the slot until the waiting token has expired, then free it.
    while (Date.now() <= expiresAt + 100) await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect((await first).status).toBe(200);
    const refused = await second;
    expect([refused.status, refused.document.error?.code]).toEqual([401, 'token_expired']);
    // (On a machine so busy that its check took over two seconds, jose refuses it the same way, before the queue.)
    const lines = await broker.since(start, 2);
    expect(lines.find((line) => line.code === 'token_expired')).toMatchObject({ status: 401, xoperoRequests: { total: 0 } });
  });

  test("keys that cannot be fetched: 502 with no network detail in the answer, the cause in the broker's log, one fetch per 30 s", async () => {
    const started = Date.now();
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await ask(await broken.token(githubClaims('acme/api', AUDIENCE))));
    for (const answer of answers) {
      expect([answer.status, answer.document.error?.code]).toEqual([502, 'issuer_unreachable']);
      expect(answer.document.error?.message).not.toMatch(/127\.0\.0\.1|no-keys-here|HTTP 404/);
    }
    await broker.stderrHas('no-keys-here');
    const fetches = broken.requests.filter((path) => path === '/no-keys-here').length;
    expect(fetches).toBeGreaterThanOrEqual(1);
    expect(fetches).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 30_000));
    // The other issuer is not held up by it.
    expect((await ask(await issuer.token(githubClaims('acme/api', AUDIENCE)))).status).toBe(200);
  });

  /** A TLS connection to the broker that sends `text` and then nothing; resolves when the broker closes it. */
  const stall = async (text: string) => {
    const { port } = new URL(broker.url);
    const started = Date.now();
    const socket = tls.connect({ port: Number(port), host: '127.0.0.1', ca: readFileSync(world.sim.caCertPath) });
    socket.on('error', () => undefined);
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
    });
    socket.once('secureConnect', () => socket.write(text));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    return { ms: Date.now() - started, answer };
  };

  // Node checks these timeouts only every connectionsCheckingInterval (30 s by default): the broker sets it to
  // 1 s, so a 1 s timeout closes a stalled request in about 2 s. The bound below (15 s) is half Node's default.
  test('headers that stop half-way: closed within the headers timeout (plus the 1 s check), not 30 s later', async () => {
    const { ms, answer } = await stall('POST /v1/protect HTTP/1.1\r\nhost: broker\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(15_000);
  });

  test('a body that stops half-way: closed the same way, and audited as a refused incomplete request, not a broker fault', async () => {
    const before = await broker.settle();
    const { ms, answer } = await stall(
      'POST /v1/protect HTTP/1.1\r\nhost: broker\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"mode":',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(15_000);
    const [line] = await broker.since(before, 1);
    expect(line).toMatchObject({ status: 408, decision: 'refused', code: 'request_incomplete', xoperoRequests: { total: 0 } });
  });

  test("a connection that never starts its TLS handshake is closed after the headers timeout, not node's 120 s", async () => {
    const { port } = new URL(broker.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    // Bounded by jest's timeout (60 s): with node's default the broker would hold it for 120 s.
    await closed;
  });
});

/** A world, an issuer and a broker of the test's own (config `overrides`, `env` on brokerEnv), all stopped after `use`. */
async function withOwnBroker(
  overrides: Record<string, unknown> | ((issuer: FakeIssuer, world: World) => Record<string, unknown>),
  env: Record<string, string>,
  use: (own: {
    world: World;
    broker: BrokerProcess;
    issuer: FakeIssuer;
    /** A check for `repository`, with a fresh token of the broker's issuer. */
    ask: (repository: string) => Promise<OwnAnswer>;
    /** POST /v1/protect with this token and body. */
    send: (token: string, body: unknown) => Promise<OwnAnswer>;
  }) => Promise<void>,
): Promise<void> {
  const world = await startWorld();
  const issuer = await FakeIssuer.start();
  const agent = new Agent({ connect: { ca: world.sim.caCert } });
  const config = writeConfig(world, issuer, typeof overrides === 'function' ? overrides(issuer, world) : overrides);
  const broker = await startBroker([BROKER_ENTRY, '--config', config], { ...brokerEnv(world), ...env });
  const send = async (token: string, body: unknown): Promise<OwnAnswer> => {
    const response = await agent.request({
      origin: broker.url,
      path: '/v1/protect',
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.statusCode,
      retryAfter: response.headers['retry-after'],
      document: (await response.body.json()) as BrokerAnswer,
    };
  };
  const ask = async (repository: string) => send(await issuer.token(githubClaims(repository, AUDIENCE)), { mode: 'check' });
  try {
    await use({ world, broker, issuer, ask, send });
  } finally {
    process.kill(broker.pid, 'SIGTERM');
    await broker.exit;
    await agent.close();
    await issuer.stop();
    await world.sim.stop();
  }
}
interface OwnAnswer {
  status: number;
  retryAfter: unknown;
  document: BrokerAnswer;
}

describe("a caller is not the broker's operator", () => {
  test('an allowed owner that Xopero ONE lacks: 502 naming the owner only, not the organizations the account sees', async () => {
    const plans = [{ repositories: ['*/*'], allowed: ['Nightly GitHub'], default: 'Nightly GitHub' }];
    const overrides = (issuer: FakeIssuer) => ({ issuers: [{ issuer: issuer.url, kind: 'github', owners: ['acme', 'initech'] }], plans });
    await withOwnBroker(overrides, {}, async ({ ask }) => {
      const answer = await ask('initech/app');
      expect([answer.status, answer.document.error?.code]).toEqual([502, 'xopero_failed']);
      expect(answer.document.error?.message).toBe(
        "Organization 'initech' not found in Xopero ONE: ask the broker's operator (issuers[].organizations, or the organization in Xopero ONE).",
      );
      expect(answer.document.error?.message).not.toMatch(/acme|globex/);
    });
  });
});

describe('a token without a key id, from an issuer that publishes several keys', () => {
  test("401 token_unknown_key, the token's fault: not a 502 that reports the issuer unreachable", async () => {
    await withOwnBroker({}, {}, async ({ broker, issuer, send }) => {
      issuer.otherKeys.push(await newSigningKey());
      const forged = await issuer.token(githubClaims('acme/api', AUDIENCE), await newSigningKey(), { kid: false });
      const answer = await send(forged, {});
      expect([answer.status, answer.document.error?.code]).toEqual([401, 'token_unknown_key']);
      const [line] = await broker.auditLines(1);
      expect(line).toMatchObject({ status: 401, decision: 'refused', code: 'token_unknown_key' });
    });
  });
});

describe('a discovery document that points the keys to another origin', () => {
  test("is not followed: 502 issuer_unreachable, the cause in the broker's log, no request to that origin", async () => {
    const elsewhere = await FakeIssuer.start();
    try {
      await withOwnBroker({}, {}, async ({ broker, issuer, send }) => {
        // The other origin serves the issuer's own key: followed, the token would verify.
        elsewhere.otherKeys.push(issuer.key);
        issuer.jwksUri = `${elsewhere.url}/.well-known/jwks`;
        const answer = await send(await issuer.token(githubClaims('acme/api', AUDIENCE)), {});
        expect([answer.status, answer.document.error?.code]).toEqual([502, 'issuer_unreachable']);
        expect(elsewhere.requests).toEqual([]);
        await broker.stderrHas('points its jwks_uri to another origin');
      });
    } finally {
      await elsewhere.stop();
    }
  });
});

describe('one owner name on two Git services', () => {
  test("a GitLab group's token acts on the organization its issuer pins, not on GitHub's organization of the same name", async () => {
    const gitlab = await FakeIssuer.start();
    try {
      // Xopero ONE holds an `acme` for each service; both have a repository acme/api-gateway.
      let onGitlab: { isProtected: boolean } | undefined;
      const overrides = (github: FakeIssuer, world: World) => {
        const gitlabAcme = world.sim.addOrganization({ name: 'acme', driver: 2 });
        onGitlab = world.sim.addRepository(gitlabAcme.id, { name: 'acme/api-gateway', isProtected: false });
        world.sim.addPlan(gitlabAcme.id, { name: 'Nightly GitHub' });
        return {
          issuers: [
            { issuer: github.url, kind: 'github', owners: ['acme'], organizations: { acme: world.orgId } },
            { issuer: gitlab.url, kind: 'gitlab', owners: ['acme'], organizations: { acme: gitlabAcme.id } },
          ],
        };
      };
      await withOwnBroker(overrides, {}, async ({ world, send }) => {
        // The first of that name: startWorld's, in GitHub's acme (checked below).
        const onGithub = world.sim.repository('acme/api-gateway');
        const answer = await send(await gitlab.token(gitlabClaims('acme/api-gateway', AUDIENCE)), { mode: 'ensure' });
        expect([answer.status, answer.document.outcome?.result.changed]).toEqual([200, true]);
        expect(onGitlab?.isProtected).toBe(true);
        expect(onGithub?.organizationId).toBe(world.orgId);
        expect(onGithub?.isProtected).toBe(false);
      });
    } finally {
      await gitlab.stop();
    }
  });
});

describe('a run that fails at Xopero ONE', () => {
  test('502 xopero_failed, and the audit line counts the requests it did send (the refused login)', async () => {
    await withOwnBroker({}, { BROKER_XOPERO_PASSWORD: 'not-the-password' }, async ({ world, broker, ask }) => {
      const answer = await ask('acme/api');
      expect([answer.status, answer.document.error?.code]).toEqual([502, 'xopero_failed']);
      const [line] = await broker.auditLines(1);
      // It said 0 before: only a finished run's requests were counted.
      expect(line).toMatchObject({ status: 502, decision: 'failed', code: 'xopero_failed', xoperoRequests: { total: 1, mutating: 0 } });
      expect(world.sim.requests.map((request) => request.path)).toEqual(['/account/login']);
    });
  });
});

describe('starting and stopping', () => {
  test('a port in use, a listen.host that is not this machine, a bad xopero.serverUrl: one line each, naming the field', async () => {
    const world = await startWorld();
    const issuer = await FakeIssuer.start();
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as net.AddressInfo).port;
    const start = async (overrides: Record<string, unknown>) => {
      const run = await runCommand(TEST_NODE, [CLI_ENTRY, 'broker', '--config', writeConfig(world, issuer, overrides)], brokerEnv(world), {
        timeoutMs: 60_000,
      });
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toMatch(/Unexpected error|please report/);
      return lines[0];
    };
    try {
      expect(await start({ listen: { host: '127.0.0.1', port } })).toBe(
        `xopero-one broker: Cannot listen on 127.0.0.1:${port}: the port is in use; stop the other process, or set listen.port to a free port.`,
      );
      expect(await start({ listen: { host: '192.0.2.1', port: 0 } })).toMatch(
        /^xopero-one broker: Cannot listen on 192\.0\.2\.1:0: listen\.host is not an address of this machine \(EADDRNOTAVAIL\);/,
      );
      const xopero = { serverUrl: 'backup.example.com', emailVariable: 'BROKER_XOPERO_EMAIL', passwordVariable: 'BROKER_XOPERO_PASSWORD' };
      expect(await start({ xopero })).toMatch(
        /^xopero-one broker: Broker config: the broker's xopero\.serverUrl: 'backup\.example\.com' is not a URL/,
      );
    } finally {
      taken.close();
      await issuer.stop();
      await world.sim.stop();
    }
  });

  test('a bad config fails in one line naming the field (through the CLI: xopero-one broker)', async () => {
    const world = await startWorld();
    const issuer = await FakeIssuer.start();
    try {
      const file = writeConfig(world, issuer, { issuers: [{ issuer: issuer.url, kind: 'gitea', owners: ['acme'] }] });
      const run = await runCommand(TEST_NODE, [CLI_ENTRY, 'broker', '--config', file], brokerEnv(world), { timeoutMs: 60_000 });
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^xopero-one broker: Broker config '.*': issuers\[0\]\.kind: expected github, gitlab or bitbucket, got 'gitea'\.$/,
        ),
      ]);
    } finally {
      await issuer.stop();
      await world.sim.stop();
    }
  });

  test('the per-repository rate limit: 429 with Retry-After, no Xopero ONE request; another repository is not held up', async () => {
    await withOwnBroker({ limits: { perRepository: { requests: 1, windowSeconds: 3600 } } }, {}, async ({ world, ask }) => {
      expect((await ask('acme/api')).status).toBe(200);
      world.sim.resetLog();
      const limited = await ask('acme/api');
      expect(limited).toMatchObject({ status: 429, document: { error: { code: 'rate_limited' } } });
      expect(Number(limited.retryAfter)).toBeGreaterThan(3500);
      expect(requestsOfRuns(world)).toEqual([]);
      expect((await ask('acme/other')).status).toBe(200);
    });
  });

  test('SIGTERM: no new connection is accepted, the run in flight finishes, then exit 0', async () => {
    const world = await startWorld();
    const issuer = await FakeIssuer.start();
    const agent = new Agent({ connect: { ca: world.sim.caCert } });
    try {
      const broker = await startBroker([CLI_ENTRY, 'broker', '--config', writeConfig(world, issuer)], brokerEnv(world));
      let release: () => void = () => undefined;
      const held = new Promise<void>((done) => {
        release = done;
      });
      const arrived = new Promise<void>((resolve) => {
        world.sim.addFault({ path: '/account/login', onArrival: resolve, hold: () => held });
      });
      const token = await issuer.token(githubClaims('acme/api', AUDIENCE));
      const answer = agent
        .request({
          origin: broker.url,
          path: '/v1/protect',
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{}',
        })
        .then(async (response) => ({ status: response.statusCode, document: (await response.body.json()) as BrokerAnswer }));
      await arrived;

      process.kill(broker.pid, 'SIGTERM');
      await broker.stderrHas('stopping');
      const fresh = new Agent({ connect: { ca: world.sim.caCert } });
      // Refused, or reset when it reached the backlog in the instant before the listening socket closed: never served.
      await expect(fresh.request({ origin: broker.url, path: '/healthz', method: 'GET' })).rejects.toMatchObject({
        code: expect.stringMatching(/^(ECONNREFUSED|ECONNRESET)$/),
      });
      await fresh.close();
      release();

      const finished = await answer;
      expect(finished.status).toBe(200);
      expect(finished.document.outcome?.result).toMatchObject({ repository: { name: 'acme/api' }, changed: true });
      const exit = await broker.exit;
      expect(exit.code).toBe(0);
      expect(broker.stderr()).toContain('stopped');
      expect(broker.audit).toEqual([expect.objectContaining({ status: 200, decision: 'ran', repository: 'acme/api' })]);
      expect(world.sim.repository('acme/api')?.isProtected).toBe(true);
    } finally {
      await agent.close();
      await issuer.stop();
      await world.sim.stop();
    }
  });
});
