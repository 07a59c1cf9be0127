/**
 * The broker's HTTPS server (docs/broker.md, How it works): `GET /healthz`, `GET /.well-known/xopero-broker` and
 * `POST /v1/protect`. A protect request passes, in this order: the body limit, the token (verify.ts), the body's
 * fields, the replay cache, the policy (policy.ts), the repository's rate limit and a run slot (limits.ts); only
 * then is the token recorded as used and the core run, for exactly the repository the token names, with
 * ensure or check and at most a dry run. A request refused anywhere before the core makes no Xopero ONE request.
 *
 * Why the token is recorded only just before the core runs: a 429 or 503 did nothing, so the client may repeat
 * the same request with the same token; an answer lost after the core ran cannot be repeated (token_replayed).
 *
 * An answer never repeats what the caller sent (the path, header values, the token's unverified fields, the
 * body's values or field names): every answer is masked with the broker's Xopero ONE credential registered as
 * secrets, so an echoed guess equal to the password would come back masked and confirm it. What the caller
 * sent is in the audit line, for the operator.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { InputError, XoperoError, changesBeforeStop, describeError } from '../../common/errors.js';
import { redact, redactKeeping } from '../../common/redact.js';
import { VERSION } from '../../common/version.js';
import type { Log } from '../../core/log.js';
import { runWithClient, type RunOutcome } from '../../core/run-with-client.js';
import { pinnedOrganization, type BrokerConfig } from '../../settings/broker-config.js';
import { parseSettings, type RawInputs, type Settings } from '../../settings/settings.js';
import type { HostWords } from '../../common/words.js';
import { auditLine, type AuditLine } from './audit.js';
import { ReplayCache, RepositoryRateLimit, RunSlots } from './limits.js';
import { checkOwner, checkWorkflow, choosePlan } from './policy.js';
import { Refusal, tokenRefusal } from './refusal.js';
import { TokenVerifier } from './verify.js';
import { createBrokerXopero } from './xopero.js';

export interface BrokerIo {
  env: NodeJS.ProcessEnv;
  /** Audit lines. */
  stdout: (text: string) => void;
  /** The broker's own log (start, stop, warnings). */
  stderr: (text: string) => void;
}

export interface RunningBroker {
  url: string;
  /** Stops accepting, lets the requests in flight finish, closes the connections to Xopero ONE and the issuers. */
  stop(): Promise<void>;
}

/** The body's fields (docs/broker.md, How it works); any other field is refused, never read. */
interface ProtectRequest {
  mode: 'ensure' | 'check';
  dryRun: boolean;
  plan?: string;
}

/** The broker's words for settings: the server-side ones are its config's fields; the others as the protocol names them. */
const BROKER_WORDS: HostWords = {
  name: (input) => CONFIG_FIELDS[input] ?? input,
  set: (input, value) => `${CONFIG_FIELDS[input] ?? input}: ${value}`,
  inputError: (input, problem) => `${CONFIG_FIELDS[input] ?? input}: ${problem}`,
  withholdsNames: true,
  secrets: {
    credentials: "the broker's xopero.emailVariable and xopero.passwordVariable",
    token: "the broker's xopero.accessTokenVariable",
  },
};
const CONFIG_FIELDS: Record<string, string> = {
  'server-url': "the broker's xopero.serverUrl",
  'ca-certificate': "the broker's xopero.caCertificateFile",
  'allow-http': "the broker's xopero.allowHttp",
  'access-token': "the broker's xopero.accessTokenVariable",
  email: "the broker's xopero.emailVariable",
  password: "the broker's xopero.passwordVariable",
  'wait-timeout': "the broker's limits.waitTimeoutSeconds",
  // Two organizations of the owner's name (one per Git service): the operator pins the owner to one of them;
  // none: the operator adds it to Xopero ONE. Said to a caller, who cannot do either.
  organization: "ask the broker's operator (issuers[].organizations, or the organization in Xopero ONE)",
  plan: "ask the broker's operator (the plans of its config, or the plan in Xopero ONE)",
};

export async function startBroker(config: BrokerConfig, io: BrokerIo): Promise<RunningBroker> {
  // The Xopero ONE half of the settings, checked now: a bad server URL fails the start, not every request, in one
  // line naming the config's field (an InputError would name the action's input).
  let baseSettings: Settings;
  try {
    baseSettings = brokerSettings(config, { repository: 'owner/name', plan: undefined, mode: 'ensure', dryRun: false });
  } catch (error) {
    if (error instanceof InputError) throw new XoperoError(`Broker config: ${BROKER_WORDS.inputError(error.input, error.problem)}`);
    throw error;
  }
  const xopero = createBrokerXopero(baseSettings, io.env, (reason) =>
    io.stderr(`xopero-one broker: retrying a Xopero ONE request after ${reason}\n`),
  );
  const verifier = new TokenVerifier(config, io.env);
  const replays = new ReplayCache();
  const rateLimit = new RepositoryRateLimit(config.limits.perRepository);
  const slots = new RunSlots({ concurrent: config.limits.maxConcurrent, queued: config.limits.maxQueued });
  let stopping = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = Date.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const audit: AuditLine = {
      time: new Date(started).toISOString(),
      id: randomUUID(),
      method: req.method ?? '',
      path,
      remote: req.socket.remoteAddress,
      status: 0,
      decision: 'refused',
      xoperoRequests: { total: 0, mutating: 0 },
      durationMs: 0,
    };
    if (stopping) res.setHeader('connection', 'close');
    if (req.method === 'GET' && path === '/healthz') {
      return send(res, stopping ? 503 : 200, { status: stopping ? 'stopping' : 'ok' });
    }
    if (req.method === 'GET' && path === '/.well-known/xopero-broker') {
      return send(res, 200, { audience: config.audience, version: VERSION });
    }
    inFlight += 1;
    // The audit line is written before the answer is sent: whoever has the answer can find its line.
    const answer = (status: number, document: unknown) => {
      audit.status = status;
      audit.durationMs = Date.now() - started;
      io.stdout(auditLine(audit));
      send(res, status, document, [audit.repository]);
    };
    try {
      if (path !== '/v1/protect') throw new Refusal(404, 'not_found', 'There is nothing at this path: the broker serves POST /v1/protect.');
      if (req.method !== 'POST') throw new Refusal(405, 'method_not_allowed', 'Use POST for /v1/protect.');
      if (stopping) throw new Refusal(503, 'stopping', 'The broker is stopping: retry; another copy or the restarted one answers.', 1);
      const outcome = await protect(req, audit);
      audit.decision = 'ran';
      audit.changed = outcome.result.changed;
      audit.problems = outcome.result.problems.length;
      audit.xoperoRequests = outcome.requests;
      answer(200, { outcome });
    } catch (error) {
      const refusal = asRefusal(error);
      audit.code = refusal.code;
      if (refusal.detail) io.stderr(`xopero-one broker: [${audit.id}] ${refusal.code}: ${redact(refusal.detail)}\n`);
      audit.decision = refusal.status >= 500 && refusal.status !== 503 ? 'failed' : 'refused';
      if (refusal.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(refusal.retryAfterSeconds));
      // A body the broker did not read to its end must not be taken for the next request on this connection.
      if (refusal.status === 413) res.setHeader('connection', 'close');
      // send() redacts it, keeping the token's repository as the caller sent it (redactKeeping).
      const changes = refusal.changesConfirmed > 0 ? { changesConfirmed: refusal.changesConfirmed } : {};
      answer(refusal.status, { error: { code: refusal.code, message: refusal.message, ...changes } });
    } finally {
      inFlight -= 1;
      if (stopping && inFlight === 0) drained?.();
    }
  };

  /** Every check, then the core; fills the audit line as it learns who asks for what. */
  const protect = async (req: http.IncomingMessage, audit: AuditLine): Promise<RunOutcome> => {
    const body = await readBody(req, config.limits.maxBodyBytes);
    const token = bearerToken(req.headers.authorization);
    const { caller, issuer } = await verifier.verify(token);
    Object.assign(audit, {
      issuer: caller.issuer,
      subject: caller.subject,
      repository: caller.repository,
      ref: caller.ref,
      workflow: caller.workflow,
    });
    const request = parseRequest(body);
    Object.assign(audit, { mode: request.mode, dryRun: request.dryRun });
    if (replays.has(caller.replayKey)) {
      throw tokenRefusal('token_replayed', 'This identity token was used already: request a fresh one for every call.');
    }
    checkOwner(caller, issuer);
    checkWorkflow(caller, issuer);
    const plan = choosePlan(caller.repository, request.plan, config.plans);
    audit.plan = plan;
    rateLimit.take(caller.repository);
    return slots.run(async () => {
      // Checked again: a request with the same token may have been admitted while this one waited.
      if (replays.has(caller.replayKey))
        throw tokenRefusal('token_replayed', 'This identity token was used already: request a fresh one for every call.');
      // And its expiry: the replay cache keeps a token only until then, so a copy that waited past it would find
      // no entry and run again.
      if (Date.now() >= caller.expiresAtMs)
        throw tokenRefusal('token_expired', 'The identity token expired while the request waited: request a fresh one and retry.');
      replays.add(caller.replayKey, caller.expiresAtMs);
      // The issuer's pin of the owner (config organizations): that organization, not any of the owner's name.
      const organization = pinnedOrganization(issuer, caller.repository);
      const settings = brokerSettings(config, {
        repository: caller.repository,
        organization,
        plan,
        mode: request.mode,
        dryRun: request.dryRun,
      });
      const client = xopero.clientFor(settings);
      try {
        return await runWithClient(settings, client, { log: warningsTo(io.stderr, audit.id) });
      } catch (error) {
        // The core could not finish (Xopero ONE unreachable, refused the broker's credential, a plan it lacks,
        // ...): its one line, and the requests it did send (a login refused is one) in the audit line.
        audit.xoperoRequests = { ...client.progress().requests };
        const changesConfirmed = changesBeforeStop(error);
        if (changesConfirmed > 0) audit.changed = true;
        throw new Refusal(502, 'xopero_failed', describeError(error), undefined, undefined, changesConfirmed);
      }
    });
  };

  // A TLS handshake not done within the headers timeout is dropped (node's default waits 120 s), so a client
  // that opens connections and stalls holds each for seconds, not minutes.
  // Node checks the headers and request timeouts of open connections only this often (its default, 30 s, let a
  // stalled request hold its connection up to 30 s past either timeout: measured 29.99 s for a 1 s timeout).
  const connectionsCheckingInterval = Math.min(1000, config.limits.headersTimeoutMs);
  const server = config.tls
    ? https.createServer(
        { cert: config.tls.cert, key: config.tls.key, handshakeTimeout: config.limits.headersTimeoutMs, connectionsCheckingInterval },
        (req, res) => void handle(req, res),
      )
    : http.createServer({ connectionsCheckingInterval }, (req, res) => void handle(req, res));
  server.headersTimeout = config.limits.headersTimeoutMs;
  server.requestTimeout = config.limits.requestTimeoutMs;
  // Open connections are capped (each holds about 57 KB with TLS): the runs the broker takes (running and
  // queued) and as many again for health checks, refusals on their way out and idle keep-alive connections.
  // Connections beyond it are closed at once.
  server.maxConnections = maxConnections(config.limits);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, config.listen)));
    server.listen({ port: config.listen.port, host: config.listen.host, backlog: listenBacklog(config.limits) }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;

  return {
    url,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections end now; busy ones after their answer (sent with connection: close).
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      server.closeIdleConnections();
      await closed;
      await Promise.all([xopero.close(), verifier.close()]);
    },
  };
}

/** Why the broker could not listen, in one line naming the config's listen fields (not an "unexpected error"). */
export function listenError(error: NodeJS.ErrnoException, listen: { host: string; port: number }): XoperoError {
  const where = `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new XoperoError(`Cannot listen on ${where}: the port is in use; stop the other process, or set listen.port to a free port.`);
    case 'EACCES':
      return new XoperoError(
        `Cannot listen on ${where}: this user may not open that port (below 1024 needs privileges); set listen.port to 1024 or above (a reverse proxy can serve 443), or grant the capability CAP_NET_BIND_SERVICE.`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      return new XoperoError(
        `Cannot listen on ${where}: listen.host is not an address of this machine (${error.code}); give one of its IP addresses, 127.0.0.1, or 0.0.0.0 for all (the port goes in listen.port).`,
      );
    default:
      return new XoperoError(`Cannot listen on ${where} (${error.code ?? error.message}): check listen.host and listen.port.`);
  }
}

/**
 * The kernel's queue of connections not yet accepted: as many as the broker takes requests (running and
 * waiting). A burst's connections arrive faster than a busy event loop accepts them, and a connection that
 * finds the queue full is dropped and retried by its client 1 s later, then 3 s (measured: with node's
 * default of 511, 701 of a burst of 1,000 new connections within 1 s were dropped). Linux caps it at
 * net.core.somaxconn (4096 by default).
 */
export function listenBacklog(limits: Pick<BrokerConfig['limits'], 'maxConcurrent' | 'maxQueued'>): number {
  return Math.max(511, Math.min(65_535, limits.maxConcurrent + limits.maxQueued));
}

/** The cap on open connections: twice the runs the broker takes, running and queued (at least 1,024). */
export function maxConnections(limits: Pick<BrokerConfig['limits'], 'maxConcurrent' | 'maxQueued'>): number {
  return Math.max(1024, 2 * (limits.maxConcurrent + limits.maxQueued));
}

/** The run's settings through the same parseSettings as every host: config + the token's repository + the body. */
function brokerSettings(
  config: BrokerConfig,
  request: { repository: string; organization?: string; plan?: string; mode: string; dryRun: boolean },
): Settings {
  const raw: RawInputs = {
    ...config.xopero,
    repository: request.repository,
    organization: request.organization,
    plan: request.plan,
    mode: request.mode,
    'dry-run': String(request.dryRun),
    'wait-timeout': String(config.limits.waitTimeoutSeconds),
    activate: 'true',
    sync: 'auto',
  };
  try {
    return parseSettings(raw, BROKER_WORDS);
  } catch (error) {
    if (error instanceof InputError && error.input === 'repository') {
      throw new Refusal(400, 'repository_invalid', `The token's repository '${request.repository}' is not a repository path.`);
    }
    throw error;
  }
}

function bearerToken(header: string | undefined): string {
  if (!header) throw tokenRefusal('token_missing', 'No identity token: send the CI job\'s OIDC token as "Authorization: Bearer <token>".');
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw tokenRefusal('token_malformed', 'The Authorization header is not "Bearer <token>".');
  return match[1];
}

/**
 * The body, at most `limit` bytes. A larger one is refused with 413 once it has been read to its end (and
 * dropped), so the client, still sending, reads the answer instead of a reset connection; past DRAIN_LIMIT the
 * broker answers at once and the connection closes.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () =>
    new Refusal(413, 'body_too_large', `The request body is larger than ${limit} bytes; send only mode, dryRun and plan.`);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > DRAIN_LIMIT) {
        req.off('data', onData).off('end', onEnd);
        req.pause();
        reject(tooLarge());
      }
    };
    const onEnd = () => (size > limit ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8')));
    // A request that ends before its body did: Node answered 408 (limits.requestTimeoutMs) or the client left.
    // A refusal of the request, not a fault of the broker (it was logged as 500 broker_error, a false alarm).
    const incomplete = () =>
      reject(
        new Refusal(
          408,
          'request_incomplete',
          'The request did not arrive whole: the client closed the connection, or its body took longer than limits.requestTimeoutMs.',
        ),
      );
    req
      .on('data', onData)
      .on('end', onEnd)
      .on('error', incomplete)
      .on('close', () => {
        if (!req.complete) incomplete();
      });
  });
}
const DRAIN_LIMIT = 1024 * 1024;

function parseRequest(text: string): ProtectRequest {
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new Refusal(
        400,
        'request_invalid',
        'The body is not JSON: send {"mode": "ensure"|"check", "dryRun": true|false, "plan": "<name>"}.',
      );
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Refusal(400, 'request_invalid', 'The body must be a JSON object.');
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !['mode', 'dryRun', 'plan'].includes(key));
  if (unknown.length > 0) {
    throw new Refusal(
      400,
      'request_field_not_allowed',
      `The body holds ${unknown.length === 1 ? 'a field' : `${unknown.length} fields`} the broker does not take: it may hold only mode, dryRun and plan (the repository comes from the identity token alone).`,
    );
  }
  const mode = fields.mode ?? 'ensure';
  if (mode !== 'ensure' && mode !== 'check')
    throw new Refusal(400, 'mode_not_allowed', 'The mode asked for is not offered by the broker: use ensure or check.');
  const dryRun = fields.dryRun ?? false;
  if (typeof dryRun !== 'boolean') throw new Refusal(400, 'request_invalid', 'dryRun must be true or false.');
  const plan = fields.plan;
  if (plan !== undefined && (typeof plan !== 'string' || !plan.trim()))
    throw new Refusal(400, 'request_invalid', 'plan must be a non-empty string.');
  return { mode, dryRun, plan: plan?.trim() };
}

function asRefusal(error: unknown): Refusal {
  if (error instanceof Refusal) return error;
  if (error instanceof XoperoError) return new Refusal(500, 'broker_error', error.message);
  return new Refusal(500, 'broker_error', describeError(error));
}

function send(res: http.ServerResponse, status: number, document: unknown, echoed: Array<string | undefined> = []): void {
  // Every text of every answer is redacted, the run's outcome included: a Xopero ONE error message that echoes
  // the broker's own password or session token must not reach the job that asked. Text values only: redacting
  // the JSON text itself could cut a number or a key that happens to hold a secret's digits, and break the answer.
  // What the caller sent and the answer echoes (the token's repository) is kept as sent (redactKeeping).
  const body = JSON.stringify(document, (_key, value: unknown) => (typeof value === 'string' ? redactKeeping(value, echoed) : value));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** The core's log for one request: info lines are dropped (the audit line says what happened), warnings kept. */
function warningsTo(stderr: (text: string) => void, id: string): Log {
  return {
    info: () => undefined,
    warning: (line) => stderr(`xopero-one broker: [${id}] warning: ${redact(line)}\n`),
    group: (_title, work) => work(),
  };
}
