/**
 * src/xopero/lazy-http2.ts stands in for node:http2 while undici's modules load: it must give exactly the
 * constants undici's client-h2.js reads at load, with Node's own values. An undici upgrade that reads another
 * one fails here, not in a run.
 */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:http2';
import { createRequire } from 'node:module';
import { lazyHttp2, restoreHttp2 } from '../../src/xopero/lazy-http2.js';
import { XoperoClient, type ClientOptions } from '../../src/xopero/client.js';
import { ROOT, bundleChunks } from '../../testbed/harness.js';

restoreHttp2();

test("the constants undici's HTTP/2 client reads at load, with node:http2's values", () => {
  const source = readFileSync(createRequire(import.meta.url).resolve('undici/lib/dispatcher/client-h2.js'), 'utf8');
  const destructured = /const \{\s*constants: \{([^}]*)\}\s*\} = http2/.exec(source);
  expect(destructured).not.toBeNull();
  const names = destructured![1]
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  expect(Object.keys(lazyHttp2.constants).sort()).toEqual(names.sort());
  for (const [name, value] of Object.entries(lazyHttp2.constants)) expect(value).toBe(constants[name as keyof typeof constants]);
});

test('outside the span undici loads in, node:http2 is the real module', () => {
  expect(createRequire(import.meta.url)('node:http2')).not.toBe(lazyHttp2);
  expect(typeof lazyHttp2.connect).toBe('function');
});

/**
 * The build leaves undici's fetch code out (src/xopero/undici.ts says why): safe only while undici requires it
 * for FormData bodies alone, and while the client sends JSON text.
 */
test("undici requires its fetch code only to send a FormData body, and the client's bodies are JSON text", () => {
  const require = createRequire(import.meta.url);
  for (const file of ['undici/lib/dispatcher/client-h1.js', 'undici/lib/dispatcher/client-h2.js']) {
    const lines = readFileSync(require.resolve(file), 'utf8').split('\n');
    const requires = lines.flatMap((line, index) => (line.includes("require('../web/fetch/body.js')") ? [index] : []));
    expect(requires.length).toBeGreaterThan(0);
    for (const index of requires) {
      // The nearest enclosing condition, past the lazy-load guard around the require itself.
      const branch = [...lines.slice(0, index)].reverse().find((line) => /^\s*if \(/.test(line) && !line.includes('!extractBody'));
      expect(branch?.trim()).toBe('if (util.isFormDataLike(body)) {');
    }
  }
  // The product's requests through undici: the Xopero ONE client's (below) and octokit's (GETs without a body,
  // checked where reclaim: archived runs against the GitHub stand-in, test/e2e/release.test.ts).
});

/**
 * Every call of the Xopero ONE client goes out with its body as JSON text. Seen at the dispatcher the client is
 * given (a recording stand-in that fails each request, so no server is needed), for a read, a login and the
 * changing calls.
 */
test('the Xopero ONE client sends every body as JSON text', async () => {
  const bodies: unknown[] = [];
  const transport = {
    send: async (request: { body?: unknown }) => {
      bodies.push(request.body);
      throw new Error('recorded');
    },
    destroy: async () => {},
    proxy: { url: undefined },
    caPinned: false,
  };
  const client = (credentials: object) =>
    new XoperoClient({ serverUrl: new URL('https://xopero.example.com'), credentials, transport } as unknown as ClientOptions);
  const withPassword = client({ kind: 'password', email: 'ci@example.com', password: 'secret' });
  const withToken = client({ kind: 'token', token: 'token' });
  const calls = [
    () => withPassword.login(),
    () => withToken.listOrganizations(),
    () => withToken.activate(['id-1']),
    () => withToken.attach('plan-1', 'id-1'),
    () => withToken.detach('plan-1', 'id-1'),
    () => withToken.deactivate(['id-1']),
    () => withToken.remove('id-1'),
    () => withToken.synchronize('org-1'),
  ];
  for (const call of calls) await call().catch(() => undefined);
  expect(bodies.length).toBeGreaterThanOrEqual(calls.length);
  for (const body of bodies) {
    expect(typeof body).toBe('string');
    expect(() => JSON.parse(body as string)).not.toThrow();
  }
});

test('the bundles leave the fetch code out, and require it at run time from nowhere else', () => {
  const files = ['index.js', 'cli/index.js', ...bundleChunks('dist')];
  for (const file of files) {
    const code = readFileSync(join(ROOT, 'dist', file), 'utf8');
    expect(code).not.toContain('function extractBody(');
    expect(code.split('"../web/fetch/body.js"').length - 1).toBeLessThanOrEqual(1);
  }
});

/**
 * One undici in every bundle, shared by the proxy transport and @actions/core's http-client (tsconfig.json
 * maps 'undici' to src/xopero/undici-for-libraries.ts, which loads src/xopero/undici.ts when first used). The
 * lockfile's undici 5 comes only with @github/local-action, a development tool: a second copy would be
 * loaded and evaluated. undici's symbols module (`Symbol("connected")`) stands for a copy: it is in every
 * undici since 5. The report action's bundle holds none: the build finds no use of ProxyAgent in the parts of
 * @actions/core it bundles there (nothing there builds a proxy dispatcher).
 */
test('each bundle, with the files it loads beside it, holds exactly one undici', () => {
  const copies = (dir: 'dist' | 'dist/cli' | 'dist/report' | 'dist/broker', files: string[]) =>
    files.reduce((sum, file) => sum + (readFileSync(join(ROOT, dir, file), 'utf8').match(/Symbol\(["']connected["']\)/g) ?? []).length, 0);
  expect(copies('dist', ['index.js', ...bundleChunks('dist')])).toBe(1);
  expect(copies('dist/cli', ['index.js', ...bundleChunks('dist/cli')])).toBe(1);
  expect(copies('dist/report', ['index.js'])).toBe(0);
  expect(copies('dist/broker', ['index.js', ...bundleChunks('dist/broker')])).toBe(1);
});
