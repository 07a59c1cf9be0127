/** The log layer every host shares: groups tracked so that a cancellation can close the open one and name it. */
import type { Log } from '../core/log.js';

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
