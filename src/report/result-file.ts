/** The result document as a file (`result-file`), for `xopero-one report` to merge the shards of a sweep. */
import { writeFileSync } from 'node:fs';
import { XoperoError } from '../common/errors.js';
import { redact } from '../common/redact.js';
import { makeParentDirectories } from '../common/writable.js';
import type { RunOutcome } from '../core/run.js';
import type { HostWords } from '../common/words.js';

/**
 * The same document as the `result` output, plus the names of the repositories that needed nothing, every
 * one's last backup, and when it was written (the HTML report's "when"; the result itself stays a function
 * of the server's state and the inputs).
 */
export function resultDocument({ result, requests }: RunOutcome, now = new Date()): string {
  return `${JSON.stringify({ ...result, requests, writtenAt: now.toISOString() }, null, 1)}\n`;
}

/**
 * Written by the host after its report, whenever the run got as far as a result, failures included: the merged
 * report must list them, and a file that cannot be written must not hide what the run did.
 */
export function writeResultFile(path: string, outcome: RunOutcome, words: HostWords): void {
  try {
    makeParentDirectories(path);
    writeFileSync(path, redact(resultDocument(outcome)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new XoperoError(`Cannot write the result file '${path}' (${code}): set ${words.name('result-file')} to a writable path.`);
  }
}

/**
 * The result file of a run that stopped before its result, or was cancelled: the document --json prints then
 * (its problems, and what is known: `changed`, a cancellation's signal), so that a file an earlier run left at
 * that path is not taken for this run's, and the merged report names the shard that stopped
 * (merge.ts). Best effort: the run's failure line is out already, and a file that cannot be written adds nothing.
 */
export function writeStoppedResultFile(path: string | undefined, document: Record<string, unknown>, now = new Date()): void {
  if (!path) return;
  try {
    makeParentDirectories(path);
    writeFileSync(path, redact(`${JSON.stringify({ ...document, writtenAt: now.toISOString() }, null, 1)}\n`));
  } catch {
    // The failure line stands alone.
  }
}
