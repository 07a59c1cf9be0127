// The simulator's public types: its options, its state as tests see it, faults and the request log.
export interface SimulatorUser {
  email: string;
  password: string;
  roles: string[];
}

export interface SimulatorOptions {
  /** Up to this many ms added at random to every request's latency (see `seed`). */
  jitterMs?: number;
  /** Seed of the jitter's PRNG. */
  seed?: number;
  /** Serve HTTPS with the test CA from ensureCertificates (default true); false serves plain HTTP. */
  tls?: boolean;
  /** Where ensureCertificates keeps the test CA (default testbed/.certs/). */
  certDir?: string;
  /** Delay before answering every request. */
  latencyMs?: number;
  /** Largest page size honoured; a larger `limit` is silently reduced to it. */
  pageCap?: number;
  /** 'substring': a Name filter matches case-insensitive substrings; 'ignore': filters are ignored. */
  filterMode?: 'substring' | 'ignore';
  users?: SimulatorUser[];
  /** Free licenses available to /git/repositories/activate. */
  licenses?: number;
  /** How long /git/repositories/sync keeps synchronizationInProgress set. */
  syncDurationMs?: number;
  host?: string;
  port?: number;
  /**
   * How /git/repositories/getmany orders repositories: 'name' (default) as asked (orderby Name), or 'scrambled':
   * an order fixed for this simulator's life and set by `seed`, unrelated to the names, as a server with another
   * collation or an index that ignores orderby would give. Nothing in the product may depend on the listing order.
   */
  listOrder?: 'name' | 'scrambled';
}

/** State objects are live: a test may change a field directly (e.g. `repo.isProtected = false`). */
export interface SimOrg {
  id: string;
  name: string;
  /** Git service kind, as in the docs' examples (1, 2, ...). */
  driver: number;
  apiUrl: string | null;
  isReadOnly: boolean;
  defaultWorkerId: string;
  isCreatedByMarketplace: boolean;
  synchronizationInProgress: boolean;
  /** Epoch ms at which the running synchronization completes. */
  syncEndsAt?: number;
  lastSynchronizationRepositoriesStartTime: number;
}

export interface SimRepo {
  id: string;
  serverId: string;
  organizationId: string;
  /** Full path, `org/repo`. */
  name: string;
  lastBackup: number;
  lastSuccessfulBackup: number;
  nextBackup: number;
  isProtected: boolean;
  isRemoved: boolean;
  status: number;
  lastBackupTaskStatus: number;
  isPublic: boolean;
  /** Exists at the Git service but Xopero ONE only learns of it when a sync of its organization completes. */
  pendingSync: boolean;
  /** Epoch ms it was created at the Git service (default 0: long ago); a sync that started earlier misses it. */
  createdAt: number;
}

export interface SimPlan {
  id: string;
  organizationId: string;
  name: string;
  backupType: number;
  includeMetadata: boolean;
  includeAllRepositories: boolean;
  repositoryIds: string[];
  lastStatus: { successes: number; warnings: number; errors: number };
  planFinishedTime: number;
  isRunning: boolean;
  /**
   * How an Azure DevOps plan chooses its projects (default 'individual'). plans/AttachAzureProject and
   * DetachAzureProject "work only for plans with individual project selection": others are refused.
   */
  projectSelection: 'individual' | 'all' | 'rules';
  /** Azure DevOps projects selected one by one. */
  projectIds: string[];
}

/** An Azure DevOps project Xopero ONE knows in an organization (no API call lists them). */
export interface SimAzureProject {
  id: string;
  organizationId: string;
  name: string;
}

export type OrgInit = { name: string; id?: string; driver?: number };
export type PlanInit = Partial<Omit<SimPlan, 'organizationId'>> & { name: string };
export type RepoInit = Partial<Omit<SimRepo, 'organizationId' | 'serverId'>> & { name: string };

export interface Fault {
  /** Request path to match, e.g. '/git/repositories/getmany' (case-insensitive); omitted = any path. */
  path?: string;
  /** Answer with this status instead of processing the request. */
  status?: number;
  retryAfter?: string | number;
  /** A Location header sent with `status` (a redirect's target). */
  location?: string;
  /** Body sent with `status`: JSON unless a string (sent as text/plain). Default: an errorCode body. */
  body?: unknown;
  /** Destroy the connection without answering (takes precedence over `status`). */
  drop?: boolean;
  /** Extra delay on top of latencyMs; a fault with only a delay is then processed normally. */
  delayMs?: number;
  /**
   * Held until this settles (after any delay), then processed normally: a wait on an event of the test's
   * choosing rather than on the clock ("answer once the client has loaded X").
   */
  hold?: () => Promise<unknown>;
  /** How many matching requests this fault applies to (default 1). */
  times?: number;
  /** Process the request (state changes) before dropping/replacing the answer: a lost response. */
  afterApply?: boolean;
  /** Content type of `body` (default: JSON for an object, text/plain for a string): a body that lies about its type. */
  contentType?: string;
  /** Process the request normally, then answer `transform(answer)` instead: a server whose answer breaks the documented shape. */
  transform?: (answer: unknown) => unknown;
  /** Invalidate every token when this request arrives (before it is authorized): a revocation while requests are in flight. */
  revokeTokens?: boolean;
  /**
   * Hold the request, once arrived and matched, until this settles, then go on (revokeTokens, delay, answer).
   * With `Simulator.whenRequests` a test orders answers by events: "answer these once N are in flight", "answer
   * this one only after a request with another token came in".
   */
  holdUntil?: PromiseLike<unknown>;
  /** Called when the request arrives: a test learns, without polling, that a client is now waiting on it. */
  onArrival?: () => void;
}

export interface RequestRecord {
  method: string;
  /** Lower-cased, without query string or trailing slash. */
  path: string;
  /** Parsed JSON body; undefined when absent or malformed. */
  body: unknown;
  authorization?: string;
  /** 0 while in flight, or when the connection closed without an answer. */
  status: number;
  /** Number of the connection that carried it (1, 2, ... as connections are established): equal ids = reuse. */
  connectionId: number;
  startedAt: number;
  endedAt: number;
}
