/**
 * The broker's configuration file (`xopero-one broker --config FILE`): JSON, read and checked once at start
 * into one typed object. A bad file fails in one line naming the field (`issuers[1].kind: ...`). Secrets are
 * never in the file: it names the environment variables that hold the Xopero ONE credential, and those are
 * read here, at start, so a missing variable fails before the first request is accepted.
 *
 * Decision: JSON, not YAML. JSON needs no parser in the bundle, and a config is written once by an operator;
 * unknown fields are refused (a typo such as "owner" for "owners" must not silently widen or narrow a policy).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { XoperoError } from '../common/errors.js';
import { addSecret } from '../common/redact.js';
import { GUID, type RawInputs } from './settings.js';

export type IssuerKind = 'github' | 'gitlab' | 'bitbucket';

export interface IssuerConfig {
  /** The token's `iss`, exactly. */
  issuer: string;
  kind: IssuerKind;
  /** Where its keys are; undefined: from OIDC discovery (`{issuer}/.well-known/openid-configuration`). */
  jwksUrl?: URL;
  /** PEM: the only CAs trusted for the issuer's discovery and JWKS (a GitHub Enterprise Server, a GitLab instance). */
  caCertificate?: string;
  /**
   * Owners (GitHub organizations or users, GitLab groups or subgroups, Bitbucket workspaces) whose repositories
   * may use the broker: `acme` admits acme/x and, on GitLab, acme/sub/x; `acme/sub` admits only acme/sub/**.
   */
  owners: string[];
  /**
   * GitHub and GitLab: owners pinned to the CI's numeric id for them (keys lower-cased, as listed in `owners`).
   * A name can pass to someone else (an organization renamed or deleted, its name registered again); the id
   * does not. GitHub: the token's repository_owner_id; GitLab: its namespace_id, so a pinned group admits only
   * projects directly in it.
   */
  ownerIds?: Record<string, string>;
  /** Glob patterns one of which the token's workflow (GitHub job_workflow_ref, GitLab ci_config_ref_uri) must match. */
  workflows?: string[];
  /** Bitbucket only: repositoryUuid (with braces, as the token has it) -> workspace/repo-slug. */
  repositories?: Record<string, string>;
  /**
   * Top-level owners (keys lower-cased) pinned to a Xopero ONE organization id. Without a pin the run finds the
   * organization by the owner's name, and Xopero ONE may hold one of that name per Git service: an owner listed
   * by two issuers must be pinned by both (parseBrokerConfig), so a GitLab group `acme` never acts on GitHub's.
   */
  organizations?: Record<string, string>;
}

export interface PlanRule {
  /** Glob patterns on the repository's full path (`acme/*`, `acme/**`, `!acme/scratch-*`). */
  repositories: string[];
  /** Plans (names or ids) these repositories may ask for. */
  allowed: string[];
  /** The plan used when the request names none; one of `allowed`. */
  default: string;
}

export interface BrokerLimits {
  /** Body size limit in bytes (the protocol's 16 KiB at most). */
  maxBodyBytes: number;
  /** node:http headersTimeout: a client that has not sent its headers by then is dropped. */
  headersTimeoutMs: number;
  /**
   * node:http requestTimeout: receiving the whole request (headers and body) from the client. The core's run
   * after it is not bounded by it (limits.waitTimeoutSeconds bounds its wait); a client that trickles its
   * request is dropped.
   */
  requestTimeoutMs: number;
  /** Core runs at once; more wait in a queue. */
  maxConcurrent: number;
  /** Requests waiting for a run slot; one more is refused with 503. */
  maxQueued: number;
  /** Per repository: at most `requests` accepted in any `windowSeconds`; more get 429 with Retry-After. */
  perRepository: { requests: number; windowSeconds: number };
  /** Longest token lifetime (exp - iat) accepted. */
  maxTokenLifetimeSeconds: number;
  /** How long a run waits for a synchronization to show an unknown repository (the core's wait-timeout). */
  waitTimeoutSeconds: number;
}

export interface BrokerConfig {
  listen: { host: string; port: number };
  /** PEM certificate and key; undefined only with allowPlainHttpOnLoopback on a loopback address. */
  tls?: { cert: string; key: string };
  /** The `aud` every token must carry (the broker's public URL in the documented examples). */
  audience: string;
  /** Algorithms a token may be signed with: asymmetric only (no `none`, no HS*). */
  algorithms: string[];
  /** The Xopero ONE part of every run's settings (server-url, ca-certificate, credentials), as raw inputs. */
  xopero: RawInputs;
  issuers: IssuerConfig[];
  plans: PlanRule[];
  limits: BrokerLimits;
}

/** A configuration that cannot be used: one line, naming the file and the field. */
export class BrokerConfigError extends XoperoError {}

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** The protocol's body limit (docs/broker.md, Configuration reference: over 16 KiB -> 413). */
export const MAX_BODY_BYTES = 16 * 1024;

const DEFAULT_LIMITS: BrokerLimits = {
  maxBodyBytes: MAX_BODY_BYTES,
  headersTimeoutMs: 10_000,
  // A request is at most 16 KiB: 30 s is ample on any network, and a client holding a connection open by
  // trickling it (it is read before the token is checked) is dropped then, not after node's default 300 s.
  requestTimeoutMs: 30_000,
  maxConcurrent: 32,
  maxQueued: 1000,
  perRepository: { requests: 30, windowSeconds: 60 },
  // GitLab's ID tokens live as long as the job may run (its timeout, one hour by default); GitHub's and
  // Bitbucket's live minutes. Two hours admits a GitLab job with a longer timeout and bounds the replay cache.
  maxTokenLifetimeSeconds: 7200,
  waitTimeoutSeconds: 120,
};

type Json = Record<string, unknown>;

/** Reads and checks the file; `env` holds the variables the file names for the credential. */
export function loadBrokerConfig(file: string, env: NodeJS.ProcessEnv): BrokerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BrokerConfigError(
      `Cannot read the broker config '${file}' (${(error as NodeJS.ErrnoException).code ?? 'error'}): give a readable JSON file with --config.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BrokerConfigError(`The broker config '${file}' is not JSON: ${(error as Error).message.split('\n')[0]}.`);
  }
  try {
    return parseBrokerConfig(value, env);
  } catch (error) {
    if (error instanceof BrokerConfigError) throw new BrokerConfigError(`Broker config '${file}': ${error.message}`);
    throw error;
  }
}

export function parseBrokerConfig(value: unknown, env: NodeJS.ProcessEnv): BrokerConfig {
  const root = object(value, '(top level)', [
    'listen',
    'tls',
    'allowPlainHttpOnLoopback',
    'audience',
    'algorithms',
    'xopero',
    'issuers',
    'plans',
    'limits',
  ]);
  const listen = parseListen(root.listen);
  const allowPlain = optionalBoolean(root.allowPlainHttpOnLoopback, 'allowPlainHttpOnLoopback') ?? false;
  const tls = parseTls(root.tls, allowPlain, listen.host);
  const algorithms = root.algorithms === undefined ? ['RS256', 'ES256'] : stringList(root.algorithms, 'algorithms');
  for (const [i, alg] of algorithms.entries()) {
    if (!ASYMMETRIC_ALGORITHMS.includes(alg)) {
      fail(
        `algorithms[${i}]`,
        `'${alg}' is not allowed; use asymmetric ones only (${ASYMMETRIC_ALGORITHMS.join(', ')}): never none or HS*.`,
      );
    }
  }
  const issuers = list(root.issuers, 'issuers').map((entry, i) => parseIssuer(entry, `issuers[${i}]`));
  if (issuers.length === 0) fail('issuers', 'is empty; name at least one issuer whose tokens the broker accepts.');
  // Only the first entry of an issuer would ever apply: a second one (its owners, its workflows) would be a
  // policy that silently does nothing.
  for (const [i, entry] of issuers.entries()) {
    const first = issuers.findIndex((other) => other.issuer === entry.issuer);
    if (first < i) fail(`issuers[${i}].issuer`, `repeats issuers[${first}].issuer (${entry.issuer}); give each issuer one entry.`);
  }
  refuseSharedOwnerNames(issuers);
  const plans = list(root.plans, 'plans').map((entry, i) => parsePlanRule(entry, `plans[${i}]`));
  if (plans.length === 0) fail('plans', 'is empty; give at least one rule (repositories, allowed, default).');
  return {
    listen,
    tls,
    audience: string(root.audience, 'audience'),
    algorithms,
    xopero: parseXopero(root.xopero, env),
    issuers,
    plans,
    limits: parseLimits(root.limits),
  };
}

function parseListen(value: unknown): BrokerConfig['listen'] {
  const listen = object(value ?? {}, 'listen', ['host', 'port']);
  const host = listen.host === undefined ? '127.0.0.1' : string(listen.host, 'listen.host');
  const port = listen.port === undefined ? 8443 : integer(listen.port, 'listen.port', 0, 65535);
  return { host, port };
}

/** Plain HTTP only when asked for, and only on a loopback address (a reverse proxy on the same host in front). */
function parseTls(value: unknown, allowPlain: boolean, host: string): BrokerConfig['tls'] {
  if (value === undefined) {
    if (!allowPlain)
      fail('tls', 'is missing; give certFile and keyFile (or allowPlainHttpOnLoopback: true behind a reverse proxy on this host).');
    if (!isLoopback(host)) {
      fail(
        'allowPlainHttpOnLoopback',
        `plain HTTP is allowed only on a loopback address, but listen.host is '${host}'; listen on 127.0.0.1 or ::1, or give tls.`,
      );
    }
    return undefined;
  }
  if (allowPlain) fail('allowPlainHttpOnLoopback', 'is true but tls is given too; drop one of them.');
  const tls = object(value, 'tls', ['certFile', 'keyFile']);
  return { cert: readPem(tls.certFile, 'tls.certFile'), key: readPem(tls.keyFile, 'tls.keyFile') };
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** The Xopero ONE settings every run starts from; the credential from the variables the file names. */
function parseXopero(value: unknown, env: NodeJS.ProcessEnv): RawInputs {
  const xopero = object(value, 'xopero', [
    'serverUrl',
    'caCertificateFile',
    'allowHttp',
    'accessTokenVariable',
    'emailVariable',
    'passwordVariable',
  ]);
  const raw: RawInputs = { 'server-url': string(xopero.serverUrl, 'xopero.serverUrl') };
  if (xopero.caCertificateFile !== undefined) raw['ca-certificate'] = readPem(xopero.caCertificateFile, 'xopero.caCertificateFile');
  if (xopero.allowHttp !== undefined) raw['allow-http'] = String(optionalBoolean(xopero.allowHttp, 'xopero.allowHttp'));
  const variable = (field: string) => {
    const name = string(xopero[field], `xopero.${field}`);
    const secret = env[name]?.trim();
    if (!secret) fail(`xopero.${field}`, `names the variable ${name}, which is not set or empty; set it in the broker's environment.`);
    addSecret(secret);
    return secret;
  };
  if (xopero.accessTokenVariable !== undefined) {
    if (xopero.emailVariable !== undefined || xopero.passwordVariable !== undefined) {
      fail(
        'xopero.accessTokenVariable',
        'is given with emailVariable/passwordVariable; give either the token variable or both of the others.',
      );
    }
    raw['access-token'] = variable('accessTokenVariable');
  } else if (xopero.emailVariable !== undefined || xopero.passwordVariable !== undefined) {
    raw.email = variable('emailVariable');
    raw.password = variable('passwordVariable');
  } else {
    fail('xopero', 'names no credential; give accessTokenVariable (e.g. "XOPERO_ACCESS_TOKEN"), or emailVariable and passwordVariable.');
  }
  return raw;
}

function parseIssuer(value: unknown, at: string): IssuerConfig {
  const entry = object(value, at, [
    'issuer',
    'kind',
    'jwksUrl',
    'caCertificateFile',
    'owners',
    'ownerIds',
    'workflows',
    'repositories',
    'organizations',
  ]);
  httpsUrl(entry.issuer, `${at}.issuer`);
  // The token's iss is compared as written (a trailing slash makes another issuer): the operator's spelling.
  const issuer = string(entry.issuer, `${at}.issuer`);
  const kind = string(entry.kind, `${at}.kind`);
  if (kind !== 'github' && kind !== 'gitlab' && kind !== 'bitbucket')
    fail(`${at}.kind`, `expected github, gitlab or bitbucket, got '${kind}'.`);
  // None of the three ends its iss with a slash: written with one, every token of that CI would be refused.
  if (issuer.endsWith('/'))
    fail(
      `${at}.issuer`,
      `ends with '/', which no ${kind} token's iss does: every token would be refused as token_issuer; write it without the slash.`,
    );
  const owners = stringList(entry.owners, `${at}.owners`);
  if (owners.length === 0) fail(`${at}.owners`, 'is empty; name the owners (organizations, groups, workspaces) allowed to use the broker.');
  const repositories = entry.repositories === undefined ? undefined : stringMap(entry.repositories, `${at}.repositories`);
  if (kind === 'bitbucket' && !repositories) {
    fail(
      `${at}.repositories`,
      "is required for Bitbucket: its tokens name the repository by repositoryUuid only; map each '{uuid}' to workspace/repo-slug.",
    );
  }
  if (kind !== 'bitbucket' && repositories)
    fail(`${at}.repositories`, `is for Bitbucket only: ${kind} tokens name the repository themselves.`);
  const ownerIds = entry.ownerIds === undefined ? undefined : parseOwnerIds(entry.ownerIds, owners, kind, `${at}.ownerIds`);
  return {
    issuer,
    kind,
    jwksUrl: entry.jwksUrl === undefined ? undefined : httpsUrl(entry.jwksUrl, `${at}.jwksUrl`),
    caCertificate: entry.caCertificateFile === undefined ? undefined : readPem(entry.caCertificateFile, `${at}.caCertificateFile`),
    owners,
    ownerIds,
    workflows: entry.workflows === undefined ? undefined : stringList(entry.workflows, `${at}.workflows`),
    repositories,
    organizations: entry.organizations === undefined ? undefined : parseOrganizations(entry.organizations, owners, `${at}.organizations`),
  };
}

/** The first segment of an owner: the name of the Xopero ONE organization its repositories are in. */
export const topOwner = (owner: string) => ownerKey(owner).split('/')[0];

/** `{ "acme": "<Xopero ONE organization id>" }`: each key the top-level name of a listed owner, each value a GUID. */
function parseOrganizations(value: unknown, owners: string[], at: string): Record<string, string> {
  const tops = new Set(owners.map(topOwner));
  const pins = new Map<string, string>();
  for (const [owner, id] of Object.entries(stringMap(value, at))) {
    const key = ownerKey(owner);
    if (!tops.has(key)) fail(`${at}.${owner}`, 'is not the first part of an owner in owners; pin only those.');
    if (pins.has(key)) fail(`${at}.${owner}`, 'is given twice; give each owner one organization.');
    if (!GUID.test(id))
      fail(`${at}.${owner}`, `expected the Xopero ONE organization's id (a GUID, as /git/organizations/getmany lists it), got '${id}'.`);
    pins.set(key, id);
  }
  return Object.fromEntries(pins);
}

/**
 * Two issuers that list the same top-level owner name: Xopero ONE holds one organization of that name per Git
 * service, so found by name, the run of either would act on the same one (or fail when both exist). Each must pin
 * it to its own organization.
 */
function refuseSharedOwnerNames(issuers: IssuerConfig[]): void {
  for (const [i, entry] of issuers.entries()) {
    for (const [j, other] of issuers.slice(0, i).entries()) {
      const theirs = new Set(other.owners.map(topOwner));
      for (const shared of new Set(entry.owners.map(topOwner))) {
        if (!theirs.has(shared)) continue;
        const unpinned = [j, i].find((index) => pinnedOrganization(issuers[index], shared) === undefined);
        if (unpinned !== undefined)
          fail(
            `issuers[${unpinned}].organizations`,
            `'${shared}' is an owner of issuers[${j}] and issuers[${i}]: Xopero ONE may hold an organization of that name for each Git service, and by name both would act on the same one. Pin '${shared}' to its Xopero ONE organization id in the organizations of both.`,
          );
      }
    }
  }
}

/** The Xopero ONE organization an issuer pins an owner's first name part to (own keys only: an owner may be named `constructor`). */
export function pinnedOrganization(issuer: IssuerConfig, owner: string): string | undefined {
  const key = topOwner(owner);
  return issuer.organizations && Object.hasOwn(issuer.organizations, key) ? issuer.organizations[key] : undefined;
}

/** The owner as compared: lower-cased, without trailing slashes. */
export const ownerKey = (owner: string) => owner.toLowerCase().replace(/\/+$/, '');

/**
 * `{ "acme": "1234" }`: each key one of `owners`, each id the digits the CI's token gives for it. A listed owner
 * under a pinned one must be pinned too: the most specific owner admits (policy.ts), so an unpinned `acme/team`
 * would admit by name alone whatever someone who registered a freed `acme` put under it.
 */
function parseOwnerIds(value: unknown, owners: string[], kind: IssuerKind, at: string): Record<string, string> {
  if (kind === 'bitbucket') fail(at, "is for GitHub and GitLab: Bitbucket's repository map already names each repository by its UUID.");
  const listed = new Set(owners.map(ownerKey));
  // A Map, not an object: an owner may be named `constructor` or `__proto__`.
  const ids = new Map<string, string>();
  const spelled = new Map<string, string>();
  for (const [owner, id] of Object.entries(stringMap(value, at))) {
    const key = ownerKey(owner);
    if (!listed.has(key)) fail(`${at}.${owner}`, 'is not in owners; pin only an owner listed there.');
    if (spelled.has(key)) fail(`${at}.${owner}`, `repeats ${at}.${spelled.get(key)}; give each owner one id.`);
    if (!/^[0-9]+$/.test(id))
      fail(`${at}.${owner}`, `expected the owner's numeric id (GitHub: repository_owner_id; GitLab: namespace_id), got '${id}'.`);
    ids.set(key, id);
    spelled.set(key, owner);
  }
  for (const owner of listed) {
    const pinnedAbove = [...ids.keys()].find((pinned) => owner.startsWith(`${pinned}/`));
    if (pinnedAbove !== undefined && !ids.has(owner))
      fail(at, `'${owner}' in owners lies under the pinned '${pinnedAbove}'; pin it too (its own id) or take it out of owners.`);
  }
  return Object.fromEntries(ids);
}

function parsePlanRule(value: unknown, at: string): PlanRule {
  const entry = object(value, at, ['repositories', 'allowed', 'default']);
  const rule = {
    repositories: stringList(entry.repositories, `${at}.repositories`),
    allowed: stringList(entry.allowed, `${at}.allowed`),
    default: string(entry.default, `${at}.default`),
  };
  if (rule.repositories.length === 0)
    fail(`${at}.repositories`, 'is empty; give the repository patterns this rule is for (e.g. "acme/*").');
  // A pattern is matched against the repository's whole path (owner/name): one with no '/' and no '**' matches
  // nothing, and every request of the repositories meant would be refused as plan_not_allowed.
  rule.repositories.forEach((pattern, i) => {
    const not = pattern.startsWith('!') ? '!' : '';
    const glob = pattern.slice(not.length);
    if (glob.includes('/') || glob.includes('**')) return;
    const instead = /[*?]/.test(glob)
      ? `'${not}*/*' for every owner's repositories`
      : `'${not}${glob}/*' for all of ${glob}'s repositories`;
    fail(
      `${at}.repositories[${i}]`,
      `'${pattern}' matches no repository: patterns match the whole path (owner/name); write ${instead}, or '**' for every one.`,
    );
  });
  if (!rule.allowed.some((plan) => plan.toLowerCase() === rule.default.toLowerCase())) {
    fail(`${at}.default`, `'${rule.default}' is not in allowed; add it there or choose one of them.`);
  }
  return rule;
}

function parseLimits(value: unknown): BrokerLimits {
  const limits = object(value ?? {}, 'limits', Object.keys(DEFAULT_LIMITS));
  const pick = (name: Exclude<keyof BrokerLimits, 'perRepository'>, min: number, max: number) =>
    limits[name] === undefined ? DEFAULT_LIMITS[name] : integer(limits[name], `limits.${name}`, min, max);
  const perRepository = object(limits.perRepository ?? {}, 'limits.perRepository', ['requests', 'windowSeconds']);
  const parsed: BrokerLimits = {
    maxBodyBytes: pick('maxBodyBytes', 256, MAX_BODY_BYTES),
    headersTimeoutMs: pick('headersTimeoutMs', 1000, 120_000),
    requestTimeoutMs: pick('requestTimeoutMs', 1000, 3_600_000),
    maxConcurrent: pick('maxConcurrent', 1, 10_000),
    maxQueued: pick('maxQueued', 0, 1_000_000),
    perRepository: {
      requests:
        perRepository.requests === undefined
          ? DEFAULT_LIMITS.perRepository.requests
          : integer(perRepository.requests, 'limits.perRepository.requests', 1, 1_000_000),
      windowSeconds:
        perRepository.windowSeconds === undefined
          ? DEFAULT_LIMITS.perRepository.windowSeconds
          : integer(perRepository.windowSeconds, 'limits.perRepository.windowSeconds', 1, 86_400),
    },
    maxTokenLifetimeSeconds: pick('maxTokenLifetimeSeconds', 60, 86_400),
    // At least 1: a run's wait-timeout of 0 would start a synchronization it never waits for (settings.ts).
    waitTimeoutSeconds: pick('waitTimeoutSeconds', 1, 6 * 3600),
  };
  // node:http refuses a headers timeout longer than the request timeout.
  if (parsed.headersTimeoutMs > parsed.requestTimeoutMs)
    fail('limits.headersTimeoutMs', `must not exceed limits.requestTimeoutMs (${parsed.requestTimeoutMs}).`);
  return parsed;
}

// ---- small checkers: each fails with the field's path ------------------------------------------------------

function fail(at: string, problem: string): never {
  throw new BrokerConfigError(`${at}: ${problem}`);
}

function object(value: unknown, at: string, known: string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, 'expected an object.');
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      fail(at === '(top level)' ? key : `${at}.${key}`, `unknown field; the known ones here are ${known.join(', ')}.`);
  }
  return value as Json;
}

function list(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) fail(at, 'expected a list.');
  return value;
}

function string(value: unknown, at: string): string {
  if (typeof value !== 'string' || !value.trim()) fail(at, 'expected a non-empty string.');
  return value.trim();
}

function stringList(value: unknown, at: string): string[] {
  return list(value, at).map((item, i) => string(item, `${at}[${i}]`));
}

function stringMap(value: unknown, at: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, 'expected an object.');
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, string(item, `${at}.${key}`)]));
}

function integer(value: unknown, at: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    fail(at, `expected a whole number from ${min} to ${max}.`);
  return value;
}

function optionalBoolean(value: unknown, at: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(at, 'expected true or false.');
  return value;
}

function httpsUrl(value: unknown, at: string): URL {
  const text = string(value, at);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail(at, `'${text}' is not a URL.`);
  }
  if (url.protocol !== 'https:') fail(at, `'${text}' is not https://; keys and tokens are trusted only over TLS.`);
  return url;
}

function readPem(value: unknown, at: string): string {
  const file = string(value, at);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(at, `cannot read '${file}' (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (!text.includes('-----BEGIN')) fail(at, `'${file}' holds no PEM block.`);
  return text;
}
