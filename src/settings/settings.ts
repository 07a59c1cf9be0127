/**
 * Settings: every input, parsed and validated once, before the first request, into one typed object.
 * The faces (GitHub Action, CLI, GitLab component) collect raw strings under the action's input names;
 * nothing downstream reads the environment.
 */
import { parseDuration } from './duration.js';
import { InputError } from '../common/errors.js';
import { addSecret } from '../common/redact.js';

export const INPUT_NAMES = [
  'server-url',
  'email',
  'password',
  'access-token',
  'organization',
  'repository',
  'repositories',
  'plan',
  'activate',
  'sync',
  'wait-timeout',
  'dry-run',
  'mode',
  'max-backup-age',
  'ca-certificate',
  'allow-http',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Partial<Record<InputName, string>>;

export type Credentials = { kind: 'password'; email: string; password: string } | { kind: 'token'; token: string };
export type SyncMode = 'auto' | 'always' | 'never';
export type RunMode = 'ensure' | 'check';

export interface Settings {
  /** Base URL; endpoint paths are appended to its path (a reverse proxy may serve the API under a prefix). */
  serverUrl: URL;
  credentials: Credentials;
  /** Organization name as Xopero ONE shows it, or its id. */
  organization: string;
  /** `owner/name`, `group/subgroup/name` or `name` (then within the organization). Empty in a sweep. */
  repository: string;
  /** Sweep patterns (organization sweep); undefined for the single-repository run. */
  repositories?: string[];
  /** Plan name or id; undefined: attach to no plan. */
  plan?: string;
  activate: boolean;
  sync: SyncMode;
  waitTimeoutSeconds: number;
  dryRun: boolean;
  mode: RunMode;
  /** Gate on the last successful backup's age; undefined: no gate. */
  maxBackupAgeSeconds?: number;
  /** PEM certificate(s): when given, the only CAs trusted for the server (like curl --cacert). */
  caCertificate?: string;
  allowHttp: boolean;
}

const MAX_WAIT_SECONDS = 6 * 3600;

export function parseSettings(raw: RawInputs): Settings {
  const get = (name: InputName): string => (raw[name] ?? '').trim();
  // Secrets are registered before anything can fail, so no error message can ever carry them.
  addSecret(raw.password);
  addSecret(get('access-token'));

  const allowHttp = parseBoolean('allow-http', get('allow-http'), false);
  const repositories = parsePatterns(raw.repositories ?? '');
  const settings: Settings = {
    serverUrl: parseServerUrl(get('server-url'), allowHttp),
    credentials: parseCredentials(get('email'), raw.password ?? '', get('access-token')),
    organization: required('organization', get('organization')),
    repository: repositories ? get('repository') : parseRepository(get('repository')),
    repositories,
    plan: get('plan') || undefined,
    activate: parseBoolean('activate', get('activate'), true),
    sync: parseChoice('sync', get('sync'), ['auto', 'always', 'never'] as const, 'auto'),
    waitTimeoutSeconds: parseWaitTimeout(get('wait-timeout')),
    dryRun: parseBoolean('dry-run', get('dry-run'), false),
    mode: parseChoice('mode', get('mode'), ['ensure', 'check'] as const, 'ensure'),
    maxBackupAgeSeconds: parseMaxBackupAge(get('max-backup-age')),
    caCertificate: parseCaCertificate(raw['ca-certificate'] ?? ''),
    allowHttp,
  };
  return settings;
}

function required(input: InputName, value: string): string {
  if (!value) throw new InputError(input, 'is required but empty.');
  return value;
}

function parseServerUrl(value: string, allowHttp: boolean): URL {
  required('server-url', value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError('server-url', `'${value}' is not a URL; give the address of the Management Service, e.g. https://backup.example.com.`);
  }
  if (url.protocol === 'http:' && !allowHttp) {
    throw new InputError('server-url', `'${url.origin}' is plain http, which would send the password and token unencrypted; use https, or set allow-http: true if you accept that.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('server-url', `'${url.protocol}' is not supported; use an https:// address.`);
  }
  if (url.username || url.password) {
    throw new InputError('server-url', 'must not contain credentials; use email and password or access-token.');
  }
  if (url.search || url.hash) {
    throw new InputError('server-url', 'must not contain a query or fragment; give the base address only.');
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

function parseCredentials(email: string, password: string, token: string): Credentials {
  if (token) {
    if (email || password) {
      throw new InputError('access-token', 'give either access-token, or email and password, not both.');
    }
    return { kind: 'token', token };
  }
  if (!email && !password) {
    throw new InputError('email', 'no credentials: set email and password (e.g. from secrets), or access-token.');
  }
  if (!email) throw new InputError('email', 'is empty but a password is set; set both, or use access-token.');
  if (!password) throw new InputError('password', 'is empty but an email is set; set both, or use access-token.');
  return { kind: 'password', email, password };
}

function parseRepository(value: string): string {
  required('repository', value);
  if (/\s/.test(value) || value.startsWith('/') || value.endsWith('/') || value.includes('//')) {
    throw new InputError('repository', `'${value}' is not a repository path; give owner/name or name.`);
  }
  return value;
}

/** Newline- or comma-separated names or glob patterns; undefined when the input is empty. */
function parsePatterns(value: string): string[] | undefined {
  const patterns = value
    .split(/[\n,]/)
    .map((pattern) => pattern.trim())
    .filter(Boolean);
  if (patterns.length === 0) return undefined;
  if (patterns.every((pattern) => pattern.startsWith('!'))) {
    throw new InputError('repositories', 'has only exclusions (!pattern); add what to include, e.g. * for every repository.');
  }
  return patterns;
}

const TRUE = ['true', 'yes', 'on', '1'];
const FALSE = ['false', 'no', 'off', '0'];

function parseBoolean(input: InputName, value: string, fallback: boolean): boolean {
  if (!value) return fallback;
  const lower = value.toLowerCase();
  if (TRUE.includes(lower)) return true;
  if (FALSE.includes(lower)) return false;
  throw new InputError(input, `expected true or false, got '${value}'.`);
}

function parseChoice<T extends string>(input: InputName, value: string, choices: readonly T[], fallback: T): T {
  if (!value) return fallback;
  const lower = value.toLowerCase() as T;
  if (choices.includes(lower)) return lower;
  throw new InputError(input, `expected one of ${choices.join(', ')}, got '${value}'.`);
}

function parseWaitTimeout(value: string): number {
  if (!value) return 300;
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    throw new InputError('wait-timeout', `expected a number of seconds (or a duration such as 5m), got '${value}'.`);
  }
  if (seconds > MAX_WAIT_SECONDS) throw new InputError('wait-timeout', `is at most ${MAX_WAIT_SECONDS} seconds (6 hours).`);
  return seconds;
}

function parseMaxBackupAge(value: string): number | undefined {
  if (!value) return undefined;
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds === 0) {
    throw new InputError('max-backup-age', `expected a duration such as 36h, 90m, 7d or a number of seconds, got '${value}'.`);
  }
  return seconds;
}

function parseCaCertificate(value: string): string | undefined {
  const pem = value.trim();
  if (!pem) return undefined;
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
    throw new InputError('ca-certificate', 'is not a PEM certificate (expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----).');
  }
  return pem;
}
