// A stateful stand-in for the Xopero ONE Management Service REST API (as the vendor's API documentation describes it),
// served over HTTPS on loopback. It reproduces the documented behaviour plus the quirks a robust client
// must survive (page size cap, sloppy filters, eventual consistency after a sync, per-id failures with
// 200), and lets tests inject faults and inspect every request it saw.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ensureCertificates } from './certs.js';
import {
  ApiError,
  asBoolean,
  empty,
  errorBody,
  fail,
  field,
  flag,
  isDescending,
  isJsonMediaType,
  list,
  ok,
  paginate,
  parseJson,
  sortByName,
  text,
} from './protocol.js';
import type { ParsedBody, Reply } from './protocol.js';
import type {
  Fault,
  OrgInit,
  PlanInit,
  RepoInit,
  RequestRecord,
  SimAzureProject,
  SimOrg,
  SimPlan,
  SimRepo,
  SimulatorOptions,
  SimulatorUser,
} from './types.js';

interface User extends SimulatorUser {
  id: string;
}

interface Session {
  user: User;
  expiresAt: number;
}

/** 'public' needs no token; 'administrator' a live token of a System Administrator; a role list, one of them too. */
type Access = 'public' | 'administrator' | readonly string[];

interface Route {
  access: Access;
  run: (body: unknown) => Reply;
}

const TOKEN_LIFETIME_MS = 30 * 24 * 3600 * 1000;
/**
 * Who may call what, as the vendor documents it: every call but login needs the System Administrator role
 * ('administrator' routes: nothing more); activate, deactivate and remove also need one of DataRemoveManagement or
 * GitManagement. The documentation names no other role for any call (sync, attach, detach, modify, Azure).
 */
const SYSTEM_ADMINISTRATOR = 'SystemAdministrator';
const DATA_MANAGEMENT = ['DataRemoveManagement', 'GitManagement'] as const;
const READ_ONLY_PATHS = new Set([
  '/account/login',
  '/git/organizations/getmany',
  '/git/repositories/getmany',
  '/plans/listassignedtoorganization',
]);
const DEFAULT_USER: SimulatorUser = {
  email: 'admin@example.com',
  password: 'correct horse battery staple',
  roles: ['SystemAdministrator', 'GitManagement'],
};

export class Simulator {
  // Public and mutable so a test can change behaviour mid-run.
  latencyMs: number;
  pageCap: number;
  filterMode: 'substring' | 'ignore';
  syncDurationMs: number;
  /** Each request waits latencyMs plus a random 0..jitterMs, drawn from a PRNG seeded by the `seed` option. */
  jitterMs: number;

  /** Every request received, in arrival order. */
  readonly requests: RequestRecord[] = [];
  /** TCP connections accepted since start (or the last resetLog). */
  connections = 0;
  /** Most requests in flight at once since start (or the last resetLog). */
  maxConcurrent = 0;

  private readonly options: SimulatorOptions;
  private readonly users: User[];
  private licensesLeft: number;
  private readonly orgs = new Map<string, SimOrg>();
  private readonly repos = new Map<string, SimRepo>();
  private readonly reposByOrg = new Map<string, SimRepo[]>();
  private readonly plans = new Map<string, SimPlan>();
  private readonly azureProjects = new Map<string, SimAzureProject>();
  // Indexes, so 100,000 repositories and many clients at once stay quick (see knownSorted, planHas).
  /** Bumped whenever the set of known repositories can change: insert, remove, a synchronization completing. */
  private repoVersion = 0;
  private readonly knownCache = new Map<string, { version: number; sorted: SimRepo[]; listed: SimRepo[]; removed: number }>();
  private readonly memberIndex = new WeakMap<string[], { length: number; ids: Set<string> }>();
  private readonly sessions = new Map<string, Session>();
  private faults: Array<{ fault: Fault; remaining: number }> = [];
  private requestWaiters: RequestWaiter[] = [];
  /** Requests whose body was read, so waiters have seen them. */
  private readonly announced = new WeakSet<RequestRecord>();
  private readonly random: () => number;
  /** Per-repository refusals by lower-cased full name: the same repositories fail in every run. */
  private readonly rejections = new Map<string, RepositoryRejection>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  private readonly connectionIds = new WeakMap<Socket, number>();
  private connectionCounter = 0;
  private inFlight = 0;
  private server?: http.Server;
  private baseUrl?: string;
  private ca?: { caCert: string; caCertPath: string };

  private readonly routes = new Map<string, Route>([
    ['/account/login', { access: 'public', run: (b) => this.login(b) }],
    ['/git/organizations/getmany', { access: 'administrator', run: (b) => this.listOrganizations(b) }],
    ['/git/repositories/getmany', { access: 'administrator', run: (b) => this.listRepositories(b) }],
    ['/git/repositories/sync', { access: 'administrator', run: (b) => this.sync(b) }],
    ['/git/repositories/activate', { access: DATA_MANAGEMENT, run: (b) => this.activate(b) }],
    ['/git/repositories/deactivate', { access: DATA_MANAGEMENT, run: (b) => this.deactivate(b) }],
    ['/git/repositories/remove', { access: DATA_MANAGEMENT, run: (b) => this.remove(b) }],
    ['/plans/listassignedtoorganization', { access: 'administrator', run: (b) => this.listAssignedPlans(b) }],
    ['/plans/attachgitrepository', { access: 'administrator', run: (b) => this.attach(b) }],
    ['/plans/detachgitrepository', { access: 'administrator', run: (b) => this.detach(b) }],
    ['/plans/modifygitplan', { access: 'administrator', run: (b) => this.modifyPlan(b) }],
    ['/plans/attachazureproject', { access: 'administrator', run: (b) => this.attachAzureProject(b) }],
    ['/plans/detachazureproject', { access: 'administrator', run: (b) => this.detachAzureProject(b) }],
  ]);

  constructor(options: SimulatorOptions = {}) {
    this.options = options;
    this.latencyMs = options.latencyMs ?? 0;
    this.pageCap = options.pageCap ?? 100;
    this.filterMode = options.filterMode ?? 'substring';
    this.syncDurationMs = options.syncDurationMs ?? 300;
    this.jitterMs = options.jitterMs ?? 0;
    this.random = mulberry32(options.seed ?? 1);
    this.licensesLeft = options.licenses ?? 1000;
    this.users = (options.users ?? [DEFAULT_USER]).map((user) => ({ ...user, id: randomUUID() }));
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  async start(): Promise<string> {
    if (this.server) throw new Error('simulator already started');
    const tls = this.options.tls ?? true;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    let server: http.Server;
    if (tls) {
      const { key, cert, caCert, caCertPath } = await ensureCertificates(this.options.certDir);
      this.ca = { caCert, caCertPath };
      server = https.createServer({ key, cert }, handler);
    } else {
      server = http.createServer(handler);
    }
    server.keepAliveTimeout = 5000;
    server.on('connection', (socket: Socket) => this.trackSocket(socket));
    // With TLS the request's socket is the TLSSocket, not the raw TCP one 'connection' reports.
    server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.connectionIds.set(socket, ++this.connectionCounter);
    });
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy(); // also those still in the TLS handshake
    await closed;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('simulator not started');
    return this.baseUrl;
  }

  /** PEM of the CA a client must trust (available after start() with tls on). */
  get caCert(): string {
    return this.requireCa().caCert;
  }

  get caCertPath(): string {
    return this.requireCa().caCertPath;
  }

  private requireCa(): { caCert: string; caCertPath: string } {
    if (!this.ca) throw new Error('no test CA: the simulator is not started or runs without TLS');
    return this.ca;
  }

  // ---- state helpers ---------------------------------------------------------------------------

  addOrganization(init: OrgInit): SimOrg {
    const org: SimOrg = {
      id: init.id ?? randomUUID(),
      name: init.name,
      driver: init.driver ?? 1,
      apiUrl: null,
      isReadOnly: false,
      defaultWorkerId: randomUUID(),
      isCreatedByMarketplace: false,
      synchronizationInProgress: false,
      lastSynchronizationRepositoriesStartTime: Date.now(),
    };
    insertUnique(this.orgs, org);
    this.reposByOrg.set(org.id, []);
    return org;
  }

  addPlan(orgIdOrName: string, init: PlanInit): SimPlan {
    const org = this.requireOrgFixture(orgIdOrName);
    const plan: SimPlan = {
      id: randomUUID(),
      backupType: 5,
      includeMetadata: true,
      includeAllRepositories: false,
      lastStatus: { successes: 0, warnings: 0, errors: 0 },
      planFinishedTime: 0,
      isRunning: false,
      projectSelection: 'individual',
      ...definedOnly(init),
      name: init.name,
      repositoryIds: [...(init.repositoryIds ?? [])],
      projectIds: [...(init.projectIds ?? [])],
      organizationId: org.id,
    };
    insertUnique(this.plans, plan);
    return plan;
  }

  /** An Azure DevOps project of the organization, as a synchronization would have found it. */
  addAzureProject(orgIdOrName: string, init: { name: string; id?: string }): SimAzureProject {
    const project: SimAzureProject = {
      id: init.id ?? randomUUID(),
      name: init.name,
      organizationId: this.requireOrgFixture(orgIdOrName).id,
    };
    insertUnique(this.azureProjects, project);
    return project;
  }

  addRepository(orgIdOrName: string, init: RepoInit): SimRepo {
    return this.insertRepository(this.requireOrgFixture(orgIdOrName), init);
  }

  /** Bulk variant for large organizations; `make(i)` may omit the name (default `org/repo-00042`). */
  addRepositories(orgIdOrName: string, count: number, make: (i: number) => Partial<RepoInit> = () => ({})): SimRepo[] {
    const org = this.requireOrgFixture(orgIdOrName);
    return Array.from({ length: count }, (_, i) =>
      this.insertRepository(org, { name: `${org.name}/repo-${String(i).padStart(5, '0')}`, ...make(i) }),
    );
  }

  organization(idOrName: string): SimOrg | undefined {
    const org = this.orgs.get(idOrName.toLowerCase()) ?? findByName(this.orgs.values(), idOrName);
    if (org) this.settleSync(org);
    return org;
  }

  repository(idOrName: string): SimRepo | undefined {
    const repo = this.repos.get(idOrName.toLowerCase()) ?? findByName(this.repos.values(), idOrName);
    if (repo) this.settleSync(this.orgs.get(repo.organizationId.toLowerCase())!);
    return repo;
  }

  plan(idOrName: string): SimPlan | undefined {
    return this.plans.get(idOrName.toLowerCase()) ?? findByName(this.plans.values(), idOrName);
  }

  get freeLicenses(): number {
    return this.licensesLeft;
  }

  set freeLicenses(count: number) {
    this.licensesLeft = count;
  }

  /** The account's password changed (by its owner, mid-run): the next login with the old one is refused. */
  changePassword(email: string, password: string): void {
    const user = this.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (!user) throw new Error(`no simulator user ${email}`);
    user.password = password;
  }

  /** A live token for `email`, as /account/login would return; `fixed`: that exact token (tests that compare runs). */
  issueToken(email: string, fixed?: string): string {
    const user = this.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (!user) throw new Error(`no simulator user ${email}`);
    const expiresAt = Date.now() + TOKEN_LIFETIME_MS;
    const token = fixed ?? fakeJwt({ sub: user.id, email: user.email, role: user.roles, exp: Math.floor(expiresAt / 1000) });
    this.sessions.set(token, { user, expiresAt });
    return token;
  }

  /** Invalidates every token, so the next request with one gets 401 (a client must log in again). */
  revokeAllTokens(): void {
    this.sessions.clear();
  }

  // ---- fault injection and request log ---------------------------------------------------------

  addFault(fault: Fault): void {
    const path = fault.path === undefined ? undefined : normalizePath(fault.path);
    this.faults.push({ fault: { ...fault, path }, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Requests other than the four read-only ones (login and the three listings). */
  mutatingRequests(): RequestRecord[] {
    return this.requests.filter((r) => !READ_ONLY_PATHS.has(r.path));
  }

  /**
   * The first `count` requests that `matches`, received already or still to come (each passed to `matches` once
   * its body is read, before any fault applies): to wait on an event, never on the clock.
   */
  whenRequests(matches: (request: RequestRecord) => boolean, count = 1): Promise<RequestRecord[]> {
    return new Promise((resolve) => {
      const waiter: RequestWaiter = { matches, count, seen: [], resolve };
      for (const record of this.requests) if (this.announced.has(record)) this.offer(waiter, record);
      if (waiter.seen.length >= count) resolve(waiter.seen);
      else this.requestWaiters.push(waiter);
    });
  }

  private offer(waiter: RequestWaiter, record: RequestRecord): void {
    if (waiter.seen.length < waiter.count && waiter.matches(record)) waiter.seen.push(record);
  }

  private notifyWaiters(record: RequestRecord): void {
    this.announced.add(record);
    for (const waiter of this.requestWaiters) this.offer(waiter, record);
    const done = this.requestWaiters.filter((waiter) => waiter.seen.length >= waiter.count);
    this.requestWaiters = this.requestWaiters.filter((waiter) => waiter.seen.length < waiter.count);
    for (const waiter of done) waiter.resolve(waiter.seen);
  }

  resetLog(): void {
    this.requests.length = 0;
    this.connections = 0;
    this.maxConcurrent = this.inFlight;
  }

  // ---- request pipeline ------------------------------------------------------------------------

  private trackSocket(socket: Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const record: RequestRecord = {
      method: req.method ?? '',
      path: normalizePath((req.url ?? '/').split('?')[0]!),
      body: undefined,
      authorization: req.headers.authorization,
      status: 0,
      connectionId: this.connectionIds.get(req.socket) ?? 0,
      startedAt: Date.now(),
      endedAt: 0,
    };
    this.requests.push(record);
    this.inFlight++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    res.once('close', () => {
      this.inFlight--;
      record.endedAt = Date.now();
    });

    const raw = await readBody(req);
    const parsed = parseJson(raw);
    record.body = parsed.kind === 'json' ? parsed.value : undefined;
    this.notifyWaiters(record);
    const fault = this.takeFault(record.path);
    if (fault?.holdUntil) await fault.holdUntil;
    if (fault?.revokeTokens) this.revokeAllTokens();
    fault?.onArrival?.();
    const jitter = this.jitterMs > 0 ? Math.floor(this.random() * (this.jitterMs + 1)) : 0;
    await sleep(this.latencyMs + jitter + (fault?.delayMs ?? 0));
    if (fault?.hold) await fault.hold();
    if (req.socket.destroyed) return; // the client gave up, or stop() was called

    const disruptive = fault && (fault.drop || fault.status !== undefined);
    if (disruptive && !fault.afterApply) return this.applyFault(res, record, fault);
    const reply = this.dispatch(record, parsed, req.headers['content-type']);
    if (disruptive) return this.applyFault(res, record, fault);
    if (fault?.transform && reply.status === 200) reply.body = fault.transform(reply.body);
    this.send(res, record, reply);
  }

  private takeFault(path: string): Fault | undefined {
    const index = this.faults.findIndex((entry) => entry.fault.path === undefined || entry.fault.path === path);
    if (index < 0) return undefined;
    const entry = this.faults[index]!;
    if (--entry.remaining <= 0) this.faults.splice(index, 1);
    return entry.fault;
  }

  private applyFault(res: http.ServerResponse, record: RequestRecord, fault: Fault): void {
    if (fault.drop) {
      res.socket?.destroy();
      return;
    }
    const status = fault.status!;
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    if (fault.location !== undefined) headers.location = fault.location;
    const body = fault.body ?? errorBody(`GN${String(status).padStart(4, '0')}`, http.STATUS_CODES[status] ?? 'Error');
    this.send(res, record, { status, body, headers }, fault.contentType);
  }

  /** Checks in ASP.NET's order: routing, method, authentication, authorization, then model binding. */
  private dispatch(record: RequestRecord, parsed: ParsedBody, contentType: string | undefined): Reply {
    try {
      const route = this.routes.get(record.path) ?? fail(404, 'GN0404', 'Not found');
      if (record.method !== 'POST') {
        return { status: 405, body: errorBody('GN0405', 'Method not allowed'), headers: { allow: 'POST' } };
      }
      if (route.access !== 'public') this.authorize(record.authorization, route.access);
      // [FromBody] binding refuses a body that is not declared as JSON, before even reading it.
      if (parsed.kind !== 'empty' && !isJsonMediaType(contentType)) fail(415, 'GN0415', 'Unsupported media type');
      if (parsed.kind === 'malformed') fail(400, 'GN0400', parsed.message);
      return route.run(parsed.kind === 'json' ? parsed.value : {});
    } catch (error) {
      if (!(error instanceof ApiError)) return { status: 500, body: errorBody('GN0500', String(error)) };
      const headers: Record<string, string> = error.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
      return { status: error.status, body: errorBody(error.errorCode, error.message), headers };
    }
  }

  private authorize(authorization: string | undefined, access: 'administrator' | readonly string[]): void {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const session = token === undefined ? undefined : this.sessions.get(token);
    if (!session || session.expiresAt <= Date.now()) fail(401, 'AU1401', 'Unauthorized');
    if (!session.user.roles.includes(SYSTEM_ADMINISTRATOR)) fail(403, 'AU1403', 'The account lacks the SystemAdministrator role.');
    if (access !== 'administrator' && !access.some((role) => session.user.roles.includes(role))) {
      fail(403, 'AU1403', `The account lacks the ${access.join(' or ')} role.`);
    }
  }

  private send(res: http.ServerResponse, record: RequestRecord, reply: Reply, contentType?: string): void {
    record.status = reply.status;
    const headers: Record<string, string | number> = { ...reply.headers };
    let payload = '';
    if (reply.body !== undefined) {
      const text = typeof reply.body === 'string';
      payload = text ? (reply.body as string) : JSON.stringify(reply.body);
      headers['content-type'] = contentType ?? (text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
    }
    headers['content-length'] = Buffer.byteLength(payload);
    res.writeHead(reply.status, headers).end(payload);
  }

  // ---- endpoints -------------------------------------------------------------------------------

  private login(body: unknown): Reply {
    const email = text(body, 'email');
    const password = text(body, 'password');
    if (!email || !password) fail(400, 'AU1000', 'Email and password are required.');
    const user = this.users.find((u) => u.email.toLowerCase() === email.toLowerCase() && u.password === password);
    if (!user) fail(401, 'AU1001', 'Invalid email or password.');
    return ok({ userId: user.id, accessToken: this.issueToken(user.email) });
  }

  private listOrganizations(body: unknown): Reply {
    const matches = this.nameFilter(body);
    const orgs = [...this.orgs.values()].filter((org) => matches(org.name));
    const page = paginate(sortByName(orgs, isDescending(body)), body, this.pageCap);
    return ok({ ...page.info, result: page.items.map((org) => this.organizationView(org)) });
  }

  private listRepositories(body: unknown): Reply {
    const org = this.requireOrg(text(body, 'id'));
    const { listed, removed } = this.knownSorted(org);
    const selected = this.filters(body).length > 0 ? listed.filter(this.repositoryFilter(body)) : listed;
    const page = paginate(isDescending(body) ? [...selected].reverse() : selected, body, this.pageCap);
    return ok({
      ...page.info,
      result: {
        synchronizationInProgress: org.synchronizationInProgress,
        lastSynchronizationRepositoriesStartTime: org.lastSynchronizationRepositoriesStartTime,
        repositories: page.items.map(repositoryView),
        removedRepositories: removed,
      },
    });
  }

  /** Starts a synchronization and returns at once; a second call while one runs does not restart it. */
  private sync(body: unknown): Reply {
    this.beginSync(this.requireOrg(text(body, 'id')));
    return empty();
  }

  /** Test hook: a synchronization someone else started (the console, a schedule, another pipeline). */
  startSync(orgIdOrName: string): void {
    this.beginSync(this.requireOrgFixture(orgIdOrName));
  }

  private beginSync(org: SimOrg): void {
    if (org.synchronizationInProgress) return;
    const now = Date.now();
    org.synchronizationInProgress = true;
    org.syncEndsAt = now + this.syncDurationMs;
    org.lastSynchronizationRepositoriesStartTime = now;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.completeSync(org);
    }, this.syncDurationMs);
    timer.unref();
    this.timers.add(timer);
  }

  private activate(body: unknown): Reply {
    return this.licenseBatch(body, (repo) => {
      if (repo.isProtected) return undefined;
      const rejected = this.rejections.get(repo.name.toLowerCase())?.activation;
      if (rejected) return rejected;
      if (this.licensesLeft <= 0) return 'LI5020';
      this.licensesLeft--;
      repo.isProtected = true;
      return undefined;
    });
  }

  private deactivate(body: unknown): Reply {
    return this.licenseBatch(body, (repo) => {
      if (repo.isProtected) {
        repo.isProtected = false;
        this.licensesLeft++;
      }
      return undefined;
    });
  }

  /** Both license endpoints answer 200 and report failures per id, so a batch can partly succeed. */
  private licenseBatch(body: unknown, apply: (repo: SimRepo) => string | undefined): Reply {
    const ids = list(body, 'ids') ?? fail(400, 'GN0400', 'The Ids field is required.');
    const success: unknown[] = [];
    const error: Array<{ id: unknown; errorCode: string }> = [];
    for (const id of ids) {
      const repo = typeof id === 'string' ? this.knownRepo(id) : undefined;
      const errorCode = repo ? apply(repo) : 'GT1001';
      if (errorCode) error.push({ id, errorCode });
      else success.push(id);
    }
    return ok({ success, error });
  }

  /** Deletes the repository from Xopero ONE: its license is freed and it leaves every plan. */
  private remove(body: unknown): Reply {
    const id = text(body, 'id') ?? fail(400, 'GN0400', 'The id field is required.');
    const repo = this.knownRepo(id);
    if (!repo) return ok({ succeededIds: [], failedIds: [id], errors: [{ id, errorCode: 'GT1001' }] });
    if (repo.isProtected) this.licensesLeft++;
    for (const plan of this.plans.values()) plan.repositoryIds = plan.repositoryIds.filter((r) => !sameId(r, repo.id));
    this.repos.delete(repo.id.toLowerCase());
    this.repoVersion++;
    const siblings = this.reposByOrg.get(repo.organizationId)!;
    siblings.splice(siblings.indexOf(repo), 1);
    return ok({ succeededIds: [repo.id], failedIds: [], errors: [] });
  }

  private listAssignedPlans(body: unknown): Reply {
    const org = this.requireOrg(text(body, 'organizationid'));
    const assigned = [...this.plans.values()].filter(
      (plan) => plan.organizationId === org.id && (plan.includeAllRepositories || plan.repositoryIds.length > 0),
    );
    const page = paginate(sortByName(assigned, false), body, this.pageCap);
    const result = page.items.map(({ id, name, includeAllRepositories, repositoryIds }) => ({
      id,
      name,
      includeAllRepositories,
      repositoryIds: [...repositoryIds],
    }));
    return ok({ ...page.info, result });
  }

  /** Idempotent, and atomic because it runs synchronously: concurrent attaches never lose one another. */
  private attach(body: unknown): Reply {
    const { plan, repo } = this.planAndRepository(body);
    const rejected = this.rejections.get(repo.name.toLowerCase())?.attachment;
    if (rejected) fail(rejected.status, rejected.code, rejected.message);
    if (!this.planHas(plan, repo.id)) {
      plan.repositoryIds.push(repo.id);
      const index = this.memberIndex.get(plan.repositoryIds)!;
      index.ids.add(repo.id.toLowerCase());
      index.length = plan.repositoryIds.length;
    }
    return empty();
  }

  private detach(body: unknown): Reply {
    const { plan, repo } = this.planAndRepository(body);
    plan.repositoryIds = plan.repositoryIds.filter((id) => !sameId(id, repo.id));
    return empty();
  }

  /** Replaces the whole repository list (a missing list empties the plan), as the real service does. */
  private modifyPlan(body: unknown): Reply {
    const plan = this.requirePlan(text(body, 'id'));
    const repositories = (list(body, 'repositoriesIds') ?? []).map((id) => this.repositoryOfPlan(plan, id));
    plan.repositoryIds = [...new Set(repositories.map((repo) => repo.id))];
    // The docs spell the field 'inculdeAllReposistories' in the table and 'includeAllRepositories' in the example.
    plan.includeAllRepositories = flag(body, 'inculdeAllReposistories') ?? flag(body, 'includeAllRepositories') ?? false;
    plan.name = text(body, 'name') ?? plan.name;
    plan.includeMetadata = flag(body, 'includeMetadata') ?? plan.includeMetadata;
    return empty();
  }

  /** Idempotent like attachgitrepository: a plan holds a project once. */
  private attachAzureProject(body: unknown): Reply {
    const { plan, project } = this.planAndProject(body);
    if (!plan.projectIds.some((id) => sameId(id, project.id))) plan.projectIds.push(project.id);
    return empty();
  }

  /** Detaching a project the plan does not hold answers 200 as well. */
  private detachAzureProject(body: unknown): Reply {
    const { plan, project } = this.planAndProject(body);
    plan.projectIds = plan.projectIds.filter((id) => !sameId(id, project.id));
    return empty();
  }

  /** The documented limit: "works only for plans with individual project selection". */
  private planAndProject(body: unknown): { plan: SimPlan; project: SimAzureProject } {
    const plan = this.requirePlan(text(body, 'planid'));
    const id = text(body, 'projectid');
    const project = id === undefined ? undefined : this.azureProjects.get(id.toLowerCase());
    if (!project) fail(404, 'AZ1004', 'Project not found');
    if (project.organizationId !== plan.organizationId) {
      fail(400, 'PL3010', "The project does not belong to the plan's organization.");
    }
    if (plan.includeAllRepositories || plan.projectSelection !== 'individual') {
      fail(400, 'PL3021', 'The plan does not use individual project selection.');
    }
    return { plan, project };
  }

  /** Makes every activation or attachment of this repository fail the same way, in every run. */
  rejectRepository(name: string, rejection: RepositoryRejection): void {
    this.rejections.set(name.toLowerCase(), rejection);
  }

  // ---- lookups and views -----------------------------------------------------------------------

  private planAndRepository(body: unknown): { plan: SimPlan; repo: SimRepo } {
    const plan = this.requirePlan(text(body, 'planid'));
    return { plan, repo: this.repositoryOfPlan(plan, field(body, 'repositoryid')) };
  }

  private repositoryOfPlan(plan: SimPlan, id: unknown): SimRepo {
    const repo = typeof id === 'string' ? this.knownRepo(id) : undefined;
    if (!repo) fail(404, 'GT1004', 'Repository not found');
    if (repo.organizationId !== plan.organizationId) {
      fail(400, 'PL3010', "The repository does not belong to the plan's organization.");
    }
    return repo;
  }

  private requireOrg(id: string | undefined): SimOrg {
    const org = id === undefined ? undefined : this.orgs.get(id.toLowerCase());
    if (!org) fail(404, 'GT2004', 'Organization not found');
    this.settleSync(org);
    return org;
  }

  private requirePlan(id: string | undefined): SimPlan {
    return (id === undefined ? undefined : this.plans.get(id.toLowerCase())) ?? fail(404, 'PL3004', 'Plan not found');
  }

  /** A repository Xopero ONE knows: pending ones are invisible to the API until a sync completes. */
  private knownRepo(id: string): SimRepo | undefined {
    const repo = this.repos.get(id.toLowerCase());
    if (!repo) return undefined;
    this.settleSync(this.orgs.get(repo.organizationId.toLowerCase())!);
    return repo.pendingSync ? undefined : repo;
  }

  private knownRepos(org: SimOrg): SimRepo[] {
    return this.knownSorted(org).sorted;
  }

  /**
   * The known repositories of an organization sorted by name (case-insensitive, then id), built once per
   * change of the set rather than per page: a 100,000-repository list read in 1,000 pages by ten clients would
   * otherwise sort 100,000 names 10,000 times. Names, pendingSync and isRemoved of a stored repository are
   * fixed after insertion (a test that changes one directly must re-add the repository instead).
   */
  private knownSorted(org: SimOrg): { sorted: SimRepo[]; listed: SimRepo[]; removed: number } {
    const cached = this.knownCache.get(org.id);
    if (cached && cached.version === this.repoVersion) return cached;
    const sorted = sortByName(
      this.reposByOrg.get(org.id)!.filter((repo) => !repo.pendingSync),
      false,
    );
    const listed = this.options.listOrder === 'scrambled' ? scrambled(sorted, this.options.seed ?? 1) : sorted;
    const entry = { version: this.repoVersion, sorted, listed, removed: sorted.filter((repo) => repo.isRemoved).length };
    this.knownCache.set(org.id, entry);
    return entry;
  }

  /** Plan membership through a set per repositoryIds array, rebuilt when a test replaced or grew the array itself. */
  private planHas(plan: SimPlan, repositoryId: string): boolean {
    let index = this.memberIndex.get(plan.repositoryIds);
    if (!index || index.length !== plan.repositoryIds.length) {
      index = { length: plan.repositoryIds.length, ids: new Set(plan.repositoryIds.map((id) => id.toLowerCase())) };
      this.memberIndex.set(plan.repositoryIds, index);
    }
    return index.ids.has(repositoryId.toLowerCase());
  }

  private requireOrgFixture(idOrName: string): SimOrg {
    const org = this.organization(idOrName);
    if (!org) throw new Error(`no simulator organization ${idOrName}`);
    return org;
  }

  private insertRepository(org: SimOrg, init: RepoInit): SimRepo {
    const repo: SimRepo = {
      id: randomUUID(),
      lastBackup: 0,
      lastSuccessfulBackup: 0,
      nextBackup: 0,
      isProtected: true,
      isRemoved: false,
      status: 2,
      lastBackupTaskStatus: 0,
      isPublic: false,
      pendingSync: false,
      createdAt: 0,
      ...definedOnly(init),
      name: init.name,
      serverId: randomUUID(),
      organizationId: org.id,
    };
    insertUnique(this.repos, repo);
    this.reposByOrg.get(org.id)!.push(repo);
    this.repoVersion++;
    return repo;
  }

  /** Lazy as well as timer-driven, so a read right after syncDurationMs never sees a stale flag. */
  private settleSync(org: SimOrg): void {
    if (org.syncEndsAt !== undefined && Date.now() >= org.syncEndsAt) this.completeSync(org);
  }

  private completeSync(org: SimOrg): void {
    if (!org.synchronizationInProgress) return;
    // A synchronization sees the repositories that existed at the Git service when it started.
    const startedAt = org.lastSynchronizationRepositoriesStartTime;
    for (const repo of this.reposByOrg.get(org.id)!) if (repo.createdAt <= startedAt) repo.pendingSync = false;
    org.synchronizationInProgress = false;
    org.syncEndsAt = undefined;
    this.repoVersion++;
  }

  private organizationView(org: SimOrg): object {
    const repos = this.knownRepos(org);
    const protectedRepositories = repos.filter((repo) => repo.isProtected).length;
    const plans = [...this.plans.values()].filter((plan) => plan.organizationId === org.id);
    return {
      id: org.id,
      driver: org.driver,
      name: org.name,
      apiUrl: org.apiUrl,
      isReadOnly: org.isReadOnly,
      protectedRepositories,
      totalRepositories: repos.length,
      missingLicences: repos.length - protectedRepositories,
      removedRepositories: repos.filter((repo) => repo.isRemoved).length,
      defaultWorkerId: org.defaultWorkerId,
      isCreatedByMarketplace: org.isCreatedByMarketplace,
      synchronizationInProgress: org.synchronizationInProgress,
      plans: plans.map((plan) => ({
        id: plan.id,
        name: plan.name,
        backupType: plan.backupType,
        includeMetadata: plan.includeMetadata,
        repoCount: plan.repositoryIds.length,
        lastStatus: { ...plan.lastStatus },
        planFinishedTime: plan.planFinishedTime,
        isRunning: plan.isRunning,
      })),
    };
  }

  // ---- filters ---------------------------------------------------------------------------------

  /** The Name filter as the real service applies it: eq and contains alike, as a substring match. */
  private nameFilter(body: unknown): (name: string) => boolean {
    const needles = this.filters(body)
      .filter((f) => text(f, 'property')?.toLowerCase() === 'name')
      .map((f) => String(field(f, 'value') ?? '').toLowerCase());
    return (name) => needles.every((needle) => name.toLowerCase().includes(needle));
  }

  private repositoryFilter(body: unknown): (repo: SimRepo) => boolean {
    const byName = this.nameFilter(body);
    const byFlag = this.filters(body).flatMap((f) => {
      const property = text(f, 'property')?.toLowerCase();
      const wanted = asBoolean(field(f, 'value'));
      if (wanted === undefined) return [];
      if (property === 'isremoved') return [(repo: SimRepo) => repo.isRemoved === wanted];
      if (property === 'isprotected') return [(repo: SimRepo) => repo.isProtected === wanted];
      return [];
    });
    return (repo) => byName(repo.name) && byFlag.every((test) => test(repo));
  }

  private filters(body: unknown): unknown[] {
    return this.filterMode === 'ignore' ? [] : (list(body, 'filters') ?? []);
  }
}

// ---- helpers ---------------------------------------------------------------------------------------

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    // The client went away mid-body; handle() notices the destroyed socket.
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function normalizePath(path: string): string {
  const lower = path.toLowerCase().replace(/\/+$/, '');
  return lower.startsWith('/') ? lower : `/${lower}`;
}

/** So `{ id: undefined }` in a fixture keeps the default instead of erasing it. */
function definedOnly<T extends object>(init: T): Partial<T> {
  return Object.fromEntries(Object.entries(init).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function findByName<T extends { name: string }>(items: Iterable<T>, name: string): T | undefined {
  for (const item of items) if (item.name.toLowerCase() === name.toLowerCase()) return item;
  return undefined;
}

function insertUnique<T extends { id: string }>(map: Map<string, T>, item: T): void {
  const key = item.id.toLowerCase();
  if (map.has(key)) throw new Error(`duplicate simulator id ${item.id}`);
  map.set(key, item);
}

/** A repository as the API lists it (also what `npm run bench` sizes the list by). */
export function repositoryView(repo: SimRepo): object {
  const { id, serverId, name, lastBackup, lastSuccessfulBackup, nextBackup } = repo;
  const { isProtected, isRemoved, status, lastBackupTaskStatus, isPublic } = repo;
  return {
    id,
    serverId,
    name,
    lastBackup,
    lastSuccessfulBackup,
    nextBackup,
    isProtected,
    isRemoved,
    status,
    lastBackupTaskStatus,
    isPublic,
  };
}

/** An opaque token shaped like the service's JWT; the simulator only ever looks it up, never decodes it. */
function fakeJwt(claims: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = { ...claims, iss: 'xopero-one-simulator', jti: randomUUID() };
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}.${randomBytes(32).toString('base64url')}`;
}

export interface RepositoryRejection {
  /** Per-id error code in the 200 answer of /git/repositories/activate. */
  activation?: string;
  /** An error status, code and message for /plans/attachgitrepository. */
  attachment?: { status: number; code: string; message: string };
}

/** The listOrder 'scrambled': by a hash of seed and id, the same on every page and every read of one simulator. */
function scrambled(repos: SimRepo[], seed: number): SimRepo[] {
  const key = (repo: SimRepo) => createHash('sha256').update(`${seed}:${repo.id.toLowerCase()}`).digest('hex');
  const keyed = repos.map((repo) => ({ key: key(repo), repo }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map(({ repo }) => repo);
}

interface RequestWaiter {
  matches: (request: RequestRecord) => boolean;
  count: number;
  seen: RequestRecord[];
  resolve: (requests: RequestRecord[]) => void;
}

/** A small seeded PRNG: the same seed gives the same delays, a new seed other ones. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
