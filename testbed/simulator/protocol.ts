// The real service's wire conventions: ASP.NET-style reading of request bodies, error answers and paging.
/** 'empty' is a request without a body, which the endpoints treat as `{}`. */
export type ParsedBody = { kind: 'empty' } | { kind: 'json'; value: object } | { kind: 'malformed'; message: string };

export function parseJson(raw: string): ParsedBody {
  if (raw.trim() === '') return { kind: 'empty' };
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { kind: 'json', value };
    return { kind: 'malformed', message: 'The request body must be a JSON object.' };
  } catch (error) {
    return { kind: 'malformed', message: `The request body is not valid JSON: ${(error as Error).message}` };
  }
}

/** application/json or a +json type, with or without parameters such as charset. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  return /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType ?? '');
}

/** JSON keys as ASP.NET binds them: case-insensitively. */
export function field(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function text(object: unknown, name: string): string | undefined {
  const value = field(object, name);
  return typeof value === 'string' ? value : undefined;
}

/** A number, or a numeric string as the binder also accepts. */
export function integer(object: unknown, name: string): number | undefined {
  const value = field(object, name);
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
}

export function flag(object: unknown, name: string): boolean | undefined {
  return asBoolean(field(object, name));
}

export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

export function list(object: unknown, name: string): unknown[] | undefined {
  const value = field(object, name);
  return Array.isArray(value) ? value : undefined;
}

export function isDescending(body: unknown): boolean {
  return text(body, 'ordertype')?.toLowerCase() === 'desc';
}

/** limit defaults to 20 and is capped at pageCap without telling the client; page is 1-based. */
export function paginate<T>(items: T[], body: unknown, pageCap: number) {
  const requested = integer(body, 'limit') ?? 0;
  const limit = Math.min(requested > 0 ? requested : 20, pageCap);
  const page = Math.max(integer(body, 'page') ?? 1, 1);
  const pageCount = Math.max(1, Math.ceil(items.length / limit));
  return {
    info: { currentPage: page, pageCount, totalEntries: items.length },
    items: items.slice((page - 1) * limit, page * limit),
  };
}

/** Case-insensitive by name, then by id, so paging is stable. */
export function sortByName<T extends { name: string; id: string }>(items: T[], descending: boolean): T[] {
  const keyed = items.map((item) => ({ key: item.name.toLowerCase(), item }));
  keyed.sort((a, b) => compare(a.key, b.key) || compare(a.item.id, b.item.id));
  if (descending) keyed.reverse();
  return keyed.map(({ item }) => item);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An error answer, `{ errorCode, message }` with `status`, thrown from wherever a handler finds the problem. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export function fail(status: number, errorCode: string, message: string): never {
  throw new ApiError(status, errorCode, message);
}

export function errorBody(errorCode: string, message: string): { errorCode: string; message: string } {
  return { errorCode, message };
}

export function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** 200 with no body, as the docs show for sync, attach, detach and modify. */
export function empty(): Reply {
  return { status: 200 };
}
