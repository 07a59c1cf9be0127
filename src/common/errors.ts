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
