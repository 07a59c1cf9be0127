/**
 * The Xopero ONE client: typed calls over one transport. One function sends a request (auth header,
 * timeout, retry policy, re-login on 401, no redirects, errors carrying the server's code); typed wrappers
 * per endpoint sit on top.
 */
import { errors as undiciErrors, type Dispatcher } from 'undici';
import type {
  ActivationResponse,
  AssignedPlan,
  Filter,
  LoginResponse,
  Organization,
  Page,
  RemoveResponse,
  Repository,
  RepositoryList,
} from './api-types.js';
import { ApiError, XoperoError } from '../common/errors.js';
import { addSecret } from '../common/redact.js';
import type { Credentials } from '../settings/settings.js';
import { Timeline } from '../common/timing.js';
import { displayProxy } from './proxy.js';
import { RETRY, proxyConnectStatus, type Transport } from './transport.js';

interface Endpoint {
  path: string;
  /**
   * Why repeating the call after a lost answer or a 429/5xx cannot do harm. Every call this client makes has
   * such a reason; a call without one (modifygitplan, say) would need a dispatcher that does not retry.
   */
  retrySafe: string;
  authenticated: boolean;
  /** Changes state on the server; a read-only or dry run makes none of these. */
  mutating: boolean;
  /** The roles the documentation requires (one of them), named in a 403's message; default GitManagement. */
  roles?: string;
}

/** Every call this client makes. /plans/modifygitplan is deliberately absent: it replaces a plan's whole list. */
export const ENDPOINTS = {
  login: { path: '/account/login', authenticated: false, mutating: false, retrySafe: 'a second login only issues another token' },
  organizations: { path: '/git/organizations/getmany', authenticated: true, mutating: false, retrySafe: 'a read' },
  repositories: { path: '/git/repositories/getmany', authenticated: true, mutating: false, retrySafe: 'a read' },
  assignedPlans: { path: '/plans/listassignedtoorganization', authenticated: true, mutating: false, retrySafe: 'a read' },
  activate: {
    path: '/git/repositories/activate',
    authenticated: true,
    mutating: true,
    retrySafe: 'activating an already protected repository reports success and uses no second license',
  },
  attach: {
    path: '/plans/attachgitrepository',
    authenticated: true,
    mutating: true,
    retrySafe: 'the server adds the repository to the plan once; attaching it again changes nothing',
  },
  // Releasing (src/core/release.ts): only ever called for what the user asked to release.
  deactivate: {
    path: '/git/repositories/deactivate',
    authenticated: true,
    mutating: true,
    roles: 'DataRemoveManagement or GitManagement',
    retrySafe: 'deactivating a repository that holds no license reports success and frees nothing else',
  },
  detach: {
    path: '/plans/detachgitrepository',
    authenticated: true,
    mutating: true,
    retrySafe: 'the server drops the repository from the plan once; detaching it again changes nothing',
  },
  remove: {
    path: '/git/repositories/remove',
    authenticated: true,
    mutating: true,
    roles: 'DataRemoveManagement or GitManagement',
    retrySafe: 'a second remove of the same id finds nothing (GT1001, read as already removed) and deletes nothing else; removedata is always false',
  },
  sync: {
    path: '/git/repositories/sync',
    authenticated: true,
    mutating: true,
    retrySafe: 'a synchronization only refreshes the list; one already running is not restarted',
  },
} satisfies Record<string, Endpoint>;

/** The server caps page sizes; asking for more costs nothing, and `pageCount` tells what is left. */
export const PAGE_SIZE = 1000;
/** Pages 2..n of a list are fetched this many at a time. */
export const PAGE_CONCURRENCY = 4;
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ClientOptions {
  serverUrl: URL;
  credentials: Credentials;
  transport: Transport;
  timeline?: Timeline;
}

export class XoperoClient {
  private token?: string;
  private loginInFlight?: Promise<void>;
  private readonly timeline: Timeline;
  /** Requests sent, and how many of them change something: for the result and the benchmark. */
  readonly requestCount = { total: 0, mutating: 0 };

  constructor(private readonly options: ClientOptions) {
    this.timeline = options.timeline ?? new Timeline(false);
    if (options.credentials.kind === 'token') this.token = options.credentials.token;
  }

  /** Logs in with email and password (no-op with an access token). */
  async login(): Promise<void> {
    const { credentials } = this.options;
    if (credentials.kind === 'token') return;
    this.loginInFlight ??= (async () => {
      const response = await this.send<LoginResponse>(ENDPOINTS.login, {
        email: credentials.email,
        password: credentials.password,
        rememberMe: false,
      });
      if (!response?.accessToken) {
        throw new XoperoError('Login answered without an access token: is server-url the Xopero ONE Management Service?');
      }
      addSecret(response.accessToken);
      this.token = response.accessToken;
    })().finally(() => {
      this.loginInFlight = undefined;
    });
    return this.loginInFlight;
  }

  async listOrganizations(): Promise<Organization[]> {
    return this.allPages<Organization>(ENDPOINTS.organizations, { orderby: 'Name', ordertype: 'asc' }, (page) => page as Organization[]);
  }

  /** Repositories of an organization; `filters` narrow the list on the server (which the caller must not trust). */
  async listRepositories(organizationId: string, filters?: Filter[]): Promise<{ repositories: Repository[]; synchronizationInProgress: boolean }> {
    let synchronizationInProgress = false;
    const repositories = await this.allPages<Repository>(
      ENDPOINTS.repositories,
      { id: organizationId, orderby: 'Name', ordertype: 'asc', ...(filters ? { filters } : {}) },
      (page) => {
        const list = page as RepositoryList;
        synchronizationInProgress ||= Boolean(list.synchronizationInProgress);
        return list.repositories ?? [];
      },
    );
    return { repositories, synchronizationInProgress };
  }

  /** Whether a synchronization of the organization is running: one small page of the repository list. */
  async synchronizationInProgress(organizationId: string): Promise<boolean> {
    const page = await this.send<Page<RepositoryList>>(ENDPOINTS.repositories, { id: organizationId, limit: 1, page: 1 });
    return Boolean(page?.result?.synchronizationInProgress);
  }

  async listAssignedPlans(organizationId: string): Promise<AssignedPlan[]> {
    return this.allPages<AssignedPlan>(ENDPOINTS.assignedPlans, { organizationid: organizationId }, (page) => page as AssignedPlan[]);
  }

  async activate(repositoryIds: string[]): Promise<ActivationResponse> {
    return (await this.send<ActivationResponse>(ENDPOINTS.activate, { Ids: repositoryIds })) ?? {};
  }

  async attach(planId: string, repositoryId: string): Promise<void> {
    await this.send(ENDPOINTS.attach, { planid: planId, repositoryid: repositoryId });
  }

  /** Answers 200 even when it fails: per-id failures come back in `error`. */
  async deactivate(repositoryIds: string[]): Promise<ActivationResponse> {
    return (await this.send<ActivationResponse>(ENDPOINTS.deactivate, { Ids: repositoryIds })) ?? {};
  }

  async detach(planId: string, repositoryId: string): Promise<void> {
    await this.send(ENDPOINTS.detach, { planid: planId, repositoryid: repositoryId });
  }

  /** Removes the repository's record from Xopero ONE; `removedata` stays false: its backups are kept. */
  async remove(repositoryId: string): Promise<RemoveResponse> {
    return (await this.send<RemoveResponse>(ENDPOINTS.remove, { id: repositoryId, removedata: false })) ?? {};
  }

  async synchronize(organizationId: string): Promise<void> {
    await this.send(ENDPOINTS.sync, { id: organizationId });
  }

  /** Page 1 first (it tells the page count), then the rest in parallel, PAGE_CONCURRENCY at a time. */
  private async allPages<T>(endpoint: Endpoint, body: Record<string, unknown>, items: (result: unknown) => T[]): Promise<T[]> {
    const fetchPage = async (page: number): Promise<Page<unknown>> => {
      const response = await this.send<Page<unknown>>(endpoint, { ...body, limit: PAGE_SIZE, page });
      if (!response || typeof response !== 'object' || !('result' in response)) {
        throw new XoperoError(`${endpoint.path} answered without a result list: is server-url the Xopero ONE Management Service?`);
      }
      return response;
    };
    const first = await fetchPage(1);
    const pages: Array<Page<unknown>> = [first];
    const rest = Array.from({ length: Math.max(0, (first.pageCount ?? 1) - 1) }, (_, i) => i + 2);
    await mapConcurrent(rest, PAGE_CONCURRENCY, async (page) => {
      pages[page - 1] = await fetchPage(page);
    });
    return pages.flatMap((page) => items(page.result));
  }

  /** Sends one request; logs in again once when the server says the token is no longer valid. */
  private async send<T>(endpoint: Endpoint, body: unknown): Promise<T | undefined> {
    if (endpoint.authenticated && !this.token) await this.login();
    const sentWith = this.token;
    try {
      return await this.sendOnce<T>(endpoint, body);
    } catch (error) {
      const expired = error instanceof ApiError && error.status === 401 && endpoint.authenticated;
      if (!expired || this.options.credentials.kind === 'token') throw error;
      // A token can expire or be revoked mid-run (30-day lifetime, server restart): log in again, once.
      if (this.token === sentWith) {
        this.token = undefined;
        await this.login();
      }
      return this.sendOnce<T>(endpoint, body);
    }
  }

  private async sendOnce<T>(endpoint: Endpoint, body: unknown): Promise<T | undefined> {
    const { origin, pathname } = this.options.serverUrl;
    const url = new URL(`${origin}${pathname.replace(/\/+$/, '')}${endpoint.path}`);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (endpoint.authenticated && this.token) headers.authorization = `Bearer ${this.token}`;
    const started = this.timeline.now();
    this.requestCount.total += 1;
    if (endpoint.mutating) this.requestCount.mutating += 1;
    let response: Dispatcher.ResponseData;
    try {
      // The dispatcher follows no redirect (undici's default): the next hop would receive the bearer token.
      response = await this.options.transport.retrying.request({
        origin: url.origin,
        path: url.pathname,
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: REQUEST_TIMEOUT_MS,
      });
    } catch (error) {
      throw transportError(error, url, endpoint, this.options.transport.proxy.url);
    }
    const text = await response.body.text();
    // undici hands the connection back to its pool just after the body ends; a request sent in the same tick
    // would find it busy and open a second TLS connection. One macrotask later it is reused.
    await new Promise((resolve) => setImmediate(resolve));
    this.timeline.add(`POST ${endpoint.path} -> ${response.statusCode}`, started, this.timeline.now());
    if (response.statusCode >= 200 && response.statusCode < 300) return parseJson<T>(text);
    throw httpError(response.statusCode, response.headers, text, url, endpoint);
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function mapConcurrent<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function parseJson<T>(text: string): T | undefined {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    // Some endpoints answer a bare "200 OK"; only a call that needs data will miss it, and says so.
    return undefined;
  }
}

/** The server's own error code and message, from the shapes ASP.NET services use. */
function serverError(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const pick = (...keys: string[]) => {
      for (const [key, value] of Object.entries(body)) {
        if (keys.includes(key.toLowerCase()) && typeof value === 'string' && value) return value;
      }
      return undefined;
    };
    return { code: pick('errorcode', 'code'), message: pick('message', 'detail', 'title', 'error') };
  } catch {
    return {};
  }
}

function httpError(status: number, headers: Dispatcher.ResponseData['headers'], text: string, url: URL, endpoint: Endpoint): ApiError {
  const { code, message } = serverError(text);
  const said = [code, message].filter(Boolean).join(': ');
  const server = said ? ` (server: ${said})` : '';
  const where = `POST ${endpoint.path}`;
  if (status >= 300 && status < 400) {
    const location = String(headers.location ?? '');
    return new ApiError(
      `${url.origin} answered ${where} with a redirect (HTTP ${status}) to ${location || 'another address'}; set server-url to the final address (redirects are not followed, so the token never goes elsewhere).`,
      status, endpoint.path, code, message);
  }
  if (endpoint === ENDPOINTS.login && (status === 400 || status === 401)) {
    return new ApiError(`Xopero ONE authentication failed${server}: check the email and password secrets.`, status, endpoint.path, code, message);
  }
  if (status === 401) {
    return new ApiError(`Xopero ONE rejected the access token${server}: tokens last 30 days; issue a new one or use email and password.`, status, endpoint.path, code, message);
  }
  if (status === 403) {
    return new ApiError(`The Xopero ONE account may not call ${where}${server}: give it the ${endpoint.roles ?? 'GitManagement'} role (see README, Permissions).`, status, endpoint.path, code, message);
  }
  if (status === 404 && !code) {
    return new ApiError(`${url.origin} has no ${endpoint.path} (HTTP 404): is server-url the Xopero ONE Management Service address?`, status, endpoint.path);
  }
  const remedy = status >= 500 ? 're-run later, or check the Management Service log' : 'check the inputs it was given against Xopero ONE';
  return new ApiError(`Xopero ONE answered ${where} with HTTP ${status}${server}: ${remedy}.`, status, endpoint.path, code, message);
}

function transportError(error: unknown, url: URL, endpoint: Endpoint, proxy: URL | undefined): XoperoError {
  const err = error as Error & { code?: string; statusCode?: number; cause?: { code?: string; message?: string } };
  if (proxy) {
    const failure = proxyFailure(err, url, proxy);
    if (failure) return new XoperoError(failure);
  }
  if (err instanceof undiciErrors.RequestRetryError && err.statusCode) {
    return new ApiError(
      `Xopero ONE answered POST ${endpoint.path} with HTTP ${err.statusCode} on every one of ${1 + RETRY.maxRetries} attempts: the server (or a proxy in front of it) is unavailable; try again later.`,
      err.statusCode, endpoint.path);
  }
  const code = err.code ?? err.cause?.code;
  const host = url.host;
  const reason = (() => {
    switch (code) {
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `cannot resolve ${url.hostname}: check server-url`;
      case 'ECONNREFUSED':
        return `${host} refused the connection: check server-url and that the Management Service is running`;
      case 'UND_ERR_CONNECT_TIMEOUT':
      case 'ETIMEDOUT':
        return `connecting to ${host} timed out: check server-url and the network (a proxy? see README)`;
      case 'UND_ERR_HEADERS_TIMEOUT':
      case 'UND_ERR_BODY_TIMEOUT':
        return `${host} did not answer POST ${endpoint.path} within ${REQUEST_TIMEOUT_MS / 1000} s`;
      case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      case 'SELF_SIGNED_CERT_IN_CHAIN':
      case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
        return `the TLS certificate of ${host} is not trusted (${code}): give its CA as ca-certificate (PEM) or in NODE_EXTRA_CA_CERTS`;
      case 'ERR_TLS_CERT_ALTNAME_INVALID':
        return `the TLS certificate of ${host} does not name that host: use the host name the certificate was issued for in server-url`;
      case 'CERT_HAS_EXPIRED':
        return `the TLS certificate of ${host} has expired: renew it on the server`;
      default:
        return `the connection to ${host} failed on POST ${endpoint.path} (${code ?? err.message})`;
    }
  })();
  return new XoperoError(`Cannot reach Xopero ONE: ${reason}.`);
}

/** A failure of the proxy itself, told apart from the server's: the user fixes a different thing. */
function proxyFailure(err: Error & { code?: string; cause?: { code?: string } }, url: URL, proxy: URL): string | undefined {
  const shown = displayProxy(proxy);
  const status = proxyConnectStatus(err);
  if (status === 407) {
    return `The proxy ${shown} requires authentication (HTTP 407): put user:password in HTTPS_PROXY, e.g. http://user:password@${proxy.host}.`;
  }
  if (status !== undefined) {
    const attempts = RETRY.statusCodes.includes(status) ? ` on every one of ${1 + RETRY.maxRetries} attempts` : '';
    return `The proxy ${shown} answered HTTP ${status} to CONNECT ${url.host}${attempts}: it cannot reach the Xopero ONE server; check the proxy's rules, or exclude ${url.hostname} with NO_PROXY.`;
  }
  const code = err.code ?? err.cause?.code;
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT'].includes(code)) {
    return `Cannot reach proxy ${proxy.host} (${code}): check HTTPS_PROXY, or exclude ${url.hostname} with NO_PROXY.`;
  }
  return undefined;
}
