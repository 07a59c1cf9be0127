/**
 * The "Try it locally" recipes of docs/contributing.md, run as written: the commands are read from its code
 * blocks (between `<!-- try-*:start -->` markers), so the page and what is tested cannot drift. Each recipe starts
 * `npm run simulator` the way the page says (on a free port instead of 8443, through XOPERO_SIMULATOR_PORT,
 * so parallel runs cannot collide), pastes the `export` lines it prints, and runs the second shell's commands.
 * Also: `npm run demo` prints no ANSI escape when piped or with NO_COLOR, and explains the plan's last run.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, baseEnv, runCommand, startCommand, type ProcessResult, type RunningProcess } from '../../testbed/harness.js';
import { TRY_LOCALLY_PAGE, tryGitlabSnippet } from '../../scripts/gitlab-local.js';

/**
 * These tests start npm, tsx, gitlab-ci-local and the page's commands as a newcomer would: seconds each on a quiet
 * machine, many times that on a busy one or with a cold npm cache (one run of this file took 152 s). Each test
 * may take this long, and a command it starts is stopped a little before.
 */
const SLOW_MS = 180_000;

const PAGE = readFileSync(join(ROOT, TRY_LOCALLY_PAGE), 'utf8');
const DEMO_PASSWORD = 'correct horse battery staple';

/** The lines of the code block between `<!-- try-NAME:start -->` and `<!-- try-NAME:end -->`. */
function block(name: string): string[] {
  const match = new RegExp(`<!-- try-${name}:start -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\`\\s*<!-- try-${name}:end -->`).exec(PAGE);
  if (!match) throw new Error(`${TRY_LOCALLY_PAGE} has no code block between <!-- try-${name}:start --> and <!-- try-${name}:end -->`);
  return match[1].split('\n').filter((line) => line.trim() !== '');
}

let scratch: string;
/** A private HOME (npm's cache and logs, gitlab-ci-local's state) and TMPDIR, and node's directory first on PATH. */
let env: Record<string, string>;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'xopero-try-'));
  mkdirSync(join(scratch, 'home'));
  mkdirSync(join(scratch, 'tmp'));
  env = baseEnv({
    HOME: join(scratch, 'home'),
    // tsx (npm run simulator, gitlab-local, demo) keeps a cache in the temporary directory: inside the scratch one.
    TMPDIR: join(scratch, 'tmp'),
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs one shell line of the page in bash, after the pasted export lines. */
function shell(line: string, exports: string[], options: { cwd?: string; extraEnv?: Record<string, string> } = {}): Promise<ProcessResult> {
  return runCommand(
    'bash',
    ['-c', ['set -e', ...exports, line].join('\n')],
    { ...env, ...options.extraEnv },
    { cwd: options.cwd, timeoutMs: SLOW_MS - 10_000 },
  );
}

interface RunningSimulator {
  process: RunningProcess;
  output: string;
  exports: string[];
  url: string;
  port: string;
}

let simulator: RunningSimulator | undefined;
afterEach(async () => {
  if (!simulator) return;
  const running = simulator.process;
  simulator = undefined;
  running.kill('SIGTERM'); // npm, its shell, tsx and node: the whole group
  await running.result;
});

/** The page's first shell: `npm run simulator`, until it has printed everything. */
async function startSimulator(): Promise<RunningSimulator> {
  const line = block('simulator').find((command) => command.startsWith('npm run simulator'));
  if (!line) throw new Error("The page's simulator block has no 'npm run simulator' line");
  const running = startCommand('bash', ['-c', line], { ...env, XOPERO_SIMULATOR_PORT: '0' }, { group: true });
  // Known to afterEach at once: stopped even if the wait below fails.
  simulator = { process: running, output: '', exports: [], url: '', port: '' };
  // No clock here: jest's test timeout bounds the wait; an early exit rejects with what it printed.
  await running.waitForOutput((stdout) => stdout.includes('Then, for example:') && stdout.endsWith('\n'));
  const output = running.stdout;
  const url = /^export XOPERO_SERVER_URL='(.+)'$/m.exec(output)![1];
  Object.assign(simulator, { output, exports: output.split('\n').filter((l) => l.startsWith('export ')), url, port: new URL(url).port });
  return simulator;
}

describe('the simulator', () => {
  test(
    'npm run simulator: the exports that trust its CA and reach it, and what it holds, as the page shows',
    async () => {
      expect(block('simulator')).toEqual(['npm ci && npm run build', 'npm run simulator']);
      const sim = await startSimulator();
      expect(sim.exports).toEqual([
        `export NODE_EXTRA_CA_CERTS='${join(ROOT, 'testbed/.certs/ca.crt')}'`,
        `export XOPERO_SERVER_URL='https://127.0.0.1:${sim.port}'`,
        "export XOPERO_EMAIL='admin@example.com'",
        `export XOPERO_PASSWORD='${DEMO_PASSWORD}'`,
      ]);
      // Every line the page shows is printed (its path and the fixed port aside).
      const printed = sim.output.split('\n').map((l) => l.trimEnd());
      for (const shown of block('simulator-output')) {
        if (shown.includes('…')) continue;
        const expected = shown
          .replace("'/path/to/clone/testbed/.certs/ca.crt'", `'${join(ROOT, 'testbed/.certs/ca.crt')}'`)
          .replace('127.0.0.1:8443', `127.0.0.1:${sim.port}`)
          .trimEnd();
        expect(printed).toContain(expected);
      }
      expect(PAGE).toContain('`https://127.0.0.1:8443`');
    },
    SLOW_MS,
  );

  test(
    'without a port it listens on 8443, the port the README and .env.example name',
    async () => {
      // Behaviour, not its source: with 8443 taken (here, or by anyone else), it stops and names that port.
      const blocker = createServer();
      const held = await new Promise<boolean>((resolvePromise) => {
        blocker.once('error', () => resolvePromise(false));
        blocker.listen(8443, '127.0.0.1', () => resolvePromise(true));
      });
      try {
        const run = await shell('npm run --silent simulator', []);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/\b8443\b/);
      } finally {
        if (held) await new Promise((resolvePromise) => blocker.close(resolvePromise));
      }
    },
    SLOW_MS,
  );
});

describe('recipes', () => {
  test(
    'the command line: a dry run, the change, a new repository as JSON',
    async () => {
      const sim = await startSimulator();
      const [dryRun, ensure, json] = block('cli');
      const dry = await shell(dryRun, sim.exports);
      expect([dry.code, dry.stdout]).toEqual([
        0,
        expect.stringMatching(/activation: would-activate; attachment: would-attach; changed: false/),
      ]);
      const done = await shell(ensure, sim.exports);
      expect([done.code, done.stdout]).toEqual([0, expect.stringMatching(/activation: activated; attachment: attached; changed: true/)]);
      const again = await shell(ensure, sim.exports);
      expect(again.stdout).toMatch(/activation: already; attachment: already; changed: false/);
      const result = await shell(json, sim.exports);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        synchronization: 'synchronized',
        repository: { name: 'acme/new-service', known: true, protected: true },
        changed: true,
      });
      for (const run of [dry, done, result]) expect(run.stdout + run.stderr).not.toContain(DEMO_PASSWORD);
    },
    SLOW_MS,
  );

  test(
    'the action under @github/local-action, from a subfolder: protected, and no secret printed',
    async () => {
      const sim = await startSimulator();
      expect(block('action')).toEqual(['npm run local-action']);
      // .env.example as it is, but for the port: this simulator listens on a free one, not 8443.
      const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
      expect(example).toContain('INPUT_SERVER-URL=https://127.0.0.1:8443\n');
      const envFile = join(scratch, 'local-action.env');
      writeFileSync(envFile, example.replace('127.0.0.1:8443', `127.0.0.1:${sim.port}`));
      // Without the pasted NODE_EXTRA_CA_CERTS: the env file's own (testbed/.certs/ca.crt) must be honoured.
      const exports = sim.exports.filter((line) => !line.includes('NODE_EXTRA_CA_CERTS'));
      const run = await shell(`${block('action')[0]} -- ${envFile}`, exports, { cwd: join(ROOT, 'src') });
      const all = run.stdout + run.stderr;
      expect([run.code, all]).toEqual([0, expect.stringContaining('Activated the license of acme/web.')]);
      expect(all).toContain('Attached acme/web to plan Nightly GitHub.');
      expect(all).not.toContain(DEMO_PASSWORD);
      expect(all).not.toContain('::add-mask::');
    },
    SLOW_MS,
  );

  test(
    "the GitLab component under gitlab-ci-local: the page's snippet, the project protected, the dotenv passed on",
    async () => {
      const sim = await startSimulator();
      expect(block('gitlab-run')).toEqual(['npm run gitlab-local']);
      expect(tryGitlabSnippet()).toContain('- local: templates/xopero-backup.yml');
      const run = await shell(block('gitlab-run')[0], sim.exports, {
        extraEnv: { npm_config_cache: join(scratch, 'npm-cache'), NO_COLOR: '1' },
      });
      const all = run.stdout + run.stderr;
      expect([run.code, all]).toEqual([0, expect.stringContaining('PASS  xopero-backup')]);
      expect(all).toContain('--force-shell-executor --ignore-predefined-vars GITLAB_CI --variable GITLAB_CI=true');
      expect(all).toMatch(/acme\/new-service appeared after/);
      expect(all).toMatch(/repository 0c000000-0000-4000-8000-000000000006 changed=true/);
      expect(all).not.toContain(DEMO_PASSWORD);
    },
    SLOW_MS,
  );
});

describe('npm run demo', () => {
  test(
    "piped and with NO_COLOR: no ANSI escape; the plan's last run is told apart from the repository",
    async () => {
      for (const extraEnv of [{}, { NO_COLOR: '1' }] as Array<Record<string, string>>) {
        const run = await shell('npm run --silent demo', [], { extraEnv });
        expect(run.code).toBe(0);
        expect(run.stdout).not.toContain('\u001b');
        // acme/new-service, just attached: never backed up, while the plan's last run (before it joined) succeeded.
        expect(run.stdout).toMatch(/Last successful backup \| never/);
        expect(run.stdout).toMatch(
          /Plan's last run \(all its repositories\) \| 1 succeeded, 0 warnings, 0 errors, finished .* ago\); this repository was not in the plan then/,
        );
      }
    },
    SLOW_MS,
  );
});
