/**
 * The bench's floor case: the least any Node.js client of this API does before and during its first request,
 * in the order the action does it (src/xopero/early-connection.ts), with none of the action's code. It masks
 * the password (`process.stdout`, as the runner needs it), starts TCP, loads `node:tls` in the next tick,
 * makes a secure context and starts TLS, gives the event loop a turn (the client hello goes out), loads
 * `node:https`, gives it one more turn (the handshake ends), then logs in and reads the organizations over
 * that one keep-alive connection. It prints its times as the action's XOPERO_TIMING=1 lines, so the bench reads
 * "network code loaded" and "the first request's extra" from both alike: what the action's figures would be if
 * its own code cost nothing.
 *
 * CommonJS, as dist/index.js is. Reads XOPERO_SERVER_URL, XOPERO_EMAIL and XOPERO_PASSWORD (the baseline's
 * variables); trusts what Node trusts (NODE_EXTRA_CA_CERTS). Run by scripts/bench/action.ts, with the same
 * exit probe as the action's runs (it loads node:perf_hooks, so `performance.now()` costs both sides alike).
 */
// dist/index.js loads node:net with its own file, before main (src/xopero/early-connection.ts): so does this.
const net = require('node:net');
const mainMs = performance.now();
const url = new URL(process.env.XOPERO_SERVER_URL);
const host = url.hostname.replace(/^\[|\]$/g, '');
const port = Number(url.port || 443);
const lines = [];
const line = (label, startMs, endMs) => lines.push({ label, startMs, endMs });
line('load (process start to main)', 0, mainMs);

process.stdout.write(`::add-mask::${process.env.XOPERO_PASSWORD}\n`);
const socket = net.connect({ host, port });
socket.setNoDelay(true); // as src/xopero/trust.ts does
process.nextTick(() => {
  const tls = require('node:tls');
  const tlsSocket = tls.connect({
    socket,
    host,
    servername: net.isIP(host) ? undefined : host,
    secureContext: tls.createSecureContext(),
  });
  setImmediate(() => {
    const https = require('node:https');
    line('network code loaded', 0, performance.now());
    const agent = new https.Agent({ keepAlive: true });
    agent.createConnection = () => tlsSocket;
    // One more turn before the first request, as src/hosts/run.ts gives once the network part is in: the server's
    // answer to the client hello is taken then, and the handshake is not counted in the first request.
    new Promise((resolve) => setImmediate(resolve))
      .then(() => requests(https, agent))
      .then(
        () => {
          for (const { label, startMs, endMs } of lines.sort((a, b) => a.startMs - b.startMs)) {
            process.stdout.write(`${endMs.toFixed(1).padStart(8)} ms ${`+${(endMs - startMs).toFixed(1)}`.padStart(9)} ms  ${label}\n`);
          }
          process.exit(0);
        },
        (error) => {
          process.stderr.write(`floor: ${error.message}\n`);
          process.exit(1);
        },
      );
  });
});

async function requests(https, agent) {
  const login = await post(https, agent, '/account/login', {
    email: process.env.XOPERO_EMAIL,
    password: process.env.XOPERO_PASSWORD,
  });
  // The action's own organizations read (src/xopero/client.ts), so both parse the same answer.
  const organizations = { orderby: 'Name', ordertype: 'asc', limit: 1000, page: 1 };
  await post(https, agent, '/git/organizations/getmany', organizations, login.accessToken);
}

function post(https, agent, path, body, token) {
  return new Promise((resolve, reject) => {
    const startMs = performance.now();
    const data = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) };
    if (token) headers.authorization = `Bearer ${token}`;
    const request = https.request({ host, port, method: 'POST', path, agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => {
        line(`POST ${path} -> ${response.statusCode}`, startMs, performance.now());
        if (response.statusCode === 200) resolve(JSON.parse(text));
        else reject(new Error(`${path}: HTTP ${response.statusCode}`));
      });
    });
    request.on('error', reject);
    request.end(data);
  });
}
