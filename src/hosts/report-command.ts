/**
 * `xopero-one report FILE|DIR...`: merges the result documents of one sweep's shards (written with
 * --result-file / result-file) into a Markdown summary, and on request JSON and JUnit XML files. Exit 0 when
 * the merged sweep passed, 3 when it is not compliant only (check mode's findings, stale backups), 1 when a
 * repository failed (one line with the count) or a refusal, 2 on usage.
 */
import { describeError } from '../common/errors.js';
import { mergedFailureKind } from '../report/failure.js';
import { mergeReport, writeReportFile } from '../report/outputs.js';
import { type CliIo, EXIT, type ParsedCommandLine } from './cli-args.js';
import { azureHost } from './azure.js';
import { detectHost } from './detect.js';
import { type Host, safeLines } from './host.js';

/**
 * The report's failure lines, then its help's pointer: as they are in any shell; in Azure Pipelines as error
 * issues and task.complete last, as a run's are (a step whose shell drops the exit status still fails).
 */
export function reportFailed(io: CliIo, host: Host, lines: string[], hint?: string): void {
  const streams = { write: io.stderr, stderr: io.stderr };
  if (host === azureHost) {
    azureHost.fail(
      lines.map((line) => `xopero-one report: ${line}`),
      streams,
      hint,
    );
    return;
  }
  for (const line of lines) io.stderr(`${safeLines(host, `xopero-one report: ${line}`)}\n`);
  if (hint) io.stderr(`${hint}\n`);
}

/** Its options and help are rows of the one table in cli-args.ts; the command line arrives parsed. */
export async function runReportCommand(
  io: CliIo,
  { values, operands: files }: Pick<ParsedCommandLine, 'values' | 'operands'>,
): Promise<number> {
  const host = detectHost(io.env);
  if (files.length === 0) {
    reportFailed(io, host, ["give the result files (or directories) of the sweep's shards."], "Try 'xopero-one report --help'.");
    return EXIT.usage;
  }
  // The shards' results carry the server's names: every line printed passes through the CI's neutralizer, as a
  // run's log does (no runner command, escape sequence or section marker from a name), and is redacted (safeLine).
  const print = (write: (text: string) => void, text: string) => write(`${safeLines(host, text.replace(/\n$/, ''))}\n`);
  try {
    // The Markdown goes to --markdown, else appended to the GitHub job summary, else to standard output.
    const { report, markdown, line } = mergeReport(
      files,
      { json: values.json, junit: values.junit, markdown: values.markdown, html: values.html, badge: values.badge },
      { json: 'JSON report', junit: 'JUnit report', markdown: 'Markdown report', html: 'HTML report', badge: 'badge' },
    );
    const summaryFile = values.markdown ? undefined : io.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) writeReportFile(summaryFile, markdown, 'job summary (GITHUB_STEP_SUMMARY)', true);
    if (values.markdown || summaryFile) {
      print(io.stdout, line);
    } else {
      print(io.stdout, markdown);
      print(io.stderr, line);
    }
    if (report.problems.length > 0) reportFailed(io, host, report.problems);
    const failure = mergedFailureKind(report);
    return failure === 'non-compliant' ? EXIT.notCompliant : failure === 'error' ? EXIT.error : EXIT.done;
  } catch (error) {
    reportFailed(io, host, [describeError(error)]);
    return EXIT.error;
  }
}
