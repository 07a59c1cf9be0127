/**
 * A small stand-in for the GitHub REST API calls `reclaim: archived` makes, over HTTPS on loopback with the
 * simulator's test CA: GET /orgs/{org}/repos and GET /users/{user}/repos, paged with `Link` headers as GitHub
 * pages them (`per_page`, `page`, rel="next"/"last"), token checked, every request logged. Tests point
 * GITHUB_API_URL at it (under an /api/v3 prefix, as GitHub Enterprise Server serves it).
 */
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ensureCertificates } from './simulator/index.js';

export interface GithubRepo {
  name: string;
  archived: boolean;
}

export interface GithubRequest {
  method: string;
  /** Whether the request carried a body (a length or a chunked one): octokit's reads carry none. */
  hasBody: boolean;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  status: number;
}

export class GithubServer {
  readonly requests: GithubRequest[] = [];
  /** Owner login (lower-cased) -> its repositories, and whether it is an organization or a user. */
  private readonly owners = new Map<string, { login: string; kind: 'org' | 'user'; repos: GithubRepo[] }>();
  /** Tokens and what they may do: 'all', or 'forbidden' (HTTP 403, as for a token without access). */
  readonly tokens = new Map<string, 'all' | 'forbidden'>();
  /** Largest page GitHub serves (100); tests lower it to see pagination. */
  maxPerPage = 100;
  /** When set, the pages' Link header points at this origin instead of the server's own (a hostile answer). */
  linkOrigin?: string;
  private server?: https.Server;
  private readonly sockets = new Set<Socket>();
  private base?: string;

  addOwner(login: string, repos: GithubRepo[], kind: 'org' | 'user' = 'org'): void {
    this.owners.set(login.toLowerCase(), { login, kind, repos });
  }

  async start(): Promise<string> {
    const { key, cert } = await ensureCertificates();
    const server = https.createServer({ key, cert }, (req, res) => this.handle(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
    return this.base;
  }

  get url(): string {
    if (!this.base) throw new Error('GitHub server not started');
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  // No `void` return type: its early exits return send(...), which answers the request.
  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const record: GithubRequest = {
      method: req.method ?? '',
      hasBody,
      path: url.pathname,
      query,
      authorization: req.headers.authorization,
      status: 0,
    };
    this.requests.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
    };
    req.resume();
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const access = token === undefined ? undefined : this.tokens.get(token);
    if (!access) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const match = /^\/api\/v3\/(orgs|users)\/([^/]+)\/repos$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) return send(404, { message: 'Not Found', status: '404' });
    const owner = this.owners.get(decodeURIComponent(match[2]).toLowerCase());
    if (!owner || (match[1] === 'orgs') !== (owner.kind === 'org')) return send(404, { message: 'Not Found', status: '404' });
    if (access === 'forbidden') return send(403, { message: 'Resource not accessible by integration', status: '403' });

    const perPage = Math.min(Number(query.per_page ?? 30) || 30, this.maxPerPage);
    const page = Math.max(1, Number(query.page ?? 1) || 1);
    const sorted = [...owner.repos].sort((a, b) => a.name.localeCompare(b.name));
    const last = Math.max(1, Math.ceil(sorted.length / perPage));
    const items = sorted.slice((page - 1) * perPage, page * perPage).map((repo, i) => ({
      id: page * 1000 + i,
      name: repo.name,
      full_name: `${owner.login}/${repo.name}`,
      archived: repo.archived,
      private: true,
    }));
    const link = (n: number, rel: string) => {
      const next = new URL(url);
      next.searchParams.set('page', String(n));
      if (this.linkOrigin) {
        const elsewhere = new URL(this.linkOrigin);
        next.protocol = elsewhere.protocol;
        next.host = elsewhere.host;
      }
      return `<${next.href}>; rel="${rel}"`;
    };
    const links = [
      page < last ? link(page + 1, 'next') : '',
      page < last ? link(last, 'last') : '',
      page > 1 ? link(1, 'first') : '',
      page > 1 ? link(page - 1, 'prev') : '',
    ].filter(Boolean);
    send(200, items, links.length ? { link: links.join(', ') } : {});
  }
}
