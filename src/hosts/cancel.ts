/**
 * Cancellation in the hosts. A cancelled job gets SIGINT (the GitHub runner; Ctrl-C) or SIGTERM (GitLab, the
 * runner's second step, `kill`): the run is aborted (no request starts after it, those in flight are
 * aborted), the open log group is closed, one line says what was going on, the outputs and summary known so
 * far are written, and the process exits 130 (SIGINT) or 143 (SIGTERM), as a shell reports a job killed by
 * that signal. A second signal exits at once.
 */
import { setMaxListeners } from 'node:events';
import type { CancelledError } from '../common/cancel.js';
import type { Log } from '../core/log.js';

export const EXIT_CODES: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };
export type CancelSignal = keyof typeof EXIT_CODES;

/** The signal, and where the run was when it came (the step's group closes as the run unwinds). */
export interface Received {
  signal: CancelSignal;
  /** The group title open at that moment ('' outside any). */
  step: string;
  /** Whether any group had been opened by then ("starting" vs "finishing"). */
  started: boolean;
}

export interface SignalWatch {
  signal: AbortSignal;
  /** The signal received, if any. */
  received(): Received | undefined;
  dispose(): void;
}

export function watchSignals(log: HostLog): SignalWatch {
  const controller = new AbortController();
  // Every request in flight listens on it (a sweep has ten at once): not a leak.
  setMaxListeners(0, controller.signal);
  let received: Received | undefined;
  const handlers = (Object.keys(EXIT_CODES) as CancelSignal[]).map((name) => {
    const handler = () => {
      if (received) process.exit(EXIT_CODES[received.signal]);
      received = { signal: name, step: log.openGroup() ?? '', started: log.started() };
      controller.abort();
    };
    process.on(name, handler);
    return () => process.off(name, handler);
  });
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      for (const off of handlers) off();
    },
  };
}

/** A host's log with what cancellation needs: the step running, and closing its group. */
export interface HostLog extends Log {
  /** The title of the group open now, or undefined. */
  openGroup(): string | undefined;
  /** Whether a group was opened at all (so "starting" can be told from "finishing"). */
  started(): boolean;
  /** Closes the open group, if any, so the lines after it are not hidden inside it. */
  closeOpenGroup(): void;
}

/** How a host writes its log; `begin` writes a group's start and returns what ends it (nothing: no end marker). */
export interface LogWriter {
  info(line: string): void;
  warning(line: string): void;
  begin(title: string): (() => void) | undefined;
}

/**
 * A HostLog over a writer, the same for every host: one group open at a time (a new one closes the one
 * before), tracked so that a cancellation can close it and name the step it interrupted.
 */
export function groupedLog(writer: LogWriter): HostLog {
  let open: { title: string; end?: () => void } | undefined;
  let started = false;
  const close = () => {
    open?.end?.();
    open = undefined;
  };
  return {
    info: (line) => writer.info(line),
    warning: (line) => writer.warning(line),
    group: async (title, work) => {
      close();
      const mine = { title, end: writer.begin(title) };
      open = mine;
      started = true;
      try {
        return await work();
      } finally {
        if (open === mine) close();
      }
    },
    openGroup: () => open?.title,
    started: () => started,
    closeOpenGroup: close,
  };
}

/** "Synchronize the organization" -> "synchronizing the organization". */
export function gerund(title: string): string {
  const [verb, ...rest] = title.split(' ');
  const lower = verb.toLowerCase();
  const ing = /[^e]e$/.test(lower) ? `${lower.slice(0, -1)}ing` : `${lower}ing`;
  return [ing, ...rest].join(' ');
}

export interface Cancellation {
  signal: CancelSignal;
  /** The group title running when the signal came ('' outside any). */
  step: string;
  line: string;
  exitCode: number;
  changed: boolean;
  outputs: Record<string, string>;
}

/**
 * What to say and publish. "Nothing was left half-done" is true call by call: every call this product makes
 * is atomic on the server and safe to repeat (client.ts, ENDPOINTS), and a synchronization started goes on by
 * itself; a re-run does what is left.
 */
export function describeCancellation({ signal, step, started }: Received, error: CancelledError): Cancellation {
  const doing = step ? gerund(step) : started ? 'finishing' : 'starting';
  const changed = error.changesConfirmed > 0;
  const done = changed
    ? `${error.changesConfirmed} change${error.changesConfirmed === 1 ? ' was' : 's were'} confirmed before it`
    : 'no change had been made';
  const line = `Cancelled (${signal}) while ${doing}; nothing was left half-done: every call to Xopero ONE is atomic and safe to repeat, and ${done}. Re-run to finish.`;
  const result = { cancelled: true, signal, step, changed, requests: error.requests };
  return {
    signal,
    step,
    line,
    exitCode: EXIT_CODES[signal],
    changed,
    // A cancelled run could not finish: an error, as a gate reads it (src/report/failure.ts).
    outputs: { changed: String(changed), failure: 'error', result: JSON.stringify(result) },
  };
}

/** The job summary of a cancelled run. */
export function cancelledMarkdown(cancellation: Cancellation, server: string): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '## Xopero ONE backup (cancelled)',
    '',
    '| | |',
    '|---|---|',
    `| Status | ⏹️ cancelled (${cancellation.signal}) |`,
    `| Server | ${cell(server)} |`,
    `| Changed | ${cancellation.changed ? 'yes' : 'no'} |`,
    '',
    cell(cancellation.line),
    '',
  ].join('\n');
}
