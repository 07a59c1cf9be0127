/**
 * `xopero-one report FILE|DIR...`: merges the result documents of one sweep's shards (written with
 * --result-file / result-file) into a Markdown summary, and on request JSON and JUnit XML files. Exit 0 when
 * the merged sweep passed, 1 when a repository failed (one line with the count) or a refusal, 2 on usage.
 */
import { parseArgs } from 'node:util';
import { describeError } from '../common/errors.js';
import { redact } from '../common/redact.js';
import { mergedLine } from '../report/merged-markdown.js';
import { badgeJson, buildReport, htmlReport, junitXml, mergedMarkdown, reportJson, writeReportFile } from '../report/outputs.js';
import type { CliIo } from './cli.js';

const HELP = `Usage: xopero-one report [options] RESULT-FILE|DIR...

Merges the result files of one organization sweep's shards (each written with --result-file) into one report.
A directory stands for the .json files under it. Refuses results of different sweeps, a shard given twice
or missing, and files that are not result documents.

Options:
  --markdown FILE   write the Markdown summary there (default: the GitHub job summary when
                    GITHUB_STEP_SUMMARY is set, else standard output)
  --json FILE       write the merged JSON document there
  --junit FILE      write JUnit XML there: one test case per repository, failures for failed and stale ones
  --html FILE       write one self-contained HTML page there: search, filter and sort every repository
  --badge FILE      write a shields.io endpoint badge (JSON) there: the share of repositories protected
  --help

Exit status: 0 passed, 1 a repository failed (or a refusal), 2 usage error.`;

export async function runReportCommand(io: CliIo): Promise<number> {
  let values: { markdown?: string; json?: string; junit?: string; html?: string; badge?: string; help?: boolean };
  let files: string[];
  try {
    const parsed = parseArgs({
      args: io.argv,
      options: {
        markdown: { type: 'string' },
        json: { type: 'string' },
        junit: { type: 'string' },
        html: { type: 'string' },
        badge: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    values = parsed.values;
    files = parsed.positionals;
  } catch (error) {
    io.stderr(`xopero-one report: ${(error as Error).message.split('\n')[0]}\nTry 'xopero-one report --help'.\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${HELP}\n`);
    return 0;
  }
  if (files.length === 0) {
    io.stderr("xopero-one report: give the result files (or directories) of the sweep's shards.\nTry 'xopero-one report --help'.\n");
    return 2;
  }
  try {
    const report = buildReport(files);
    if (values.json) writeReportFile(values.json, reportJson(report), 'JSON report');
    if (values.junit) writeReportFile(values.junit, junitXml(report), 'JUnit report');
    if (values.html) writeReportFile(values.html, htmlReport(report), 'HTML report');
    if (values.badge) writeReportFile(values.badge, badgeJson(report), 'badge');
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
