/**
 * What a cancelled run says: the open log group is closed (run.ts), one line says what was going on, and the
 * outputs and summary known so far are written; the exit code is the signal's (signals.ts).
 */
import type { CancelledError } from '../common/cancel.js';
import { markdownCellText } from '../common/text.js';
import { EXIT_CODES, type CancelSignal, type Received } from './signals.js';

/** "1 change was confirmed", "2 changes were confirmed". */
const confirmedChanges = (count: number) => `${count} change${count === 1 ? ' was' : 's were'} confirmed`;

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
  const done = changed ? `${confirmedChanges(error.changesConfirmed)} before it` : 'no change had been made';
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
  return [
    '## Xopero ONE backup (cancelled)',
    '',
    '| | |',
    '|---|---|',
    `| Status | ⏹️ cancelled (${cancellation.signal}) |`,
    `| Server | ${markdownCellText(server)} |`,
    `| Changed | ${cancellation.changed ? 'yes' : 'no'} |`,
    '',
    markdownCellText(cancellation.line),
    '',
  ].join('\n');
}

/**
 * A run that stopped before it had a result (bad input, an unreachable server, an unknown plan): a job summary
 * (GitHub's, Azure's) says so with the error line, so a failed step's summary is not left empty; and what it
 * had changed by then (a synchronization started before the repository failed to appear).
 */
export function stoppedMarkdown(line: string, changesConfirmed = 0): string {
  return [
    '## Xopero ONE backup (failed)',
    '',
    '| | |',
    '|---|---|',
    '| Status | ❌ stopped before it had a result |',
    ...(changesConfirmed > 0 ? [`| Changed | yes: ${confirmedChanges(changesConfirmed)} before it stopped |`] : []),
    '',
    markdownCellText(line),
    '',
  ].join('\n');
}
