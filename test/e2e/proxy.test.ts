/**
 * Proxies end to end: the built action (dist/index.js, as the runner runs it) and the CLI bundle, against the
 * HTTPS simulator through a real forward proxy on loopback (testbed/proxy/forward-proxy.ts) that counts its
 * tunnels. The server is addressed as https://xopero.test:PORT, a name only the proxy resolves: a request
 * that bypassed the proxy could not reach the simulator at all.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, bundleChunks, chunksLoadedBy, errorLines, runAction, runCli } from '../../testbed/harness.js';
import { expectOneLineFailure } from '../../testbed/expectations.js';
import { EMAIL, PASSWORD, startWorld, type World } from '../../testbed/fixtures.js';
import { ForwardProxy, type ForwardProxyOptions } from '../../testbed/proxy/forward-proxy.js';
import type { SimulatorOptions } from '../../testbed/simulator/index.js';

let world: World | undefined;
const proxies: ForwardProxy[] = [];

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.stop()));
  await world?.sim.stop();
  world = undefined;
});

interface Setup {
  world: World;
  proxy: ForwardProxy;
  proxyUrl: string;
  /** https://xopero.test:PORT: resolvable only by the proxy. */
  serverUrl: string;
  port: string;
}

/** The simulator, and a proxy that resolves xopero.test to it. */
async function setup(proxyOptions: ForwardProxyOptions = {}, simOptions: SimulatorOptions = {}): Promise<Setup> {
  world = await startWorld(simOptions);
  const port = new URL(world.url).port;
  const proxy = await startProxy(proxyOptions);
  return { world, proxy, proxyUrl: proxy.url, serverUrl: `${new URL(world.url).protocol}//xopero.test:${port}`, port };
}

async function startProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const proxy = new ForwardProxy({ hosts: { 'xopero.test': '127.0.0.1' }, ...options });
  proxies.push(proxy);
  await proxy.start();
  return proxy;
}

/** A loopback port nothing listens on: a proxy that is down. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the built action against `serverUrl`, trusting the simulator's CA as a self-hosted runner would. */
function action(s: Setup, env: Record<string, string | undefined>, inputs: Record<string, string> = {}) {
  return runAction(
    { ...s.world.inputs, 'server-url': s.serverUrl, ...inputs },
    { env: { NODE_EXTRA_CA_CERTS: s.world.url.startsWith('https:') ? s.world.sim.caCertPath : undefined, ...env } },
  );
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function expectProtected(w: World) {
  const repo = w.sim.repository('acme/api')!;
  expect(repo.isProtected).toBe(true);
  expect(w.sim.plan('Nightly GitHub')!.repositoryIds).toContain(repo.id);
}

describe('through HTTPS_PROXY', () => {
  test('a run succeeds, every request arriving through a tunnel, and the log names the proxy', async () => {
    const s = await setup();

    const run = await action(s, { HTTPS_PROXY: s.proxyUrl });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expectProtected(s.world);
    expect(run.outputs.changed).toBe('true');
    expect(run.stdout).toContain(`Using proxy ${s.proxyUrl} (from HTTPS_PROXY)`);
    expect(run.stdout.match(/Using proxy /g)).toHaveLength(1); // logged once
    // Every TCP connection the simulator accepted was a tunnel of the proxy, to the server's name and port.
    expect(s.proxy.tunnels).toBeGreaterThan(0);
    expect(s.world.sim.connections).toBe(s.proxy.tunnels);
    expect(s.proxy.connects.every((c) => c.target === `xopero.test:${s.port}` && c.status === 200)).toBe(true);
    expect(s.proxy.requests).toHaveLength(0); // nothing sent as plain HTTP
    // TLS ran inside the tunnels: the proxy only relayed bytes.
    expect(s.proxy.bytesUp).toBeGreaterThan(0);
    expect(s.proxy.bytesDown).toBeGreaterThan(0);
  });

  test('without the proxy the same run cannot even resolve the server (so the run above used it)', async () => {
    const s = await setup();

    const run = await action(s, {});

    expectOneLineFailure(run, /^Cannot reach Xopero ONE: cannot resolve xopero\.test/);
    expect(s.world.sim.requests).toHaveLength(0);
    expect(s.proxy.connects).toHaveLength(0);
  });

  test('tunnels are kept alive and reused: about one per request in flight, never one per request', async () => {
    // Latency makes the two parallel lookups of a re-run overlap, so two tunnels are legitimately open at once.
    const s = await setup({}, { latencyMs: 100 });

    const first = await action(s, { HTTPS_PROXY: s.proxyUrl });
    expect(first.code).toBe(0);
    const firstRequests = s.world.sim.requests.length;
    expect(firstRequests).toBeGreaterThan(4);
    expect(s.proxy.tunnels).toBeLessThan(firstRequests);
    expect(s.proxy.maxOpenTunnels).toBeLessThanOrEqual(s.world.sim.maxConcurrent + 1);

    s.world.sim.resetLog();
    s.proxy.resetCounts();
    const again = await action(s, { HTTPS_PROXY: s.proxyUrl });

    expect(again.code).toBe(0);
    expect(again.outputs.changed).toBe('false');
    expect(s.world.sim.requests).toHaveLength(4);
    expect(s.proxy.tunnels).toBeGreaterThan(0);
    expect(s.proxy.tunnels).toBeLessThanOrEqual(3);
    expect(s.proxy.tunnels).toBeLessThan(s.world.sim.requests.length);
    expect(s.proxy.maxOpenTunnels).toBeLessThanOrEqual(3);
    // Requests shared TLS sessions: fewer distinct connections at the simulator than requests.
    const connectionIds = new Set(s.world.sim.requests.map((r) => r.connectionId));
    expect(connectionIds.size).toBe(s.proxy.tunnels);
  });

  test('lowercase https_proxy wins over HTTPS_PROXY', async () => {
    const s = await setup();
    const dead = await deadPort();

    const run = await action(s, { HTTPS_PROXY: `http://127.0.0.1:${dead}`, https_proxy: s.proxyUrl });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Using proxy ${s.proxyUrl} (from https_proxy)`);
    expect(run.stdout).not.toContain(String(dead));
    expect(s.proxy.tunnels).toBeGreaterThan(0);
    expectProtected(s.world);
  });

  test('an http:// server goes through HTTP_PROXY, not HTTPS_PROXY', async () => {
    const s = await setup({}, { tls: false });
    const dead = await deadPort();

    const run = await action(s, { HTTP_PROXY: s.proxyUrl, HTTPS_PROXY: `http://127.0.0.1:${dead}` }, { 'allow-http': 'true' });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Using proxy ${s.proxyUrl} (from HTTP_PROXY)`);
    expect(s.proxy.connects.length + s.proxy.requests.length).toBeGreaterThan(0);
    expect(s.proxy.connects.every((c) => c.target === `xopero.test:${s.port}`)).toBe(true);
    expect(s.proxy.requests.every((r) => r.url.startsWith(`http://xopero.test:${s.port}/`))).toBe(true);
    expectProtected(s.world);
  });
});

describe('through HTTPS_PROXY, an answer too large', () => {
  test('is not read past 16 MiB: one line, as on a direct connection, nothing changed', async () => {
    const s = await setup();
    s.world.sim.addFault({ path: '/git/organizations/getmany', status: 200, body: `"${'x'.repeat(17 * 1024 * 1024)}"` });

    const run = await action(s, { HTTPS_PROXY: s.proxyUrl });

    expectOneLineFailure(run, /answered POST \/git\/organizations\/getmany with more than 16 MiB, which no answer of this API holds/);
    expect(s.proxy.tunnels).toBeGreaterThan(0);
    expect(s.world.sim.mutatingRequests()).toHaveLength(0);
  });
});

describe('NO_PROXY', () => {
  test('naming the server (by IP) sends nothing to the proxy, and the log says so', async () => {
    const s = await setup();

    const run = await action(s, { HTTPS_PROXY: s.proxyUrl, NO_PROXY: 'localhost,127.0.0.1' }, { 'server-url': s.world.url });

    expect(run.code).toBe(0);
    expectProtected(s.world);
    expect(s.proxy.tunnels).toBe(0);
    expect(s.proxy.connects).toHaveLength(0);
    expect(s.proxy.requests).toHaveLength(0);
    expect(run.stdout).toContain("Not using the proxy in HTTPS_PROXY: 127.0.0.1 is excluded by NO_PROXY entry '127.0.0.1'.");
    expect(run.stdout).not.toContain('Using proxy');
  });

  test('an entry for another port of the same host does not exclude the server', async () => {
    const s = await setup();
    const other = Number(s.port) === 1 ? 2 : 1;

    const run = await action(s, { HTTPS_PROXY: s.proxyUrl, NO_PROXY: `127.0.0.1:${other}` }, { 'server-url': s.world.url });

    expect(run.code).toBe(0);
    expect(s.proxy.tunnels).toBeGreaterThan(0);
    expect(s.proxy.connects.every((c) => c.target === `127.0.0.1:${s.port}`)).toBe(true);
    expect(run.stdout).toContain(`Using proxy ${s.proxyUrl} (from HTTPS_PROXY)`);
  });

  test('a .test suffix excludes xopero.test: the run goes direct (and so cannot resolve the name)', async () => {
    const s = await setup();

    const run = await action(s, { https_proxy: s.proxyUrl, no_proxy: '.test' });

    expect(run.stdout).toContain("Not using the proxy in https_proxy: xopero.test is excluded by NO_PROXY entry '.test'.");
    expect(s.proxy.connects).toHaveLength(0);
    expect(s.proxy.tunnels).toBe(0);
    expectOneLineFailure(run, /^Cannot reach Xopero ONE: cannot resolve xopero\.test/);
  });
});

describe('a proxy that demands credentials', () => {
  const auth = { user: 'user', password: 'p@ss' };
  const expected = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;

  test('works with user:password in the URL, percent-decoded, and the log hides them', async () => {
    const s = await setup({ auth });
    const withCredentials = `http://user:p%40ss@127.0.0.1:${s.proxy.port}`;

    const run = await action(s, { HTTPS_PROXY: withCredentials });

    expect(run.code).toBe(0);
    expectProtected(s.world);
    expect(s.proxy.tunnels).toBeGreaterThan(0);
    expect(s.proxy.connects.length).toBeGreaterThan(0);
    expect(s.proxy.connects.every((c) => c.status === 200 && c.proxyAuthorization === expected)).toBe(true);
    expect(run.stdout).toContain(`Using proxy http://***@127.0.0.1:${s.proxy.port} (from HTTPS_PROXY)`);
  });

  test('without them fails with one line asking for them (HTTP 407), not retried', async () => {
    const s = await setup({ auth });

    const run = await action(s, { HTTPS_PROXY: s.proxyUrl });

    expectOneLineFailure(
      run,
      new RegExp(`^The proxy ${escapeRegExp(s.proxyUrl)} requires authentication \\(HTTP 407\\): put user:password in HTTPS_PROXY`),
    );
    expect(s.proxy.connects.map((c) => c.status)).toEqual([407]);
    expect(s.proxy.connects[0].proxyAuthorization).toBeUndefined();
    expect(s.world.sim.requests).toHaveLength(0);
  });

  test('with wrong ones: says they were refused (not "add them"), without showing them', async () => {
    const s = await setup({ auth });

    const run = await action(s, { HTTPS_PROXY: `http://user:wrong-pass-9@127.0.0.1:${s.proxy.port}` });

    expectOneLineFailure(
      run,
      /^The proxy http:\/\/\*\*\*@127\.0\.0\.1:\d+ refused the user and password in HTTPS_PROXY \(HTTP 407\): check them \(an @, : or \/ in either must be percent-encoded in the URL\)\.$/,
    );
    expect(s.proxy.connects.map((c) => c.status)).toEqual([407]);
    const visible = run.all
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(visible).not.toContain('wrong-pass-9');
  });
});

describe('a proxy that fails', () => {
  test('down (a closed port): one clear line naming the proxy', async () => {
    const s = await setup();
    const dead = await deadPort();

    const run = await action(s, { HTTPS_PROXY: `http://127.0.0.1:${dead}` });

    expectOneLineFailure(run, new RegExp(`^Cannot reach proxy 127\\.0\\.0\\.1:${dead}`));
    expect(errorLines(run.stdout)[0]).toContain('HTTPS_PROXY');
    expect(s.world.sim.requests).toHaveLength(0);
  });

  test('down, for an http:// server: the line names HTTP_PROXY, where that proxy came from', async () => {
    const s = await setup({}, { tls: false });
    const dead = await deadPort();

    const run = await action(s, { HTTP_PROXY: `http://127.0.0.1:${dead}` }, { 'allow-http': 'true' });

    expectOneLineFailure(
      run,
      new RegExp(
        `^Cannot reach proxy 127\\.0\\.0\\.1:${dead} \\(ECONNREFUSED\\): check HTTP_PROXY, or exclude xopero\\.test with NO_PROXY\\.$`,
      ),
    );
    expect(s.world.sim.requests).toHaveLength(0);
  });

  test('a CONNECT answered 502 twice, then OK, is retried and the run succeeds', async () => {
    const s = await setup({ connectStatus: 502, connectStatusTimes: 2 });

    const run = await action(s, { HTTPS_PROXY: s.proxyUrl });

    expect(run.code).toBe(0);
    expectProtected(s.world);
    expect(s.proxy.connects.slice(0, 3).map((c) => c.status)).toEqual([502, 502, 200]);
    expect(s.proxy.tunnels).toBeGreaterThan(0);
    expect(run.stdout.match(/::warning::Retrying after the proxy's HTTP 502/g)).toHaveLength(2);
  });

  test('a CONNECT answered 502 every time fails naming the proxy and its answer', async () => {
    const s = await setup({ connectStatus: 502 });

    const run = await action(s, { HTTPS_PROXY: s.proxyUrl });

    expectOneLineFailure(
      run,
      new RegExp(`^The proxy ${escapeRegExp(s.proxyUrl)} answered HTTP 502 to CONNECT xopero\\.test:${s.port} on every one of 5 attempts`),
    );
    expect(s.proxy.connects.map((c) => c.status)).toEqual([502, 502, 502, 502, 502]);
    expect(s.proxy.tunnels).toBe(0);
    expect(s.world.sim.requests).toHaveLength(0);
  });
});

describe('secrets', () => {
  const password = 'Pr0xy-S3cret@word!';
  const encoded = encodeURIComponent(password); // Pr0xy-S3cret%40word!

  test('the proxy password never appears in the log, outputs or summary, and the token never reaches the proxy', async () => {
    const s = await setup({ auth: { user: 'ci-proxy', password } });
    const token = s.world.sim.issueToken(EMAIL);
    const proxyUrl = `http://ci-proxy:${encoded}@127.0.0.1:${s.proxy.port}`;

    const run = await action(s, { HTTPS_PROXY: proxyUrl }, { email: '', password: '', 'access-token': token });

    expect(run.code).toBe(0);
    expect(s.proxy.tunnels).toBeGreaterThan(0);
    // The runner is told to mask the decoded password...
    expect(run.stdout).toContain(`::add-mask::${password}`);
    // ...and nothing else carries it, raw or decoded, nor the Proxy-Authorization value.
    const basic = Buffer.from(`ci-proxy:${password}`).toString('base64');
    const visible = [
      ...run.all.split('\n').filter((line) => !line.startsWith('::add-mask::')),
      JSON.stringify(run.outputs),
      run.summary,
    ].join('\n');
    for (const secret of [password, encoded, basic, proxyUrl]) expect(visible).not.toContain(secret);
    // The proxy saw only CONNECTs: no plain request, no Authorization header, no token in any header.
    expect(s.proxy.requests).toHaveLength(0);
    expect(s.proxy.connects.length).toBeGreaterThan(0);
    for (const connect of s.proxy.connects) {
      expect(connect.authorization).toBeUndefined();
      expect(JSON.stringify(connect.headers)).not.toContain(token);
    }
    // The token did reach the server, inside the tunnel.
    expect(s.world.sim.requests.every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
  });

  test('with email and password, neither reaches the proxy', async () => {
    const s = await setup();

    const run = await action(s, { HTTPS_PROXY: s.proxyUrl });

    expect(run.code).toBe(0);
    expect(s.proxy.requests).toHaveLength(0);
    for (const connect of s.proxy.connects) {
      expect(connect.authorization).toBeUndefined();
      expect(JSON.stringify(connect.headers)).not.toContain(PASSWORD);
    }
  });
});

describe('the CLI', () => {
  test('honours the same environment: proxy, credentials in its URL, and hides them', async () => {
    const password = 'Cli-Pr0xy@pass';
    const s = await setup({ auth: { user: 'bot', password } });
    const env = (proxyUrl: string) => ({
      XOPERO_SERVER_URL: s.serverUrl,
      XOPERO_EMAIL: EMAIL,
      XOPERO_PASSWORD: PASSWORD,
      XOPERO_ORGANIZATION: 'acme',
      XOPERO_REPOSITORY: 'acme/api',
      XOPERO_PLAN: 'Nightly GitHub',
      NODE_EXTRA_CA_CERTS: s.world.sim.caCertPath,
      https_proxy: proxyUrl,
    });

    const run = await runCli([], env(`http://bot:${encodeURIComponent(password)}@127.0.0.1:${s.proxy.port}`));

    expect(run.stderr).not.toMatch(/^xopero-one: /m);
    expect(run.code).toBe(0);
    expectProtected(s.world);
    // The log goes to stderr (stdout holds the report).
    expect(run.stderr).toContain(`Using proxy http://***@127.0.0.1:${s.proxy.port} (from https_proxy)`);
    expect(s.proxy.tunnels).toBeGreaterThan(0);
    expect(s.world.sim.connections).toBe(s.proxy.tunnels);
    expect(s.proxy.connects.every((c) => c.status === 200 && c.authorization === undefined)).toBe(true);
    for (const secret of [password, encodeURIComponent(password), PASSWORD]) {
      expect(run.stdout + run.stderr).not.toContain(secret);
    }

    // Without the credentials: exit 1 and the one-line 407 message on stderr.
    const refused = await runCli([], env(s.proxyUrl));
    expect(refused.code).toBe(1);
    expect(
      refused.stderr
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('xopero-one: ')),
    ).toEqual([
      expect.stringMatching(new RegExp(`^xopero-one: The proxy ${escapeRegExp(s.proxyUrl)} requires authentication \\(HTTP 407\\)`)),
    ]);
  });
});

/**
 * undici carries only the runs a proxy carries (src/xopero/transport.ts): a direct run never loads the file
 * that holds it, a run through HTTPS_PROXY does. undici's symbols module (`Symbol("connected")`) marks it.
 */
describe('which transport loads', () => {
  const undiciFiles = () =>
    bundleChunks('dist').filter((file) => readFileSync(join(ROOT, 'dist', file), 'utf8').includes('Symbol("connected")'));

  test('a direct run loads no undici; a run through the proxy does', async () => {
    const s = await setup();
    expect(undiciFiles()).toHaveLength(1);
    const direct = await chunksLoadedBy('dist', async (env) => {
      const run = await runAction(s.world.inputs, { env: { NODE_EXTRA_CA_CERTS: s.world.sim.caCertPath, ...env } });
      expect(run.code).toBe(0);
    });
    expect(direct.length).toBeGreaterThanOrEqual(1);
    expect(direct).not.toContain(undiciFiles()[0]);
    const proxied = await chunksLoadedBy('dist', async (env) =>
      expect((await action(s, { HTTPS_PROXY: s.proxyUrl, ...env })).code).toBe(0),
    );
    expect(proxied).toContain(undiciFiles()[0]);
    expect(s.proxy.tunnels).toBeGreaterThanOrEqual(1);
  });
});
