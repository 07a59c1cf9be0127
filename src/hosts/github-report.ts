/**
 * What the GitHub face does once the answers are in: the step's outputs and its job summary, through
 * @actions/core, and the result file. A file of its own (ncc emits it beside dist/index.js): github.ts starts
 * loading it when the first request is on the wire (src/common/first-request.ts), so neither @actions/core
 * (with its HTTP client, exec and io modules) nor the report's code is loaded before the first request leaves.
 */
import * as core from '@actions/core';
import { XoperoError } from '../common/errors.js';
import { redact } from '../common/redact.js';
import type { RunOutcome } from '../core/run.js';
import { loadReleaseReport, markdownSummary, outputValues } from '../report/report.js';
import { writeResultFile, writeStoppedResultFile } from '../report/result-file.js';
import type { RunSettings } from './host.js';
import { cancelledMarkdown, type Cancellation } from './cancellation.js';

export async function reportOutcome(outcome: RunOutcome, settings: RunSettings): Promise<void> {
  const releaseReport = await loadReleaseReport(outcome);
  await publish(outputValues(outcome), () => markdownSummary(outcome, Date.now(), releaseReport));
  // After the outputs and the summary: a file that cannot be written fails the step, what the run did is on record.
  if (settings.resultFile) writeResultFile(settings.resultFile, outcome, settings.words);
  // Loaded only when asked for: the page's code (and the merge) stays out of every other run.
  // A broker run is one repository, never a sweep: it has neither.
  if ('htmlFile' in settings && (settings.htmlFile || settings.badgeFile))
    (await import('../report/sweep-pages.js')).writeSweepPages(outcome, settings, settings.words);
}

export async function reportCancellation(cancellation: Cancellation, settings: RunSettings): Promise<void> {
  writeStoppedResultFile(settings.resultFile, { ...JSON.parse(cancellation.outputs.result), problems: [cancellation.line] });
  await publish(cancellation.outputs, () => cancelledMarkdown(cancellation, settings.serverUrl.origin));
}

/** The step's outputs, then its job summary when the runner gives a summary file; both redacted. */
async function publish(outputs: Record<string, string>, summary: () => string): Promise<void> {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, redact(value));
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    await core.summary.addRaw(redact(summary())).write();
  } catch (error) {
    // A runner always creates the file; a local runner (act, @github/local-action) may name one it did not create.
    throw new XoperoError(
      `Cannot write the job summary to GITHUB_STEP_SUMMARY ('${file}'): ${(error as Error).message.replace(/\s+/g, ' ')} The outputs are set; create that file or unset GITHUB_STEP_SUMMARY.`,
    );
  }
}
