/**
 * Keeps node:http2 out of every run. undici's HTTP/1 client module requires its HTTP/2 client, which requires
 * node:http2 at load to read seven header-name constants; loading node:http2 (and the node:http it pulls in
 * again, its compat layer, its session code) cost 8-11 ms of every run's start-up, measured on Node 20, for a
 * protocol this product never speaks: undici offers h2 only with `allowH2`, which the transport never sets.
 *
 * While undici's modules load (src/xopero/undici.ts imports this first and calls `restoreHttp2()` after them),
 * a require of node:http2 gets the constants undici reads and a `connect` that loads the real module on first
 * use, so even an h2 connection would still work. The hook is on the CommonJS loader's `Module._load` (what
 * the bundle's require of a built-in goes through, on Node 20 and Node 24), only for that span, only for
 * node:http2; test/unit/undici-parts.test.ts checks the constants against the real module's.
 */
import Module, { createRequire } from 'node:module';

type Load = (request: string, ...rest: unknown[]) => unknown;
const loader = Module as unknown as { _load: Load };
// Built-ins only, so where the require resolves from does not matter. Not from import.meta.url: webpack
// rewrites that in the Action's CommonJS bundle (scripts/bundle.ts) into a call of the very require it names.
const requireHttp2 = () =>
  (process.getBuiltinModule?.('node:http2') ?? createRequire(`${process.cwd()}/`)('node:http2')) as {
    connect: (...a: unknown[]) => unknown;
  };

/** What undici's client-h2.js reads of node:http2 when it loads, with the values Node gives them. */
export const lazyHttp2 = {
  constants: {
    HTTP2_HEADER_AUTHORITY: ':authority',
    HTTP2_HEADER_METHOD: ':method',
    HTTP2_HEADER_PATH: ':path',
    HTTP2_HEADER_SCHEME: ':scheme',
    HTTP2_HEADER_CONTENT_LENGTH: 'content-length',
    HTTP2_HEADER_EXPECT: 'expect',
    HTTP2_HEADER_STATUS: ':status',
  },
  connect: (...args: unknown[]) => requireHttp2().connect(...args),
};

const realLoad = loader._load;
// Whatever else Node passes to the loader goes through unchanged.
loader._load = function load(this: unknown, request, ...rest) {
  if (request === 'node:http2' || request === 'http2') return lazyHttp2;
  return realLoad.call(this, request, ...rest);
};

/** Ends the span: from here on node:http2 is the real module for everyone. */
export function restoreHttp2(): void {
  loader._load = realLoad;
}
