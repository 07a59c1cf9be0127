/**
 * The report action's face (`report/action.yml`, `dist/report/index.js`): merges the shards' result files
 * into the job summary, and on request JSON and JUnit files. A second entry point rather than a mode of the
 * main action: it needs no server, no credentials and none of the sweep's inputs, and has inputs of its own.
 */
import * as core from '@actions/core';
import { describeError } from '../common/errors.js';
import { badgeJson, buildReport, htmlReport, junitXml, mergedMarkdown, reportJson, writeReportFile } from '../report/outputs.js';
import { mergedLine } from '../report/merged-markdown.js';

export async function runReportAction(): Promise<void> {
  try {
    const results = core
      .getMultilineInput('results', { required: true })
      .flatMap((line) => line.split(','))
      .map((p) => p.trim())
      .filter(Boolean);
    const report = buildReport(results);
    const json = core.getInput('json-file');
    const junit = core.getInput('junit-file');
    const markdownFile = core.getInput('markdown-file');
    const html = core.getInput('html-file');
    const badge = core.getInput('badge-file');
    if (json) writeReportFile(json, reportJson(report), 'JSON report (json-file)');
    if (junit) writeReportFile(junit, junitXml(report), 'JUnit report (junit-file)');
    if (html) writeReportFile(html, htmlReport(report), 'HTML report (html-file)');
    if (badge) writeReportFile(badge, badgeJson(report), 'badge (badge-file)');
    const markdown = mergedMarkdown(report);
    if (markdownFile) writeReportFile(markdownFile, markdown, 'Markdown report (markdown-file)');
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
    core.info(mergedLine(report));
    core.setOutput('matched', String(report.repositories.length));
    core.setOutput('failed', String(report.outcomes.failed));
    core.setOutput('stale', String(report.outcomes.stale));
    core.setOutput('changed', String(report.changed));
    for (const problem of report.problems.slice(1)) core.error(problem);
    if (report.problems.length > 0) core.setFailed(report.problems[0]);
  } catch (error) {
    core.setFailed(describeError(error));
  }
}
