/** The GitHub Action face: inputs from the runner, the core, outputs and a job summary the runner's way. */
import * as core from '@actions/core';
import { describeError } from '../common/errors.js';
import type { Log } from '../core/log.js';
import { addSecret, onSecret, redact } from '../common/redact.js';
import { markdownSummary, outputValues } from '../report/report.js';
import { runProtection } from '../core/run.js';
import { INPUT_NAMES, parseSettings, type RawInputs } from '../settings/settings.js';
import { Timeline } from '../common/timing.js';
import { lazyArchivedLister } from './archived-lister.js'; // [release]

const githubLog: Log = {
  info: (line) => core.info(redact(line)),
  warning: (line) => core.warning(redact(line)),
  group: (title, work) => core.group(title, work),
};

export async function runGithubAction(): Promise<void> {
  onSecret((secret) => core.setSecret(secret));
  const timeline = new Timeline(process.env.XOPERO_TIMING === '1');
  try {
    const raw: RawInputs = {};
    for (const name of INPUT_NAMES) raw[name] = core.getInput(name, { trimWhitespace: name !== 'password' });
    addSecret(raw.password);
    addSecret(raw['access-token']);
    const settings = parseSettings(raw);

    // [release] reclaim: archived reads GitHub (octokit loads only when it runs).
    const listArchived = lazyArchivedLister(settings, process.env);
    const outcome = await runProtection(settings, { log: githubLog, env: process.env, timeline, listArchived });
    for (const [name, value] of Object.entries(outputValues(outcome))) core.setOutput(name, redact(value));
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary.addRaw(redact(markdownSummary(outcome, Date.now()))).write();
    }
    const { problems } = outcome.result;
    problems.slice(0, -1).forEach((problem) => core.error(redact(problem)));
    if (problems.length > 0) core.setFailed(redact(problems[problems.length - 1]));
  } catch (error) {
    core.setFailed(redact(describeError(error)));
  } finally {
    if (timeline.enabled) {
      timeline.mark('main finished', 0);
      core.info(['Timing (XOPERO_TIMING=1):', ...timeline.format()].join('\n'));
    }
  }
}
