/** The GitHub Action face: inputs from the runner, the core, outputs and a job summary the runner's way. */
import { describeError } from '../common/errors.js';
import type { Log } from '../core/log.js';
import { addSecret, onSecret, redact } from '../common/redact.js';
import { markdownSummary, outputValues } from '../report/report.js';
import { runProtection } from '../core/run.js';
import { INPUT_NAMES, parseSettings, type RawInputs } from '../settings/settings.js';
import { Timeline } from '../common/timing.js';
import { error, getInput, group, info, setFailed, setSecret, warning } from './github-commands.js';

const githubLog: Log = {
  info: (line) => info(redact(line)),
  warning: (line) => warning(redact(line)),
  group: (title, work) => group(title, work),
};

/**
 * @actions/core is evaluated in the background, while the requests are in flight: the run needs it only once
 * the answers are in (github-commands.ts says why). "eager" keeps it inside dist/index.js (no chunk file
 * beside it, licenses.txt lists it); only its evaluation waits for this call.
 */
const loadCore = () => import(/* webpackMode: "eager" */ '@actions/core');

export async function runGithubAction(): Promise<void> {
  onSecret(setSecret);
  const timeline = new Timeline(process.env.XOPERO_TIMING === '1');
  try {
    const raw: RawInputs = {};
    for (const name of INPUT_NAMES) raw[name] = getInput(name, { trimWhitespace: name !== 'password' });
    addSecret(raw.password);
    addSecret(raw['access-token']);
    const settings = parseSettings(raw);

    const core = loadCore();
    // Not awaited yet: a failed load (a dist/ without its chunk) must not be an unhandled rejection meanwhile.
    core.catch(() => undefined);
    const outcome = await runProtection(settings, { log: githubLog, env: process.env, timeline });
    const { setOutput, summary } = await core;
    for (const [name, value] of Object.entries(outputValues(outcome))) setOutput(name, redact(value));
    if (process.env.GITHUB_STEP_SUMMARY) {
      await summary.addRaw(redact(markdownSummary(outcome, Date.now()))).write();
    }
    const { problems } = outcome.result;
    problems.slice(0, -1).forEach((problem) => error(redact(problem)));
    if (problems.length > 0) setFailed(redact(problems[problems.length - 1]));
  } catch (failure) {
    setFailed(redact(describeError(failure)));
  } finally {
    if (timeline.enabled) {
      timeline.mark('main finished', 0);
      info(['Timing (XOPERO_TIMING=1):', ...timeline.format()].join('\n'));
    }
  }
}
