/**
 * The part of undici this product uses (ProxyAgent: proxy-transport.ts, and @actions/http-client's import), loaded from undici's own modules rather than its index. The index
 * evaluates all of undici at start-up (fetch, WebSocket, caches, mocks): 17 ms of every run, measured, for
 * code a run never calls. The build maps the bare specifier 'undici' to this file (tsconfig.json `paths`,
 * which ncc applies to every import in the bundle, @actions/http-client's included), so the bundle holds one
 * copy of undici and evaluates only these modules. Tests that import src/ directly get the full index, which
 * exports the same names.
 *
 * Two more things stay out of the bundles (package.json `build`):
 *   - undici's fetch implementation (undici/lib/web/fetch, 141 KB of source): its HTTP/1 and HTTP/2 clients
 *     require '../web/fetch/body.js' only to send a FormData body, which no request of this product has (the
 *     client sends JSON text). `ncc -e ../web/fetch/body.js` leaves that require to run time, where it would
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
