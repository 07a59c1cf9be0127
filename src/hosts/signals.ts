/**
 * The signals that cancel a run. A cancelled job gets SIGINT (the GitHub runner; Ctrl-C) or SIGTERM (GitLab,
 * the runner's second step, `kill`): the run is aborted (no request starts after it, those in flight are
 * aborted) and the process exits 130 (SIGINT) or 143 (SIGTERM), as a shell reports a job killed by that
 * signal. A second signal exits at once. What the cancelled run says is in cancellation.ts.
 */
import { setMaxListeners } from 'node:events';
import type { HostLog } from './log.js';

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
