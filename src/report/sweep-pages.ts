/**
 * A whole (unsharded) sweep's HTML page and badge, written by the run itself (`--html`/`--badge`, `html-file`/
 * `badge-file`): the run's result goes through the same merge as `xopero-one report` gives it, as a report of
 * one result, so both pages read the same. A sharded sweep writes them when merging (settings refuse them on a shard).
 */
import { XoperoError } from '../common/errors.js';
import { redact } from '../common/redact.js';
import type { RunOutcome } from '../core/run.js';
import type { HostWords } from '../common/words.js';
import { badgeJson } from './badge.js';
import { htmlReport } from './html.js';
import { mergeResults } from './merge.js';
import { writeReportFile } from './outputs.js';

export function writeSweepPages(
  { result, requests }: RunOutcome,
  files: { htmlFile?: string; badgeFile?: string },
  words: HostWords,
  now = new Date(),
): void {
  if ((!files.htmlFile && !files.badgeFile) || result.kind !== 'sweep') return;
  const report = mergeResults([{ file: 'this run', doc: { ...result, requests, writtenAt: now.toISOString() } }]);
  const write = (path: string, text: string, input: string, what: string) => {
    try {
      writeReportFile(path, redact(text), what);
    } catch (error) {
      throw new XoperoError(
        `${(error as Error).message.replace(/: give a writable path\.$/, '')}: set ${words.name(input)} to a writable path.`,
      );
    }
  };
  if (files.htmlFile) write(files.htmlFile, htmlReport(report), 'html-file', 'HTML report');
  if (files.badgeFile) write(files.badgeFile, badgeJson(report), 'badge-file', 'badge');
}
