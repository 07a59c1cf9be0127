/**
 * The CLI end to end: the bundle dist/cli/index.js, run with node the way a shell (or the GitLab component)
 * runs it, against the simulator over HTTPS with its own CA. Flags and XOPERO_* variables in; a text report
 * or --json out; exit 0 done, 1 failed, 2 usage error; GitLab CI defaults, sections and the dotenv file.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagOfInput } from '../../src/hosts/cli-args.js';
import { INPUT_NAMES } from '../../src/settings/settings.js';
import { ROOT, runCli, type CliResult } from '../../testbed/harness.js';
import { EMAIL, PASSWORD, count, startWorld, type World } from '../../testbed/fixtures.js';
import { scratchFolder } from '../scratch.js';

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

const scratch = scratchFolder('xopero-cli-');
/** A fresh directory under this file's scratch() directory. */
const freshDir = () => mkdtempSync(join(scratch(), 'run-'));

const SECRET_INPUTS = ['email', 'password', 'access-token', 'github-token'];
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const envName = (input: string) => `XOPERO_${input.toUpperCase().replace(/-/g, '_')}`;

/** Runs the CLI bundle in a fresh working directory (kept until the end of this file) with only the given environment. */
function cli(args: string[], env: Record<string, string | undefined> = {}, options: { cwd?: string } = {}): Promise<CliResult> {
  return runCli(args, env, { cwd: options.cwd ?? freshDir() });
}

/** The secrets and the simulator's CA, the way a CI job has them: from the environment. */
const credentials = (w: World): Record<string, string> => ({
  XOPERO_EMAIL: EMAIL,
  XOPERO_PASSWORD: PASSWORD,
  NODE_EXTRA_CA_CERTS: w.sim.caCertPath,
});

/** Flags for the usual story: acme/api into 'Nightly GitHub'. */
const flags = (w: World): string[] => [
  '--server-url',
  w.url,
  '--organization',
  'acme',
  '--repository',
  'acme/api',
  '--plan',
  'Nightly GitHub',
];

/** The variables GitLab sets for a job of project acme/api. */
const GITLAB = { GITLAB_CI: 'true', CI: 'true', CI_PROJECT_ROOT_NAMESPACE: 'acme', CI_PROJECT_PATH: 'acme/api', CI_JOB_ID: '4242' };

function expectProtected(w: World, name: string, plan = 'Nightly GitHub') {
  const repo = w.sim.repository(name)!;
  expect(repo.isProtected).toBe(true);
  expect(w.sim.plan(plan)!.repositoryIds).toContain(repo.id);
}

/** The `xopero-one: ...` lines on stderr (the log goes there too, without that prefix). */
const errorLines = (run: CliResult) => run.stderr.split('\n').filter((line) => line.startsWith('xopero-one: '));

/** One error line on stderr, `xopero-one: ...`, and no stack trace; stdout empty (nothing to report). */
function expectFailure(run: CliResult, code: 1 | 2, pattern: RegExp) {
  expect(run.code).toBe(code);
  expect(errorLines(run)).toHaveLength(1);
  expect(errorLines(run)[0]).toMatch(pattern);
  expect(run.stdout).toBe('');
  expect(run.all).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
}

function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (!match) throw new Error(`not a dotenv line: ${JSON.stringify(line)}`);
    values[match[1]] = match[2];
  }
  return values;
}

/** The bearer tokens the simulator saw (each login makes one). */
const tokensSeen = (w: World) =>
  [...new Set(w.sim.requests.map((r) => r.authorization?.replace('Bearer ', '')).filter(Boolean))] as string[];

describe('flags and the XOPERO_* environment', () => {
  test('flags: the repository ends protected and attached; the report on stdout, the log on stderr', async () => {
    world = await startWorld();
    const run = await cli(flags(world), credentials(world));

    expect(run.code).toBe(0);
    expectProtected(world, 'acme/api');
    expect(errorLines(run)).toEqual([]);
    expect(run.stderr).toContain('== Sign in');
    expect(run.stdout).not.toContain('== Sign in');
    expect(run.stdout).not.toContain('Signed in');
    expect(run.stdout).toContain(`Organization: acme (${world.orgId})`);
    expect(run.stdout).toContain(`Repository:   acme/api (${world.sim.repository('acme/api')!.id})`);
    expect(run.stdout).toContain(`Plan:         Nightly GitHub (${world.nightlyId})`);
    expect(run.stdout).toMatch(/activation: activated; attachment: attached; changed: true/);
    // Outside GitLab CI there is no dotenv file unless asked for, and no section markers.
    expect(existsSync(join(run.cwd, 'xopero.env'))).toBe(false);
    expect(run.all).not.toContain('section_start');
  });

  test("the environment alone is enough, with 'ensure' as the command; a re-run changes nothing", async () => {
    world = await startWorld();
    const env = {
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
      XOPERO_ORGANIZATION: 'acme',
      XOPERO_REPOSITORY: 'acme/api',
      XOPERO_PLAN: 'Nightly GitHub',
    };
    const first = await cli(['ensure'], env);
    expect(first.code).toBe(0);
    expectProtected(world, 'acme/api');
    world.sim.resetLog();

    const again = await cli([], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/activation: already; attachment: already; changed: false/);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });

  test('a flag wins over its variable', async () => {
    world = await startWorld();
    const env = {
      ...credentials(world),
      XOPERO_SERVER_URL: 'https://wrong.invalid',
      XOPERO_ORGANIZATION: 'globex',
      XOPERO_REPOSITORY: 'acme/ghost',
      XOPERO_PLAN: 'Weekly',
      XOPERO_SYNC: 'always',
      XOPERO_ACTIVATE: 'true',
    };
    const run = await cli([...flags(world), '--sync', 'never', '--no-activate'], env);

    expect(run.code).toBe(0);
    const api = world.sim.repository('acme/api')!;
    expect(world.sim.plan('Nightly GitHub')!.repositoryIds).toContain(api.id);
    expect(world.sim.plan('Weekly')!.repositoryIds).not.toContain(api.id);
    expect(api.isProtected).toBe(false); // --no-activate over XOPERO_ACTIVATE=true
    expect(count(world.sim, '/git/repositories/sync')).toBe(0); // --sync never over XOPERO_SYNC=always
    expect(run.stderr).toMatch(/warning: acme\/api holds no license/);
    expect(run.stdout).not.toMatch(/warning/);
  });

  test('--activate false and a boolean variable (XOPERO_DRY_RUN=true) are honoured', async () => {
    world = await startWorld();
    const dry = await cli(flags(world), { ...credentials(world), XOPERO_DRY_RUN: 'true' });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/Dry run: would activate the license, attach to plan Nightly GitHub; nothing was changed/);
    expect(world.sim.mutatingRequests()).toHaveLength(0);

    const noActivate = await cli([...flags(world), '--activate', 'false'], credentials(world));
    expect(noActivate.code).toBe(0);
    const api = world.sim.repository('acme/api')!;
    expect(api.isProtected).toBe(false);
    expect(world.sim.plan('Nightly GitHub')!.repositoryIds).toContain(api.id);
    expect(noActivate.stdout).toMatch(/activation: skipped; attachment: attached/);
  });

  test('the flag form --dry-run beats XOPERO_DRY_RUN=false', async () => {
    world = await startWorld();
    const run = await cli([...flags(world), '--dry-run'], { ...credentials(world), XOPERO_DRY_RUN: 'false' });
    expect(run.code).toBe(0);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
    expect(world.sim.repository('acme/api')!.isProtected).toBe(false);
  });
});

describe('--help and --version', () => {
  test('--help exits 0 and lists every flag with its variable', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: xopero-one \[ensure\] \[options\]/);
    for (const input of INPUT_NAMES.filter((name) => !SECRET_INPUTS.includes(name))) {
      expect(run.stdout).toMatch(new RegExp(`^  --${flagOfInput(input)} .*${envName(flagOfInput(input))}`, 'm'));
    }
    for (const flag of ['--no-activate', '--dotenv', '--json', '--help', '--version']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${flag}\\b|, ${flag}\\b`, 'm'));
    }
    // The secrets are named, as variables only.
    for (const secret of ['XOPERO_EMAIL', 'XOPERO_PASSWORD', 'XOPERO_ACCESS_TOKEN', 'XOPERO_GITHUB_TOKEN'])
      expect(run.stdout).toContain(secret);
    for (const secret of SECRET_INPUTS) expect(run.stdout).not.toContain(`--${secret}`);
  });

  test("--version prints package.json's version", async () => {
    const run = await cli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${VERSION}\n`);
    expect(run.stderr).toBe('');
    // A word after it is a mistake to name, not ignored.
    const extra = await cli(['--version', 'extra']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/^xopero-one: unknown command 'extra'/);
  });
});

describe('inputs that would change the server before failing are refused first', () => {
  test("--repositories ',' names itself (not --repository); --wait-timeout 0; a damaged --ca-certificate", async () => {
    world = await startWorld();
    const w = world;
    const refused = async (extra: string[], pattern: RegExp) => {
      const run = await cli(['--server-url', w.url, '--organization', 'acme', ...extra], credentials(w));
      expectFailure(run, 2, pattern);
    };
    await refused(['--repositories', ','], /^xopero-one: --repositories \/ XOPERO_REPOSITORIES: holds no name or pattern;/);
    await refused(
      ['--repository', 'acme/ghost', '--wait-timeout', '0'],
      /^xopero-one: --wait-timeout \/ XOPERO_WAIT_TIMEOUT: must be above 0/,
    );
    const pem = readFileSync(w.sim.caCertPath, 'utf8').split('\n');
    const damaged = [...pem.slice(0, 2), ...pem.slice(3)].join('\n');
    await refused(
      ['--repository', 'acme/api', '--ca-certificate', damaged],
      /^xopero-one: --ca-certificate .*certificate 1 of 1 is damaged/,
    );
    expect(w.sim.requests).toHaveLength(0);
  });

  test('check mode on an unknown repository does not also say nothing would change', async () => {
    world = await startWorld();
    const run = await cli(['--server-url', world.url, '--repository', 'acme/ghost', '--mode', 'check'], credentials(world));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^Check: acme\/ghost is not known to Xopero ONE; nothing was changed\.$/m);
    expect(run.stderr).not.toMatch(/nothing would change/);
  });

  test('a repository Xopero ONE holds only as removed at the source: the failure says so after the synchronization', async () => {
    world = await startWorld();
    world.sim.addRepository(world.orgId, { name: 'acme/old-site', isRemoved: true, isProtected: false });
    const run = await cli(['--server-url', world.url, '--repository', 'acme/old-site', '--wait-timeout', '30'], credentials(world));
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([
      "xopero-one: Synchronization of 'acme' finished, but Xopero ONE holds 'acme/old-site' only as removed at the source (deleted on the Git service; its backups are kept): check the repository name, or restore the repository there.",
    ]);
  });
});

describe('exit status', () => {
  test('1: an unknown plan fails before any change, in one line', async () => {
    world = await startWorld();
    const run = await cli([...flags(world), '--plan', 'Nightly'], credentials(world));
    expectFailure(run, 1, /^xopero-one: Plan 'Nightly' not found in organization 'acme'.*'Nightly GitHub', 'Weekly'/);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });

  test('1: a rejected login', async () => {
    world = await startWorld();
    const run = await cli(flags(world), { ...credentials(world), XOPERO_PASSWORD: 'wrong-password' });
    expectFailure(run, 1, /authentication failed.*check XOPERO_EMAIL and XOPERO_PASSWORD/);
    expect(world.sim.requests.map((r) => r.path)).toEqual(['/account/login']);
  });

  test.each([
    [['--bogus'], /unknown option '--bogus'$/],
    [['--organisation', 'acme'], /unknown option '--organisation' \(did you mean --organization\?\)/],
    [['--dryrun'], /unknown option '--dryrun' \(did you mean --dry-run\?\)/],
    // The action's input names where the command line's differ: what someone moving a step over types.
    [['--html-file', 'x.html'], /unknown option '--html-file' \(did you mean --html\?\)$/],
    [['--badge-file', 'x.json'], /unknown option '--badge-file' \(did you mean --badge\?\)$/],
    [['--max-backup-age', '-5'], /--max-backup-age \/ XOPERO_MAX_BACKUP_AGE: expected a duration .* got '-5'/],
    [['--plan'], /--plan needs a value/],
    [['--repositories', '*'], /give --repository \/ XOPERO_REPOSITORY or --repositories \/ XOPERO_REPOSITORIES \(a sweep\), not both/],
    [
      ['--organization', 'globex'],
      /--repository \/ XOPERO_REPOSITORY: 'acme\/api' belongs to 'acme', but --organization \/ XOPERO_ORGANIZATION is 'globex'/,
    ],
    [
      ['--dotenv', '/nonexistent-dir/x.env'],
      /cannot write the dotenv file '\/nonexistent-dir\/x\.env': the directory \/nonexistent-dir does not exist/,
    ],
    [['--password', 'pw-on-the-command-line'], /--password is not accepted.*set XOPERO_PASSWORD instead/],
    [['--access-token', 'token-on-the-command-line'], /--access-token is not accepted.*set XOPERO_ACCESS_TOKEN instead/],
    [['--email', EMAIL], /--email is not accepted.*set XOPERO_EMAIL instead/],
    [['deploy'], /unknown command 'deploy'; the commands are ensure, report, broker, help, version$/],
    [['ensur'], /unknown command 'ensur' \(did you mean 'ensure'\?\)/],
    [['ensure', 'now'], /unknown command 'ensure now'/],
    [['--sync', 'sometimes'], /--sync \/ XOPERO_SYNC: expected one of auto, always, never, got 'sometimes'/],
    [['--mode', 'fix'], /--mode \/ XOPERO_MODE: expected one of ensure, check, release, release-check, got 'fix'/],
    [['--wait-timeout', 'soon'], /--wait-timeout \/ XOPERO_WAIT_TIMEOUT: expected a number of seconds/],
    [['--activate', 'maybe'], /--activate \/ XOPERO_ACTIVATE: expected true or false, got 'maybe'/],
    [
      ['--server-url', 'http://127.0.0.1:1'],
      /--server-url \/ XOPERO_SERVER_URL: .* is plain http.*set --allow-http \(or XOPERO_ALLOW_HTTP=true\)/,
    ],
  ])('2: usage error %j, before any request', async (args, message) => {
    world = await startWorld();
    const run = await cli([...flags(world), ...args], credentials(world));
    expectFailure(run, 2, message);
    expect(world.sim.requests).toHaveLength(0);
    expect(run.all).not.toContain('-on-the-command-line');
  });

  test('2: a missing required value, with no simulator at all', async () => {
    const run = await cli([], { XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD });
    expectFailure(run, 2, /^xopero-one: --server-url \/ XOPERO_SERVER_URL: is required but empty/);
    expect(run.all).not.toMatch(/Input '/);
  });
});

describe('--json', () => {
  test('stdout is exactly one JSON document with the result; the log goes to stderr', async () => {
    world = await startWorld();
    const run = await cli([...flags(world), '--json'], credentials(world));

    expect(run.code).toBe(0);
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    const result = JSON.parse(run.stdout);
    const api = world.sim.repository('acme/api')!;
    expect(result).toMatchObject({
      server: world.url,
      mode: 'ensure',
      dryRun: false,
      organization: { id: world.orgId, name: 'acme' },
      repository: { id: api.id, name: 'acme/api' },
      plan: { id: world.nightlyId, name: 'Nightly GitHub' },
      synchronization: 'not-needed',
      activation: 'activated',
      attachment: 'attached',
      changed: true,
      problems: [],
    });
    expect(result.requests.total).toBe(world.sim.requests.length);
    expect(run.stderr).toContain('Signed in to');
    expect(run.stderr).toMatch(/changed: true/);
  });

  test('a run with problems still prints its result, and exits 1', async () => {
    world = await startWorld({ licenses: 0 });
    const run = await cli([...flags(world), '--json'], credentials(world));

    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ activation: 'failed', attachment: 'attached' });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/LI5020/);
    expect(run.stderr).toMatch(/xopero-one: License activation of 'acme\/api' failed: LI5020/);
  });
});

describe('GitLab CI (GITLAB_CI=true)', () => {
  test('organization and repository default from the project; xopero.env; collapsible sections', async () => {
    world = await startWorld();
    // The component sets XOPERO_ORGANIZATION and XOPERO_REPOSITORY to '' when their inputs are empty.
    const env = {
      ...GITLAB,
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
      XOPERO_PLAN: 'Nightly GitHub',
      XOPERO_ORGANIZATION: '',
      XOPERO_REPOSITORY: '',
    };
    const run = await cli([], env);

    expect(run.code).toBe(0);
    expect(errorLines(run)).toEqual([]);
    expectProtected(world, 'acme/api');
    const api = world.sim.repository('acme/api')!;

    const dotenvText = readFileSync(join(run.cwd, 'xopero.env'), 'utf8');
    const dotenv = parseDotenv(dotenvText);
    expect(dotenv).toMatchObject({
      XOPERO_ORGANIZATION_ID: world.orgId,
      XOPERO_REPOSITORY_ID: api.id,
      XOPERO_PLAN_ID: world.nightlyId,
      XOPERO_CHANGED: 'true',
    });
    expect(Object.keys(dotenv)).toEqual(
      expect.arrayContaining(['XOPERO_LAST_BACKUP', 'XOPERO_LAST_SUCCESSFUL_BACKUP', 'XOPERO_NEXT_BACKUP', 'XOPERO_BACKUP_AGE']),
    );
    expect(dotenv).not.toHaveProperty('XOPERO_RESULT');
    // GitLab's dotenv parser takes KEY=VALUE lines only: no blank lines, no comments.
    expect(dotenvText.endsWith('\n')).toBe(true);
    for (const line of dotenvText.slice(0, -1).split('\n')) expect(line).toMatch(/^XOPERO_[A-Z_]+=\S*$/);

    // \e[0Ksection_start:TIME:NAME[collapsed=false]\r\e[0KTitle ... \e[0Ksection_end:TIME:NAME\r\e[0K
    const starts = [...run.stderr.matchAll(/\u001b\[0Ksection_start:(\d+):([\w.-]+)\[collapsed=false\]\r\u001b\[0K(.+)\n/g)];
    const ends = [...run.stderr.matchAll(/\u001b\[0Ksection_end:(\d+):([\w.-]+)\r\u001b\[0K\n/g)];
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(ends.map((m) => m[2])).toEqual(starts.map((m) => m[2]));
    expect(new Set(starts.map((m) => m[2])).size).toBe(starts.length);
    starts.forEach((start, i) => {
      expect(Number(ends[i][1])).toBeGreaterThanOrEqual(Number(start[1]));
      expect(Math.abs(Number(start[1]) - Date.now() / 1000)).toBeLessThan(120);
    });
    expect(starts.map((m) => m[3])).toContain('Sign in');
    expect(run.all).not.toContain('== Sign in');
    expect(run.stdout).not.toContain('section_');
  });

  test('explicit XOPERO_ORGANIZATION and XOPERO_REPOSITORY win over the project defaults', async () => {
    world = await startWorld();
    const run = await cli([], {
      ...GITLAB,
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
      XOPERO_PLAN: 'Nightly GitHub',
      XOPERO_ORGANIZATION: world.orgId,
      XOPERO_REPOSITORY: 'acme/other',
    });

    expect(run.code).toBe(0);
    const dotenv = parseDotenv(readFileSync(join(run.cwd, 'xopero.env'), 'utf8'));
    expect(dotenv.XOPERO_REPOSITORY_ID).toBe(world.sim.repository('acme/other')!.id);
    expect(dotenv.XOPERO_CHANGED).toBe('false');
    expect(world.sim.repository('acme/api')!.isProtected).toBe(false);
  });

  test('--dotenv names the file; outside GitLab the project variables are ignored', async () => {
    world = await startWorld();
    const outside = await cli([], {
      CI_PROJECT_ROOT_NAMESPACE: 'acme',
      CI_PROJECT_PATH: 'acme/api',
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
    });
    expectFailure(
      outside,
      2,
      /--repository \/ XOPERO_REPOSITORY: is required but empty; CI_PROJECT_PATH is set, but GITLAB_CI is not 'true'.*add --variable GITLAB_CI=true\)\.$/,
    );
    expect(world.sim.requests).toHaveLength(0);

    const dir = freshDir();
    const run = await cli([...flags(world), '--dotenv', 'results.env'], credentials(world), { cwd: dir });
    expect(run.code).toBe(0);
    expect(parseDotenv(readFileSync(join(dir, 'results.env'), 'utf8')).XOPERO_CHANGED).toBe('true');
  });

  test('a dotenv file that cannot be written: an error naming it, not an unexpected one', async () => {
    world = await startWorld();
    const run = await cli([...flags(world), '--dotenv', '/nonexistent-dir/xopero.env'], credentials(world));
    expectFailure(
      run,
      2,
      /^xopero-one: --dotenv \/ XOPERO_DOTENV: cannot write the dotenv file '\/nonexistent-dir\/xopero\.env'.*give a writable path\.$/,
    );
    expect(run.stderr).not.toMatch(/Unexpected error|please report/);
    // Checked before the run: nothing was sent, so nothing was changed.
    expect(world.sim.requests).toHaveLength(0);
    expect(world.sim.repository('acme/api')!.isProtected).toBe(false);
  });
});

describe('XOPERO_CA_CERTIFICATE', () => {
  test('without it (and without NODE_EXTRA_CA_CERTS) the simulator is not trusted', async () => {
    world = await startWorld();
    const run = await cli(flags(world), { XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD });
    expectFailure(
      run,
      1,
      /TLS certificate of .* is not trusted.*give its CA as --ca-certificate \/ XOPERO_CA_CERTIFICATE \(PEM\) or in NODE_EXTRA_CA_CERTS/,
    );
    expect(world.sim.requests).toHaveLength(0);
  });

  test('as PEM text (a plain CI/CD variable)', async () => {
    world = await startWorld();
    const run = await cli(flags(world), { XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD, XOPERO_CA_CERTIFICATE: world.sim.caCert });
    expect(run.code).toBe(0);
    expectProtected(world, 'acme/api');
  });

  test('as a file path (a GitLab File variable)', async () => {
    world = await startWorld();
    const dir = freshDir();
    const file = join(dir, 'XOPERO_CA_CERTIFICATE');
    writeFileSync(file, world.sim.caCert);
    const run = await cli(flags(world), { ...GITLAB, XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD, XOPERO_CA_CERTIFICATE: file });
    expect(run.code).toBe(0);
    expectProtected(world, 'acme/api');
  });

  test('neither PEM nor a readable file: a usage error', async () => {
    world = await startWorld();
    const run = await cli(flags(world), { ...credentials(world), XOPERO_CA_CERTIFICATE: '/nonexistent/ca.pem' });
    expectFailure(run, 2, /ca-certificate.*neither PEM text nor a readable file/);
    expect(world.sim.requests).toHaveLength(0);
  });

  test('a directory (a mistyped File variable path): a usage error too, not an unexpected one', async () => {
    world = await startWorld();
    const dir = freshDir();
    const run = await cli(flags(world), { ...credentials(world), XOPERO_CA_CERTIFICATE: dir });
    expectFailure(run, 2, /--ca-certificate \/ XOPERO_CA_CERTIFICATE: is neither PEM text nor a readable file/);
    expect(run.stderr).not.toMatch(/Unexpected error|please report/);
    expect(world.sim.requests).toHaveLength(0);
  });
});

describe('secrets', () => {
  test('neither the password nor a token reaches stdout, stderr or the dotenv file', async () => {
    world = await startWorld();
    const { sim } = world;
    sim.addFault({ path: '/git/repositories/getmany', status: 401 }); // a second login, a second token
    sim.addFault({ path: '/plans/attachgitrepository', status: 500, body: { errorCode: 'GN0500', message: `echo ${PASSWORD}` } });
    const run = await cli(['--json'], {
      ...GITLAB,
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
      XOPERO_PLAN: 'Nightly GitHub',
      XOPERO_TIMING: '1',
    });

    expect(run.code).toBe(1);
    JSON.parse(run.stdout); // still one JSON document
    const tokens = tokensSeen(world);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    const dotenv = readFileSync(join(run.cwd, 'xopero.env'), 'utf8');
    for (const secret of [PASSWORD, ...tokens]) {
      expect(run.all).not.toContain(secret);
      expect(dotenv).not.toContain(secret);
    }
    expect(run.all).toContain('echo ***');
  });

  test('XOPERO_ACCESS_TOKEN: no login, and the token is never printed', async () => {
    world = await startWorld();
    const token = world.sim.issueToken(EMAIL);
    world.sim.addFault({ path: '/plans/attachgitrepository', status: 500, body: { errorCode: 'GN0500', message: `token ${token}` } });
    const run = await cli([...flags(world), '--json'], {
      XOPERO_ACCESS_TOKEN: token,
      NODE_EXTRA_CA_CERTS: world.sim.caCertPath,
      XOPERO_TIMING: '1',
    });

    expect(run.code).toBe(1);
    expect(count(world.sim, '/account/login')).toBe(0);
    expect(tokensSeen(world)).toEqual([token]);
    expect(run.all).not.toContain(token);
    expect(run.all).toContain('token ***');
  });
});

describe('a command line that behaves like the ones users know', () => {
  test.each([['-h'], ['help'], ['--help', '--bogus-after-help']])('%s prints the help and exits 0', async (...args) => {
    const run = await cli(args[0] === '--help' ? ['--help'] : args);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/^Usage: xopero-one/);
  });

  test.each([['-v'], ['version']])('%s prints the version and exits 0', async (arg) => {
    const run = await cli([arg]);
    expect([run.code, run.stdout, run.stderr]).toEqual([0, `${VERSION}\n`, '']);
  });

  test("the help's columns line up: every variable starts in one column, every description in another", async () => {
    const { stdout } = await cli(['--help']);
    const rows = stdout.split('\n').filter((line) => /^ {2}(-\w, )?--\w/.test(line));
    expect(rows.length).toBeGreaterThan(15);
    const variableColumns = new Set(rows.filter((row) => row.includes(' XOPERO_')).map((row) => row.indexOf(' XOPERO_')));
    expect(variableColumns.size).toBe(1);
    const [column] = variableColumns;
    const serverUrl = rows.find((row) => row.includes('--server-url'))!;
    const descriptionColumn = serverUrl.indexOf(' Xopero ONE') + 1;
    for (const row of rows) {
      expect(row.slice(0, column)).toMatch(/\S/); // the flag fits before the variable column
      expect(row.slice(column, column + 1)).toBe(' ');
      expect(row.slice(descriptionColumn - 1, descriptionColumn + 1)).toMatch(/^ \S/);
    }
  });

  test('--name=value works like --name value; a value may start with a dash', async () => {
    world = await startWorld();
    const run = await cli([`--server-url=${world.url}`, '--repository=acme/api', '--plan=Nightly GitHub', '--dry-run'], credentials(world));
    expect(run.code).toBe(0);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });
});

describe('stdout is for results', () => {
  test('retry warnings and the log go to stderr; stdout holds the report alone', async () => {
    world = await startWorld();
    world.sim.addFault({ path: '/git/organizations/getmany', status: 503, retryAfter: 0 });
    const run = await cli(flags(world), credentials(world));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: Retrying after HTTP 503/);
    expect(run.stdout).not.toMatch(/Retrying|warning|==/);
    expect(run.stdout.split('\n')[0]).toBe(`Organization: acme (${world.orgId})`);
  });

  test('NO_COLOR: no colour in the GitLab log; its section markers stay', async () => {
    world = await startWorld();
    const env = { ...GITLAB, ...credentials(world), XOPERO_SERVER_URL: world.url, XOPERO_ACTIVATE: 'false' };
    const colored = await cli([], env);
    expect(colored.stderr).toContain('\u001b[33mwarning:');
    const plain = await cli([], { ...env, NO_COLOR: '1' });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/^warning: acme\/api holds no license/m);
    expect(plain.stderr).not.toMatch(/\u001b\[3\dm/);
    expect(plain.stderr).toContain('section_start');
  });
});

describe('--json is always one document', () => {
  test.each([
    ['an unknown plan (a hard failure)', ['--plan', 'Nightly'], 1, /Plan 'Nightly' not found/],
    ['a usage error', ['--organisation', 'acme'], 2, /did you mean --organization/],
    ['a bad value', ['--sync', 'sometimes'], 2, /--sync \/ XOPERO_SYNC: expected one of/],
  ])('%s: {"problems": [...]} on stdout, the same exit code', async (_name, args, code, message) => {
    world = await startWorld();
    const run = await cli([...flags(world), ...args, '--json'], credentials(world));
    expect(run.code).toBe(code);
    const document = JSON.parse(run.stdout);
    expect(document.problems).toHaveLength(1);
    expect(document.problems[0]).toMatch(message);
    expect(errorLines(run)).toHaveLength(1);
  });
});

describe('the organization and the repository', () => {
  test('--repository owner/name alone: the organization is the owner', async () => {
    world = await startWorld();
    const run = await cli(['--server-url', world.url, '--repository', 'acme/api', '--plan', 'Nightly GitHub'], credentials(world));
    expect(run.code).toBe(0);
    expectProtected(world, 'acme/api');
  });

  test('an organization that is not the owner is refused before anything is sent', async () => {
    world = await startWorld();
    const run = await cli(['--server-url', world.url, '--organization', 'acme', '--repository', 'globex/portal'], credentials(world));
    expectFailure(run, 2, /'globex\/portal' belongs to 'globex', but --organization \/ XOPERO_ORGANIZATION is 'acme'/);
    expect(world.sim.requests).toHaveLength(0);
  });

  test('an organization the account does not see: the remedy names the flag and its variable', async () => {
    world = await startWorld();
    const run = await cli(['--server-url', world.url, '--organization', 'acmee', '--repository', 'api'], credentials(world));
    expectFailure(
      run,
      1,
      /Organization 'acmee' not found \(did you mean 'acme'\?\).*Set --organization \/ XOPERO_ORGANIZATION to one of these names/,
    );
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });

  test('XOPERO_ACCESS_TOKEN beside the email and password: says which variables to unset', async () => {
    const run = await cli(['--server-url', 'https://127.0.0.1:1', '--repository', 'acme/api'], {
      XOPERO_EMAIL: EMAIL,
      XOPERO_PASSWORD: PASSWORD,
      XOPERO_ACCESS_TOKEN: 'tok-x',
    });
    expectFailure(run, 2, /unset XOPERO_EMAIL and XOPERO_PASSWORD, or unset XOPERO_ACCESS_TOKEN/);
    expect(run.all).not.toContain(PASSWORD);
  });
});

describe('server answers that need a remedy', () => {
  test('https:// to a server speaking plain HTTP: said so, at once, not retried', async () => {
    world = await startWorld({ tls: false });
    const run = await cli(['--server-url', world.url.replace('http:', 'https:'), '--repository', 'acme/api'], {
      XOPERO_EMAIL: EMAIL,
      XOPERO_PASSWORD: PASSWORD,
    });
    expectFailure(run, 1, /127\.0\.0\.1:\d+ answered in plain HTTP to an https:\/\/ address.*--allow-http \(or XOPERO_ALLOW_HTTP=true\)/);
    expect(run.stderr).not.toMatch(/Retrying/);
  });

  test('a 404 with an error code on /account/login: is --server-url the Management Service?', async () => {
    world = await startWorld();
    world.sim.addFault({ path: '/account/login', status: 404, body: { errorCode: 'GN0404', message: 'No route' } });
    const run = await cli(flags(world), credentials(world));
    expectFailure(
      run,
      1,
      /has no \/account\/login \(HTTP 404, server: GN0404: No route\): is --server-url \/ XOPERO_SERVER_URL the Xopero ONE Management Service address\?/,
    );
  });

  test('a 404 under a base path names the whole address asked, so a wrong prefix shows', async () => {
    world = await startWorld();
    const run = await cli(['--server-url', `${world.url}/xopero/api`, '--repository', 'acme/api'], credentials(world));
    const address = `${world.url}/xopero/api`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expectFailure(run, 1, new RegExp(`^xopero-one: ${address} has no /account/login \\(HTTP 404[,)]`));
    expect(world.sim.requests.map((r) => r.path)).toEqual(['/xopero/api/account/login']);
  });
});

describe('sweeps say what they found', () => {
  const sweep = (w: World, ...args: string[]) => cli(['--server-url', w.url, '--organization', 'acme', ...args], credentials(w));

  test('patterns that match nothing fail in one line', async () => {
    world = await startWorld();
    const run = await sweep(world, '--repositories', 'nothing-*', '--plan', 'Nightly GitHub');
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([expect.stringMatching(/No repository of 'acme' matches nothing-\*: check the patterns/)]);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });

  test('a dry run and a check list the repositories concerned in the text report', async () => {
    world = await startWorld();
    const dry = await sweep(world, '--repositories', '*', '--plan', 'Nightly GitHub', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^ {2}acme\/api: would-activate, would-attach$/m);
    expect(dry.stdout).toMatch(/^ {2}acme\/api-gateway: would-activate, would-attach$/m);
    expect(dry.stdout).not.toMatch(/^ {2}acme\/other:/m);

    const check = await sweep(world, '--repositories', 'other', '--plan', 'Nightly GitHub', '--mode', 'check', '--max-backup-age', '1d');
    expect(check.code).toBe(3); // not compliant: a stale backup
    expect(check.stdout).toMatch(/^ {2}acme\/other: stale \('acme\/other' has never been backed up successfully/m);
    expect(errorLines(check)).toEqual([
      expect.stringMatching(/1 of 1 repositories have no successful backup within the limit; the report lists them/),
    ]);
  });

  test("a name not found: 'set sync' advice only where sync is what stops it; '1 plan'", async () => {
    world = await startWorld();
    const auto = await sweep(world, '--repositories', 'ghost', '--plan', 'Nightly GitHub', '--wait-timeout', '30');
    expect(auto.code).toBe(1);
    expect(errorLines(auto)[0]).toMatch(/Not found in organization 'acme': acme\/ghost; a synchronization ran and did not find them/);
    expect(auto.all).not.toMatch(/set sync|--sync auto/);
    expect(auto.stderr).toMatch(/the membership of 1 plan\./);

    const never = await sweep(world, '--repositories', 'ghost', '--sync', 'never');
    expect(errorLines(never)[0]).toMatch(/check the names, or set --sync auto \(or XOPERO_SYNC=auto\)/);
  });
});

describe('check mode', () => {
  test('a stale backup: no "nothing to change" before the failure', async () => {
    world = await startWorld();
    const run = await cli(
      ['--server-url', world.url, '--repository', 'acme/other', '--plan', 'Nightly GitHub', '--mode', 'check', '--max-backup-age', '1d'],
      credentials(world),
    );
    expect(run.code).toBe(3);
    expect(run.stderr).not.toMatch(/nothing to change/i);
    expect(run.stderr).toMatch(
      /Check: nothing would change, but the backup is older than --max-backup-age \/ XOPERO_MAX_BACKUP_AGE \(below\)\./,
    );
    expect(errorLines(run)).toEqual([expect.stringMatching(/'acme\/other' has never been backed up successfully/)]);
  });
});

describe('help on every command', () => {
  /** The first line of each command's help. */
  const USAGE: Record<string, RegExp> = {
    ensure: /^Usage: xopero-one \[ensure\] \[options\]\n/,
    report: /^Usage: xopero-one report \[options\] RESULT-FILE\|DIR\.\.\.\n/,
    help: /^Usage: xopero-one help \[COMMAND\]\n/,
    version: /^Usage: xopero-one version\n/,
  };

  test.each(Object.keys(USAGE))('%s: -h, --help and `help COMMAND` print the same help on stdout and exit 0', async (command) => {
    const runs = await Promise.all([
      cli([command, '-h']),
      cli([command, '--help']),
      cli(['help', command]),
      ...(command === 'ensure' ? [cli(['-h']), cli(['help']), cli(['--dry-run', '--help'])] : []),
    ]);
    for (const run of runs) {
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toMatch(USAGE[command]);
      expect(run.stdout).toBe(runs[0].stdout);
    }
  });

  test('every line of every help fits 100 columns; each links the docs', async () => {
    for (const command of Object.keys(USAGE)) {
      const { stdout } = await cli(['help', command]);
      const long = stdout.split('\n').filter((line) => line.length > 100);
      expect([command, long]).toEqual([command, []]);
      expect(stdout).toMatch(/^Docs: https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/\S*docs\/cli\.md$/m);
    }
  });

  test("the default command's help: commands, the option groups in order, examples, exit statuses", async () => {
    const { stdout } = await cli(['--help']);
    const headings = stdout.split('\n').filter((line) => /^\S.*:$/.test(line));
    expect(headings).toEqual([
      'Commands:',
      'What to protect:',
      'Where: the server, credentials, TLS and proxy:',
      'How: mode, dry run, synchronization, timeouts, limits:',
      'Output:',
      'General:',
      'Examples:',
      'Exit status:',
    ]);
    for (const command of Object.keys(USAGE)) expect(stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    // Each option in its group: the repository under what, the server under where, the mode under how.
    const section = (heading: string) => stdout.slice(stdout.indexOf(heading)).split('\n\n')[0];
    expect(section('What to protect:')).toMatch(/^ {2}--repository PATH +XOPERO_REPOSITORY /m);
    expect(section('Where:')).toMatch(/^ {2}--server-url URL +XOPERO_SERVER_URL /m);
    expect(section('Where:')).toMatch(/^ {2}--ca-certificate /m);
    expect(section('How:')).toMatch(/^ {2}--mode MODE +XOPERO_MODE /m);
    expect(section('Output:')).toMatch(/^ {2}--dotenv FILE +XOPERO_DOTENV /m);
    expect(
      section('Examples:')
        .split('\n')
        .filter((line) => line.startsWith('  xopero-one ')).length,
    ).toBeGreaterThanOrEqual(3);
    expect(section('Exit status:')).toMatch(/^ {2}3 +not compliant/m);
  });

  test('report: its own options, and its usage errors point to its help', async () => {
    const { stdout } = await cli(['report', '--help']);
    expect(stdout).toMatch(/^ {2}--json FILE +write the merged JSON document there$/m);
    expect(stdout).not.toContain('--server-url');
    expect(section(stdout, 'Exit status:')).toMatch(/^ {2}3 +not compliant: check mode found/m);
    for (const [args, message] of [
      [['--bogus'], /^xopero-one report: unknown option '--bogus'$/],
      [['--jnuit', 'x.xml'], /^xopero-one report: unknown option '--jnuit' \(did you mean --junit\?\)$/],
      [['--json'], /^xopero-one report: --json needs a value \(FILE\)$/],
    ] as Array<[string[], RegExp]>) {
      const run = await cli(['report', ...args]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')).toEqual([expect.stringMatching(message), "Try 'xopero-one report --help'.", '']);
    }
  });

  test.each([
    [['help', 'reprt'], /^xopero-one: no help for 'reprt' \(did you mean 'report'\?\)/],
    [['help', 'report', 'now'], /^xopero-one: no help for 'report now'/],
    [['version', 'now'], /^xopero-one: unknown command 'version now': 'version' takes no argument/],
  ])('%j: a usage error, exit 2', async (args, message) => {
    const run = await cli(args);
    expectFailure(run, 2, message);
    expect(run.stderr).toContain("Try 'xopero-one --help'.");
  });

  test('docs/cli.md lists every exit status the help gives', async () => {
    const { stdout } = await cli(['--help']);
    const docs = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
    const codes = [...section(stdout, 'Exit status:').matchAll(/^ {2}(\S+) /gm)].map((m) => m[1]);
    expect(codes).toEqual(['0', '1', '2', '3', '130/143']);
    for (const code of codes) expect(docs).toMatch(new RegExp(`^\\| ${code.replace('/', '\\/')} \\|`, 'm'));
  });
});

/** The lines of `text` from `heading` to the next blank line. */
const section = (text: string, heading: string) => text.slice(text.indexOf(heading)).split('\n\n')[0];

describe("the GitLab component's job names its inputs, not the CLI's flags (XOPERO_COMPONENT=1)", () => {
  const component = (w: World) => ({ ...GITLAB, XOPERO_COMPONENT: '1', XOPERO_SERVER_URL: w.url, ...credentials(w) });

  test('an input refused, a remedy, a variable that is not an input', async () => {
    world = await startWorld();
    const bad = await cli([], { ...component(world), XOPERO_SYNC: 'sometimes' });
    expectFailure(bad, 2, /^xopero-one: Input 'sync': expected one of auto, always, never, got 'sometimes'\.$/);
    const plan = await cli([], { ...component(world), XOPERO_PLAN: 'Nightly' });
    expectFailure(plan, 1, /; its plans are: .*\. Set plan to one of these names or to its id\.$/);
    const ca = await cli([], { ...component(world), XOPERO_CA_CERTIFICATE: 'no-such-file.pem' });
    expectFailure(ca, 2, /^xopero-one: XOPERO_CA_CERTIFICATE: is neither PEM text nor a readable file: 'no-such-file\.pem' \(ENOENT\)\.$/);
    // Without the marker, a GitLab job of the user's own that runs the CLI: its flags and variables.
    const own = await cli([], { ...GITLAB, XOPERO_SERVER_URL: world.url, ...credentials(world), XOPERO_SYNC: 'sometimes' });
    expectFailure(own, 2, /^xopero-one: --sync \/ XOPERO_SYNC: expected one of auto, always, never, got 'sometimes'\.$/);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
  });
});

describe('exit status: not compliant (3), could not run (1), bad input (2)', () => {
  const checkFlags = (w: World) => ['--server-url', w.url, '--repository', 'acme/api', '--plan', 'Nightly GitHub', '--mode', 'check'];

  test('3: check mode finds the repository not protected; XOPERO_FAILURE=non-compliant; nothing changed', async () => {
    world = await startWorld();
    const run = await cli([...checkFlags(world), '--dotenv', 'out.env', '--json'], credentials(world));
    expect(run.code).toBe(3);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/'acme\/api' is not license-activated and not attached to plan 'Nightly GitHub'/),
    ]);
    expect(parseDotenv(run.files['out.env'])).toMatchObject({ XOPERO_FAILURE: 'non-compliant', XOPERO_CHANGED: 'false' });
    expect(JSON.parse(run.stdout).problems).toHaveLength(1);
    expect(world.sim.mutatingRequests()).toHaveLength(0);

    // Once protected, the same check passes: exit 0 and an empty XOPERO_FAILURE.
    expect((await cli(flags(world), credentials(world))).code).toBe(0);
    const again = await cli([...checkFlags(world), '--dotenv', 'out.env'], credentials(world));
    expect(again.code).toBe(0);
    expect(parseDotenv(again.files['out.env']).XOPERO_FAILURE).toBe('');
  });

  test('a value that holds a secret is written empty to the dotenv file (a server that answered the token as an id)', async () => {
    world = await startWorld();
    const token = world.sim.issueToken(EMAIL, 'AccT0kenValue-1234567890abcdef');
    world.sim.addFault({
      path: '/git/repositories/getmany',
      transform: (answer) => {
        const page = answer as { result: { repositories: Array<{ id: string; name: string }> } };
        for (const repository of page.result.repositories) if (repository.name === 'acme/api') repository.id = token;
        return page;
      },
    });
    const run = await cli([...checkFlags(world), '--dotenv', 'out.env'], {
      XOPERO_ACCESS_TOKEN: token,
      NODE_EXTRA_CA_CERTS: world.sim.caCertPath,
    });
    expect(run.code).toBe(3);
    expect(run.files['out.env']).not.toContain(token);
    expect(parseDotenv(run.files['out.env'])).toMatchObject({ XOPERO_REPOSITORY_ID: '', XOPERO_FAILURE: 'non-compliant' });
    expect(run.all).not.toContain(token);
  });

  test('1: an unreachable server; XOPERO_FAILURE=error', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused (after the client's retries).
    const run = await cli(['--server-url', 'https://127.0.0.1:1', '--repository', 'acme/api', '--mode', 'check', '--dotenv', 'out.env'], {
      XOPERO_EMAIL: EMAIL,
      XOPERO_PASSWORD: PASSWORD,
    });
    expectFailure(run, 1, /Cannot reach Xopero ONE: 127\.0\.0\.1:1 refused the connection/);
    expect(run.files['out.env']).toBe('XOPERO_FAILURE=error\n');
  }, 30_000);

  test('1, not 3: a sweep that cannot find a name it was given could not do its work: an error', async () => {
    world = await startWorld();
    const run = await cli(
      ['--server-url', world.url, '--organization', 'acme', '--repositories', 'ghost', '--wait-timeout', '30', '--dotenv', 'out.env'],
      credentials(world),
    );
    expect(run.code).toBe(1);
    expect(parseDotenv(run.files['out.env']).XOPERO_FAILURE).toBe('error');
  });

  test('2: bad input, nothing sent; XOPERO_FAILURE=error in the dotenv file it asked for', async () => {
    world = await startWorld();
    const run = await cli([...checkFlags(world), '--sync', 'sometimes', '--dotenv', 'out.env'], credentials(world));
    expectFailure(run, 2, /--sync \/ XOPERO_SYNC: expected one of auto, always, never, got 'sometimes'/);
    expect(world.sim.requests).toHaveLength(0);
    expect(run.files['out.env']).toBe('XOPERO_FAILURE=error\n');
  });

  test('2: a command line that cannot be read still records XOPERO_FAILURE=error where --dotenv says', async () => {
    world = await startWorld();
    // An unknown option, then a flag without its value: the line is refused before any input is read.
    const unknown = await cli([...checkFlags(world), '--dotenv', 'out.env', '--bogus'], credentials(world));
    expectFailure(unknown, 2, /unknown option '--bogus'/);
    expect(unknown.files['out.env']).toBe('XOPERO_FAILURE=error\n');
    const noValue = await cli([...checkFlags(world), '--dotenv=out.env', '--plan'], credentials(world));
    expect(noValue.code).toBe(2);
    expect(noValue.files['out.env']).toBe('XOPERO_FAILURE=error\n');
    // --dotenv itself without its value: no path, nothing written; the error stands.
    const forgotten = await cli([...checkFlags(world), '--dotenv'], credentials(world));
    expectFailure(forgotten, 2, /--dotenv needs a value/);
    expect(Object.keys(forgotten.files)).toEqual([]);
    expect(world.sim.requests).toHaveLength(0);
  });
});
