/**
 * The Xopero ONE client: typed calls over one transport. One function sends a request (auth header,
 * timeout, retry policy, re-login on 401, no redirects, errors carrying the server's code); typed wrappers
 * per endpoint sit on top.
 */
import type { AssignedPlan, Filter, Organization, Page, Repository } from './api-types.js';
import { CancelledError } from '../common/cancel.js';
import { ApiError, XoperoError } from '../common/errors.js';
import { addSecret } from '../common/redact.js';
import type { Credentials } from '../settings/inputs.js';
import { ACTION_WORDS, type HostWords } from '../common/words.js';
import { Timeline } from '../common/timing.js';
import { mapConcurrent } from '../common/concurrency.js';
import type { Transport, TransportAnswer } from './transport.js';
import { ENDPOINTS, REQUEST_TIMEOUT_MS, type Endpoint } from './endpoints.js';
import { freshTokenRefused, httpError, transportError } from './http-errors.js';
import { CHANGING_CALL_RETRY } from './retry.js';
import {
  MalformedAnswerError,
  UnconfirmedChangeError,
  activationAnswer,
  activationId,
  assignedPlansPage,
  removeAnswer,
  type ActivationAnswer,
  type RemoveAnswer,
  loginAnswer,
  organizationsPage,
  parseAnswer,
  repositoriesPage,
} from './schemas.js';

/** The server caps page sizes; asking for more costs nothing, and `pageCount` tells what is left. */
export const PAGE_SIZE = 1000;
/** Pages 2..n of a list are fetched this many at a time. */
export const PAGE_CONCURRENCY = 4;

export interface ClientOptions {
  serverUrl: URL;
  credentials: Credentials;
  transport: Transport;
  timeline?: Timeline;
  /** Aborts the run: no request starts after it, and the ones in flight are aborted. */
  signal?: AbortSignal;
  /** How the host names settings in remedies ("check server-url" / "check --server-url / XOPERO_SERVER_URL"). */
  words?: HostWords;
  /**
   * The sign-in state, shared by clients that serve one account: the broker hands every request a client of its
   * own (its own count, cancellation and malformed-answer stop) over one session, so all of them use one token
   * and one single-flight re-login. Default: a session of this client's own.
   */
  session?: LoginSession;
}

/** The access token and the login in progress: what clients of one account share. */
export interface LoginSession {
  token?: string;
  loginInFlight?: Promise<void>;
}

/** What one activate call did, id by id (ids as the caller spelled them). */
export interface ActivationById {
  /** Listed under `success`: these hold a license now. */
  activated: string[];
  /** Listed under `error`: id -> the server's error code (LI5020...). */
  failed: Map<string, string>;
  /** Listed under neither: nothing says they were activated, so they are not counted as done. */
  unconfirmed: string[];
  /**
   * The codes of `error` entries whose id is none of the ids sent (the documentation's own examples answer
   * ids that differ from the request's). Never counted as any id's failure; a not-confirmed failure names them.
   */
  otherErrors?: string[];
}

/**
 * What the core asks of Xopero ONE: a run's own client, or one caller's share of the broker's shared session
 * (shared-session.ts), which answers the same calls from shared reads and batches.
 */
export type XoperoApi = Pick<
  XoperoClient,
  | 'login'
  | 'listOrganizations'
  | 'listRepositories'
  | 'synchronizationInProgress'
  | 'synchronizationState'
  | 'listAssignedPlans'
  | 'activate'
  | 'attach'
  | 'attachAzureProject'
  | 'detachAzureProject'
  | 'deactivate'
  | 'detach'
  | 'remove'
  | 'synchronize'
  | 'progress'
  | 'requestCount'
>;

/** Errors after which the run must stop at once rather than go on with the next repository. */
export function stopsTheRun(error: unknown): boolean {
  return error instanceof MalformedAnswerError || error instanceof UnconfirmedChangeError || error instanceof CancelledError;
}

export class XoperoClient {
  private readonly session: LoginSession;
  /** Set by the first malformed answer: every request after it fails with it, so nothing changes after it. */
  /** The first answer that was not the API's (malformed, or a change it cannot confirm): no request after it. */
  private malformed?: MalformedAnswerError | UnconfirmedChangeError;
  private readonly timeline: Timeline;
  /** Requests sent, and how many of them change something: for the result and the benchmark. */
  readonly requestCount = { total: 0, mutating: 0 };
  /** Changing calls Xopero ONE answered with success: what a cancelled run reports as done. */
  private changesConfirmed = 0;
  /** The first request beginFirstRequest() sent, until login() or listOrganizations() takes it. */
  private begunLogin?: Promise<void>;
  private begunOrganizations?: Promise<Organization[]>;

  constructor(private readonly options: ClientOptions) {
    this.timeline = options.timeline ?? new Timeline(false);
    this.session = options.session ?? {};
    if (options.credentials.kind === 'token') this.session.token = options.credentials.token;
  }

  /**
   * Sends a run's first request now, before the code that asks for it is loaded (core/run.ts): the login, or
   * with an access token the organizations, which every mode reads right after signing in. The next login() or
   * listOrganizations() takes its outcome, success or failure, instead of sending another; until then a failure
   * is held, not unhandled.
   */
  beginFirstRequest(): Promise<unknown> {
    if (this.options.credentials.kind !== 'token' && !this.session.token) {
      this.begunLogin = this.login();
      this.begunLogin.catch(() => undefined);
      return this.begunLogin;
    }
    this.begunOrganizations = this.listOrganizations();
    this.begunOrganizations.catch(() => undefined);
    return this.begunOrganizations;
  }

  /** Logs in with email and password (no-op with an access token, or when the shared session already holds one). */
  async login(): Promise<void> {
    const begun = this.begunLogin;
    if (begun) {
      this.begunLogin = undefined;
      return begun;
    }
    const { credentials } = this.options;
    if (credentials.kind === 'token' || this.session.token) return;
    this.session.loginInFlight ??= (async () => {
      const text = await this.send(ENDPOINTS.login, {
        email: credentials.email,
        password: credentials.password,
        rememberMe: false,
      });
      const { accessToken } = this.parse(ENDPOINTS.login, text, loginAnswer);
      addSecret(accessToken);
      this.session.token = accessToken;
    })().finally(() => {
      this.session.loginInFlight = undefined;
    });
    return this.session.loginInFlight;
  }

  async listOrganizations(): Promise<Organization[]> {
    const begun = this.begunOrganizations;
    if (begun) {
      this.begunOrganizations = undefined;
      return begun;
    }
    const pages = await this.allPages(
      ENDPOINTS.organizations,
      { orderby: 'Name', ordertype: 'asc' },
      organizationsPage,
      (page) => page.result.length,
    );
    return pages.flatMap((page) => page.result);
  }

  /**
   * Repositories of an organization; `filters` narrow the list on the server (which the caller must not trust);
   * `keep` drops records page by page as they arrive (a shard holds its own share of 100,000, not all of them).
   * `listed` counts every record the server listed.
   */
  async listRepositories(
    organizationId: string,
    filters?: Filter[],
    keep?: (repo: Repository) => boolean,
  ): Promise<{ repositories: Repository[]; synchronizationInProgress: boolean; listed: number }> {
    let listed = 0;
    const pages = await this.allPages(
      ENDPOINTS.repositories,
      { id: organizationId, orderby: 'Name', ordertype: 'asc', ...(filters ? { filters } : {}) },
      repositoriesPage,
      (page) => page.result.repositories.length,
      (page) => {
        listed += page.result.repositories.length;
        return keep ? { ...page, result: { ...page.result, repositories: page.result.repositories.filter(keep) } } : page;
      },
    );
    return {
      repositories: pages.flatMap((page) => page.result.repositories),
      synchronizationInProgress: pages.some((page) => page.result.synchronizationInProgress),
      listed,
    };
  }

  /** Whether a synchronization of the organization is running: one small page of the repository list. */
  async synchronizationInProgress(organizationId: string): Promise<boolean> {
    const text = await this.send(ENDPOINTS.repositories, { id: organizationId, limit: 1, page: 1 });
    return this.parse(ENDPOINTS.repositories, text, repositoriesPage).result.synchronizationInProgress;
  }

  /** Whether a synchronization is running, and when the last one started (epoch ms, server clock): one small page. */
  async synchronizationState(organizationId: string): Promise<{ inProgress: boolean; lastStartTime?: number }> {
    const text = await this.send(ENDPOINTS.repositories, { id: organizationId, limit: 1, page: 1 });
    const { result } = this.parse(ENDPOINTS.repositories, text, repositoriesPage);
    const start = result.lastSynchronizationRepositoriesStartTime;
    return {
      inProgress: result.synchronizationInProgress,
      lastStartTime: typeof start === 'number' && Number.isFinite(start) ? start : undefined,
    };
  }

  async listAssignedPlans(organizationId: string): Promise<AssignedPlan[]> {
    const pages = await this.allPages(
      ENDPOINTS.assignedPlans,
      { organizationid: organizationId },
      assignedPlansPage,
      (page) => page.result.length,
    );
    return pages.flatMap((page) => page.result);
  }

  /**
   * Activates licenses. The call answers 200 even when it fails, so the answer is read id by id: an id counts
   * as activated only when listed under `success`.
   */
  async activate(repositoryIds: string[]): Promise<ActivationById> {
    const text = await this.send(ENDPOINTS.activate, { Ids: repositoryIds });
    return this.confirmed(byId(this.parse(ENDPOINTS.activate, text, activationAnswer), repositoryIds));
  }

  async attach(planId: string, repositoryId: string): Promise<void> {
    await this.send(ENDPOINTS.attach, { planid: planId, repositoryid: repositoryId });
  }

  /** Adds a whole Azure DevOps project to a plan; only plans with individual project selection accept it. */
  async attachAzureProject(planId: string, projectId: string): Promise<void> {
    await this.send(ENDPOINTS.attachAzureProject, { planId, projectId });
  }

  async detachAzureProject(planId: string, projectId: string): Promise<void> {
    await this.send(ENDPOINTS.detachAzureProject, { planId, projectId });
  }

  /**
   * Frees licenses. Answers 200 even when it fails, like activate: an id counts as deactivated only when listed
   * under `success` (`activated` holds those ids here).
   */
  async deactivate(repositoryIds: string[]): Promise<ActivationById> {
    const text = await this.send(ENDPOINTS.deactivate, { Ids: repositoryIds });
    return this.confirmed(byId(this.parse(ENDPOINTS.deactivate, text, activationAnswer), repositoryIds));
  }

  /** A license call changed something only for the ids its answer lists under `success`. */
  private confirmed(outcome: ActivationById): ActivationById {
    if (outcome.activated.length > 0) this.changesConfirmed += 1;
    return outcome;
  }

  async detach(planId: string, repositoryId: string): Promise<void> {
    await this.send(ENDPOINTS.detach, { planid: planId, repositoryid: repositoryId });
  }

  /** Removes the repository's record from Xopero ONE; `removedata` is always false: its backups are kept. */
  async remove(repositoryId: string): Promise<RemoveAnswer> {
    const text = await this.send(ENDPOINTS.remove, { id: repositoryId, removedata: false });
    const answer = this.parse(ENDPOINTS.remove, text, removeAnswer);
    if (answer.succeededIds.length > 0) this.changesConfirmed += 1;
    return answer;
  }

  async synchronize(organizationId: string): Promise<void> {
    await this.send(ENDPOINTS.sync, { id: organizationId });
  }

  /**
   * Page 1 first (it tells the page count), then the rest in parallel, PAGE_CONCURRENCY at a time; each checked,
   * then passed through `each` as it arrives (so what it drops is not held until the last page).
   */
  private async allPages<T>(
    endpoint: Endpoint,
    body: Record<string, unknown>,
    schema: (value: unknown, where: string) => Page<T>,
    items: (page: Page<T>) => number,
    each: (page: Page<T>) => Page<T> = (page) => page,
  ): Promise<Array<Page<T>>> {
    const readPage = async (page: number): Promise<Page<T>> => {
      const text = await this.send(endpoint, { ...body, limit: PAGE_SIZE, page });
      const parsed = this.parse(endpoint, text, schema);
      // A server that ignores `page` answers page 1 again and again: the list would hold page 1 many times and
      // miss the rest. Only that is refused: a server numbering its pages otherwise (or a list that shrank while
      // it was read) is left alone, since the documentation says no more about currentPage.
      const current = (parsed as { currentPage?: unknown }).currentPage;
      if (page > 1 && current === 1) {
        throw this.malformedAnswer(endpoint, 'currentPage', `${page}, the page asked for`, `${current}`);
      }
      return parsed;
    };
    let first = await readPage(1);
    if (pageCountProblem(first, items(first))) {
      // A list that changed between the server's count and its page (often two queries) disagrees once: page 1
      // is read again, and only a second disagreement is refused.
      first = await readPage(1);
      const problem = pageCountProblem(first, items(first));
      if (problem) throw this.malformedAnswer(endpoint, problem.where, problem.expected, problem.got);
    }
    const pages: Array<Page<T>> = [each(first)];
    const rest = Array.from({ length: Math.max(0, first.pageCount - 1) }, (_, i) => i + 2);
    await mapConcurrent(rest, PAGE_CONCURRENCY, async (page) => {
      pages[page - 1] = each(await readPage(page));
    });
    return pages;
  }

  /** A malformed answer found after its shape was checked: it stops every later request, as parse() does. */
  private malformedAnswer(endpoint: Endpoint, where: string, expected: string, got: string): MalformedAnswerError {
    const error = new MalformedAnswerError(
      endpoint.path,
      where,
      expected,
      got,
      '',
      (this.options.words ?? ACTION_WORDS).name('server-url'),
    );
    this.malformed ??= error;
    return error;
  }

  /** Requests sent and changing calls confirmed so far: what a cancelled run can still report. */
  progress(): CancelledError {
    return new CancelledError({ ...this.requestCount }, this.changesConfirmed);
  }

  /**
   * Sends one request and returns the answer's text (the typed calls check it against their schema). With email
   * and password, a 401 means the token expired or was revoked mid-run (30-day lifetime, server restart): the
   * request is repeated once with a new token. The re-login is single-flight: every request that got a 401 for
   * the same token, and every request started meanwhile, waits for the one login and goes out with its token.
   */
  private async send(endpoint: Endpoint, body: unknown): Promise<string> {
    if (!endpoint.authenticated) return this.sendOnce(endpoint, body, undefined);
    const token = await this.currentToken();
    try {
      return await this.sendOnce(endpoint, body, token);
    } catch (error) {
      const expired = error instanceof ApiError && error.status === 401;
      if (!expired || this.options.credentials.kind === 'token') throw error;
      // Only the first request of the wave clears the token (and so starts the login); the others find it
      // cleared or already replaced. A request refused again with the new token fails: no second login.
      if (this.session.token === token) this.session.token = undefined;
      // A failed login here (the password changed mid-run) is reported as a login's failure, not caught below.
      const fresh = await this.currentToken();
      try {
        return await this.sendOnce(endpoint, body, fresh);
      } catch (again) {
        if (again instanceof ApiError && again.status === 401) throw freshTokenRefused(again);
        throw again;
      }
    }
  }

  /** The token to send with: waits for a login in progress, or logs in when there is no token. */
  private async currentToken(): Promise<string> {
    this.checkUsable();
    if (this.session.loginInFlight) await this.session.loginInFlight;
    if (!this.session.token) await this.login();
    if (!this.session.token)
      throw new XoperoError('Signing in to Xopero ONE gave no access token: re-run; if it persists, check the Management Service log.');
    return this.session.token;
  }

  /** No request after a cancellation or a malformed answer. */
  private checkUsable(): void {
    if (this.options.signal?.aborted) throw this.progress();
    if (this.malformed) throw this.malformed instanceof UnconfirmedChangeError ? this.malformed.notSent() : this.malformed;
  }

  private async sendOnce(endpoint: Endpoint, body: unknown, token: string | undefined): Promise<string> {
    this.checkUsable();
    const { origin, pathname } = this.options.serverUrl;
    const url = new URL(`${origin}${pathname.replace(/\/+$/, '')}${endpoint.path}`);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (endpoint.authenticated) {
      // Never sent without its header: the server would refuse it, and the refusal would read as a bad token.
      if (!token)
        throw new XoperoError(`Internal error: POST ${endpoint.path} has no access token to send (please report it with the log).`);
      headers.authorization = `Bearer ${token}`;
    }
    const started = this.timeline.now();
    this.requestCount.total += 1;
    if (endpoint.mutating) this.requestCount.mutating += 1;
    const { signal } = this.options;
    let response: TransportAnswer;
    try {
      // The transport follows no redirect: the next hop would receive the bearer token.
      response = await this.options.transport.send({
        origin: url.origin,
        path: url.pathname,
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        timeoutMs: REQUEST_TIMEOUT_MS,
        signal,
        // Not sent again while the server may still be carrying it out (retry.ts says why).
        retryOn: endpoint.mutating ? CHANGING_CALL_RETRY : undefined,
      });
    } catch (error) {
      if (signal?.aborted) throw this.progress();
      throw transportError(
        error,
        url,
        endpoint,
        this.options.transport.proxy,
        this.options.transport.caPinned,
        this.options.words ?? ACTION_WORDS,
      );
    }
    // The pool takes the connection back just after the body ends; a request sent in the same tick would find
    // it busy and open a second TLS connection. One macrotask later it is reused.
    await new Promise((resolve) => setImmediate(resolve));
    this.timeline.add(`POST ${endpoint.path} -> ${response.statusCode}`, started, this.timeline.now());
    if (response.statusCode >= 200 && response.statusCode < 300) {
      // A change counts as confirmed once its answer is the API's: here for a call answered with no body; for
      // activate, deactivate and remove once their answer lists an id as done (a refusal of every id is no change).
      if (endpoint.emptyAnswer) {
        this.checkEmptyAnswer(endpoint, response.text);
        this.changesConfirmed += 1;
      }
      return response.text;
    }
    throw httpError(response.statusCode, response.headers, response.text, url, endpoint, this.options.words ?? ACTION_WORDS);
  }

  /** The typed calls parse through here, so the first malformed answer stops every later request. */
  private parse<T>(endpoint: Endpoint, text: string, schema: (value: unknown, where: string) => T): T {
    try {
      return parseAnswer(endpoint.path, text, schema, (this.options.words ?? ACTION_WORDS).name('server-url'));
    } catch (error) {
      if (error instanceof MalformedAnswerError) this.malformed ??= error;
      throw error;
    }
  }

  /**
   * The answer of a call documented as `200 OK` alone: empty, or JSON. Anything else (an HTML page a proxy or a
   * firewall answered with 200) says nothing of the change: it is not counted as made, and no call follows.
   */
  private checkEmptyAnswer(endpoint: Endpoint, text: string): void {
    if (!text.trim()) return;
    try {
      JSON.parse(text);
      return;
    } catch {
      const error = new UnconfirmedChangeError(endpoint.path, text, (this.options.words ?? ACTION_WORDS).name('server-url'));
      this.malformed ??= error;
      throw error;
    }
  }
}

/**
 * Where page 1's own numbers disagree, or undefined: `pageCount` pages of the size page 1 shows must hold
 * `totalEntries`. Too few pages would leave part of the list unread (a sweep would say "done" over half an
 * organization); too many would send thousands of requests for a list of two. A `totalEntries` that is absent,
 * or 0 beside entries (a server that does not count), says nothing, and `pageCount` is taken as it is.
 */
function pageCountProblem<T>(first: Page<T>, perPage: number): { where: string; expected: string; got: string } | undefined {
  const total = (first as { totalEntries?: unknown }).totalEntries;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0 || (total === 0 && perPage > 0)) return undefined;
  if (perPage === 0) {
    // An empty page 1: nothing to read, whatever the count; more pages after it would be a list out of order.
    return total === 0 && first.pageCount <= 1
      ? undefined
      : { where: 'result', expected: `the first of the totalEntries ${total}`, got: `none on page 1 of ${first.pageCount}` };
  }
  const expected = Math.ceil(total / perPage);
  if (expected === first.pageCount) return undefined;
  return { where: 'pageCount', expected: `${expected} (totalEntries ${total} at ${perPage} per page)`, got: `${first.pageCount}` };
}

/** The answer of activate or deactivate, id by id in the caller's spelling: only an unambiguous success counts. */
function byId(answer: ActivationAnswer, repositoryIds: string[]): ActivationById {
  const succeeded = new Set(answer.success.map((entry) => activationId(entry).toLowerCase()));
  const errors = new Map((answer.error ?? []).map((entry) => [entry.id.toLowerCase(), entry.errorCode]));
  const outcome: ActivationById = { activated: [], failed: new Map(), unconfirmed: [] };
  const sent = new Set(repositoryIds.map((id) => id.toLowerCase()));
  const otherErrors = [
    ...new Set((answer.error ?? []).filter((entry) => !sent.has(entry.id.toLowerCase())).map((entry) => entry.errorCode)),
  ];
  if (otherErrors.length > 0) outcome.otherErrors = otherErrors;
  for (const id of repositoryIds) {
    const code = errors.get(id.toLowerCase());
    // An id listed under both is a failure: only an unambiguous success counts.
    if (code !== undefined) outcome.failed.set(id, code);
    else if (succeeded.has(id.toLowerCase())) outcome.activated.push(id);
    else outcome.unconfirmed.push(id);
  }
  return outcome;
}
