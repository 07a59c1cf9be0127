export const id = 32;
export const ids = [32];
export const modules = {

/***/ 2032:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createProxyTransport: () => (/* binding */ createProxyTransport)
});

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(6193);
// EXTERNAL MODULE: external "node:diagnostics_channel"
var external_node_diagnostics_channel_ = __webpack_require__(3053);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:assert"
var external_node_assert_ = __webpack_require__(4589);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:v8"
var external_node_v8_ = __webpack_require__(8877);
;// CONCATENATED MODULE: ./src/common/wasm-tiering.ts
/**
 * Imported first by the action's network part (src/hosts/local-run.ts) and by the CLI's entry (src/cli.ts),
 * before anything loads undici.
 *
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 runs it with its baseline compiler (Liftoff) and,
 * once a function has used up its "tiering budget", recompiles it with the optimizing compiler (TurboFan) on a
 * background thread. In a run of a few small responses that recompilation starts near the end, and the
 * process cannot exit before it is done: measured 50-280 ms after main finished (Node 20 and Node 24, more on a
 * busy machine), while the parsing it would speed up is already over.
 *
 * An action cannot pass node flags (action.yml has only `main:`), so the flag is set from inside, before undici
 * compiles its module (it does so when its HTTP/1 client module loads). Measured whole-run wall times chose it:
 *   - `--wasm-tiering-budget` at its maximum (below): the tier-up never triggers, no background compile is
 *     left to wait for; works from v8.setFlagsFromString on Node 20 and Node 24. Chosen.
 *   - `--liftoff-only` from v8.setFlagsFromString: no effect on Node 24 (still ~50 ms after main).
 *   - `--no-wasm-dynamic-tiering`: optimizes every function eagerly instead; the tail goes, but the run before
 *     main finished gets slower (more compile work competing for the CPU), and on Node 20 the tail stayed.
 *   - `process.exit()` after flushing: Node 24 still waits for the compile job (~50 ms).
 * A response body of megabytes (a sweep of many thousand repositories) is parsed by the baseline code a little
 * slower; parsing is not where such a run spends its time.
 */
// Changing a V8 flag changes the hash V8 checks code caches against: every Node built-in module loaded after it
// is compiled from source instead of from the cache in Node's binary (measured: 29 ms more start-up on Node 20,
// about 60 on Node 24, when the flag came first). So the built-ins the run needs are loaded first; they would
// be loaded before the first request anyway (by undici, and fs/promises for the job summary).











/** V8 keeps the budget in a 32-bit int: the largest value, which no run of this product gets through. */
(0,external_node_v8_.setFlagsFromString)('--wasm-tiering-budget=2147483647');

// EXTERNAL MODULE: external "node:module"
var external_node_module_ = __webpack_require__(8995);
var external_node_module_default = /*#__PURE__*/__webpack_require__.n(external_node_module_);
;// CONCATENATED MODULE: ./src/xopero/lazy-http2.ts
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

const loader = (external_node_module_default());
// Built-ins only, so where the require resolves from does not matter. Not from import.meta.url: webpack
// rewrites that in the Action's CommonJS bundle (scripts/bundle.ts) into a call of the very require it names.
const requireHttp2 = () => (process.getBuiltinModule?.('node:http2') ?? (0,external_node_module_.createRequire)(`${process.cwd()}/`)('node:http2'));
/** What undici's client-h2.js reads of node:http2 when it loads, with the values Node gives them. */
const lazyHttp2 = {
    constants: {
        HTTP2_HEADER_AUTHORITY: ':authority',
        HTTP2_HEADER_METHOD: ':method',
        HTTP2_HEADER_PATH: ':path',
        HTTP2_HEADER_SCHEME: ':scheme',
        HTTP2_HEADER_CONTENT_LENGTH: 'content-length',
        HTTP2_HEADER_EXPECT: 'expect',
        HTTP2_HEADER_STATUS: ':status',
    },
    connect: (...args) => requireHttp2().connect(...args),
};
const realLoad = loader._load;
// Whatever else Node passes to the loader goes through unchanged.
loader._load = function load(request, ...rest) {
    if (request === 'node:http2' || request === 'http2')
        return lazyHttp2;
    return realLoad.call(this, request, ...rest);
};
/** Ends the span: from here on node:http2 is the real module for everyone. */
function restoreHttp2() {
    loader._load = realLoad;
}

// EXTERNAL MODULE: ./node_modules/undici/lib/dispatcher/dispatcher.js
var dispatcher = __webpack_require__(883);
var dispatcher_default = /*#__PURE__*/__webpack_require__.n(dispatcher);
// EXTERNAL MODULE: ./node_modules/undici/lib/dispatcher/proxy-agent.js
var proxy_agent = __webpack_require__(6672);
var proxy_agent_default = /*#__PURE__*/__webpack_require__.n(proxy_agent);
// EXTERNAL MODULE: ./node_modules/undici/lib/api/index.js
var api = __webpack_require__(6615);
;// CONCATENATED MODULE: ./src/xopero/undici.ts
// First: node:http2 stays unloaded while undici's modules load (lazy-http2.ts says why).




restoreHttp2();
// What undici's index does first: give every dispatcher its request(), connect() (ProxyAgent's CONNECT) and
// the other API methods.
Object.assign((dispatcher_default()).prototype, api);
const ProxyAgent = (proxy_agent_default());

// EXTERNAL MODULE: ./src/xopero/retry.ts + 1 modules
var retry = __webpack_require__(5482);
// EXTERNAL MODULE: ./src/xopero/trust.ts
var trust = __webpack_require__(1499);
;// CONCATENATED MODULE: ./src/xopero/proxy-transport.ts
/**
 * The transport through a forward proxy (HTTPS_PROXY, unless NO_PROXY excludes the server; proxy.ts decides):
 * undici's ProxyAgent opens a CONNECT tunnel (Proxy-Authorization from the proxy URL's user and password) and
 * runs TLS to the server inside it, with the same trust settings as a direct connection. Its tunnels are
 * pooled and kept alive like direct connections: a run opens about as many as it has requests in flight.
 * Loaded by transport.ts only when a proxy applies, as a file of its own beside the bundle.
 */
// First: V8's WebAssembly setting, before undici compiles its HTTP parser (wasm-tiering.ts says why).




function createProxyTransport(options, proxyUrl) {
    const tls = { timeout: trust/* CONNECT_TIMEOUT_MS */.cC, ...(0,trust/* trust */.tY)(options.caCertificate) };
    const agent = new ProxyAgent({
        uri: String(proxyUrl),
        keepAliveTimeout: 10_000,
        requestTls: tls,
        proxyTls: { timeout: trust/* CONNECT_TIMEOUT_MS */.cC },
        // Passed on to each connection: a larger answer fails with UND_ERR_RES_EXCEEDED_MAX_SIZE (retry.ts).
        maxResponseSize: retry/* MAX_ANSWER_BYTES */.gB,
    });
    return {
        // undici follows no redirect by default: the next hop would receive the bearer token.
        send: (request) => (0,retry/* withRetries */.LH)(async () => {
            // undici's headersTimeout restarts on every 1xx answer and its bodyTimeout is a gap between two parts:
            // the whole answer has timeoutMs too, as in direct-transport.ts (which says why).
            const expired = new AbortController();
            let answered = false;
            const deadline = setTimeout(() => expired.abort((0,retry/* answerTimeout */.Em)(answered, request.timeoutMs)), request.timeoutMs);
            const signal = request.signal ? AbortSignal.any([request.signal, expired.signal]) : expired.signal;
            try {
                const answer = await agent.request({
                    origin: request.origin,
                    path: request.path,
                    method: request.method,
                    headers: request.headers,
                    body: request.body,
                    headersTimeout: request.timeoutMs,
                    bodyTimeout: request.timeoutMs,
                    signal,
                });
                answered = true;
                return { statusCode: answer.statusCode, headers: answer.headers, text: await answer.body.text() };
            }
            catch (error) {
                // Whatever undici rejects with once aborted, the deadline's own error says what ran out.
                if (expired.signal.aborted && !request.signal?.aborted)
                    throw expired.signal.reason;
                throw error;
            }
            finally {
                clearTimeout(deadline);
            }
        }, { ...options, retryOn: request.retryOn ?? options.retryOn, signal: request.signal }),
        destroy: () => agent.destroy(),
    };
}


/***/ })

};
