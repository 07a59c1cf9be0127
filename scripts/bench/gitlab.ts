/**
 * The GitLab component's job against the CLI it runs (issue: the job may spend at most 150 ms more than
 * `node dist/cli/index.js` run directly with the same variables; median of 7, both in one run).
 *
 *   npm run bench                                  runs this case after the others (--no-gitlab skips it)
 *   npx tsx scripts/bench/gitlab.ts [--runs 7] [--warmup 1] [--latency 5] [--template FILE]
 *                                                  this case alone; --template measures another version of the
 *                                                  component (e.g. `git show REV:templates/xopero-backup.yml`)
 *
 * What is timed, and why it is fair:
 *   - direct: `node dist/cli/index.js`, spawn to exit, with the variables the job's CLI sees (the component's
 *     XOPERO_* and the CI_* GitLab sets), in a fresh project directory;
 *   - job: the component included in a pipeline of a throwaway git repository and run by gitlab-ci-local
 *     (--force-shell-executor) against the same simulator. gitlab-ci-local's own start-up (parsing, git,
 *     rsync of the project: seconds) is not the job's and is reported apart. The job's time is its script's,
 *     as bash runs it under gitlab-ci-local: the pipeline adds a first before_script line that notes
 *     $EPOCHREALTIME and sets an EXIT trap that writes the start and the end to a file, so the figure spans
 *     every line of the job (the launcher's package read, digest check and the CLI's whole run) up to the
 *     shell's exit, and nothing outside it. Both sides start a node process; the job side also pays bash's
 *     per-command overhead, as a runner would.
 * The two alternate, direct then job, after the warm-up rounds, on one simulator: a re-run on acme/other
 * (already protected and attached), so every run makes the same requests and changes nothing.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { EMAIL, PASSWORD, startWorld } from '../../testbed/fixtures.js';
import { CLI_ENTRY, ROOT, baseEnv, runCommand as timedRun } from '../../testbed/harness.js';
import { range, spread, targetLines, type Spread, type Target } from './stats.js';

export const GITLAB_TARGET_GAP_MS = 150;

const GITLAB_CI_LOCAL = join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js');
const REPOSITORY = 'acme/other';
const PLAN = 'Nightly GitHub';
const JOB = 'xopero-backup';

export interface GitlabBenchOptions {
  runs?: number;
  warmup?: number;
  /** Per-request latency of the simulator, ms. */
  latencyMs?: number;
  /** The component template to run; the repository's own by default. */
  template?: string;
}

export interface GitlabBenchResult {
  lines: string[];
  json: {
    runs: number;
    warmup: number;
    latencyMs: number;
    template: string;
    directMs: Spread;
    jobScriptMs: Spread;
    gitlabCiLocalMs: Spread;
    gapMs: number;
    targetGapMs: number;
    met: boolean;
    requests: { direct: number[]; job: number[] };
    failures: string[];
  };
}

export async function runGitlabBench(options: GitlabBenchOptions = {}): Promise<GitlabBenchResult> {
  const runs = options.runs ?? 7;
  const warmup = options.warmup ?? 1;
  const latencyMs = options.latencyMs ?? 5;
  const template = options.template ?? join(ROOT, 'templates/xopero-backup.yml');
  if (!existsSync(CLI_ENTRY)) throw new Error(`${CLI_ENTRY} is missing: run npm run build first`);

  const world = await startWorld({ latencyMs });
  const scratch = mkdtempSync(join(tmpdir(), 'xopero-bench-gitlab-'));
  try {
    const home = join(scratch, 'home');
    mkdirSync(home);
    // npm only packs the tarball here (and serves npx, should --template name a version that used it):
    // offline, with a private cache that the warm-up fills.
    const npmEnv = {
      npm_config_cache: join(scratch, 'npm-cache'),
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    };
    const toolEnv = baseEnv({ PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: home, ...npmEnv });
    const must = async (command: string, args: string[], cwd: string) => {
      const result = await timedRun(command, args, toolEnv, { cwd, timeoutMs: 120_000 });
      if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
      return result;
    };

    const packDir = join(scratch, 'pack');
    mkdirSync(packDir);
    await must('npm', ['pack', '--pack-destination', packDir], ROOT);
    const tarball = join(packDir, readdirSync(packDir).find((name) => name.endsWith('.tgz'))!);

    // The pipeline: the component with the tarball as its package, and the timing line before its script.
    const repo = join(scratch, 'repo');
    mkdirSync(join(repo, 'templates'), { recursive: true });
    copyFileSync(template, join(repo, 'templates/xopero-backup.yml'));
    const timesFile = join(scratch, 'job-times');
    mkdirSync(join(scratch, 'tmp'));
    writeFileSync(
      join(repo, '.gitlab-ci.yml'),
      [
        'include:',
        '  - local: templates/xopero-backup.yml',
        '    inputs:',
        '      server_url: $XOPERO_URL',
        `      repository: ${REPOSITORY}`,
        `      plan: ${PLAN}`,
        `      package: ${JSON.stringify(tarball)}`,
        '',
        `${JOB}:`,
        '  before_script:',
        `    - 'xopero_t0=$EPOCHREALTIME; trap ''echo "$xopero_t0 $EPOCHREALTIME" >> "$XOPERO_BENCH_TIMES"'' EXIT'`,
        '',
      ].join('\n'),
    );
    const git = (...args: string[]) => must('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.com', ...args], repo);
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'pipeline');
    // CI_PROJECT_PATH acme/api and CI_PROJECT_ROOT_NAMESPACE acme come from origin.
    await git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/api.git');
    await git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');

    const secrets = { XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: world.sim.caCertPath };
    const gclArgs = [GITLAB_CI_LOCAL, '--force-shell-executor', '--ignore-predefined-vars', 'GITLAB_CI', '--no-color', JOB];
    for (const [name, value] of Object.entries({
      GITLAB_CI: 'true',
      XOPERO_URL: world.url,
      XOPERO_BENCH_TIMES: timesFile,
      ...secrets,
      ...npmEnv,
    })) {
      gclArgs.push('--variable', `${name}=${value}`);
    }

    // The direct side: what the job's CLI sees (its variables, the CI_* of acme/api), node on the bundle.
    const directEnv = (projectDir: string) =>
      baseEnv({
        ...toolEnv,
        ...secrets,
        CI: 'true',
        GITLAB_CI: 'true',
        CI_SERVER_URL: 'https://gitlab.example.com',
        CI_PROJECT_ROOT_NAMESPACE: 'acme',
        CI_PROJECT_NAMESPACE: 'acme',
        CI_PROJECT_NAME: 'api',
        CI_PROJECT_PATH: 'acme/api',
        CI_PROJECT_DIR: projectDir,
        CI_JOB_NAME: JOB,
        XOPERO_SERVER_URL: world.url,
        XOPERO_ORGANIZATION: '',
        XOPERO_REPOSITORY: REPOSITORY,
        XOPERO_REPOSITORIES: '',
        XOPERO_PLAN: PLAN,
        XOPERO_SYNC: 'auto',
        XOPERO_WAIT_TIMEOUT: '300',
        XOPERO_MODE: 'ensure',
        XOPERO_MAX_BACKUP_AGE: '',
        XOPERO_ACTIVATE: 'true',
        XOPERO_DRY_RUN: 'false',
        XOPERO_ALLOW_HTTP: 'false',
      });

    const direct: number[] = [];
    const job: number[] = [];
    const whole: number[] = [];
    const requests = { direct: [] as number[], job: [] as number[] };
    const failures: string[] = [];
    const expectUnchanged = (side: string, output: string, code: number) => {
      if (code !== 0) failures.push(`${side}: exit ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`);
      else if (!/XOPERO_CHANGED=false|changed=false|nothing to change|already/i.test(output))
        failures.push(`${side}: no 'nothing changed' in its output`);
    };

    for (let round = 0; round < warmup + runs; round++) {
      const counted = round >= warmup;

      const projectDir = mkdtempSync(join(scratch, 'project-'));
      world.sim.resetLog();
      const d = await timedRun(process.execPath, [CLI_ENTRY], directEnv(projectDir), { cwd: projectDir, timeoutMs: 120_000 });
      const directOutput =
        d.stdout + d.stderr + (existsSync(join(projectDir, 'xopero.env')) ? readFileSync(join(projectDir, 'xopero.env'), 'utf8') : '');
      expectUnchanged('direct', directOutput, d.code);
      if (counted) {
        direct.push(d.wallMs);
        requests.direct.push(world.sim.requests.length);
      }

      rmSync(timesFile, { force: true });
      world.sim.resetLog();
      // TMPDIR inside scratch, removed with it (gitlab-ci-local's file variables use a fixed /tmp path, removed after the job).
      const g = await timedRun(process.execPath, gclArgs, { ...toolEnv, TMPDIR: join(scratch, 'tmp') }, { cwd: repo, timeoutMs: 300_000 });
      const times = existsSync(timesFile) ? readFileSync(timesFile, 'utf8').trim().split(/\s+/).map(Number) : [];
      const dotenvFile = join(repo, '.gitlab-ci-local/artifacts', JOB, '.gitlab-ci-reports/dotenv/xopero.env');
      const jobOutput = g.stdout + g.stderr + (existsSync(dotenvFile) ? readFileSync(dotenvFile, 'utf8') : '');
      expectUnchanged('job', jobOutput, g.code);
      if (times.length !== 2 || !times.every(Number.isFinite)) failures.push(`job: no start and end times in ${timesFile}`);
      else if (counted) {
        job.push((times[1] - times[0]) * 1000);
        whole.push(g.wallMs);
        requests.job.push(world.sim.requests.length);
      }
      rmSync(projectDir, { recursive: true, force: true });
    }

    const directMs = spread(direct);
    const jobScriptMs = spread(job);
    const gitlabCiLocalMs = spread(whole);
    const gapMs = jobScriptMs.median - directMs.median;
    const met = Number.isFinite(gapMs) && gapMs <= GITLAB_TARGET_GAP_MS && failures.length === 0;
    const target: Target = {
      name: 'GitLab job - node dist/cli/index.js',
      target: `<= ${GITLAB_TARGET_GAP_MS} ms`,
      value: `${gapMs.toFixed(1)} ms (medians of ${job.length} and ${direct.length})`,
      met: Number.isFinite(gapMs) ? gapMs <= GITLAB_TARGET_GAP_MS : undefined,
    };
    const ms = (s: Spread) => `median ${s.median.toFixed(0).padStart(5)} ms  p10–p90 ${s.p10.toFixed(0)}–${s.p90.toFixed(0)} ms`;
    const templateName = template.startsWith(ROOT) ? template.slice(ROOT.length + 1) : template;
    const lines = [
      `GitLab component job under gitlab-ci-local 4.73.0 (--force-shell-executor), ${templateName}, package: the npm pack tarball;`,
      `  a re-run of ${REPOSITORY} (protected, attached) at ${latencyMs} ms per request; ${runs} runs alternating direct, job after ${warmup} warm-up round(s):`,
      `  node dist/cli/index.js, direct           ${ms(directMs)}  requests ${range(requests.direct)}`,
      `  the job's script (first line to exit)    ${ms(jobScriptMs)}  requests ${range(requests.job)}`,
      `  gap (job - direct, medians)              ${gapMs.toFixed(1)} ms`,
      `  (gitlab-ci-local's whole run, its own start-up, git and rsync included, not part of the target: ${ms(gitlabCiLocalMs)})`,
      ...failures.slice(0, 3).map((failure) => `  run that did not re-run cleanly (left in the figures): ${failure}`),
      ...targetLines([target], 'GitLab targets'),
    ];
    return {
      lines,
      json: {
        runs,
        warmup,
        latencyMs,
        template: templateName,
        directMs,
        jobScriptMs,
        gitlabCiLocalMs,
        gapMs,
        targetGapMs: GITLAB_TARGET_GAP_MS,
        met,
        requests,
        failures,
      },
    };
  } finally {
    await world.sim.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('gitlab.ts')) {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      warmup: { type: 'string', default: '1' },
      latency: { type: 'string', default: '5' },
      template: { type: 'string' },
    },
  });
  const started = performance.now();
  const result = await runGitlabBench({
    runs: Number(values.runs),
    warmup: Number(values.warmup),
    latencyMs: Number(values.latency),
    template: values.template,
  });
  console.log([...result.lines, `Total ${((performance.now() - started) / 1000).toFixed(1)} s.`].join('\n'));
}
