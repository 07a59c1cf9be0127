/**
 * The report action's face (`report/action.yml`, `dist/report/index.js`): merges the shards' result files
 * into the job summary, and on request JSON and JUnit files. A second entry point rather than a mode of the
 * main action: it needs no server, no credentials and none of the sweep's inputs, and has inputs of its own.
 */
import * as core from '@actions/core';
import { describeError } from '../common/errors.js';
import { githubLogLine } from '../common/neutralize.js';
import { mergedFailureKind, type FailureKind } from '../report/failure.js';
import { mergeReport } from '../report/outputs.js';

export async function runReportAction(): Promise<void> {
  // What a refusal (a shard missing, results of two sweeps) or an unreadable file leaves it at.
  let failure: FailureKind = 'error';
  try {
    const results = core
      .getMultilineInput('results', { required: true })
      .flatMap((line) => line.split(','))
      .map((p) => p.trim())
      .filter(Boolean);
    const { report, markdown, line } = mergeReport(
      results,
      {
        json: core.getInput('json-file'),
        junit: core.getInput('junit-file'),
        markdown: core.getInput('markdown-file'),
        html: core.getInput('html-file'),
        badge: core.getInput('badge-file'),
      },
      {
        json: 'JSON report (json-file)',
        junit: 'JUnit report (junit-file)',
        markdown: 'Markdown report (markdown-file)',
        html: 'HTML report (html-file)',
        badge: 'badge (badge-file)',
      },
    );
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
    // The organization's name is the server's: neutralized, as every line of a run's log is.
    core.info(githubLogLine(line));
    core.setOutput('matched', String(report.repositories.length));
    core.setOutput('failed', String(report.outcomes.failed));
    core.setOutput('stale', String(report.outcomes.stale));
    core.setOutput('changed', String(report.changed));
    failure = mergedFailureKind(report);
    for (const problem of report.problems.slice(1)) core.error(problem);
    if (report.problems.length > 0) core.setFailed(report.problems[0]);
  } catch (error) {
    core.setFailed(describeError(error));
  } finally {
    core.setOutput('failure', failure);
  }
}
