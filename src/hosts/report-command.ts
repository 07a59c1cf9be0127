/**
 * `xopero-one report FILE|DIR...`: merges the result documents of one sweep's shards (written with
 * --result-file / result-file) into a Markdown summary, and on request JSON and JUnit XML files. Exit 0 when
 * the merged sweep passed, 1 when a repository failed (one line with the count) or a refusal, 2 on usage.
 */
import { describeError } from '../common/errors.js';
import { redact } from '../common/redact.js';
import { mergedLine } from '../report/merged-markdown.js';
import { buildReport, junitXml, mergedMarkdown, reportJson, writeReportFile } from '../report/outputs.js';
import type { ParsedCommandLine } from './cli-args.js';
import type { CliIo } from './cli.js';

/** Its options and help are rows of the one table in cli-args.ts; the command line arrives parsed. */
export async function runReportCommand(
  io: CliIo,
  { values, operands: files }: Pick<ParsedCommandLine, 'values' | 'operands'>,
): Promise<number> {
  if (files.length === 0) {
    io.stderr("xopero-one report: give the result files (or directories) of the sweep's shards.\nTry 'xopero-one report --help'.\n");
    return 2;
  }
  try {
    const report = buildReport(files);
    if (values.json) writeReportFile(values.json, reportJson(report), 'JSON report');
    if (values.junit) writeReportFile(values.junit, junitXml(report), 'JUnit report');
    const markdown = redact(mergedMarkdown(report));
    const summaryFile = values.markdown ?? io.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) {
      writeReportFile(summaryFile, markdown, values.markdown ? 'Markdown report' : 'job summary (GITHUB_STEP_SUMMARY)', !values.markdown);
      io.stdout(`${mergedLine(report)}\n`);
    } else {
      io.stdout(markdown);
      io.stderr(`${mergedLine(report)}\n`);
    }
    for (const problem of report.problems) io.stderr(`xopero-one report: ${redact(problem)}\n`);
    return report.problems.length > 0 ? 1 : 0;
  } catch (error) {
    io.stderr(`xopero-one report: ${redact(describeError(error))}\n`);
    return 1;
  }
}
