/**
 * A whole Azure DevOps project in a plan: the CLI bundle with azure-project attaches it (mode: ensure) against
 * the simulator, which refuses plans without individual project selection as the documentation says the service
 * does. Also once through the action (dist/index.js).
 *
 * Detach is `mode: release`, which arrives with the release modes (issue 16): until then no entry point accepts
 * that mode, so the detach is driven through runOperation (the core every host calls) with the settings that
 * mode gives (`operation: 'release'`). Once the release modes are in, these become CLI runs like the others.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_ENTRY, baseEnv, errorLines, runAction, runProcess, type ProcessResult } from '../../testbed/harness.js';
import { EMAIL, PASSWORD, startWorld, type World } from '../../testbed/fixtures.js';
import type { SimAzureProject, SimPlan } from '../../testbed/simulator/index.js';
import { describeError } from '../../src/common/errors.js';
import { silentLog } from '../../src/core/log.js';
import { runOperation } from '../../src/core/run.js';
import { textReport } from '../../src/report/report.js';
import { parseSettings, type Settings } from '../../src/settings/settings.js';
import { scratchFolder } from '../scratch.js';

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

const scratch = scratchFolder('xopero-azure-project-');

interface ProjectWorld extends World {
  project: SimAzureProject;
  plan: SimPlan;
}

/** Organization contoso with project Fabrikam and plan 'Azure projects' (individual project selection). */
async function projectWorld(plan: Partial<SimPlan> = {}): Promise<ProjectWorld> {
  const w = await startWorld();
  const contoso = w.sim.addOrganization({ name: 'contoso', driver: 4 });
  const project = w.sim.addAzureProject(contoso.id, { name: 'Fabrikam' });
  w.sim.addAzureProject(contoso.id, { name: 'Other' });
  return { ...w, project, plan: w.sim.addPlan(contoso.id, { name: 'Azure projects', ...plan }) };
}

async function cli(w: World, args: string[], env: Record<string, string> = {}): Promise<ProcessResult & { all: string }> {
  const result = await runProcess(
    [CLI_ENTRY, '--server-url', w.url, '--organization', 'contoso', ...args],
    baseEnv({ XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: w.sim.caCertPath, ...env }),
    { cwd: mkdtempSync(join(scratch(), 'run-')) },
  );
  return { ...result, all: result.stdout + result.stderr };
}

/**
 * mode: release through the core: the settings parsed from the same inputs, with the operation the release
 * modes set. Returns what the CLI would print: the report, or the one line of a run that failed.
 */
async function release(w: ProjectWorld, projectId = w.project.id): Promise<{ report: string; problems: string[]; changed: boolean }> {
  const settings = parseSettings({
    'server-url': w.url,
    email: EMAIL,
    password: PASSWORD,
    organization: 'contoso',
    plan: 'Azure projects',
    'azure-project': projectId,
    'ca-certificate': readFileSync(w.sim.caCertPath, 'utf8'),
  });
  try {
    const outcome = await runOperation({ ...settings, operation: 'release' } as Settings, { log: silentLog });
    return { report: textReport(outcome, Date.now()), problems: outcome.result.problems, changed: outcome.result.changed };
  } catch (error) {
    return { report: '', problems: [describeError(error)], changed: false };
  }
}

const project = (w: ProjectWorld, ...more: string[]) => ['--azure-project', w.project.id, '--plan', 'Azure projects', ...more];
const mutating = (w: World) => w.sim.mutatingRequests().map((r) => [r.path, r.body]);

/** The `xopero-one: ...` failure lines on stderr (the log goes there too, without that prefix). */
const errorLinesOf = (run: ProcessResult) => run.stderr.split('\n').filter((line) => line.startsWith('xopero-one: '));

/** Exactly one failure line, matching; no stack trace; nothing on stdout when there is no result to report. */
function expectOneLine(run: ProcessResult & { all: string }, code: number, pattern: RegExp, report = false) {
  expect(run.code).toBe(code);
  expect(errorLinesOf(run)).toHaveLength(1);
  expect(errorLinesOf(run)[0]).toMatch(pattern);
  if (!report) expect(run.stdout).toBe('');
  expect(run.all).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
}

describe('attach (mode: ensure)', () => {
  test('attaches the project to the plan with one call; no repository is looked up', async () => {
    const w = await projectWorld();
    world = w;
    const run = await cli(w, project(w));

    expect(run.code).toBe(0);
    expect(errorLinesOf(run)).toEqual([]);
    expect(run.stderr).toContain(`Attached Azure DevOps project ${w.project.id} to plan Azure projects.`);
    expect(w.sim.plan('Azure projects')!.projectIds).toEqual([w.project.id]);
    expect(mutating(w)).toEqual([['/plans/attachazureproject', { planId: w.plan.id, projectId: w.project.id }]]);
    expect(w.sim.requests.map((r) => r.path)).not.toContain('/git/repositories/getmany');
    expect(run.stdout).toContain(`Azure DevOps project: ${w.project.id}; attach: attached; changed: true`);
    expect(run.stdout).not.toMatch(/Signed in|== /); // the log is on stderr; stdout is the report
  });

  test('a re-run sends the attach again (the API cannot tell whether it is attached) and the plan holds it once', async () => {
    const w = await projectWorld({ projectIds: [] });
    world = w;
    await cli(w, project(w));
    w.sim.resetLog();
    const again = await cli(w, project(w));
    expect(again.code).toBe(0);
    expect(mutating(w)).toHaveLength(1);
    expect(w.sim.plan('Azure projects')!.projectIds).toEqual([w.project.id]);
  });

  test('a plan that includes everything covers the project already: nothing is sent', async () => {
    const w = await projectWorld({ includeAllRepositories: true, projectSelection: 'all' });
    world = w;
    const run = await cli(w, project(w));
    expect(run.code).toBe(0);
    expect(mutating(w)).toEqual([]);
    expect(run.stderr).toMatch(/includes everything in contoso: Azure DevOps project .* is covered already; nothing to attach/);
    expect(run.stdout).toContain('attach: covered; changed: false');
  });

  test('dry run: says it would attach, sends nothing', async () => {
    const w = await projectWorld();
    world = w;
    const run = await cli(w, project(w, '--dry-run'));
    expect(run.code).toBe(0);
    expect(mutating(w)).toEqual([]);
    expect(run.stderr).toMatch(/Dry run: would attach Azure DevOps project .* to plan Azure projects; nothing was changed/);
    expect(run.stdout).toContain('attach: would-attach; changed: false');
  });
});

describe('detach (mode: release, through the core)', () => {
  test('detaches the project; the other projects stay', async () => {
    const other = '0e000000-0000-4000-8000-000000000009';
    const w = await projectWorld();
    world = w;
    w.sim.addAzureProject('contoso', { id: other, name: 'Kept' });
    w.plan.projectIds = [w.project.id, other];
    const run = await release(w);

    expect(run.problems).toEqual([]);
    expect(w.sim.plan('Azure projects')!.projectIds).toEqual([other]);
    expect(mutating(w)).toEqual([['/plans/detachazureproject', { planId: w.plan.id, projectId: w.project.id }]]);
    expect(run.report).toContain('detach: detached; changed: true');
  });

  test('from a plan that includes everything: refused in words, nothing sent', async () => {
    const w = await projectWorld({ includeAllRepositories: true });
    world = w;
    const run = await release(w);
    expect(run.problems).toHaveLength(1);
    expect(run.problems[0]).toMatch(
      /^Plan 'Azure projects' includes everything in 'contoso' rather than projects selected one by one, so project .* cannot be detached from it: change the plan's selection in the Xopero ONE console\.$/,
    );
    expect(mutating(w)).toEqual([]);
  });

  test('on a plan without individual project selection: the documented limit, in words, with the server code', async () => {
    const w = await projectWorld({ projectSelection: 'rules', projectIds: [] });
    world = w;
    const run = await release(w);
    expect(run.problems).toHaveLength(1);
    expect(run.problems[0]).toMatch(
      new RegExp(
        `^Xopero ONE refused to detach Azure DevOps project ${w.project.id} from plan 'Azure projects' \\(server: PL3021: The plan does not use individual project selection\\.\\): the API does this only for plans with individual project selection\\.`,
      ),
    );
    expect(run.changed).toBe(false);
  });
});

describe("the server's refusal and other failures", () => {
  test('attach on a plan without individual project selection: the documented limit, in words, with the server code', async () => {
    const w = await projectWorld({ projectSelection: 'rules' });
    world = w;
    const run = await cli(w, project(w));
    expectOneLine(
      run,
      1,
      new RegExp(
        `^xopero-one: Xopero ONE refused to attach Azure DevOps project ${w.project.id} to plan 'Azure projects' \\(server: PL3021: The plan does not use individual project selection\\.\\): the API does this only for plans with individual project selection\\. Edit plan 'Azure projects' in the Xopero ONE console to select projects one by one`,
      ),
      true,
    );
    expect(run.stdout).toContain('attach: failed; changed: false');
    expect(w.sim.plan('Azure projects')!.projectIds).toEqual([]);
  });

  test('an id Xopero ONE does not know: says to check azure-project', async () => {
    const w = await projectWorld();
    world = w;
    const run = await cli(w, ['--azure-project', '0e000000-0000-4000-8000-0000000000ff', '--plan', 'Azure projects']);
    expectOneLine(
      run,
      1,
      /could not attach Azure DevOps project 0e000000-0000-4000-8000-0000000000ff to plan 'Azure projects' \(server: AZ1004: Project not found\): check --azure-project \/ XOPERO_AZURE_PROJECT \(/,
      true,
    );
  });

  test('a lost answer is retried, and the retry is harmless: the plan holds the project once', async () => {
    const w = await projectWorld();
    world = w;
    w.sim.addFault({ path: '/plans/attachazureproject', status: 503, afterApply: true });
    const run = await cli(w, project(w));
    expect(run.code).toBe(0);
    expect(w.sim.requests.filter((r) => r.path === '/plans/attachazureproject').map((r) => r.status)).toEqual([503, 200]);
    expect(w.sim.plan('Azure projects')!.projectIds).toEqual([w.project.id]);
  });

  test.each([
    [
      ['--azure-project', 'Fabrikam', '--plan', 'Azure projects'],
      /^xopero-one: --azure-project \/ XOPERO_AZURE_PROJECT: 'Fabrikam' is not a project id .*no way to find a project by name/,
    ],
    [
      ['--azure-project', '0e000000-0000-4000-8000-000000000001'],
      /^xopero-one: --plan \/ XOPERO_PLAN: is required with --azure-project \/ XOPERO_AZURE_PROJECT: .*with --mode release \(or XOPERO_MODE=release\), leaves/,
    ],
    [
      ['--azure-project', '0e000000-0000-4000-8000-000000000001', '--plan', 'P', '--mode', 'check'],
      /^xopero-one: --mode \/ XOPERO_MODE: check cannot verify an Azure DevOps project: the Xopero ONE API has no call that lists a plan's projects\. Use --mode ensure \(or XOPERO_MODE=ensure\) to attach it\.$/,
    ],
    [
      ['--azure-project', '0e000000-0000-4000-8000-000000000001', '--plan', 'P', '--repositories', '*'],
      /^xopero-one: --azure-project \/ XOPERO_AZURE_PROJECT: give --azure-project \/ XOPERO_AZURE_PROJECT or --repositories \/ XOPERO_REPOSITORIES, not both/,
    ],
    [
      ['--azure-project', '0e000000-0000-4000-8000-000000000001', '--plan', 'P', '--max-backup-age', '1d'],
      /^xopero-one: --max-backup-age \/ XOPERO_MAX_BACKUP_AGE: .*does not apply to --azure-project \/ XOPERO_AZURE_PROJECT\.$/,
    ],
  ])('usage error before any request: %j', async (args, pattern) => {
    world = await startWorld();
    const run = await cli(world, args);
    expectOneLine(run, 2, pattern);
    expect(world.sim.requests).toHaveLength(0);
  });
});

describe('the action', () => {
  test('azure-project as an action input: attached, outputs set', async () => {
    const w = await projectWorld();
    world = w;
    const run = await runAction(
      {
        'server-url': w.url,
        email: EMAIL,
        password: PASSWORD,
        organization: 'contoso',
        plan: 'Azure projects',
        'azure-project': w.project.id,
      },
      { env: { NODE_EXTRA_CA_CERTS: w.sim.caCertPath } },
    );
    expect(errorLines(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
    expect(w.sim.plan('Azure projects')!.projectIds).toEqual([w.project.id]);
    expect(run.outputs).toMatchObject({ 'plan-id': w.plan.id, 'repository-id': '', changed: 'true' });
    expect(run.summary).toContain(`| Project | \`${w.project.id}\` |`);
    // The runner's mask request is the one line that names the password.
    expect(run.all.split('\n').filter((line) => line.includes(PASSWORD))).toEqual([`::add-mask::${PASSWORD}`]);
  });
});
