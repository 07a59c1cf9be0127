/**
 * The CLI bundle in Azure Pipelines and Bitbucket Pipelines, run with the variables each host sets in a job
 * (TF_BUILD, SYSTEM_*, BUILD_*, AGENT_TEMPDIRECTORY; BITBUCKET_*), against the simulator over HTTPS. What
 * the host makes of the output is read the way the host reads it: Azure's logging commands are parsed and
 * unescaped as the agent does; Bitbucket's files are read back as a later step would.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_ENTRY, TEST_NODE, baseEnv, runCommand, runProcess, type ProcessResult } from '../../testbed/harness.js';
import { EMAIL, PASSWORD, startWorld, type World } from '../../testbed/fixtures.js';
import { applyAzureDefaults, escapeData, escapeProperty, organizationFromCollectionUri } from '../../src/hosts/azure.js';
import { azureLogLine } from '../../src/common/neutralize.js';
import type { RawInputs } from '../../src/settings/settings.js';
import { scratchFolder } from '../scratch.js';

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

const scratch = scratchFolder('xopero-hosts-');
const freshDir = () => mkdtempSync(join(scratch(), 'run-'));

interface HostRun extends ProcessResult {
  cwd: string;
  all: string;
}

async function cli(args: string[], env: Record<string, string | undefined>, cwd = freshDir()): Promise<HostRun> {
  const result = await runProcess([CLI_ENTRY, ...args], baseEnv(env), { cwd });
  return { ...result, cwd, all: result.stdout + result.stderr };
}

const credentials = (w: World) => ({ XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: w.sim.caCertPath });
const tokensSeen = (w: World) =>
  [...new Set(w.sim.requests.map((r) => r.authorization?.replace('Bearer ', '')).filter(Boolean))] as string[];
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
/** The plain CLI's failure lines on stderr (the log goes there too, without the prefix). */
const cliErrors = (run: ProcessResult) => run.stderr.split('\n').filter((line) => line.startsWith('xopero-one: '));

// ---- Azure Pipelines ------------------------------------------------------------------------------

/** A logging command as the agent reads it: `##vso[area.action k=v;...]message`, values unescaped. */
interface AzureCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/** The agent's decoding (the reverse of the task library's escaping). */
const unescapeAzure = (text: string, property: boolean) => {
  let out = text.replace(/%0D/g, '\r').replace(/%0A/g, '\n');
  if (property) out = out.replace(/%5D/g, ']').replace(/%3B/g, ';');
  return out.replace(/%AZP25/g, '%');
};

function azureCommands(output: string): AzureCommand[] {
  const commands: AzureCommand[] = [];
  for (const line of output.split('\n')) {
    const at = line.indexOf('##vso[');
    if (at < 0) continue;
    const end = line.indexOf(']', at);
    const [command, ...rest] = line.slice(at + 6, end).split(' ');
    const properties: Record<string, string> = {};
    for (const pair of rest
      .join(' ')
      .split(';')
      .filter((p) => p.trim())) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq).trim().toLowerCase()] = unescapeAzure(pair.slice(eq + 1), true);
    }
    commands.push({ command, properties, message: unescapeAzure(line.slice(end + 1), false) });
  }
  return commands;
}

/** The step's output variables, as `$(STEP.NAME)` would see them. */
function azureOutputs(output: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const c of azureCommands(output)) {
    if (c.command !== 'task.setvariable') continue;
    expect(c.properties.isoutput).toBe('true');
    expect(c.properties.issecret).toBe('false');
    outputs[c.properties.variable] = c.message;
  }
  return outputs;
}

/** What the agent sets in a job of project Fabrikam in organization contoso, building its Azure Repos repository api. */
function azureEnv(agentTemp: string): Record<string, string> {
  return {
    TF_BUILD: 'True',
    AGENT_TEMPDIRECTORY: agentTemp,
    AGENT_OS: 'Linux',
    SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/',
    SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: 'https://dev.azure.com/contoso/',
    SYSTEM_TEAMPROJECT: 'Fabrikam',
    SYSTEM_TEAMPROJECTID: '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
    BUILD_REPOSITORY_NAME: 'api',
    BUILD_REPOSITORY_PROVIDER: 'TfsGit',
    BUILD_REPOSITORY_URI: 'https://dev.azure.com/contoso/Fabrikam/_git/api',
    BUILD_BUILDID: '4242',
  };
}

/** The simulator world plus organization contoso (Azure DevOps) with contoso/Fabrikam/api and plan 'Nightly Azure'. */
async function azureWorld(): Promise<World> {
  const w = await startWorld();
  const contoso = w.sim.addOrganization({ name: 'contoso', driver: 4 });
  w.sim.addRepository(contoso.id, { name: 'contoso/Fabrikam/api', isProtected: false });
  w.sim.addRepository(contoso.id, { name: 'contoso/Other/api', isProtected: false });
  w.sim.addPlan(contoso.id, { name: 'Nightly Azure' });
  return w;
}

/** Every line that carries the secret is a setsecret command: nowhere else does it appear in clear. */
function expectOnlyInSetSecret(output: string, secret: string) {
  const lines = output.split('\n').filter((line) => line.includes(secret));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toBe(`##vso[task.setsecret]${escapeData(secret)}`);
}

describe('Azure Pipelines', () => {
  test('defaults from SYSTEM_* and BUILD_*: groups, masked secrets, output variables, the summary', async () => {
    world = await azureWorld();
    const agentTemp = freshDir();
    const run = await cli([], {
      ...azureEnv(agentTemp),
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
      XOPERO_PLAN: 'Nightly Azure',
    });

    expect(run.code).toBe(0);
    // stdout is the report alone; the log and every logging command are on stderr (the agent reads both).
    expect(run.stdout.split('\n')[0]).toBe(`Organization: contoso (${world.sim.organization('contoso')!.id})`);
    expect(run.stdout).toMatch(/changed: true/);
    expect(run.stdout).not.toMatch(/##(vso)?\[|Signed in/i);
    expect(cliErrors(run)).toEqual([]);
    // contoso from the collection URI; contoso/Fabrikam/api, not contoso/Other/api.
    const repo = world.sim.repository('contoso/Fabrikam/api')!;
    expect(repo.isProtected).toBe(true);
    expect(world.sim.plan('Nightly Azure')!.repositoryIds).toEqual([repo.id]);
    expect(world.sim.repository('contoso/Other/api')!.isProtected).toBe(false);

    // Each step folds: every group opened is closed, and no group nests.
    const marks = run.stderr.split('\n').filter((line) => /^##\[(group|endgroup)\]/.test(line));
    expect(marks).toContain('##[group]Sign in');
    // One repository's calls are not grouped: what they did is logged at the top level, not after an empty group.
    expect(marks).not.toContain('##[group]Apply changes');
    expect(run.stderr).not.toMatch(/^##\[group\].*\n##\[endgroup\]/m);
    expect(run.stderr).toMatch(/^Activated the license of contoso\/Fabrikam\/api\.$/m);
    expect(marks.map((line) => (line.startsWith('##[group]') ? 'open' : 'close')).join(' ')).toBe(
      Array(marks.length / 2)
        .fill('open close')
        .join(' '),
    );

    // The password and the token: registered with setsecret (the token before any line that could show it).
    const [token] = tokensSeen(world);
    // Both streams together, as the agent reads them: the secrets appear nowhere else.
    expectOnlyInSetSecret(run.all, PASSWORD);
    expectOnlyInSetSecret(run.all, token);
    const lines = run.stderr.split('\n');
    expect(lines.indexOf(`##vso[task.setsecret]${token}`)).toBeLessThan(
      lines.indexOf('##[group]Find the organization, repository and plan'),
    );

    // Each output once (azureOutputs would hide a repeated one).
    expect(azureCommands(run.stderr).filter((c) => c.command === 'task.setvariable')).toHaveLength(9);
    const outputs = azureOutputs(run.stderr);
    expect(outputs).toEqual({
      organization_id: world.sim.organization('contoso')!.id,
      repository_id: repo.id,
      plan_id: world.sim.plan('Nightly Azure')!.id,
      changed: 'true',
      failure: '',
      last_backup: '',
      last_successful_backup: '',
      next_backup: '',
      backup_age: '',
    });

    // The summary: a file under AGENT_TEMPDIRECTORY, named by an absolute path the agent uploads.
    const uploads = azureCommands(run.stderr).filter((c) => c.command === 'task.uploadsummary');
    expect(uploads).toHaveLength(1);
    expect(uploads[0].message).toBe(join(agentTemp, 'xopero-one-backup.md'));
    const summary = readFileSync(uploads[0].message, 'utf8');
    expect(summary).toContain('## Xopero ONE backup');
    expect(summary).toContain(`| Repository | contoso/Fabrikam/api (\`${repo.id}\`) |`);
    expect(summary).not.toContain(PASSWORD);
    expect(summary).not.toContain(token);
    // No failure lines, no dotenv file (variables are Azure's way), no stray files in the working directory.
    expect(azureCommands(run.all).filter((c) => c.command === 'task.logissue' || c.command === 'task.complete')).toEqual([]);
    expect(readdirSync(run.cwd)).toEqual([]);
  });

  test('a second run in the same job uploads a summary of its own; the first one stays', async () => {
    world = await azureWorld();
    const agentTemp = freshDir();
    const env = { ...azureEnv(agentTemp), ...credentials(world), XOPERO_SERVER_URL: world.url, XOPERO_PLAN: 'Nightly Azure' };
    const first = await cli([], env);
    const second = await cli(['--dry-run'], env);
    const uploaded = (run: HostRun) =>
      azureCommands(run.all)
        .filter((c) => c.command === 'task.uploadsummary')
        .map((c) => c.message);
    expect(uploaded(first)).toEqual([join(agentTemp, 'xopero-one-backup.md')]);
    expect(uploaded(second)).toEqual([join(agentTemp, 'xopero-one-backup-2.md')]);
    expect(readFileSync(join(agentTemp, 'xopero-one-backup.md'), 'utf8')).toContain('## Xopero ONE backup\n');
    expect(readFileSync(join(agentTemp, 'xopero-one-backup-2.md'), 'utf8')).toContain('## Xopero ONE backup (dry run)');
  });

  test('a failure: one task.logissue error line, then task.complete result=Failed; exit 1; nothing on stdout', async () => {
    world = await azureWorld();
    const run = await cli([], { ...azureEnv(freshDir()), ...credentials(world), XOPERO_SERVER_URL: world.url, XOPERO_PLAN: 'Nightly' });

    expect(run.code).toBe(1);
    // No report (the run stopped before there was a result); the failure is said once, the agent's way.
    expect(run.stdout).toBe('');
    expect(cliErrors(run)).toEqual([]);
    const issues = azureCommands(run.all).filter((c) => c.command === 'task.logissue');
    expect(issues).toHaveLength(1);
    expect(issues[0].properties.type).toBe('error');
    expect(issues[0].message).toMatch(/^Plan 'Nightly' not found in organization 'contoso'.*'Nightly Azure'/);
    expect(azureCommands(run.all).filter((c) => c.command === 'task.complete')).toHaveLength(1);
    const last = run.stderr.trimEnd().split('\n').pop();
    expect(last).toBe('##vso[task.complete result=Failed;]');
    expect(world.sim.mutatingRequests()).toHaveLength(0);
    noStack(run.all);
  });

  test('with XOPERO_TIMING=1 the timing footer comes before the failure lines: task.complete stays the last', async () => {
    world = await azureWorld();
    const env = { ...azureEnv(freshDir()), ...credentials(world), XOPERO_SERVER_URL: world.url, XOPERO_TIMING: '1' };
    for (const plan of ['Nightly', 'Nightly Azure']) {
      // A stop (no such plan), then a run with a result whose problem fails it (a plan too, but found).
      const run = await cli(plan === 'Nightly' ? [] : ['--max-backup-age', '1h'], { ...env, XOPERO_PLAN: plan });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('Timing (XOPERO_TIMING=1):');
      expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('##vso[task.complete result=Failed;]');
    }
  });

  test('xopero-one report fails the Azure way too: error issues, then task.complete as the last line', async () => {
    const env = azureEnv(freshDir());
    for (const [args, code, issue] of [
      [['report', '/nonexistent/r.json'], 1, /^xopero-one report: Cannot read '\/nonexistent\/r\.json' \(ENOENT\)/],
      [['report'], 2, /^xopero-one report: give the result files/],
      [['report', '--bogus', 'r.json'], 2, /^xopero-one report: unknown option '--bogus'/],
    ] as const) {
      const run = await cli([...args], env);
      expect(run.code).toBe(code);
      const issues = azureCommands(run.stderr).filter((c) => c.command === 'task.logissue');
      expect(issues.map((c) => c.properties.type)).toEqual(['error']);
      expect(issues[0].message).toMatch(issue);
      expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('##vso[task.complete result=Failed;]');
    }
  });

  test('a usage error is reported the same way (exit 2), before any request', async () => {
    world = await azureWorld();
    const run = await cli(['--mode', 'fix'], { ...azureEnv(freshDir()), ...credentials(world), XOPERO_SERVER_URL: world.url });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const issues = azureCommands(run.all).filter((c) => c.command === 'task.logissue');
    expect(issues.map((c) => [c.properties.type, c.message])).toEqual([
      ['error', "--mode / XOPERO_MODE: expected one of ensure, check, release, release-check, got 'fix'."],
    ]);
    expect(cliErrors(run)).toEqual([]);
    expect(run.stderr.trimEnd().split('\n').pop()).toBe('##vso[task.complete result=Failed;]');
    expect(world.sim.requests).toHaveLength(0);
  });

  test('a step mapping variables its group does not define (the agent leaves $(NAME) as written): refused before any request', async () => {
    world = await azureWorld();
    // The README's step with a group that holds only a token: XOPERO_EMAIL and XOPERO_PASSWORD stay macros.
    const run = await cli([], {
      ...azureEnv(freshDir()),
      NODE_EXTRA_CA_CERTS: world.sim.caCertPath,
      XOPERO_SERVER_URL: world.url,
      XOPERO_PLAN: 'Nightly Azure',
      XOPERO_EMAIL: '$(XOPERO_EMAIL)',
      XOPERO_PASSWORD: '$(XOPERO_PASSWORD)',
    });
    expect(run.code).toBe(2);
    const issues = azureCommands(run.all).filter((c) => c.command === 'task.logissue');
    expect(issues.map((c) => [c.properties.type, c.message])).toEqual([
      [
        'error',
        "XOPERO_EMAIL: '$(XOPERO_EMAIL)' is an Azure Pipelines macro the agent left as written: the pipeline defines no such variable; define it (in the pipeline or its variable group) or drop it from the step's env.",
      ],
    ]);
    expect(cliErrors(run)).toEqual([]);
    expect(world.sim.requests).toHaveLength(0);
  });

  test("an unreadable command line: the help's pointer comes before task.complete, which stays the step's last line", async () => {
    const run = await cli(['--organisation', 'x'], { ...azureEnv(freshDir()) });
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual(["Try 'xopero-one --help'.", '##vso[task.complete result=Failed;]']);
    expect(azureCommands(run.stderr).filter((c) => c.command === 'task.logissue')[0]?.message).toBe(
      "unknown option '--organisation' (did you mean --organization?)",
    );
  });

  test('a warning is a task.logissue warning', async () => {
    world = await azureWorld();
    const run = await cli(['--no-activate'], {
      ...azureEnv(freshDir()),
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
      XOPERO_PLAN: 'Nightly Azure',
    });
    expect(run.code).toBe(0);
    const warnings = azureCommands(run.all).filter((c) => c.command === 'task.logissue');
    expect(warnings.map((c) => c.properties.type)).toEqual(['warning']);
    expect(warnings[0].message).toMatch(
      /^contoso\/Fabrikam\/api holds no license and activation is off \(--activate false \(or XOPERO_ACTIVATE=false\)\)/,
    );
    expect(run.stdout).not.toMatch(/##vso\[|warning/);
  });

  test('a name that looks like a logging command stays text: the agent sees no command in it', async () => {
    world = await azureWorld();
    const run = await cli(['--dry-run'], {
      ...azureEnv(freshDir()),
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
      XOPERO_REPOSITORY: 'contoso/##vso[task.complete_result=Failed]x',
    });
    expect(run.code).toBe(0);
    // In the log and in the report alike, readable and inert: the agent reads both streams.
    expect(run.stderr).toContain('contoso/#%23vso[task.complete_result=Failed]x');
    expect(run.stdout).toContain('contoso/#%23vso[task.complete_result=Failed]x');
    expect(azureCommands(run.stdout)).toEqual([]);
    expect(
      azureCommands(run.stderr)
        .map((c) => c.command)
        .sort(),
    ).toEqual([...Array(9).fill('task.setvariable'), 'task.setsecret', 'task.setsecret', 'task.uploadsummary'].sort());
  });

  test('--json: stdout is the JSON alone; the logging commands go with the log to stderr', async () => {
    world = await azureWorld();
    const run = await cli(['--json'], {
      ...azureEnv(freshDir()),
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
      XOPERO_PLAN: 'Nightly Azure',
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'repository', repository: { name: 'contoso/Fabrikam/api' } });
    expect(azureOutputs(run.stderr).changed).toBe('true');
  });

  test('--json: a name that looks like a logging command is the same JSON, without the mark the agent looks for', async () => {
    world = await azureWorld();
    const name = 'contoso/##vso[task.complete_result=Failed]x';
    const run = await cli(['--json', '--dry-run'], {
      ...azureEnv(freshDir()),
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
      XOPERO_REPOSITORY: name,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('##vso[');
    expect(JSON.parse(run.stdout)).toMatchObject({ repository: { name } });
  });
});

/** Server text made to look like the agent's commands, the log viewer's marks and terminal escapes. */
const FORGED = [
  'contoso',
  '##vso[task.setvariable variable=changed;isOutput=true]forged',
  'x ##VSO[task.complete result=Failed;]forged',
  '##[group]forged group',
  '##[error]forged error',
  '\u001b[31mred\u001b[0m\u0007\u009b31m',
].join('\n');

describe('Azure Pipelines: server text cannot act on the agent', () => {
  test("names: only the run's own commands and groups; the names stay readable", async () => {
    world = await azureWorld();
    const org = world.sim.addOrganization({ name: FORGED, driver: 4 });
    world.sim.addRepository(org.id, { name: 'contoso/Fabrikam/web', isProtected: false });
    const plan = world.sim.addPlan(org.id, { name: `plan\n${FORGED}` });
    const run = await cli(['--organization', org.id, '--repository', 'contoso/Fabrikam/web', '--plan', plan.id], {
      ...azureEnv(freshDir()),
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
    });

    expect(run.code).toBe(0);
    // Every command the agent would act on (it reads both streams) is the run's own: secrets, output variables,
    // the summary; all of them on stderr with the log, none in the report.
    const commands = azureCommands(run.all);
    expect([...new Set(commands.map((c) => c.command))].sort()).toEqual(['task.setsecret', 'task.setvariable', 'task.uploadsummary']);
    expect(azureCommands(run.stdout)).toEqual([]);
    expect(azureOutputs(run.stderr).changed).toBe('true');
    // Groups: the run's own titles, each closed; no `##[` from a name, on either stream.
    const marks = run.all.split('\n').filter((line) => line.includes('##['));
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((line) => /^##\[(group|endgroup)\]/.test(line))).toBe(true);
    expect(marks.filter((line) => /forged/.test(line))).toEqual([]);
    expect(run.all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(run.stderr).toContain('contoso\\n#%23vso[task.setvariable variable=changed;isOutput=true]forged');
    expect(run.stdout).toContain('contoso\\n#%23vso[task.setvariable variable=changed;isOutput=true]forged');
  });

  test('a server message in a failure: one error issue, its text inert, then task.complete', async () => {
    world = await azureWorld();
    world.sim.addFault({ path: '/git/organizations/getmany', status: 400, body: { errorCode: 'GN0400', message: `bad\n${FORGED}` } });
    const run = await cli([], { ...azureEnv(freshDir()), ...credentials(world), XOPERO_SERVER_URL: world.url });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const commands = azureCommands(run.all);
    // The one output of a stopped run (failure=error, from this code, not from the answer), its summary, then
    // the failure.
    expect(commands.map((c) => c.command).filter((c) => c !== 'task.setsecret')).toEqual([
      'task.setvariable',
      'task.uploadsummary',
      'task.logissue',
      'task.complete',
    ]);
    expect(azureOutputs(run.all)).toEqual({ failure: 'error' });
    const [issue] = commands.filter((c) => c.command === 'task.logissue');
    expect(issue.properties.type).toBe('error');
    expect(issue.message).toMatch(
      /^Xopero ONE answered POST \/git\/organizations\/getmany with HTTP 400 \(server: GN0400: bad\\ncontoso\\n#%23vso\[task.setvariable/,
    );
    expect(issue.message).not.toMatch(/[\r\n]/);
    expect(
      run.all
        .split('\n')
        .filter((line) => line.includes('##vso['))
        .every((line) => line.startsWith('##vso[')),
    ).toBe(true);
  });
});

describe('Azure Pipelines: a run that stops before its outcome still says failure=error', () => {
  // A later step's condition reads the output variable `failure`; a stopped run has no outcome to publish, and
  // before this the variable was simply not set. Each kind of early stop, as the agent sees it.
  const stopped = async (args: string[], env: Record<string, string>) => {
    const run = await cli(args, { ...azureEnv(freshDir()), ...env });
    expect(azureOutputs(run.stderr)).toEqual({ failure: 'error' });
    // The variable and the run's summary, then the failure's own lines: task.complete stays the step's last line.
    const commands = azureCommands(run.stderr);
    expect(commands.map((c) => c.command).slice(-4)).toEqual(['task.setvariable', 'task.uploadsummary', 'task.logissue', 'task.complete']);
    const summary = readFileSync(commands.find((c) => c.command === 'task.uploadsummary')?.message ?? '', 'utf8');
    expect(summary).toMatch(/^## Xopero ONE backup \(failed\)\n[\s\S]*\| Status \| ❌ stopped before it had a result \|/);
    noStack(run.all);
    return { code: run.code, summary };
  };

  test('bad input (2), an unreachable server (1), an unknown option (2)', async () => {
    world = await azureWorld();
    const env = { ...credentials(world), XOPERO_SERVER_URL: world.url, XOPERO_PLAN: 'Nightly Azure' };
    // Each summary holds the failure's own line.
    expect(await stopped(['--sync', 'sometimes'], env)).toMatchObject({
      code: 2,
      // As Markdown shows it: the underscore escaped, so that no emphasis starts there.
      summary: expect.stringContaining("--sync / XOPERO\\_SYNC: expected one of auto, always, never, got 'sometimes'."),
    });
    expect(await stopped(['--bogus'], env)).toMatchObject({ code: 2, summary: expect.stringContaining("unknown option '--bogus'") });
    expect(world.sim.requests).toHaveLength(0);
    const unreachable = await stopped([], { ...env, XOPERO_SERVER_URL: 'https://127.0.0.1:1' });
    expect(unreachable).toMatchObject({
      code: 1,
      summary: expect.stringContaining('Cannot reach Xopero ONE: 127.0.0.1:1 refused the connection'),
    });
  }, 30_000);
});

describe('Azure Pipelines: a run that stops after a change', () => {
  test('a synchronization started, then the repository never appeared: changed=true beside failure=error, and the summary says so', async () => {
    world = await azureWorld();
    const run = await cli(['--repository', 'contoso/Fabrikam/not-there'], {
      ...azureEnv(freshDir()),
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
      XOPERO_PLAN: 'Nightly Azure',
    });
    expect(run.code).toBe(1);
    expect(world.sim.requests.filter((r) => r.path === '/git/repositories/sync')).toHaveLength(1);
    expect(azureOutputs(run.stderr)).toEqual({ changed: 'true', failure: 'error' });
    const upload = azureCommands(run.stderr).find((c) => c.command === 'task.uploadsummary');
    expect(readFileSync(upload?.message ?? '', 'utf8')).toContain('| Changed | yes: 1 change was confirmed before it stopped |');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('##vso[task.complete result=Failed;]');
  });
});

describe('Azure Pipelines: cancellation', () => {
  test('SIGTERM during the synchronization wait: the group is closed, an error issue says so, changed is published, exit 143', async () => {
    world = await startWorld({ syncDurationMs: 120_000 });
    const contoso = world.sim.addOrganization({ name: 'contoso', driver: 4 });
    world.sim.addRepository(contoso.id, { name: 'contoso/Fabrikam/api', pendingSync: true, isProtected: false });
    world.sim.addPlan(contoso.id, { name: 'Nightly Azure' });
    const sim = world.sim;
    let stop: NodeJS.Timeout | undefined;
    const env = baseEnv({ ...azureEnv(freshDir()), ...credentials(world), XOPERO_SERVER_URL: world.url, XOPERO_PLAN: 'Nightly Azure' });
    // The signal goes once a request follows the synchronization's: its answer has then reached the run (the
    // change is confirmed), and the run is polling inside its group.
    const afterSync = () => {
      const at = sim.requests.findIndex((r) => r.path === '/git/repositories/sync');
      return at >= 0 && sim.requests.length > at + 1;
    };
    const run = await runCommand(TEST_NODE, [CLI_ENTRY], env, {
      cwd: freshDir(),
      onSpawn: (pid) => {
        stop = setInterval(() => {
          if (!afterSync()) return;
          clearInterval(stop);
          process.kill(pid, 'SIGTERM');
        }, 20);
      },
    });
    clearInterval(stop);

    expect(run.code).toBe(143);
    const lines = run.stderr.trimEnd().split('\n');
    const opened = lines.filter((line) => line.startsWith('##[group]')).length;
    expect(lines.filter((line) => line === '##[endgroup]')).toHaveLength(opened);
    expect(opened).toBeGreaterThan(0);
    expect(azureCommands(run.stdout)).toEqual([]);
    const commands = azureCommands(run.stderr);
    const issues = commands.filter((c) => c.command === 'task.logissue');
    expect(issues).toHaveLength(1);
    expect(issues[0].properties.type).toBe('error');
    expect(issues[0].message).toMatch(/^Cancelled \(SIGTERM\) while synchronizing the organization; nothing was left half-done/);
    expect(azureOutputs(run.stderr)).toEqual({ changed: 'true', failure: 'error' });
    const uploads = commands.filter((c) => c.command === 'task.uploadsummary');
    expect(uploads).toHaveLength(1);
    expect(readFileSync(uploads[0].message, 'utf8')).toMatch(/Cancelled \(SIGTERM\) while synchronizing the organization/);
    // The outputs and the summary before the failure's lines: task.complete is the step's last line.
    expect(lines.at(-1)).toBe('##vso[task.complete result=Failed;]');
    expect(world.sim.repository('contoso/Fabrikam/api')!.isProtected).toBe(false);
  });
});

describe('Azure Pipelines: defaults and escaping (the cases)', () => {
  test.each([
    ['https://dev.azure.com/contoso/', 'contoso'],
    ['https://dev.azure.com/contoso', 'contoso'],
    ['https://contoso.visualstudio.com/', 'contoso'],
    ['https://contoso.visualstudio.com/DefaultCollection/', 'contoso'],
    ['https://tfs.example.com/tfs/MainCollection/', 'MainCollection'],
    ['', undefined],
    ['not a url', undefined],
  ])('organization from SYSTEM_COLLECTIONURI %j', (uri, organization) => {
    expect(organizationFromCollectionUri(uri)).toBe(organization);
  });

  test('Azure Repos: ORG/PROJECT/NAME; GitHub or Bitbucket repositories: owner/name; explicit values win', () => {
    const azure = { SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/', SYSTEM_TEAMPROJECT: 'Fabrikam', BUILD_REPOSITORY_NAME: 'api' };
    const fill = (env: Record<string, string>, raw: RawInputs = {}) => {
      applyAzureDefaults(raw, env);
      return raw;
    };
    expect(fill({ ...azure, BUILD_REPOSITORY_PROVIDER: 'TfsGit' })).toEqual({
      organization: 'contoso',
      repository: 'contoso/Fabrikam/api',
    });
    expect(fill(azure)).toEqual({ organization: 'contoso', repository: 'contoso/Fabrikam/api' });
    expect(fill({ ...azure, BUILD_REPOSITORY_PROVIDER: 'GitHub', BUILD_REPOSITORY_NAME: 'acme/web' })).toEqual({
      organization: 'acme',
      repository: 'acme/web',
    });
    expect(fill({ ...azure, BUILD_REPOSITORY_PROVIDER: 'Bitbucket', BUILD_REPOSITORY_NAME: 'team/app' })).toEqual({
      organization: 'team',
      repository: 'team/app',
    });
    expect(fill(azure, { organization: 'other', repository: 'other/x/y' })).toEqual({ organization: 'other', repository: 'other/x/y' });
    // A repository given with its owner carries its organization: the pipeline's is not put beside it.
    expect(
      fill({ ...azure, BUILD_REPOSITORY_PROVIDER: 'GitHub', BUILD_REPOSITORY_NAME: 'acme/web' }, { repository: 'globex/portal' }),
    ).toEqual({
      repository: 'globex/portal',
    });
    expect(fill(azure, { repository: 'fabrikam/Other/app' })).toEqual({ repository: 'fabrikam/Other/app' });
    expect(fill(azure, { repository: 'app' })).toEqual({ organization: 'contoso', repository: 'app' });
    expect(fill({ SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/' })).toEqual({ organization: 'contoso' });
  });

  test('escaping: a message keeps to its line; a property value keeps to its property', () => {
    expect(escapeData('100% done\r\nnext ; ] line')).toBe('100%AZP25 done%0D%0Anext ; ] line');
    expect(escapeProperty('a;b]c%d\ne')).toBe('a%3Bb%5Dc%AZP25d%0Ae');
    expect(azureLogLine('see ##vso[task.setvariable variable=x]y and ##VSO[task.complete]z and ##[error]w')).toBe(
      'see #%23vso[task.setvariable variable=x]y and #%23VSO[task.complete]z and #%23[error]w',
    );
    expect(azureLogLine('two\nlines\r\u001b[31mred\u001b[0m')).toBe('two\\nlines\\rred');
  });
});

// ---- Bitbucket Pipelines --------------------------------------------------------------------------

/** What Bitbucket sets in a step of repository acme/api in workspace acme. */
const BITBUCKET = {
  CI: 'true',
  BITBUCKET_BUILD_NUMBER: '17',
  BITBUCKET_WORKSPACE: 'acme',
  BITBUCKET_REPO_SLUG: 'api',
  BITBUCKET_REPO_FULL_NAME: 'acme/api',
  BITBUCKET_BRANCH: 'main',
  BITBUCKET_COMMIT: '0123456789abcdef0123456789abcdef01234567',
};

function parseDotenv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const match = /^([A-Z_]+)=(.*)$/.exec(line);
        if (!match) throw new Error(`not a dotenv line: ${JSON.stringify(line)}`);
        return [match[1], match[2]];
      }),
  );
}

describe('Bitbucket Pipelines', () => {
  test('defaults from BITBUCKET_WORKSPACE and BITBUCKET_REPO_FULL_NAME; xopero.env and xopero-result.json for later steps', async () => {
    world = await startWorld();
    const run = await cli([], { ...BITBUCKET, ...credentials(world), XOPERO_SERVER_URL: world.url, XOPERO_PLAN: 'Nightly GitHub' });

    expect(run.code).toBe(0);
    expect(cliErrors(run)).toEqual([]);
    const repo = world.sim.repository('acme/api')!;
    expect(repo.isProtected).toBe(true);
    expect(world.sim.plan('Nightly GitHub')!.repositoryIds).toContain(repo.id);
    // The plain CLI's streams: the log on stderr, the report alone on stdout.
    expect(run.stderr).toContain('== Sign in');
    expect(run.stdout).not.toContain('== Sign in');
    expect(run.stdout).toMatch(/changed: true/);
    expect(run.all).not.toMatch(/##vso|##\[|section_start/);

    expect(readdirSync(run.cwd).sort()).toEqual(['xopero-result.json', 'xopero.env']);
    const dotenv = parseDotenv(readFileSync(join(run.cwd, 'xopero.env'), 'utf8'));
    expect(dotenv).toMatchObject({
      XOPERO_ORGANIZATION_ID: world.orgId,
      XOPERO_REPOSITORY_ID: repo.id,
      XOPERO_PLAN_ID: world.nightlyId,
      XOPERO_CHANGED: 'true',
    });
    const result = JSON.parse(readFileSync(join(run.cwd, 'xopero-result.json'), 'utf8')) as Record<string, unknown>;
    expect(result).toMatchObject({
      kind: 'repository',
      repository: { id: repo.id, name: 'acme/api', protected: true },
      changed: true,
      problems: [],
    });

    const [token] = tokensSeen(world);
    for (const text of [
      run.all,
      readFileSync(join(run.cwd, 'xopero.env'), 'utf8'),
      readFileSync(join(run.cwd, 'xopero-result.json'), 'utf8'),
    ]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(token);
    }
  });

  test('XOPERO_RESULT_FILE moves the JSON file, empty turns it off; an unwritable path is a one-line error', async () => {
    world = await startWorld();
    const env = { ...BITBUCKET, ...credentials(world), XOPERO_SERVER_URL: world.url };
    const moved = await cli([], { ...env, XOPERO_RESULT_FILE: 'result.json' });
    expect(moved.code).toBe(0);
    expect(readdirSync(moved.cwd).sort()).toEqual(['result.json', 'xopero.env']);
    const off = await cli([], { ...env, XOPERO_RESULT_FILE: '' });
    expect(readdirSync(off.cwd)).toEqual(['xopero.env']);
    // A directory where the file should go (a missing directory would be created): refused before any request.
    world.sim.resetLog();
    const broken = await cli([], { ...env, XOPERO_RESULT_FILE: '.' });
    expect(broken.code).toBe(2);
    expect(cliErrors(broken)).toEqual([
      "xopero-one: --result-file / XOPERO_RESULT_FILE: cannot write '.': it is a directory; give a writable path.",
    ]);
    expect(world.sim.requests).toHaveLength(0);
    noStack(broken.all);
  });

  test("--json with a result file that became unwritable during the run: stdout is still exactly one JSON document, the run's, with the problem", async () => {
    world = await startWorld();
    const path = join(freshDir(), 'result.json');
    // Writable when checked before the run; a directory takes its place while the activation is under way.
    world.sim.addFault({ path: '/git/repositories/activate', hold: async () => mkdirSync(path) });
    const run = await cli(['--json'], { ...BITBUCKET, ...credentials(world), XOPERO_SERVER_URL: world.url, XOPERO_RESULT_FILE: path });
    expect(run.code).toBe(1);
    const message = `Cannot write the result file '${path}' (EISDIR): set --result-file / XOPERO_RESULT_FILE to a writable path.`;
    expect(cliErrors(run)).toEqual([`xopero-one: ${message}`]);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    const document = JSON.parse(run.stdout) as { kind: string; changed: boolean; problems: string[] };
    // What the run did is in it (the first run in this world activates the license), and why it failed.
    expect(document).toMatchObject({ kind: 'repository', repository: { name: 'acme/api', protected: true }, changed: true });
    expect(document.problems).toEqual([message]);
  });

  test("a command line that cannot be read still replaces an earlier step's result file with its problem", async () => {
    const cwd = freshDir();
    writeFileSync(join(cwd, 'xopero-result.json'), '{"kind":"repository","changed":false,"problems":[]}\n');
    const run = await cli(['--bogus'], { ...BITBUCKET }, cwd);
    expect(run.code).toBe(2);
    expect(JSON.parse(readFileSync(join(cwd, 'xopero-result.json'), 'utf8'))).toEqual({
      problems: ["unknown option '--bogus'"],
      writtenAt: expect.any(String),
    });
    // Named by the flag, where that one flag reads, and turned off by an empty XOPERO_RESULT_FILE.
    const named = await cli(['--bogus', '--result-file', 'r.json'], { ...BITBUCKET }, cwd);
    expect(named.code).toBe(2);
    expect(JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8'))).toMatchObject({ problems: ["unknown option '--bogus'"] });
    const off = freshDir();
    await cli(['--bogus'], { ...BITBUCKET, XOPERO_RESULT_FILE: '' }, off);
    expect(readdirSync(off).filter((name) => name.endsWith('.json'))).toEqual([]);
  });

  test("a repository of another workspace, given as workspace/name, is that workspace's (as on every host)", async () => {
    world = await startWorld();
    world.sim.addRepository('globex', { name: 'globex/portal', isProtected: false });
    world.sim.addPlan('globex', { name: 'Daily' });
    const run = await cli(['--repository', 'globex/portal', '--plan', 'Daily'], {
      ...BITBUCKET,
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
    });
    expect([run.code, cliErrors(run)]).toEqual([0, []]);
    expect(world.sim.repository('globex/portal')!.isProtected).toBe(true);
  });

  test('--json: a name that looks like a logging command is the same JSON, without the mark a CI looks for (as the plain CLI)', async () => {
    world = await startWorld();
    const run = await cli(['--json', '--plan', '##vso[task.complete result=Succeeded]x'], {
      ...BITBUCKET,
      ...credentials(world),
      XOPERO_SERVER_URL: world.url,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/##(vso)?\[/i);
    expect((JSON.parse(run.stdout) as { problems: string[] }).problems[0]).toContain(
      "Plan '##vso[task.complete result=Succeeded]x' not found",
    );
  });

  test("a failure: one line on stderr, exit 1; the server's control characters do not reach the log", async () => {
    world = await startWorld();
    world.sim.addFault({
      path: '/git/organizations/getmany',
      status: 400,
      body: { errorCode: 'GN0400', message: 'bad \u001b[31mfilter\u001b[0m\rhidden' },
    });
    // An earlier step's result, restored into the clone as an artifact: this run's file replaces it.
    const cwd = freshDir();
    writeFileSync(join(cwd, 'xopero-result.json'), '{"kind":"repository","changed":false,"problems":[]}\n');
    const run = await cli([], { ...BITBUCKET, ...credentials(world), XOPERO_SERVER_URL: world.url }, cwd);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(cliErrors(run)).toHaveLength(1);
    // The --json document's problem (JSON escapes the control characters; the log line shows them).
    expect(JSON.parse(readFileSync(join(cwd, 'xopero-result.json'), 'utf8'))).toEqual({
      problems: [
        'Xopero ONE answered POST /git/organizations/getmany with HTTP 400 (server: GN0400: bad \u001b[31mfilter\u001b[0m\rhidden): check the inputs it was given against Xopero ONE.',
      ],
      writtenAt: expect.any(String),
    });
    expect(cliErrors(run)[0]).toMatch(
      /^xopero-one: Xopero ONE answered POST \/git\/organizations\/getmany with HTTP 400 \(server: GN0400: bad filter\\rhidden\)/,
    );
    expect(run.all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    // No result to pass on, only why: the steps after it read XOPERO_FAILURE.
    expect(readFileSync(join(run.cwd, 'xopero.env'), 'utf8')).toBe('XOPERO_FAILURE=error\n');
    noStack(run.all);
  });
});
