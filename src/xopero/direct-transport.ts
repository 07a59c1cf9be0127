/**
 * The direct transport: Node's own http client (node:https, node:http for an allowed http:// server) with a
 * keep-alive agent, the run's first connection taken over from early-connection.ts, one spare connection
 * (spare-connection.ts), timeouts, and the retry loop of retry.ts.
 *
 * Why Node's client and not undici here: Node's built-in modules load from the code cache compiled into the
 * node binary, while a bundled library is parsed and compiled from source on every run. Measured (issue 28,
 * `npm run bench`, Node 20 and 24, alternating runs): undici's parts cost every run 41-50 ms between the
 * inputs being valid and the first request, more than the whole rest of the network code; with Node's
 * client that is the few built-ins an HTTPS request needs anyway (tls, crypto, http). It also parses answers
 * in C (llhttp) rather than in WebAssembly compiled at start-up. undici still carries every request through a
 * forward proxy (proxy-transport.ts): CONNECT tunnels and Proxy-Authorization are what it does and Node's
 * client (on Node 20) does not.
 *
 * What this keeps of undici's behaviour: no redirect followed, a connect timeout (CONNECT_TIMEOUT_MS), a
 * timeout for the answer's headers and for every gap in its body (the request's timeoutMs, reported with
 * undici's codes for the same failures, retry.ts FAILURE_CODES), keep-alive connections reused in order, and
 * the trust settings of trust.ts.
 */
import { channel } from 'node:diagnostics_channel';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Socket } from 'node:net';
import * as tls from 'node:tls';
import { REQUEST_SENT_CHANNEL } from '../common/first-request.js';
import { connectTimer } from '../common/timing.js';
import { ANSWER_TOO_LARGE_CODE, MAX_ANSWER_BYTES, answerTimeout, withRetries, type Answer } from './retry.js';
import { type Connector, withSpareConnection } from './spare-connection.js';
import type { TransportCore, TransportOptions, TransportRequest } from './transport-types.js';
import { settleConnection, trust } from './trust.js';

const requestSent = channel(REQUEST_SENT_CHANNEL);

/** Idle keep-alive connections are closed after this (undici's keepAliveTimeout was the same). */
const KEEP_ALIVE_MS = 10_000;

export function createDirectTransport(options: TransportOptions): TransportCore {
  const httpsConnector = withSpareConnection(connectTls, options.earlyConnection);
  const agents = {
    // The spare connection serves the server's HTTPS connections (an early connection is one to it).
    https: keepAliveAgent(https.Agent, httpsConnector.connect, trust(options.caCertificate)),
    http: keepAliveAgent(http.Agent, connectPlain, {}),
  };
  const send = (request: TransportRequest) =>
    withRetries(() => sendOnce(request.origin.startsWith('https:') ? agents.https : agents.http, request), {
      ...options,
      retryOn: request.retryOn ?? options.retryOn,
      signal: request.signal,
    });
  const destroy = async () => {
    httpsConnector.close();
    agents.https.destroy();
    agents.http.destroy();
  };
  return { send, destroy };
}

type AgentClass = typeof http.Agent | typeof https.Agent;

/** A keep-alive agent whose connections come from `connect` (the early one, the spare, or a new one). */
function keepAliveAgent(Base: AgentClass, connect: Connector, tlsOptions: { ca?: string }): http.Agent {
  const agent = new Base({ keepAlive: true, scheduling: 'lifo', timeout: KEEP_ALIVE_MS, ...tlsOptions });
  // Node's agents call createConnection(options, callback) and accept the socket through the callback.
  agent.createConnection = (connectionOptions: http.ClientRequestArgs, callback?: (error: Error | null, socket: Socket) => void) => {
    connect(connectionOptions as tls.ConnectionOptions, (error, socket) => callback?.(error, socket as Socket));
    return undefined;
  };
  return agent;
}

/** A TLS connection, handed over once its handshake is done (settleConnection: the timeout and failures). */
const connectTls: Connector = (options, callback) => {
  const timed = connectTimer(`${options.host}:${options.port}`, 'TCP+TLS');
  const socket = tls.connect({ ...options, ALPNProtocols: ['http/1.1'] });
  settleConnection(socket, 'secureConnect', (error, ready) => {
    if (!error) timed();
    callback(error, ready);
  });
};

/** A plain TCP connection (an http:// server, allowed only with allow-http). */
const connectPlain: Connector = (options, callback) => {
  const socket = net.connect({ host: options.host ?? undefined, port: Number(options.port) });
  settleConnection(socket, 'connect', callback);
};

/** One attempt: the whole answer as text, or the failure. */
function sendOnce(agent: http.Agent, request: TransportRequest): Promise<Answer> {
  const url = new URL(request.path, request.origin);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
    const outgoing = client.request({
      agent,
      protocol: url.protocol,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers,
      signal: request.signal,
    });
    let answered = false;
    const expire = () => outgoing.destroy(answerTimeout(answered, request.timeoutMs));
    // Node's request timeout is the socket's idle time: no byte for timeoutMs, before the headers or in the body.
    outgoing.setTimeout(request.timeoutMs, expire);
    // An idle timer restarts with every byte: a server (or something before it) sending one byte every few
    // seconds would hold the run for ever. So the whole answer, headers and body, must also be in within
    // timeoutMs of the request being sent: one attempt takes at most that, as its failure line says (answers
    // here are a page of at most PAGE_SIZE, 1,000 entries, well under 1 MB: 30 s is a link slower than 33 KB/s).
    let deadline: NodeJS.Timeout | undefined;
    outgoing.on('close', () => clearTimeout(deadline));
    outgoing.on('error', reject);
    outgoing.on('finish', () => {
      requestSent.publish(request.path);
      deadline ??= setTimeout(expire, request.timeoutMs);
    });
    outgoing.on('response', (incoming) => {
      answered = true;
      incoming.on('close', () => clearTimeout(deadline));
      incoming.setEncoding('utf8');
      let text = '';
      incoming.on('data', (chunk: string) => {
        text += chunk;
        // Characters, not bytes: a bound of the same order, counted without encoding anything.
        if (text.length > MAX_ANSWER_BYTES) {
          const error = new Error(`Response content exceeded max size (${MAX_ANSWER_BYTES} bytes)`);
          outgoing.destroy(Object.assign(error, { code: ANSWER_TOO_LARGE_CODE }));
        }
      });
      incoming.on('error', reject);
      incoming.on('end', () => resolve({ statusCode: incoming.statusCode ?? 0, headers: incoming.headers, text }));
    });
    outgoing.end(request.body);
  });
}
