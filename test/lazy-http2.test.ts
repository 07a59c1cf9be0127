/**
 * src/xopero/lazy-http2.ts stands in for node:http2 while undici's modules load: it must give exactly the
 * constants undici's client-h2.js reads at load, with Node's own values. An undici upgrade that reads another
 * one fails here, not in a run.
 */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { constants } from 'node:http2';
import { createRequire } from 'node:module';
import { lazyHttp2, restoreHttp2 } from '../src/xopero/lazy-http2.js';

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
