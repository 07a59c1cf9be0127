/**
 * The one place where every answer is checked against the shape the API documents, before anything uses it:
 * one small schema per endpoint, covering what the code reads (other fields pass through unchecked). A body
 * that is not JSON where JSON is required, a missing list, an entry without `id` or `name`, `result: null`...
 * become a MalformedAnswerError: one line naming the endpoint, what was expected and what came (truncated,
 * secrets and control characters removed). Hand-written: a validation library would double the bundle's
 * start-up for a handful of shapes.
 */
import type { AssignedPlan, LoginResponse, Organization, Page, Repository, RepositoryList } from './api-types.js';
import { XoperoError } from '../common/errors.js';
import { plainText } from '../common/neutralize.js';
import { redact } from '../common/redact.js';

/** The answer broke the documented shape. The client makes no request after one (see XoperoClient). */
export class MalformedAnswerError extends XoperoError {
  constructor(
    readonly path: string,
    readonly where: string,
    readonly expected: string,
    readonly got: string,
    excerpt: string,
    /** How the user names server-url (the CLI: `--server-url / XOPERO_SERVER_URL`). */
    serverSetting = 'server-url',
  ) {
    const at = where ? `${where}: ` : '';
    super(
      `Xopero ONE answered POST ${path} with a malformed answer: ${at}expected ${expected}, got ${got}${excerpt ? ` (${excerpt})` : ''}; no changing call was made after it. Check that ${serverSetting} is the Xopero ONE Management Service (not a proxy's page) and that its version matches the API this action uses.`,
    );
  }
}

/**
 * A changing call answered 2xx with a body that is not the API's (it documents `200 OK` alone): whether the
 * change was made is not known. Like a malformed answer it stops every later call (client.ts).
 */
export class UnconfirmedChangeError extends XoperoError {
  constructor(
    readonly path: string,
    text: string,
    readonly serverSetting: string,
  ) {
    super(
      `Xopero ONE answered POST ${path} with success but a body that is not the API's (text: '${excerpt(text)}'): whether that change was made is not known, and no call was made after it. Check that ${serverSetting} reaches the Xopero ONE Management Service (not a proxy's or a firewall's page), then re-run: the call is safe to repeat.`,
    );
  }

  /** What a call the client then did not send says (a sweep's later repositories): not sent, not "not known". */
  notSent(): XoperoError {
    return new XoperoError(
      `Not sent: the run stopped sending after POST ${this.path} was answered with a page that is not the API's; check that ${this.serverSetting} reaches the Xopero ONE Management Service, then re-run.`,
    );
  }
}

/** Where in the answer the shape broke, and how. */
class ShapeError extends Error {
  /** The object holding the faulty field: shown instead of the answer's beginning, which may be far from it. */
  entry?: object;

  constructor(
    readonly where: string,
    readonly expected: string,
    readonly value: unknown,
  ) {
    super(`${where}: expected ${expected}`);
  }
}

type Check<T> = (value: unknown, where: string) => T;

const EXCERPT_CHARS = 160;

/** Parses `text` as JSON and checks it with `check`; any failure is a MalformedAnswerError for `path`. */
export function parseAnswer<T>(path: string, text: string, check: Check<T>, serverSetting?: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedAnswerError(path, '', 'a JSON body', text.trim() ? `text: '${excerpt(text)}'` : 'an empty body', '', serverSetting);
  }
  try {
    return check(value, '');
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    const shown =
      error.entry && error.entry !== value ? `in: ${excerpt(JSON.stringify(error.entry))}` : `the answer began: ${excerpt(text)}`;
    throw new MalformedAnswerError(path, error.where, error.expected, describe(error.value), shown, serverSetting);
  }
}

/** What came, in a few words: `nothing`, `null`, `a number (3)`, `'text'`, `an object`, `a list`. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return value ? `'${excerpt(value, 60)}'` : "'' (empty)";
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'number' ? 'a number' : `a ${typeof value}`} (${excerpt(String(value), 60)})`;
}

/**
 * A field whose name says it holds a secret (`accessToken`, `sessionToken`, `password`, `jwt`, `apiKey`...):
 * its value is hidden whatever the service calls it, in JSON and in `name=value` text.
 */
const SECRET_NAME = '[\\w-]*(?:token|password|passwd|secret|jwt|credential|api[_-]?key|authorization)[\\w-]*';
const SECRET_JSON_FIELD = new RegExp(`("${SECRET_NAME}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"?`, 'gi');
/** The same JSON field as an HTML page quotes it: `&quot;password&quot;:&quot;...&quot;`. */
const SECRET_HTML_FIELD = new RegExp(`(&quot;${SECRET_NAME}&quot;\\s*:\\s*)&quot;(?:(?!&quot;).)*(?:&quot;)?`, 'gi');
const SECRET_TEXT_FIELD = new RegExp(`\\b(${SECRET_NAME}\\s*[=:]\\s*(?:(?:Bearer|Basic|Token)\\s+)?)[^\\s&,;"']+`, 'gi');

/**
 * The beginning of a text, one line, with anything that may be a secret replaced: the run's known secrets
 * first (before the text is cut or made printable, either of which would leave a secret in a form, or a part,
 * that no longer matches), then fields named as secrets and JWT-like strings.
 */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const known = redact(text).trim();
  // The patterns run over what can be shown and some room only: over a whole answer (up to 16 MiB) they would
  // take seconds (backtracking over long runs of word characters). A value cut at the room's end is still hidden:
  // its closing quote may be missing.
  const room = known.slice(0, max * 4);
  const hidden = room
    .replace(SECRET_JSON_FIELD, '$1"***"')
    .replace(SECRET_HTML_FIELD, '$1&quot;***&quot;')
    .replace(SECRET_TEXT_FIELD, '$1***')
    .replace(/[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g, '***');
  const line = plainText(hidden);
  return line.length > max || known.length > room.length ? `${line.slice(0, max)}…` : line;
}

// ---- checks ------------------------------------------------------------------------------------

const at = (where: string, key: string | number) => (typeof key === 'number' ? `${where}[${key}]` : where ? `${where}.${key}` : key);

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(where || 'the answer', 'an object', value);
  return value as Record<string, unknown>;
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ShapeError(where, 'a string', value);
  return value;
}

/**
 * What an id may hold: Xopero ONE's are GUIDs. Letters, digits, `.`, `_`, `:` and `-`, at most 128: an id goes
 * into outputs that workflows put into `run:` scripts and into the dotenv file Bitbucket steps `source`, where
 * `;`, `$(...)`, quotes or a line break would be shell, not a value.
 */
export const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** An id (SAFE_ID). */
function id(value: unknown, where: string): string {
  if (typeof value !== 'string' || !SAFE_ID.test(value))
    throw new ShapeError(where, "an id (letters, digits, '.', '_', ':' or '-')", value);
  return value;
}

function boolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ShapeError(where, 'true or false', value);
  return value;
}

function number(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(where, 'a number', value);
  return value;
}

/**
 * A time in epoch milliseconds, as the service sends them: a date JavaScript can hold (at most 8.64e15 ms either
 * way of 1970), so that writing it as ISO 8601 after the changes cannot fail the run (src/core/backup.ts).
 */
function epochMs(value: unknown, where: string): number {
  // Number.isFinite is false for anything but a number.
  if (!Number.isFinite(value) || Math.abs(value as number) > 8.64e15) throw new ShapeError(where, 'a time in epoch milliseconds', value);
  return value as number;
}

function list<T>(item: Check<T>): Check<T[]> {
  return (value, where) => {
    if (!Array.isArray(value)) throw new ShapeError(where, 'a list', value);
    for (const [index, entry] of value.entries()) item(entry, at(where, index));
    return value as T[];
  };
}

/**
 * A field the answer may leave out. `null` counts as left out: the service is ASP.NET, which writes an unset
 * value as null (the documentation's own examples: `"apiUrl": null`, `"deltaSettings": null`), so a plan that
 * never ran may well come with `"lastStatus": null`. fields() then drops the null, so code reads it as absent.
 */
function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, where) => (value === undefined || value === null ? undefined : check(value, where));
}

/** Checks the named fields of an object; the others pass through as they came. */
function fields<T>(shape: Record<string, Check<unknown>>): Check<T> {
  return (value, where) => {
    const entry = object(value, where);
    for (const [key, check] of Object.entries(shape)) {
      try {
        // Only an optional field's check passes null, and it passes it as absent: so it is absent.
        if (check(entry[key], at(where, key)) === undefined && entry[key] === null) delete entry[key];
      } catch (error) {
        if (error instanceof ShapeError) error.entry ??= entry;
        throw error;
      }
    }
    return entry as T;
  };
}

/**
 * The most pages a list may say it has: 100,000 pages of 100 are ten million items, beyond any organization, and
 * a server that says more (a bug, a hostile one) would have the run send that many requests.
 */
export const MAX_PAGES = 100_000;

/** A page of a list: `pageCount` tells how many pages to fetch, `result` holds the items. */
function page<T>(result: Check<T>): Check<Page<T>> {
  return (value, where) => {
    const body = object(value, where);
    const pageCount = body.pageCount;
    if (typeof pageCount !== 'number' || !Number.isInteger(pageCount) || pageCount < 0)
      throw new ShapeError('pageCount', 'a whole number', pageCount);
    if (pageCount > MAX_PAGES) throw new ShapeError('pageCount', `at most ${MAX_PAGES} pages`, pageCount);
    result(body.result, 'result');
    return body as unknown as Page<T>;
  };
}

// ---- one schema per endpoint -------------------------------------------------------------------

/**
 * A bearer token: 16 or more characters a token is made of (the service issues JWTs). Anything else is refused
 * before it is used or masked: a server must not be able to have the runner mask ordinary words of the log.
 */
export const ACCESS_TOKEN = /^[A-Za-z0-9._~+/=-]{16,}$/;

function token(value: unknown, where: string): string {
  if (typeof value !== 'string' || !ACCESS_TOKEN.test(value))
    throw new ShapeError(
      where,
      'an access token (16 or more token characters)',
      value === undefined || value === null ? value : '(hidden)',
    );
  return value;
}

/** POST /account/login: `accessToken` (the excerpt never shows it). */
export const loginAnswer: Check<LoginResponse> = fields<LoginResponse>({ accessToken: token });

const planStatus = fields({ successes: number, warnings: number, errors: number });
const organizationPlan = fields({
  id,
  name: string,
  lastStatus: optional(planStatus),
  planFinishedTime: optional(epochMs),
  isRunning: optional(boolean),
});
const organization = fields<Organization>({ id, name: string, plans: optional(list(organizationPlan)) });

/** POST /git/organizations/getmany: `result` is a list of organizations, each with its `plans`. */
export const organizationsPage: Check<Page<Organization[]>> = page(list(organization));

const repository = fields<Repository>({
  id,
  name: string,
  isProtected: boolean,
  isRemoved: boolean,
  lastBackup: epochMs,
  lastSuccessfulBackup: epochMs,
  nextBackup: epochMs,
  lastBackupTaskStatus: optional(number),
});

/** POST /git/repositories/getmany: `result.repositories` beside `result.synchronizationInProgress`. */
export const repositoriesPage: Check<Page<RepositoryList>> = page(
  fields<RepositoryList>({ synchronizationInProgress: boolean, repositories: list(repository) }),
);

/** POST /plans/listassignedtoorganization: plans with their members. */
export const assignedPlansPage: Check<Page<AssignedPlan[]>> = page(
  list(fields<AssignedPlan>({ id, includeAllRepositories: boolean, repositoryIds: list(id) })),
);

export interface ActivationAnswer {
  /** Ids; an entry may also come as `{ id }`, as the `error` entries do (activationId reads both). */
  success: Array<string | { id: string }>;
  error?: Array<{ id: string; errorCode: string }>;
}

/**
 * A `success` entry's id. The documentation shows `success` only empty, and its `error` entries as `{ id,
 * errorCode }` objects: a success entry may be an id or an `{ id }` object. Both are read, so that an answer
 * to a call that did change state (a license taken) is never refused as malformed for this alone.
 */
export const activationId = (entry: string | { id: string }): string => (typeof entry === 'string' ? entry : entry.id);

/**
 * POST /git/repositories/activate: 200 even when it fails; `success` lists the ids done, `error` the others
 * with their code. `success` is required: without it nothing can be counted as done. A missing `error` is
 * read as no failures (the documentation always shows both; nothing is counted done because of it).
 */
export const activationAnswer: Check<ActivationAnswer> = fields<ActivationAnswer>({
  success: list((value, where) => (typeof value === 'string' ? value : fields({ id: string })(value, where))),
  error: optional(list(fields({ id: string, errorCode: string }))),
});

export interface RemoveAnswer {
  succeededIds: string[];
  failedIds?: string[];
  errors?: Array<{ id?: string; errorCode?: string } | string>;
}

/**
 * POST /git/repositories/remove: `succeededIds`, `failedIds`, `errors` (the documentation shows only empty
 * lists; entries are read as `{ id, errorCode }` or a bare code). `succeededIds` is required: without it
 * nothing can be counted as removed.
 */
export const removeAnswer: Check<RemoveAnswer> = fields<RemoveAnswer>({
  succeededIds: list(string),
  failedIds: optional(list(string)),
  errors: optional(
    list((value, where) =>
      typeof value === 'string' ? value : fields({ id: optional(string), errorCode: optional(string) })(value, where),
    ),
  ),
});
