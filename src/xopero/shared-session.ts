/**
 * One Xopero ONE session for many concurrent single-repository runs of the same core: the broker under a burst
 * (many pipelines at 09:00, issue 25). Each run gets `caller(client)`, an XoperoApi the core uses exactly as it
 * uses a client of its own; behind it the runs share their reads, their activations and their synchronizations:
 *   - sign-in: the callers' clients share one login (the broker builds them over one LoginSession), and the
 *     client's single-flight re-login on 401 stays as it is;
 *   - the organization list (organization and plan ids, the plans' status) is one shared read;
 *   - a repository lookup is answered from one shared listing of the organization's repositories (every page,
 *     as pageCount says: the server caps page sizes), plan membership from one shared read of the assigned plans;
 *   - every shared read is refreshed once it is older than READ_MAX_AGE_MS (3 s), so every answer is based on a read
 *     of the server no older than 5 s; concurrent callers wait for the same refresh (one request for all) while it
 *     is no older than that bound either;
 *   - after a change the shared reads are updated from that call's own answer (an id the activation answer lists
 *     under `success` is protected; an attachment answered 200 is in the plan), never from a guess;
 *   - activations of concurrent callers go out together, up to ACTIVATION_BATCH ids a call;
 *   - attachments: one /plans/attachgitrepository call per repository (never /plans/modifygitplan, which
 *     rewrites the plan's whole list), the same one in flight only once;
 *   - callers waiting for an unknown repository share one synchronization.
 *
 * Why a retry is safe, per call (the transport repeats POSTs after a lost answer or a 429/5xx; client.ts
 * ENDPOINTS gives the server's side of each): a shared read changes nothing; an activation batch holds only
 * ids whose callers asked for a license, and activating a protected repository again reports success and uses
 * no second license; an attachment adds one repository to one plan on the server side, so a second one
 * changes nothing, and concurrent ones for other repositories cannot be lost (no read-modify-write); a
 * synchronization only refreshes the list, and one already running is not restarted.
 *
 * Requests are counted on the client of the caller whose call sent them (a shared read on the caller that
 * found it stale, a batch on the caller whose id opened it), so the callers' counts add up to what Xopero ONE
 * received. Sequence numbers, not clock readings, order reads, changes and synchronizations: two events in
 * one millisecond still have an order.
 */
import type { AssignedPlan, Filter, Organization, Repository } from './api-types.js';
import type { ActivationById, XoperoApi, XoperoClient } from './client.js';
import { giveMemberLookup } from './plan-members.js';

/**
 * A shared read serves a caller while it is at most this old (from the moment its first request went out). The
 * bound an answer must meet is 5 s; the other 2 s are for the caller's run after its last read and the answer's
 * way out of a busy broker (a burst's runs share its CPU: measured up to 2.5 s from read to answer on a host
 * whose two cores ran a dozen other jobs).
 */
export const READ_MAX_AGE_MS = 3_000;
/**
 * A read served when older than this starts the next one in the background: while callers keep coming, the
 * read is renewed before it expires and none of them waits for it (measured: a burst whose reads expired while
 * it was being answered waited for a second refresh, p99 2.6 s instead of the first refresh's 1.3 s).
 */
export const REFRESH_AHEAD_MS = 2_000;
/** The server's batch: 100 ids a call (about 4 KB) finishes well within the request timeout. */
export const ACTIVATION_BATCH = 100;
/**
 * How long the first activation of a batch waits for others (a full batch of 100 goes at once). The runs of a
 * burst reach their activation more spread out than they arrived: each first passes the token check and the
 * shared reads, and on a busy host 1 s of arrivals spread over 5-10 s (measured: 100 ms windows then held about
 * 20 ids each, 51 calls for 1,000). 500 ms keeps that to about 2 calls a second at worst, 20 for a 10 s spread,
 * and costs a repository's first run half a second once in its life, beside a pipeline's minutes.
 */
export const ACTIVATION_WINDOW_MS = 500;
/** Activation calls in flight at once: they contend for the server's license table (as a sweep's two). */
export const ACTIVATIONS_IN_FLIGHT = 2;
/**
 * Attachment calls in flight at once, across every caller: each is one row on the server; 16 keep the 1,000
 * attachments of a burst under a second at 5 ms a call while the server sees a bounded number of requests
 * from the broker however many pipelines wait.
 */
export const ATTACHMENTS_IN_FLIGHT = 16;
/**
 * How long a synchronization waits for more callers before it starts: a synchronization lists the whole Git
 * organization (seconds to minutes), so one second more costs little, and the new-repository pipelines of a
 * burst arriving in that second share it instead of each waiting for the previous one to end.
 */
export const SYNC_WINDOW_MS = 1_000;

export interface SessionTuning {
  readMaxAgeMs: number;
  refreshAheadMs: number;
  activationWindowMs: number;
  syncWindowMs: number;
  /** Epoch ms; tests pass a clock they move. */
  now: () => number;
}

const DEFAULT_TUNING: SessionTuning = {
  readMaxAgeMs: READ_MAX_AGE_MS,
  refreshAheadMs: REFRESH_AHEAD_MS,
  activationWindowMs: ACTIVATION_WINDOW_MS,
  syncWindowMs: SYNC_WINDOW_MS,
  now: () => Date.now(),
};

const lower = (id: string) => id.toLowerCase();

/** One read of the server as the session keeps it: its sequence number and when its first request went out. */
interface Stamped<T> {
  seq: number;
  startedAt: number;
  value: T;
}

/**
 * A read shared by every caller: the cached one while it is fresh, else the one under way, else a new one
 * (sent on the client of the caller that found none). Changes answered while a read is under way are applied
 * to it when it arrives (it may have been read before they happened), so an update is never lost to a
 * refresh that overtook it.
 */
class SharedRead<T> {
  private current?: Stamped<T>;
  /**
   * Reads under way, by sequence number (in the order begun). Usually one; a second begins beside a read older
   * than the bound (below), and the older one may still answer after it: it needs the changes made since it began.
   */
  private readonly inFlight = new Map<number, { startedAt: number; promise: Promise<Stamped<T>> }>();
  /** Reads numbered at or below this are not served (a synchronization was answered after they began). */
  private staleUpTo = 0;
  private changes: Array<{ seq: number; apply: (value: T) => void }> = [];

  constructor(
    private readonly session: SharedSession,
    private readonly fetch: (client: XoperoClient) => Promise<T>,
  ) {}

  /** A read numbered above `after` (the caller's previous read of it) and no older than the bound. */
  get(client: XoperoClient, after: number): Promise<Stamped<T>> {
    const floor = Math.max(after, this.staleUpTo);
    const cached = this.current;
    const age = cached ? this.session.tuning.now() - cached.startedAt : Number.POSITIVE_INFINITY;
    if (cached && cached.seq > floor && age <= this.session.tuning.readMaxAgeMs) {
      // Its failure is not this caller's: the next caller to find the read expired tries again and hears it.
      if (age > this.session.tuning.refreshAheadMs && this.inFlight.size === 0) this.refresh(client).catch(() => undefined);
      return Promise.resolve(cached);
    }
    // The newest read under way is joined only while it is as young as a cached read may be: one begun longer ago
    // (a slow server, a listing of many pages) would answer from data older than the bound, so a new read starts.
    const newest = [...this.inFlight].at(-1);
    if (newest && newest[0] > floor && this.session.tuning.now() - newest[1].startedAt <= this.session.tuning.readMaxAgeMs)
      return newest[1].promise;
    return this.refresh(client);
  }

  /**
   * A change the server confirmed: applied to the cached read now, and to any read under way when it arrives.
   * Kept only while a read is under way (a read begun later already holds it): a listing nobody reads again
   * does not collect every activation of the broker's lifetime.
   */
  record(apply: (value: T) => void): void {
    const seq = this.session.next();
    if (this.inFlight.size > 0) this.changes.push({ seq, apply });
    if (this.current) apply(this.current.value);
  }

  /** The cached value, whatever its age (to find where a change belongs, never to answer a caller). */
  peek(): T | undefined {
    return this.current?.value;
  }

  /** Every read begun so far is stale: the next caller gets a read begun after now. */
  invalidate(): void {
    this.staleUpTo = this.session.next();
  }

  private refresh(client: XoperoClient): Promise<Stamped<T>> {
    const seq = this.session.next();
    const startedAt = this.session.tuning.now();
    const promise = this.fetch(client)
      .then((value) => {
        for (const change of this.changes) if (change.seq > seq) change.apply(value);
        const read = { seq, startedAt, value };
        if (!this.current || seq > this.current.seq) this.current = read;
        return read;
      })
      .finally(() => {
        this.inFlight.delete(seq);
        // A read under way needs every change made since it began (the oldest such read, the most of them);
        // with none under way, the changes older than the cached read are in it.
        const upTo = this.inFlight.size > 0 ? Math.min(...this.inFlight.keys()) : this.current?.seq;
        if (upTo !== undefined) this.changes = this.changes.filter((change) => change.seq > upTo);
      });
    this.inFlight.set(seq, { startedAt, promise });
    return promise;
  }
}

/** An organization's repositories as one listing read them, by id (in the listing's order) and by name. */
interface Listing {
  byId: Map<string, Repository>;
  byName: Map<string, string[]>;
  synchronizationInProgress: boolean;
}

function listingOf(repositories: Repository[], synchronizationInProgress: boolean): Listing {
  const byId = new Map<string, Repository>();
  const byName = new Map<string, string[]>();
  for (const repo of repositories) {
    const id = lower(repo.id);
    if (!byId.has(id)) byName.set(lower(repo.name), [...(byName.get(lower(repo.name)) ?? []), id]);
    byId.set(id, repo);
  }
  return { byId, byName, synchronizationInProgress };
}

/**
 * An organization's plan membership as one read gave it, plus what attachments confirmed since. The plans a
 * caller gets are built once per change and then shared, each with its member lookup (plan-members.ts): the
 * read's ids indexed once per read, and the few ids confirmed since, so a confirmed attachment costs a set
 * lookup and a copy of the plan's id list, not a new index of it.
 */
class Membership {
  private readonly added = new Map<string, { name: string; ids: string[] }>();
  /** Each read plan's ids, lowercased, by plan id (lowercased): indexed once per read, never changed. */
  private readonly readMembers = new Map<string, Set<string>>();
  /** The ids confirmed since the read, lowercased, by plan id (lowercased). */
  private readonly addedMembers = new Map<string, Set<string>>();
  private built?: AssignedPlan[];

  constructor(private readonly read: AssignedPlan[]) {
    for (const plan of read) {
      const members = new Set(plan.repositoryIds.map(lower));
      this.readMembers.set(lower(plan.id), members);
      giveMemberLookup(plan, (id) => members.has(id));
    }
  }

  add(planId: string, planName: string, repositoryId: string): void {
    const plan = lower(planId);
    const id = lower(repositoryId);
    if (this.readMembers.get(plan)?.has(id) || this.addedMembers.get(plan)?.has(id)) return;
    this.addedMembers.set(plan, (this.addedMembers.get(plan) ?? new Set()).add(id));
    const added = this.added.get(plan) ?? { name: planName, ids: [] };
    added.ids.push(repositoryId);
    this.added.set(plan, added);
    this.built = undefined;
  }

  plans(): AssignedPlan[] {
    this.built ??= [
      ...this.read.map((plan) => {
        const added = this.added.get(lower(plan.id));
        return added ? this.withLookup({ ...plan, repositoryIds: [...plan.repositoryIds, ...added.ids] }) : plan;
      }),
      // A plan with no repositories yet is not listed at all: now it has some.
      ...[...this.added]
        .filter(([id]) => !this.readMembers.has(id))
        .map(([id, { name, ids }]) => this.withLookup({ id, name, includeAllRepositories: false, repositoryIds: [...ids] })),
    ];
    return this.built;
  }

  /** A plan built now: its lookup is the read's set and a copy of the ids added so far (its own list's ids). */
  private withLookup(plan: AssignedPlan): AssignedPlan {
    const read = this.readMembers.get(lower(plan.id));
    const since = new Set(this.addedMembers.get(lower(plan.id)));
    giveMemberLookup(plan, (id) => since.has(id) || (read?.has(id) ?? false));
    return plan;
  }
}

/** The one Name filter a single-repository lookup sends (lookup.ts): answered from the listing. */
function nameEquals(filters: Filter[] | undefined): string | undefined {
  if (filters?.length !== 1) return undefined;
  const [filter] = filters;
  const byName = lower(filter.property) === 'name' && lower(filter.operator) === 'eq' && typeof filter.value === 'string';
  return byName ? (filter.value as string) : undefined;
}

interface ActivationWaiter {
  ids: string[];
  client: XoperoClient;
  resolve: (answer: ActivationById) => void;
  reject: (error: unknown) => void;
}

/** The batch's per-id answer (client.ts parsed it), narrowed to one caller's ids in the caller's spelling. */
function answerFor(answer: ActivationById, ids: string[]): ActivationById {
  const activated = new Set(answer.activated.map(lower));
  const failed = new Map([...answer.failed].map(([id, code]) => [lower(id), code]));
  const mine: ActivationById = { activated: [], failed: new Map(), unconfirmed: [] };
  if (answer.otherErrors) mine.otherErrors = answer.otherErrors;
  for (const id of ids) {
    const code = failed.get(lower(id));
    if (code !== undefined) mine.failed.set(id, code);
    else if (activated.has(lower(id))) mine.activated.push(id);
    else mine.unconfirmed.push(id);
  }
  return mine;
}

/** A synchronization of one organization that callers share: those that arrived before it was sent. */
interface SyncRound {
  /** Set when the request goes out; until then every caller may join. */
  sentSeq?: number;
  answered: Promise<void>;
}

export class SharedSession {
  readonly tuning: SessionTuning;
  private seq = 0;
  private readonly organizations: SharedRead<Organization[]>;
  private readonly listings = new Map<string, SharedRead<Listing>>();
  private readonly memberships = new Map<string, SharedRead<Membership>>();
  private readonly syncs = new Map<string, SyncRound>();
  private activationQueue: ActivationWaiter[] = [];
  private activationTimer?: NodeJS.Timeout;
  /** The oldest queued activation has waited its window: the queue goes out as soon as a call slot is free. */
  private activationWindowOver = false;
  private activationsInFlight = 0;
  private readonly attachmentsInFlight = new Map<string, Promise<void>>();
  /** Ids (lower-cased) in an activation call under way -> that call's answer. */
  private readonly activating = new Map<string, Promise<ActivationById>>();
  private attachSlots = ATTACHMENTS_IN_FLIGHT;
  private readonly attachWaiting: Array<() => void> = [];

  constructor(tuning: Partial<SessionTuning> = {}) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.organizations = new SharedRead(this, (client) => client.listOrganizations());
  }

  /** One run's share of the session; `client` is the run's own (its count, its malformed-answer stop). */
  caller(client: XoperoClient): XoperoApi {
    return new SessionCaller(this, client, this.next());
  }

  /** The next sequence number. */
  next(): number {
    this.seq += 1;
    return this.seq;
  }

  organizationsRead(client: XoperoClient, after: number): Promise<Stamped<Organization[]>> {
    return this.organizations.get(client, after);
  }

  listingRead(client: XoperoClient, organizationId: string, after: number): Promise<Stamped<Listing>> {
    return this.listingOf(organizationId).get(client, after);
  }

  membershipRead(client: XoperoClient, organizationId: string, after: number): Promise<Stamped<Membership>> {
    let read = this.memberships.get(lower(organizationId));
    if (!read) {
      read = new SharedRead(this, async (c) => new Membership(await c.listAssignedPlans(organizationId)));
      this.memberships.set(lower(organizationId), read);
    }
    return read.get(client, after);
  }

  private listingOf(organizationId: string): SharedRead<Listing> {
    let read = this.listings.get(lower(organizationId));
    if (!read) {
      read = new SharedRead(this, async (c) => {
        const { repositories, synchronizationInProgress } = await c.listRepositories(organizationId);
        return listingOf(repositories, synchronizationInProgress);
      });
      this.listings.set(lower(organizationId), read);
    }
    return read;
  }

  // ---- activations -----------------------------------------------------------------------------------

  activate(client: XoperoClient, ids: string[]): Promise<ActivationById> {
    return new Promise((resolve, reject) => {
      this.activationQueue.push({ ids, client, resolve, reject });
      this.sendActivations();
    });
  }

  /** Sends what the window collected, ACTIVATION_BATCH ids a call, at most ACTIVATIONS_IN_FLIGHT at once. */
  private sendActivations(): void {
    while (this.activationQueue.length > 0 && this.activationsInFlight < ACTIVATIONS_IN_FLIGHT) {
      const queued = this.activationQueue.reduce((sum, waiter) => sum + waiter.ids.length, 0);
      if (queued < ACTIVATION_BATCH && !this.activationWindowOver) {
        this.activationTimer ??= setTimeout(() => {
          this.activationTimer = undefined;
          this.activationWindowOver = true;
          this.sendActivations();
        }, this.tuning.activationWindowMs);
        return;
      }
      const batch = this.takeBatch();
      if (this.activationQueue.length === 0) {
        // The next activation opens a window of its own.
        this.activationWindowOver = false;
        clearTimeout(this.activationTimer);
        this.activationTimer = undefined;
      }
      void this.sendBatch(batch);
    }
  }

  /** Whole callers, up to ACTIVATION_BATCH ids (a caller asking for more goes alone, as it asked). */
  private takeBatch(): ActivationWaiter[] {
    let count = 1;
    let size = this.activationQueue[0].ids.length;
    while (count < this.activationQueue.length && size + this.activationQueue[count].ids.length <= ACTIVATION_BATCH) {
      size += this.activationQueue[count].ids.length;
      count += 1;
    }
    return this.activationQueue.splice(0, count);
  }

  private async sendBatch(batch: ActivationWaiter[]): Promise<void> {
    this.activationsInFlight += 1;
    // Two callers of one repository in one window: its id goes once. One already in an activation call under
    // way (a caller that read it before that call was answered) is not sent again: two calls for one id at
    // once are not what "activating a protected repository again changes nothing" covers; its caller gets
    // that call's answer.
    const ids = [...new Map(batch.flatMap((waiter) => waiter.ids).map((id) => [lower(id), id])).values()];
    // Each id -> the call that answers for it: this batch's, or the one under way that already holds it.
    const callFor = new Map<string, Promise<ActivationById>>();
    for (const id of ids) {
      const underWay = this.activating.get(lower(id));
      if (underWay) callFor.set(lower(id), underWay);
    }
    const fresh = ids.filter((id) => !callFor.has(lower(id)));
    const sending = fresh.length > 0 ? batch[0].client.activate(fresh) : undefined;
    if (sending) {
      for (const id of fresh) {
        this.activating.set(lower(id), sending);
        callFor.set(lower(id), sending);
      }
      // Recorded before any caller hears the answer (callbacks run in the order they were added).
      sending.then((answer) => this.recordActivated(answer.activated)).catch(() => undefined);
    }
    try {
      await Promise.all(
        batch.map(async (waiter) => {
          try {
            const answers = await Promise.all([...new Set(waiter.ids.map((id) => callFor.get(lower(id)) as Promise<ActivationById>))]);
            const merged: ActivationById = {
              activated: answers.flatMap((answer) => answer.activated),
              failed: new Map(answers.flatMap((answer) => [...answer.failed])),
              unconfirmed: [],
            };
            const otherErrors = [...new Set(answers.flatMap((answer) => answer.otherErrors ?? []))];
            if (otherErrors.length > 0) merged.otherErrors = otherErrors;
            waiter.resolve(answerFor(merged, waiter.ids));
          } catch (error) {
            waiter.reject(error);
          }
        }),
      );
    } finally {
      if (sending) for (const id of fresh) if (this.activating.get(lower(id)) === sending) this.activating.delete(lower(id));
      this.activationsInFlight -= 1;
      this.sendActivations();
    }
  }

  /** Ids the answer lists under `success` hold a license now, in whichever organization's listing has them. */
  private recordActivated(ids: string[]): void {
    if (ids.length === 0) return;
    for (const listing of this.listings.values()) {
      listing.record((value) => {
        for (const id of ids) {
          const repo = value.byId.get(lower(id));
          if (repo && !repo.isProtected) value.byId.set(lower(id), { ...repo, isProtected: true });
        }
      });
    }
  }

  // ---- attachments -----------------------------------------------------------------------------------

  attach(client: XoperoClient, planId: string, repositoryId: string): Promise<void> {
    const key = `${lower(planId)} ${lower(repositoryId)}`;
    let attaching = this.attachmentsInFlight.get(key);
    if (!attaching) {
      attaching = this.withAttachSlot(() => client.attach(planId, repositoryId))
        .then(() => this.recordAttached(planId, repositoryId))
        .finally(() => this.attachmentsInFlight.delete(key));
      this.attachmentsInFlight.set(key, attaching);
    }
    return attaching;
  }

  private async withAttachSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.attachSlots === 0) await new Promise<void>((resolve) => this.attachWaiting.push(resolve));
    else this.attachSlots -= 1;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, or back to the pool.
      const next = this.attachWaiting.shift();
      if (next) next();
      else this.attachSlots += 1;
    }
  }

  /** The server answered 200: the repository is in the plan, in the membership read of the plan's organization. */
  private recordAttached(planId: string, repositoryId: string): void {
    const organization = this.organizationOfPlan(planId);
    const membership = organization && this.memberships.get(lower(organization.id));
    if (!organization || !membership) {
      // The plan's organization is not in the cached list: no read can be updated, so none is served again.
      for (const read of this.memberships.values()) read.invalidate();
      return;
    }
    const name = organization.plans?.find((plan) => lower(plan.id) === lower(planId))?.name ?? '';
    membership.record((value) => value.add(planId, name, repositoryId));
  }

  private organizationOfPlan(planId: string): Organization | undefined {
    return this.organizations.peek()?.find((org) => org.plans?.some((plan) => lower(plan.id) === lower(planId)));
  }

  // ---- synchronization -------------------------------------------------------------------------------

  /**
   * A synchronization that covers a caller who arrived at `arrival`: the one collecting callers now, or one sent
   * after the caller arrived (its repository existed at the Git service before its pipeline asked, so such a
   * synchronization sees it). A synchronization sent earlier may have missed it: then a new one.
   */
  synchronize(client: XoperoClient, organizationId: string, arrival: number): Promise<void> {
    const key = lower(organizationId);
    const latest = this.syncs.get(key);
    if (latest && (latest.sentSeq === undefined || latest.sentSeq > arrival)) return latest.answered;
    const round: SyncRound = {
      answered: new Promise<void>((resolve) => setTimeout(resolve, this.tuning.syncWindowMs))
        .then(() => {
          round.sentSeq = this.next();
          return client.synchronize(organizationId);
        })
        // What was read before the server began synchronizing says nothing about what it found.
        .then(() => this.listingOf(organizationId).invalidate())
        .catch((error: unknown) => {
          if (this.syncs.get(key) === round) this.syncs.delete(key);
          throw error;
        }),
    };
    this.syncs.set(key, round);
    return round.answered;
  }

  /** After a call whose answer does not say what changed (release, Azure DevOps): nothing read before is served. */
  invalidateAll(): void {
    for (const read of [...this.listings.values(), ...this.memberships.values()]) read.invalidate();
  }
}

/** What one caller has been served: each of its reads is newer than its previous read of the same thing. */
class SessionCaller implements XoperoApi {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly session: SharedSession,
    private readonly client: XoperoClient,
    /** When the caller arrived, as a sequence number. */
    private readonly arrival: number,
  ) {}

  get requestCount() {
    return this.client.requestCount;
  }

  progress() {
    return this.client.progress();
  }

  /** The callers' clients share one sign-in: the first call logs in, the others find the token. */
  login() {
    return this.client.login();
  }

  async listOrganizations(): Promise<Organization[]> {
    const read = this.served('organizations', await this.session.organizationsRead(this.client, this.after('organizations')));
    return [...read];
  }

  /**
   * From the shared listing: the records of one name (the lookup's Name filter, compared exactly here, as the
   * core compares it again), or all of them (through `keep`). Any other filter goes to the server.
   */
  async listRepositories(organizationId: string, filters?: Filter[], keep?: (repo: Repository) => boolean) {
    const name = nameEquals(filters);
    if (filters?.length && name === undefined) return this.client.listRepositories(organizationId, filters, keep);
    const key = `repositories ${lower(organizationId)}`;
    const listing = this.served(key, await this.session.listingRead(this.client, organizationId, this.after(key)));
    const all =
      name === undefined ? [...listing.byId.values()] : (listing.byName.get(lower(name)) ?? []).flatMap((id) => listing.byId.get(id) ?? []);
    const repositories = keep ? all.filter(keep) : all;
    return { repositories, synchronizationInProgress: listing.synchronizationInProgress, listed: all.length };
  }

  async synchronizationInProgress(organizationId: string): Promise<boolean> {
    return (await this.listRepositories(organizationId, [])).synchronizationInProgress;
  }

  /** Only a shard of a sweep asks this (never a broker's run): straight to the server. */
  synchronizationState(organizationId: string) {
    return this.client.synchronizationState(organizationId);
  }

  async listAssignedPlans(organizationId: string): Promise<AssignedPlan[]> {
    const key = `plans ${lower(organizationId)}`;
    return [...this.served(key, await this.session.membershipRead(this.client, organizationId, this.after(key))).plans()];
  }

  activate(repositoryIds: string[]): Promise<ActivationById> {
    return this.session.activate(this.client, repositoryIds);
  }

  attach(planId: string, repositoryId: string): Promise<void> {
    return this.session.attach(this.client, planId, repositoryId);
  }

  synchronize(organizationId: string): Promise<void> {
    return this.session.synchronize(this.client, organizationId, this.arrival);
  }

  // Release and Azure DevOps projects: the broker runs neither (ensure and check only). They go straight to the
  // server; their answers do not give the new state of the shared reads, so those are read again.
  attachAzureProject(planId: string, projectId: string) {
    return this.client.attachAzureProject(planId, projectId);
  }

  detachAzureProject(planId: string, projectId: string) {
    return this.client.detachAzureProject(planId, projectId);
  }

  deactivate(repositoryIds: string[]) {
    return this.changing(this.client.deactivate(repositoryIds));
  }

  detach(planId: string, repositoryId: string) {
    return this.changing(this.client.detach(planId, repositoryId));
  }

  remove(repositoryId: string) {
    return this.changing(this.client.remove(repositoryId));
  }

  private changing<T>(call: Promise<T>): Promise<T> {
    return call.finally(() => this.session.invalidateAll());
  }

  /** The number of the caller's previous read of `key` (0: none): its next one must be newer. */
  private after(key: string): number {
    return this.seen.get(key) ?? 0;
  }

  private served<T>(key: string, read: Stamped<T>): T {
    this.seen.set(key, read.seq);
    return read.value;
  }
}
