/**
 * The README's Azure Pipelines and Bitbucket Pipelines snippets, run: each step's script lines go to bash the
 * way the host runs them, with the variables the host sets, against the simulator over HTTPS.
 *
 * What stands in for the host:
 * - `npx --yes --package xopero-one-backup@<version> -- xopero-one` becomes `node <this build's dist/cli/index.js>`
 *   (the package's bin, run by the node the tests run under; the version in the snippet must be package.json's), and `https://backup.example.com`
 *   the simulator's URL; NODE_EXTRA_CA_CERTS trusts its test CA.
 * - Azure: `$(NAME)` macros are expanded from the variable group's values (the test's credentials) and from the
 *   output variables earlier steps set with `##vso[task.setvariable ...;isOutput=true]` (`$(STEP.NAME)`), as the
 *   agent does before a step starts; output variables also reach the environment as STEP_NAME. The agent reads
 *   logging commands on both streams (the command line writes them to stderr with its log), so both are read.
 * - Bitbucket: each step starts in a fresh clone directory holding only the artifacts earlier steps declared.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLI_ENTRY, ROOT, TEST_NODE, baseEnv, runCommand, type ProcessResult } from '../../testbed/harness.js';
import { EMAIL, PASSWORD, startWorld, type World } from '../../testbed/fixtures.js';
import { scratchFolder } from '../scratch.js';

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});
const scratch = scratchFolder('xopero-readme-hosts-');

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NPX = `npx --yes --package xopero-one-backup@${VERSION} -- xopero-one`;

/** The README's fenced YAML block whose first line names the file. */
function snippet(file: string): string {
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((block) => block.startsWith(`# ${file}\n`));
  expect(blocks).toHaveLength(1);
  return blocks[0];
}

/** One script as the host's shell runs it: bash, stop at the first failing command. */
function bash(script: string, env: Record<string, string>, cwd: string): Promise<ProcessResult> {
  return runCommand('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], env, { cwd });
}

/** The local bundle and the simulator in place of the published package and the real server. */
function localize(script: string, w: World): string {
  expect(script).toContain(NPX);
  return script.split(NPX).join(`"${TEST_NODE}" "${CLI_ENTRY}"`).split('https://backup.example.com').join(w.url);
}

describe('README: Azure Pipelines snippet', () => {
  test('the step protects the repository; the next step reads its output variables', async () => {
    const w = await startWorld();
    world = w;
    const contoso = w.sim.addOrganization({ name: 'contoso' });
    const repo = w.sim.addRepository(contoso.id, { name: 'contoso/Fabrikam/api', isProtected: false });
    const plan = w.sim.addPlan(contoso.id, { name: 'Nightly Azure' });

    const pipeline = parse(snippet('azure-pipelines.yml')) as {
      variables: Array<{ group?: string }>;
      steps: Array<{ script: string; name?: string; env?: Record<string, string> }>;
    };
    expect(pipeline.variables).toEqual([{ group: 'xopero-one' }]);
    // The variable group as Pipelines → Library holds it; its secret is not mapped to the environment by itself.
    const variables: Record<string, string> = { XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD };
    const secretNames = ['XOPERO_PASSWORD'];
    const macros = (text: string) => text.replace(/\$\(([A-Za-z0-9_.]+)\)/g, (whole, name: string) => variables[name] ?? whole);
    const agentTemp = mkdtempSync(join(scratch(), 'agent-'));
    const predefined = {
      TF_BUILD: 'True',
      AGENT_TEMPDIRECTORY: agentTemp,
      SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/',
      SYSTEM_TEAMPROJECT: 'Fabrikam',
      BUILD_REPOSITORY_NAME: 'api',
      BUILD_REPOSITORY_PROVIDER: 'TfsGit',
      NODE_EXTRA_CA_CERTS: w.sim.caCertPath,
    };
    const outputsEnv: Record<string, string> = {};
    const runs: ProcessResult[] = [];
    const sources = mkdtempSync(join(scratch(), 's-'));
    for (const step of pipeline.steps) {
      expect(typeof step.script).toBe('string');
      const plainVariables = Object.fromEntries(
        Object.entries(variables).filter(([name]) => !secretNames.includes(name) && !name.includes('.')),
      );
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, macros(value)]));
      const script = macros(step.script.includes(NPX) ? localize(step.script, w) : step.script);
      const run = await bash(script, baseEnv({ ...predefined, ...plainVariables, ...outputsEnv, ...stepEnv }), sources);
      runs.push(run);
      expect(run.code).toBe(0);
      const output = run.stdout + run.stderr;
      // No failure, said either way, and no logging command in the report on stdout.
      expect(output).not.toMatch(/^(xopero-one: |##vso\[task\.(logissue|complete))/m);
      expect(run.stdout).not.toContain('##vso[');
      for (const line of output.split('\n')) {
        const set = /^##vso\[task\.setvariable variable=([^;\]]+);isOutput=true;issecret=false\](.*)$/.exec(line);
        if (set && step.name) {
          variables[`${step.name}.${set[1]}`] = set[2];
          outputsEnv[`${step.name}_${set[1]}`.toUpperCase()] = set[2];
        }
      }
    }

    expect(repo.isProtected).toBe(true);
    expect(w.sim.plan('Nightly Azure')!.repositoryIds).toEqual([repo.id]);
    expect(plan.id).toBe(variables['xopero.plan_id']);
    expect(runs[1].stdout).toBe(`Xopero ONE repository ${repo.id}, changed by this run = true\n`);
    // In clear, the password appears only in the line that asks the agent to mask it.
    expect((runs[0].stdout + runs[0].stderr).split('\n').filter((line) => line.includes(PASSWORD))).toEqual([
      `##vso[task.setsecret]${PASSWORD}`,
    ]);
    expect(runs[0].stdout).toMatch(/changed: true/); // the report, on stdout
  });
});

describe('README: Bitbucket Pipelines snippet', () => {
  test('the first step protects the repository; the next one sources its artifact', async () => {
    const w = await startWorld();
    world = w;
    const plan = w.sim.addPlan(w.orgId, { name: 'Nightly Bitbucket' });

    const pipeline = parse(snippet('bitbucket-pipelines.yml')) as {
      image: string;
      pipelines: { default: Array<{ step: { name: string; script: string[]; artifacts?: string[] } }> };
    };
    expect(Number(/^node:(\d+)/.exec(pipeline.image)?.[1])).toBeGreaterThanOrEqual(20);
    const env = baseEnv({
      CI: 'true',
      BITBUCKET_BUILD_NUMBER: '7',
      BITBUCKET_WORKSPACE: 'acme',
      BITBUCKET_REPO_SLUG: 'api',
      BITBUCKET_REPO_FULL_NAME: 'acme/api',
      // Secured repository variables reach the step as environment variables.
      XOPERO_EMAIL: EMAIL,
      XOPERO_PASSWORD: PASSWORD,
      NODE_EXTRA_CA_CERTS: w.sim.caCertPath,
    });
    let artifacts: Array<{ name: string; from: string }> = [];
    const runs: ProcessResult[] = [];
    for (const { step } of pipeline.pipelines.default) {
      // A script line with ': ' in it is a YAML mapping, not a command: Bitbucket rejects the file.
      for (const line of step.script) expect(typeof line).toBe('string');
      const clone = mkdtempSync(join(scratch(), 'clone-'));
      for (const artifact of artifacts) copyFileSync(join(artifact.from, artifact.name), join(clone, artifact.name));
      const script = step.script.map((line) => (line.includes(NPX) ? localize(line, w) : line)).join('\n');
      const run = await bash(script, env, clone);
      runs.push(run);
      expect(run.code).toBe(0);
      expect(run.stderr).not.toMatch(/^xopero-one: /m); // the log is on stderr; no failure line in it
      for (const name of step.artifacts ?? []) expect(existsSync(join(clone, name))).toBe(true);
      artifacts = [...artifacts, ...(step.artifacts ?? []).map((name) => ({ name, from: clone }))];
    }

    const repo = w.sim.repository('acme/api')!;
    expect(repo.isProtected).toBe(true);
    expect(plan.repositoryIds).toEqual([repo.id]);
    expect(runs[1].stdout).toBe(`Xopero ONE repository ${repo.id}, changed by this run = true\n`);
    expect(runs.map((run) => run.stdout + run.stderr).join('')).not.toContain(PASSWORD);
  });
});
