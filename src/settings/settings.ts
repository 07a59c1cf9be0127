/**
 * Settings: every input, parsed and validated once, before the first request, into one typed object.
 * The faces (GitHub Action, CLI, GitLab component) collect raw strings under the action's input names;
 * nothing downstream reads the environment.
 */
import { parseDuration } from './duration.js';
import { InputError } from '../common/errors.js';
import { addSecret, withoutUserInfo } from '../common/redact.js';
import { ACTION_WORDS, type HostWords } from '../common/words.js';
import { parseAzureProject } from './azure-project.js';
import { parseShard, type Shard } from './shard.js';
import { INPUT_NAMES, type Credentials, type InputName, type RawInputs, type RunMode, type SyncMode } from './inputs.js';
import { parseReleaseSettings, type ReleaseSettings } from './release.js';

export { INPUT_NAMES, type Credentials, type InputName, type RawInputs, type RunMode, type SyncMode } from './inputs.js';

export interface Settings extends ReleaseSettings {
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
  /** How the host names settings, for remedies in messages ("set allow-http: true" / "--allow-http"). */
  words: HostWords;
  /** An Azure DevOps project's id: the run attaches the whole project to `plan` (release: detaches it). */
  azureProject?: string;
  /** This job's part of a sharded sweep; undefined: the whole sweep. */
  shard?: Shard;
  /** Where to write the result document (for `xopero-one report`); undefined: nowhere. */
  resultFile?: string;
  /** Where to write the sweep's HTML page; undefined: nowhere. */
  htmlFile?: string;
  /** Where to write the sweep's shields.io endpoint badge; undefined: nowhere. */
  badgeFile?: string;
}

const MAX_WAIT_SECONDS = 6 * 3600;

/** A Xopero ONE id (a GUID): an organization given this way has no name to compare before a request. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseSettings(given: RawInputs, words: HostWords = ACTION_WORDS): Settings {
  // Only a GitHub runner evaluates github-token's default (`${{ github.token }}`); where nothing did (the action
  // run locally), there is no workflow token: as if none were given (reclaim: archived then asks for one).
  const raw = given['github-token']?.includes('${{') ? { ...given, 'github-token': '' } : given;
  const get = (name: InputName): string => (raw[name] ?? '').trim();
  // Secrets are registered before anything can fail, so no error message can ever carry them.
  addSecret(raw.password);
  addSecret(get('access-token'));
  addSecret(get('github-token'));
  rejectUnevaluatedExpressions(raw);

  const allowHttp = parseBoolean('allow-http', get('allow-http'), false);
  const repositories = parsePatterns(raw.repositories ?? '');
  const azureProject = parseAzureProject(get('azure-project'), get('mode'), raw, words);
  const serverUrl = parseServerUrl(get('server-url'), allowHttp, words);
  const credentials = parseCredentials(get('email'), raw.password ?? '', get('access-token'), words);
  // A sweep or an Azure DevOps project: the repository is not the subject (the Action still passes its own).
  const repositoryIsSubject = !repositories && !azureProject;
  const repository = repositoryIsSubject ? parseRepository(get('repository')) : get('repository');
  const settings: Settings = {
    serverUrl,
    credentials,
    // No owner check when the repository is not the subject.
    organization: parseOrganization(get('organization'), repository, repositoryIsSubject, words),
    repository,
    repositories,
    plan: get('plan') || undefined,
    activate: parseBoolean('activate', get('activate'), true),
    sync: parseChoice('sync', get('sync'), ['auto', 'always', 'never'] as const, 'auto'),
    waitTimeoutSeconds: parseWaitTimeout(get('wait-timeout')),
    dryRun: parseBoolean('dry-run', get('dry-run'), false),
    ...parseReleaseSettings(get, Boolean(repositories), words), // mode (ensure, check, release, release-check) and the release inputs
    maxBackupAgeSeconds: parseMaxBackupAge(get('max-backup-age')),
    caCertificate: parseCaCertificate(raw['ca-certificate'] ?? ''),
    allowHttp,
    words,
    azureProject,
    shard: parseShard(get('shard')),
    resultFile: get('result-file') || undefined,
    htmlFile: get('html-file') || undefined,
    badgeFile: get('badge-file') || undefined,
  };
  if (settings.shard && !repositories) {
    throw new InputError(
      'shard',
      `splits an organization sweep over several jobs; set ${words.name('repositories')} (e.g. *), or leave ${words.name('shard')} empty for a single repository.`,
    );
  }
  rejectMisplacedPages(settings, words);
  return settings;
}

/** The HTML page and the badge describe a whole sweep: not a single repository, nor one shard of several. */
function rejectMisplacedPages(settings: Settings, words: HostWords): void {
  for (const input of ['html-file', 'badge-file'] as const) {
    if (!(input === 'html-file' ? settings.htmlFile : settings.badgeFile)) continue;
    if (!settings.repositories)
      throw new InputError(input, `is written for an organization sweep; set ${words.name('repositories')} (e.g. *), or leave it empty.`);
    if (settings.shard && settings.shard.total > 1)
      throw new InputError(
        input,
        `describes the whole sweep, and this job runs one of ${settings.shard.total} shards: write it when merging the shards' result files (xopero-one report, or the report action), and leave it empty here.`,
      );
  }
}

/**
 * A value still holding `${{ ... }}` was never evaluated: GitHub evaluates action.yml's defaults, but a
 * local runner of actions (e.g. @github/local-action) passes them on literally. Named here, before a
 * request goes out with "${{ github.repository }}" as a repository name.
 *
 * Likewise a whole value `$(NAME)`: Azure Pipelines leaves a macro of a variable the pipeline does not define
 * as written, so a step mapping `XOPERO_EMAIL: $(XOPERO_EMAIL)` from a group that holds only a token would log
 * in as "$(XOPERO_EMAIL)" and read as a wrong password. A secret is checked only for the form that mapping
 * gives (`$(XOPERO_...)`, which no real password is) and never quoted.
 */
function rejectUnevaluatedExpressions(raw: RawInputs): void {
  for (const name of INPUT_NAMES) {
    const value = raw[name] ?? '';
    if (name === 'password' || name === 'access-token') {
      if (UNEXPANDED_SECRET_MACRO.test(value.trim())) throw new InputError(name, `is ${UNEXPANDED_MACRO_REMEDY}`);
      continue;
    }
    if (value.includes('${{')) {
      throw new InputError(
        name,
        `'${value}' is an expression nobody evaluated (only a GitHub runner evaluates action.yml defaults); give the value itself.`,
      );
    }
    if (UNEXPANDED_MACRO.test(value.trim())) throw new InputError(name, `'${value.trim()}' is ${UNEXPANDED_MACRO_REMEDY}`);
  }
}

/** `$(NAME)` as Azure Pipelines writes a macro (variable names: letters, digits, `_` and `.`). */
const UNEXPANDED_MACRO = /^\$\([A-Za-z_][\w.]*\)$/;
const UNEXPANDED_SECRET_MACRO = /^\$\(XOPERO_\w+\)$/i;
const UNEXPANDED_MACRO_REMEDY =
  "an Azure Pipelines macro the agent left as written: the pipeline defines no such variable; define it (in the pipeline or its variable group) or drop it from the step's env.";

/**
 * The organization: as given, else the owner part of `owner/name`. Xopero ONE names a repository by its full
 * path under its organization (`acme/api` in `acme`), so an organization given by name that differs from the
 * repository's owner can only fail, after a synchronization of the wrong organization: refused here instead.
 * An organization given by id cannot be compared before a request and is taken as it is.
 */
function parseOrganization(value: string, repository: string, checkOwner: boolean, words: HostWords): string {
  const owner = repository.includes('/') ? repository.slice(0, repository.indexOf('/')) : '';
  if (!value) {
    if (owner) return owner;
    return required('organization', value);
  }
  if (checkOwner && owner && !GUID.test(value) && owner.toLowerCase() !== value.toLowerCase()) {
    throw new InputError(
      'repository',
      `'${repository}' belongs to '${owner}', but ${words.name('organization')} is '${value}': set ${words.name('organization')} to ${owner} (or leave it empty), or give the repository as ${value}/NAME.`,
    );
  }
  return value;
}

function required(input: InputName, value: string): string {
  if (!value) throw new InputError(input, 'is required but empty.');
  return value;
}

function parseServerUrl(value: string, allowHttp: boolean, words: HostWords): URL {
  required('server-url', value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      'server-url',
      `'${withoutUserInfo(value)}' is not a URL; give the address of the Management Service, e.g. https://backup.example.com.`,
    );
  }
  if (url.protocol === 'http:' && !allowHttp) {
    throw new InputError(
      'server-url',
      `'${url.origin}' is plain http, which would send the password and token unencrypted; use https, or set ${words.set('allow-http', 'true')} if you accept that.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('server-url', `'${url.protocol}' is not supported; use an https:// address.`);
  }
  if (url.username || url.password) {
    throw new InputError(
      'server-url',
      `must not contain credentials; use ${words.name('email')} and ${words.name('password')}, or ${words.name('access-token')}.`,
    );
  }
  if (url.search || url.hash) {
    throw new InputError('server-url', 'must not contain a query or fragment; give the base address only.');
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

function parseCredentials(email: string, password: string, token: string, words: HostWords): Credentials {
  const [emailName, passwordName, tokenName] = (['email', 'password', 'access-token'] as const).map((name) => words.name(name));
  if (token) {
    if (email || password) {
      const given = [email ? emailName : '', password ? passwordName : ''].filter(Boolean).join(' and ');
      throw new InputError(
        'access-token',
        `give either ${tokenName}, or ${emailName} and ${passwordName}, not both: unset ${given}, or unset ${tokenName}.`,
      );
    }
    // The token travels in the Authorization header, which cannot carry a line break (Node refuses the request
    // with ERR_INVALID_CHAR, which would read as a network failure) and in which a space ends it. A token wrapped
    // or padded when it was pasted into the secret has one. Not quoted: it is the secret.
    if (/[^\x21-\x7e]/.test(token)) {
      throw new InputError(
        'access-token',
        'holds a space, a line break or another character no access token has: copy the token again, as one line.',
      );
    }
    return { kind: 'token', token };
  }
  if (!email && !password) {
    throw new InputError('email', `no credentials: set ${emailName} and ${passwordName} (e.g. from secrets), or ${tokenName}.`);
  }
  if (!email) throw new InputError('email', `is empty but a password is set; set both, or use ${tokenName}.`);
  if (!password) throw new InputError('password', `is empty but an email is set; set both, or use ${tokenName}.`);
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
  if (patterns.length === 0) {
    // Only separators (',' or blank lines): a sweep was meant, not the single repository an empty value means.
    if (value.trim())
      throw new InputError('repositories', "holds no name or pattern; give them separated by commas, e.g. '*' or 'api, web-*'.");
    return undefined;
  }
  if (patterns.every((pattern) => pattern.startsWith('!'))) {
    throw new InputError('repositories', 'has only exclusions (!pattern); add what to include, e.g. * for every repository.');
  }
  return patterns;
}

const TRUE = ['true', 'yes', 'on', '1'];
const FALSE = ['false', 'no', 'off', '0'];

export function parseBoolean(input: InputName, value: string, fallback: boolean): boolean {
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
  // 0 would start a synchronization (a change on the server) and then fail at once for not waiting for it.
  if (seconds === 0) throw new InputError('wait-timeout', `must be above 0: how long to wait for a synchronization, e.g. 300 or 5m.`);
  return seconds;
}

function parseMaxBackupAge(value: string): number | undefined {
  if (!value) return undefined;
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    throw new InputError('max-backup-age', `expected a duration such as 36h, 90m, 7d or a number of seconds, got '${value}'.`);
  }
  if (seconds === 0) throw new InputError('max-backup-age', `must be above 0 (every backup is older than 0 seconds), e.g. 36h.`);
  return seconds;
}

export function parseCaCertificate(value: string): string | undefined {
  const pem = value.trim();
  if (!pem) return undefined;
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
    throw new InputError(
      'ca-certificate',
      'is not a PEM certificate (expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----).',
    );
  }
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  const broken = blocks.findIndex(([, body]) => !isDerSequence(body));
  if (broken >= 0) {
    throw new InputError(
      'ca-certificate',
      `certificate ${broken + 1} of ${blocks.length} is damaged: its text between BEGIN and END is not a certificate's base64 (copied in part, or edited?).`,
    );
  }
  return pem;
}

/**
 * Whether a PEM block's body is base64 of one DER SEQUENCE that fills it, as every certificate is. Checked with
 * Buffer, not node:crypto: loading crypto here would hold the first connection back (early-connection.ts);
 * a damaged certificate would otherwise surface only as a TLS failure that blames the server's certificate.
 */
function isDerSequence(body: string): boolean {
  const base64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return false;
  const der = Buffer.from(base64, 'base64');
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1];
  if (first < 0x80) return 2 + first === der.length;
  const octets = first & 0x7f;
  if (octets < 1 || octets > 4 || der.length < 2 + octets) return false;
  const length = der.subarray(2, 2 + octets).reduce((sum, byte) => sum * 256 + byte, 0);
  return 2 + octets + length === der.length;
}
