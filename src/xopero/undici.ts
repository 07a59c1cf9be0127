/**
 * The part of undici this product uses: ProxyAgent, for the runs a forward proxy carries (proxy-transport.ts),
 * and for @actions/http-client through undici-for-libraries.ts. Loaded from undici's own modules rather than its
 * index: the index evaluates all of undici (fetch, WebSocket, caches, mocks), 17 ms measured, for code a run
 * never calls. Each bundle holds one copy of undici, in a file of its own loaded only when a proxy applies.
 * Tests that import src/ directly get the full index (test/tsconfig.json), which exports the same names.
 *
 * Two more things stay out of the bundles (scripts/bundle.ts):
 *   - undici's fetch implementation (undici/lib/web/fetch, 141 KB of source): its HTTP/1 and HTTP/2 clients
 *     require '../web/fetch/body.js' only to send a FormData body, which no request of this product has (the
 *     client sends JSON text). ncc's external `../web/fetch/body.js` leaves that require to run time, where it would
 *     fail, instead of bundling the fetch code; every run paid 5-7 ms to read and parse it (measured, Node 20).
 *     test/unit/undici-parts.test.ts checks that undici still requires it only in the FormData branch.
 *   - node:http2, while these modules load (lazy-http2.ts).
 */
import type * as Undici from 'undici/types/index.js';
// First: node:http2 stays unloaded while undici's modules load (lazy-http2.ts says why).
import { restoreHttp2 } from './lazy-http2.js';
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js';
import ProxyAgentImpl from 'undici/lib/dispatcher/proxy-agent.js';
import api from 'undici/lib/api/index.js';

restoreHttp2();

// What undici's index does first: give every dispatcher its request(), connect() (ProxyAgent's CONNECT) and
// the other API methods.
Object.assign(DispatcherImpl.prototype, api);

export const ProxyAgent = ProxyAgentImpl as typeof Undici.ProxyAgent;
export type { Dispatcher } from 'undici/types/index.js';
