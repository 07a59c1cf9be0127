/**
 * A small, real HTTP forward proxy on loopback, for the proxy stories: it answers CONNECT by opening a TCP
 * connection to the target and relaying bytes both ways (it never terminates TLS, so it cannot read what goes
 * through a tunnel), and it forwards plain absolute-URI HTTP requests (`GET http://host:port/path`) for
 * http:// targets. It resolves the names in `hosts` itself, so a test can use a server name that only the
 * proxy can resolve: a client that bypasses the proxy fails.
 *
 * It counts what a test asserts on: tunnels opened, every CONNECT with its answer and its Proxy-Authorization,
 * the most tunnels open at once. Faults: demand credentials (407), answer CONNECT with a status a number of
 * times (502 from a proxy that cannot reach the server), refuse everything (403).
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ForwardProxyOptions {
  /** Names the proxy resolves itself (name -> IP), e.g. { 'xopero.test': '127.0.0.1' }. Others go to DNS. */
  hosts?: Record<string, string>;
  /** Demand `Proxy-Authorization: Basic base64(user:password)`; anything else is answered 407. */
  auth?: { user: string; password: string };
  /** Answer CONNECT (and plain requests) with this status instead of connecting, e.g. 502... */
  connectStatus?: number;
  /** ...this many times, then work normally (default: always). */
  connectStatusTimes?: number;
  /** Answer every request with 403 Forbidden: a proxy whose rules allow nothing. */
  refuseAll?: boolean;
}

export interface ConnectRecord {
  /** The CONNECT request target, `host:port`. */
  target: string;
  /** The status the proxy answered (200: tunnel opened). */
  status: number;
  proxyAuthorization?: string;
  /** An Authorization header on the CONNECT itself (a client must never send the server's token here). */
  authorization?: string;
  /** All headers of the CONNECT request, lower-cased names. */
  headers: http.IncomingHttpHeaders;
}

export interface ForwardedRequest {
  method: string;
  /** The absolute URI of the request line. */
  url: string;
  status: number;
  proxyAuthorization?: string;
  authorization?: string;
}

const REASONS: Record<number, string> = { 200: 'Connection Established' };

export class ForwardProxy {
  /** Successful CONNECT tunnels opened since start (or resetCounts). */
  tunnels = 0;
  /** Every CONNECT received, in order, with the answer given. */
  readonly connects: ConnectRecord[] = [];
  /** Plain (non-CONNECT) proxied requests, in order. */
  readonly requests: ForwardedRequest[] = [];
  /** Most tunnels open at the same time. */
  maxOpenTunnels = 0;
  /** Tunnels open right now. */
  openTunnels = 0;
  /** Bytes relayed client -> target and target -> client through tunnels (counted, never inspected). */
  bytesUp = 0;
  bytesDown = 0;

  private server?: http.Server;
  private baseUrl?: string;
  private faultsLeft: number;
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly options: ForwardProxyOptions = {}) {
    this.faultsLeft = options.connectStatus === undefined ? 0 : (options.connectStatusTimes ?? Number.POSITIVE_INFINITY);
  }

  /** Starts listening on 127.0.0.1 (a free port); returns `http://127.0.0.1:PORT`. */
  async start(): Promise<string> {
    if (this.server) throw new Error('proxy already started');
    const server = http.createServer((req, res) => this.forward(req, res));
    server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.tunnel(req, socket, head));
    server.on('connection', (socket: Socket) => this.track(socket));
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('proxy not started');
    return this.baseUrl;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Closes the listener and destroys every open socket (client and target sides of every tunnel). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  resetCounts(): void {
    this.tunnels = 0;
    this.connects.length = 0;
    this.requests.length = 0;
    this.maxOpenTunnels = this.openTunnels;
    this.bytesUp = 0;
    this.bytesDown = 0;
  }

  // ---- CONNECT ---------------------------------------------------------------------------------

  private tunnel(req: http.IncomingMessage, client: Duplex, head: Buffer): void {
    this.track(client);
    client.on('error', () => client.destroy());
    const record: ConnectRecord = {
      target: req.url ?? '',
      status: 0,
      proxyAuthorization: req.headers['proxy-authorization'],
      authorization: req.headers.authorization,
      headers: { ...req.headers },
    };
    this.connects.push(record);

    const refusal = this.refusal(req);
    if (refusal) {
      record.status = refusal.status;
      client.end(statusLine(refusal.status, refusal.headers));
      return;
    }
    const target = parseTarget(record.target);
    if (!target) {
      record.status = 400;
      client.end(statusLine(400));
      return;
    }

    const upstream = net.connect({ host: this.resolve(target.host), port: target.port });
    this.track(upstream);
    let established = false;
    upstream.once('connect', () => {
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      established = true;
      record.status = 200;
      this.tunnels++;
      this.openTunnels++;
      this.maxOpenTunnels = Math.max(this.maxOpenTunnels, this.openTunnels);
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        this.openTunnels--;
        client.destroy();
        upstream.destroy();
      };
      client.once('close', close);
      upstream.once('close', close);
      client.write(statusLine(200));
      if (head.length > 0) {
        this.bytesUp += head.length;
        upstream.write(head);
      }
      client.on('data', (chunk: Buffer) => (this.bytesUp += chunk.length));
      upstream.on('data', (chunk: Buffer) => (this.bytesDown += chunk.length));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', () => {
      if (established) {
        upstream.destroy();
        return;
      }
      // The target cannot be reached: what a real proxy says, 502.
      record.status = 502;
      if (!client.destroyed) client.end(statusLine(502));
    });
  }

  // ---- plain HTTP (absolute URI) ---------------------------------------------------------------

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const record: ForwardedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      status: 0,
      proxyAuthorization: req.headers['proxy-authorization'],
      authorization: req.headers.authorization,
    };
    this.requests.push(record);
    const answer = (status: number, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { ...headers, 'content-length': '0', connection: 'close' }).end();
    };
    const refusal = this.refusal(req);
    if (refusal) {
      answer(refusal.status, refusal.headers);
      return;
    }
    const target = URL.canParse(req.url ?? '') ? new URL(req.url ?? '') : undefined;
    if (target?.protocol !== 'http:') {
      answer(400);
      return;
    }

    const headers = { ...req.headers };
    for (const name of ['proxy-authorization', 'proxy-connection', 'connection', 'keep-alive']) delete headers[name];
    headers.host = target.host;
    const upstream = http.request(
      {
        host: this.resolve(target.hostname.replace(/^\[|\]$/g, '')),
        port: Number(target.port) || 80,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
        agent: false,
      },
      (upstreamRes) => {
        record.status = upstreamRes.statusCode ?? 0;
        const back = { ...upstreamRes.headers };
        delete back.connection;
        delete back['keep-alive'];
        res.writeHead(upstreamRes.statusCode ?? 502, back);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('socket', (socket) => this.track(socket));
    upstream.on('error', () => {
      if (!res.headersSent) answer(502);
      else res.destroy();
    });
    req.pipe(upstream);
  }

  // ---- shared ----------------------------------------------------------------------------------

  /** The answer given instead of proxying: refuseAll, missing credentials, or an injected status. */
  private refusal(req: http.IncomingMessage): { status: number; headers?: Record<string, string> } | undefined {
    if (this.options.refuseAll) return { status: 403 };
    const { auth } = this.options;
    if (auth) {
      const expected = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
      if (req.headers['proxy-authorization'] !== expected) {
        return { status: 407, headers: { 'Proxy-Authenticate': 'Basic realm="test"' } };
      }
    }
    if (this.faultsLeft > 0) {
      this.faultsLeft--;
      return { status: this.options.connectStatus as number };
    }
    return undefined;
  }

  private resolve(host: string): string {
    const hosts = this.options.hosts ?? {};
    return hosts[host] ?? hosts[host.toLowerCase()] ?? host;
  }

  private track(socket: Duplex): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}

/** `host:port` or `[v6]:port` from a CONNECT request target. */
function parseTarget(target: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(target);
  if (!match) return undefined;
  return { host: match[1] ?? match[2], port: Number(match[3]) };
}

function statusLine(status: number, headers: Record<string, string> = {}): string {
  const reason = REASONS[status] ?? http.STATUS_CODES[status] ?? 'Status';
  const extra =
    status === 200
      ? ''
      : `${Object.entries({ ...headers, 'Content-Length': '0', Connection: 'close' })
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}`;
  return `HTTP/1.1 ${status} ${reason}\r\n${extra}\r\n`;
}
