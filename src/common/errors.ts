/**
 * Expected failures. Each one is a single line that says what went wrong and what to do; the faces print
 * `message` alone (no stack) and exit 1 (an InputError is a usage error: the CLI exits 2 for it).
 */
export class XoperoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A setting is missing or malformed. Raised before any request is sent. It carries the input's name and the
 * problem apart, so each host words it its own way (HostWords.inputError); `message` is the Action's form.
 */
export class InputError extends XoperoError {
  constructor(
    readonly input: string,
    readonly problem: string,
  ) {
    super(`Input '${input}': ${problem}`);
  }
}

/** The server answered with an error status. Carries the server's own error code where it gave one. */
export class ApiError extends XoperoError {
  constructor(
    message: string,
    readonly status: number,
    readonly path: string,
    readonly code?: string,
    readonly serverMessage?: string,
  ) {
    super(message);
  }
}

/** Gives an unexpected error the one-line form too, so nothing prints a stack trace to the user. */
export function describeError(error: unknown): string {
  if (error instanceof XoperoError) return error.message;
  const missing = missingBundleFile(error);
  if (missing) {
    return `Incomplete copy: the file ${missing} is missing beside the entry file (dist/index.js, dist/cli/index.js). Use a released version (a tag of the action, the published package), or rebuild with 'npm run build'.`;
  }
  if (error instanceof Error) return `Unexpected error: ${error.message.split('\n')[0]} (please report it with the log)`;
  return `Unexpected error: ${String(error)}`;
}

/**
 * Changing calls Xopero ONE confirmed before the run stopped on an error (a synchronization started, then the
 * repository never appeared): a stopped run still says it changed something (`changed`), as a cancelled one
 * does (CancelledError carries its own count). Kept beside the error, not in it: any error may stop a run.
 */
const confirmedBeforeStop = new WeakMap<object, number>();

export function noteChangesBeforeStop(error: unknown, changesConfirmed: number): void {
  if (changesConfirmed > 0 && typeof error === 'object' && error !== null) confirmedBeforeStop.set(error, changesConfirmed);
}

/** The count noteChangesBeforeStop kept for this error; 0 when none was confirmed, or none was noted. */
export const changesBeforeStop = (error: unknown): number =>
  typeof error === 'object' && error !== null ? (confirmedBeforeStop.get(error) ?? 0) : 0;

/**
 * The file ncc split off the entry (`NNN.index.js`) that Node could not find: a copy of dist/ made without it
 * (a release missing a new file, a partial vendoring). Node says "Cannot find module './NNN.index.js'" (the
 * Action's CommonJS bundle) or "Cannot find module '/path/NNN.index.js' imported from ..." (the ES module ones).
 */
function missingBundleFile(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  return /^Cannot find module '(?:\.|[^']*)\/(\d+\.index\.js)'/.exec((error as Error).message)?.[1];
}
