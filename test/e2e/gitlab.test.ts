/**
 * The GitLab CI/CD component (templates/xopero-backup.yml) as GitLab runs it: its spec and job are checked
 * against the CLI they drive, its `$[[ inputs.* ]]` are interpolated by GitLab's rules and its script runs
 * in bash with the variables GitLab sets; then the whole thing runs again under gitlab-ci-local. The package
 * is the tarball `npm pack` makes of this repository (so `npm run build` must have run); the job takes the
 * CLI bundle out of it and runs it with node alone (its PATH has no npm), after checking the bundle against
 * the sha512 pinned in the template. The server is the simulator over HTTPS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { bundleDigest, documentationFiles, pinnedDigest } from '../../scripts/release.js';
import { flagOfInput } from '../../src/hosts/cli-args.js';
import { COMPONENT_INPUTS } from '../../src/hosts/gitlab-words.js';
import { INPUT_NAMES } from '../../src/settings/settings.js';
import {
  CLI_ENTRY,
  ROOT,
  baseEnv,
  expandGitlabVariable,
  gitlabVariables,
  parseDotenv,
  runCommand,
  runProcess,
} from '../../testbed/harness.js';
import { EMAIL, PASSWORD, startWorld, type World } from '../../testbed/fixtures.js';
import { AUDIENCE, BROKER_ENTRY, brokerEnv, startBroker, writeBrokerConfig } from '../../testbed/broker-process.js';
import { FakeIssuer, gitlabClaims } from '../../testbed/oidc-issuer.js';

const TEMPLATE = join(ROOT, 'templates/xopero-backup.yml');
/** The job's key in the template: its name is the `as` input. */
const JOB_KEY = '$[[ inputs.as ]]';
/** The `as` input's default: the job's name when the component is included once. */
const JOB_NAME = 'xopero-backup';
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: object };
/** Inputs that configure the job itself rather than the CLI. */
const JOB_INPUTS = ['as', 'stage', 'image', 'package', 'broker_audience'];
/**
 * CLI inputs the component must not expose: secrets, and the CA (both come from project CI/CD variables); and
 * azure-project: a GitLab project's pipeline protects GitLab repositories, not an Azure DevOps project.
 */
const NOT_INPUTS = ['email', 'password', 'access-token', 'ca-certificate', 'azure-project', 'github-token'];
const envName = (cliInput: string) => `XOPERO_${cliInput.toUpperCase().replace(/-/g, '_')}`;

// ---- the template and GitLab's interpolation ----------------------------------------------------

type InputType = 'string' | 'number' | 'boolean' | 'array';
interface InputSpec {
  description?: string;
  type?: InputType;
  default?: unknown;
  options?: unknown[];
  regex?: string;
}
interface Job {
  stage: unknown;
  image: unknown;
  variables: Record<string, unknown>;
  script: unknown[];
  artifacts: { when?: string; reports: { dotenv: string } };
  [key: string]: unknown;
}

/** The two YAML documents, `spec:` then the job. */
function loadTemplate() {
  const docs = parseAllDocuments(readFileSync(TEMPLATE, 'utf8'));
  if (!Array.isArray(docs)) throw new Error('the template is empty');
  for (const doc of docs) {
    if (doc.errors.length > 0 || doc.warnings.length > 0)
      throw new Error([...doc.errors, ...doc.warnings].map((e) => e.message).join('\n'));
  }
  const [header, config] = docs.map((doc) => doc.toJS()) as [{ spec: { inputs: Record<string, InputSpec> } }, Record<string, Job>];
  return { count: docs.length, header, spec: header.spec, config };
}

const BLOCK = /\$\[\[\s*(.+?)\s*\]\]/g;

/** Every string in a document, keys included. */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([key, value]) => [key, ...strings(value)]);
  return [];
}

function inputsUsed(node: unknown): Set<string> {
  const used = new Set<string>();
  for (const text of strings(node)) {
    for (const [, data] of text.matchAll(BLOCK)) {
      const match = /^inputs\.([\w-]+)$/.exec(data);
      if (!match) throw new Error(`unsupported interpolation block $[[ ${data} ]]`);
      used.add(match[1]);
    }
  }
  return used;
}

function typeOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value;
}

/**
 * GitLab's `include: inputs:` rules: unknown inputs are refused, an input without a default is required,
 * the value must have the declared type (string by default) and be one of `options`.
 */
function resolveInputs(spec: Record<string, InputSpec>, given: Record<string, unknown>): Record<string, unknown> {
  for (const name of Object.keys(given)) if (!(name in spec)) throw new Error(`unknown input: ${name}`);
  const values: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(spec)) {
    const value = name in given ? given[name] : input.default;
    if (value === undefined) throw new Error(`\`${name}\` input: required value has not been provided`);
    const type = input.type ?? 'string';
    if (typeOf(value) !== type) throw new Error(`\`${name}\` input: provided value is not a ${type}`);
    if (input.options && !input.options.includes(value))
      throw new Error(`\`${name}\` input: \`${String(value)}\` cannot be used because it is not in the list of allowed options`);
    if (input.regex && !new RegExp(input.regex).test(String(value))) throw new Error(`\`${name}\` input: does not match required regex`);
    values[name] = value;
  }
  return values;
}

/**
 * GitLab interpolates the parsed document (gitlab lib/gitlab/ci/config/interpolation/template.rb): a string
 * that is exactly one block becomes the input's value with its type (a boolean stays a boolean); a block
 * inside a longer string is replaced by the value's text.
 */
function interpolate<T>(node: T, values: Record<string, unknown>): T {
  const inputValue = (data: string) => {
    const name = /^inputs\.([\w-]+)$/.exec(data)?.[1];
    if (!name || !(name in values)) throw new Error(`unknown interpolation key: ${data}`);
    return values[name];
  };
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = /^\$\[\[\s*(.+?)\s*\]\]$/.exec(value);
      if (whole && !whole[1].includes(']]')) return inputValue(whole[1]);
      return value.replace(BLOCK, (_, data: string) => String(inputValue(data)));
    }
    if (Array.isArray(value)) return value.map(visit);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [visit(key), visit(inner)]));
    return value;
  };
  return visit(node) as T;
}

/** The job as GitLab would run it with these `include: inputs:`, and its name. */
function jobWith(given: Record<string, unknown>): Job & { name: string } {
  const { spec, config } = loadTemplate();
  const [[name, job]] = Object.entries(interpolate(config, resolveInputs(spec.inputs, given)));
  return { ...job, name };
}

/**
 * What GitLab accepts under `variables:` (lib/gitlab/ci/config/entry/variable.rb): a string or an integer,
 * or a hash with `value:`. A YAML boolean is refused ("variable definition must be either a string or a hash").
 */
function expectValidVariables(variables: Record<string, unknown>) {
  for (const [name, value] of Object.entries(variables)) {
    expect([name, typeof value === 'string' || Number.isInteger(value)]).toEqual([name, true]);
  }
}

/** The XOPERO_* names the job sets: under `variables:` and by `export NAME=...` in its script. */
function variablesSet(job: Job): Map<string, string> {
  const set = new Map<string, string>();
  for (const [name, value] of Object.entries(job.variables ?? {})) set.set(name, String(value));
  for (const line of job.script.map(String)) {
    const exported = /^export (.*)$/.exec(line.trim());
    if (!exported) continue;
    for (const [, name, value] of exported[1].matchAll(/(\w+)=(\$\[\[.*?\]\]|\S*)/g)) set.set(name, value);
  }
  return set;
}

// ---- processes ----------------------------------------------------------------------------------

async function mustRun(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<string> {
  const result = await runCommand(command, args, env, { cwd, timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

let scratch: string;
let tarball: string;
/** package/dist/cli/index.js as `npm pack` put it in the tarball. */
let packedBundle: Buffer;
/** PATH with this node first (npm and git use it), HOME a fresh one. */
let toolEnv: Record<string, string>;
/** The job's PATH: a directory with node and bash only, so a job that reached for npm or npx would fail. */
let jobPath: string;

/** npm pack without the network: a private, empty cache, offline, no notifier. */
const npmEnv = () => ({
  npm_config_cache: join(scratch, 'npm-cache'),
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
});

beforeAll(async () => {
  if (!existsSync(CLI_ENTRY)) throw new Error(`${CLI_ENTRY} is missing: run 'npm run build' first`);
  scratch = mkdtempSync(join(tmpdir(), 'xopero-gitlab-'));
  const home = join(scratch, 'home');
  mkdirSync(home);
  toolEnv = baseEnv({ PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: home });
  const packDir = join(scratch, 'pack');
  mkdirSync(packDir);
  await mustRun('npm', ['pack', '--pack-destination', packDir], { ...toolEnv, ...npmEnv() }, ROOT);
  const [file] = readdirSync(packDir).filter((name) => name.endsWith('.tgz'));
  tarball = join(packDir, file);
  const unpacked = join(scratch, 'unpacked');
  mkdirSync(unpacked);
  await mustRun('tar', ['-xzf', tarball, '-C', unpacked], toolEnv, scratch);
  packedBundle = readFileSync(join(unpacked, 'package/dist/cli/index.js'));
  jobPath = join(scratch, 'job-bin');
  mkdirSync(jobPath);
  symlinkSync(process.execPath, join(jobPath, 'node'));
  symlinkSync((await mustRun('bash', ['-c', 'command -v bash'], toolEnv, scratch)).trim(), join(jobPath, 'bash'));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

// ---- the tests ----------------------------------------------------------------------------------

describe('the template', () => {
  test('is two YAML documents: a well-formed spec:inputs header, then one job', () => {
    const { count, header, spec, config } = loadTemplate();
    expect(count).toBe(2);
    expect(Object.keys(header)).toEqual(['spec']);
    expect(Object.keys(spec)).toEqual(['inputs']);
    expect(Object.keys(config)).toEqual([JOB_KEY]);

    for (const [name, input] of Object.entries(spec.inputs)) {
      expect(name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(Object.keys(input).every((key) => ['description', 'type', 'default', 'options', 'regex'].includes(key))).toBe(true);
      expect([name, typeof input.description === 'string' && input.description.trim().length > 10]).toEqual([name, true]);
      const type = input.type ?? 'string';
      expect(['string', 'number', 'boolean', 'array']).toContain(type);
      if (input.default !== undefined) expect([name, typeOf(input.default)]).toEqual([name, type]);
      if (input.options) expect(input.options).toContain(input.default);
    }

    const inputs = Object.fromEntries(
      Object.entries(spec.inputs).map(([name, input]) => [
        name,
        { type: input.type ?? 'string', default: input.default, options: input.options },
      ]),
    );
    expect(inputs).toEqual({
      as: { type: 'string', default: JOB_NAME },
      stage: { type: 'string', default: '.pre' },
      image: { type: 'string', default: 'node:24-alpine' },
      package: { type: 'string', default: `${PACKAGE.name}@${PACKAGE.version}` },
      server_url: { type: 'string', default: '' }, // required unless broker_url: checked by the CLI
      organization: { type: 'string', default: '' },
      repository: { type: 'string', default: '' },
      repositories: { type: 'string', default: '' },
      plan: { type: 'string', default: '' },
      activate: { type: 'boolean', default: true },
      sync: { type: 'string', default: 'auto', options: ['auto', 'always', 'never'] },
      wait_timeout: { type: 'string', default: '300' }, // a duration (5m) as the action and CLI take it
      dry_run: { type: 'boolean', default: false },
      mode: { type: 'string', default: 'ensure', options: ['ensure', 'check', 'release', 'release-check'] },
      max_backup_age: { type: 'string', default: '' },
      allow_http: { type: 'boolean', default: false },
      shard: { type: 'string', default: '' },
      result_file: { type: 'string', default: '' },
      html_file: { type: 'string', default: '' },
      badge_file: { type: 'string', default: '' },
      remove: { type: 'boolean', default: false },
      reclaim: { type: 'string', default: '' },
      release_limit: { type: 'number', default: 50 },
      broker_url: { type: 'string', default: '' },
      // GitLab needs a non-empty aud in every job, broker or not; docs/broker.md recommends the broker's URL.
      broker_audience: { type: 'string', default: 'xopero-one-broker' },
    });
  });

  test('every input it uses is declared, and every declared input is used', () => {
    const { spec, config } = loadTemplate();
    expect([...inputsUsed(config)].sort()).toEqual(Object.keys(spec.inputs).sort());
  });

  test('the job runs the pinned CLI bundle with node alone (no npm), publishes xopero.env, and takes no secret as an input', () => {
    const { spec, config } = loadTemplate();
    const job = config[JOB_KEY];
    const launcher = String(job.script.at(-1));
    expect(launcher).toMatch(/^NODE_USE_ENV_PROXY=1 node --input-type=module -e '\n[^']*'\n$/);
    expect(launcher).not.toMatch(/\bnpx?\b/);
    expect(launcher).toContain(`const PINNED = "${pinnedDigest()}";`);
    // The package reaches the launcher as a variable: its value is never parsed by the shell.
    expect(job.variables.XOPERO_PACKAGE).toBe('$[[ inputs.package ]]');
    expect(job.script.join('\n').match(/\$\[\[ inputs\.package \]\]/g)).toBeNull();
    // when: always, so a failed job's XOPERO_FAILURE reaches the jobs after it.
    expect(job.artifacts).toEqual({ when: 'always', reports: { dotenv: 'xopero.env' } });
    expect(job.stage).toBe('$[[ inputs.stage ]]');
    expect(job.image).toBe('$[[ inputs.image ]]');
    for (const name of Object.keys(spec.inputs)) expect(name).not.toMatch(/email|password|token|secret|certificate/);
    const set = variablesSet(job);
    for (const secret of ['XOPERO_EMAIL', 'XOPERO_PASSWORD', 'XOPERO_ACCESS_TOKEN', 'XOPERO_CA_CERTIFICATE'])
      expect(set.has(secret)).toBe(false);
  });

  test("its inputs are the CLI's options: a --flag in --help and an XOPERO_* variable the CLI reads", async () => {
    const { spec, config } = loadTemplate();
    const help = await runProcess([CLI_ENTRY, '--help'], baseEnv());
    expect(help.code).toBe(0);
    const set = variablesSet(config[JOB_KEY]);
    set.delete('XOPERO_PACKAGE'); // read by the job's launcher, not by the CLI
    expect(set.get('XOPERO_COMPONENT')).toBe('1'); // the CLI's words: the component's inputs (gitlab-words.ts)
    set.delete('XOPERO_COMPONENT');
    const cliInputs = INPUT_NAMES.filter((name) => !NOT_INPUTS.includes(name));

    const optionInputs = Object.keys(spec.inputs).filter((name) => !JOB_INPUTS.includes(name));
    for (const input of optionInputs) {
      const flag = flagOfInput(input.replace(/_/g, '-'));
      expect(help.stdout).toMatch(new RegExp(`^  --${flag} `, 'm'));
      expect(cliInputs).toContain(input.replace(/_/g, '-'));
      // The job hands this input to the CLI through the flag's variable, and through nothing else.
      const variable = envName(flag);
      expect([input, set.get(variable)]).toEqual([input, `$[[ inputs.${input} ]]`]);
      expect(help.stdout).toMatch(new RegExp(`--${flag} .*${variable}`));
    }
    // Every variable the job sets is one the CLI reads; every CLI option but the secrets and CA is an input.
    for (const variable of set.keys()) expect(cliInputs.map((name) => envName(flagOfInput(name)))).toContain(variable);
    expect(optionInputs.map((input) => input.replace(/_/g, '-')).sort()).toEqual([...cliInputs].sort());
    // The messages name exactly these inputs by their component names.
    expect([...COMPONENT_INPUTS].sort()).toEqual(optionInputs.map((input) => input.replace(/_/g, '-')).sort());
  });
});

describe('included twice', () => {
  /** The job names of a pipeline's includes of this component: `as`, or its default. */
  const jobNames = (pipeline: string) => {
    const config = parseAllDocuments(pipeline)[0].toJS() as { include: Array<{ component?: string; inputs?: { as?: string } }> };
    return config.include.filter((entry) => /\/xopero-backup@/.test(entry.component ?? '')).map((entry) => entry.inputs?.as ?? JOB_NAME);
  };

  test("the mirror's self-test includes the component twice, two job names, and sets up both jobs", () => {
    const pipeline = readFileSync(join(ROOT, '.gitlab-ci.yml'), 'utf8');
    const names = jobNames(pipeline);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    const jobs = parseAllDocuments(pipeline)[0].toJS() as Record<string, { extends?: string }>;
    for (const name of names) expect([name, jobs[name]?.extends]).toEqual([name, '.with-simulator']);
  });

  test('the docs show it included twice, each include with its own job name', () => {
    const docs = documentationFiles()
      .map((file) => readFileSync(join(ROOT, file), 'utf8'))
      .join('\n');
    const twice = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map(([, block]) => block)
      .filter((block) => /^include:/m.test(block) && jobNames(block).length === 2);
    expect(twice).toHaveLength(1);
    expect(new Set(jobNames(twice[0])).size).toBe(2);
  });

  test('each include names its job with as, and keeps its own inputs', () => {
    const a = jobWith({ server_url: 'https://backup.example.com' });
    const b = jobWith({ server_url: 'https://backup.example.com', as: 'xopero-sweep', repositories: 'acme/*' });
    expect([a.name, b.name]).toEqual([JOB_NAME, 'xopero-sweep']);
    expect(b.variables.XOPERO_REPOSITORIES).toBe('acme/*');
  });
});

describe('interpolation, by GitLab rules', () => {
  test('defaults: every variable is a string or an integer, which is what GitLab accepts', () => {
    const job = jobWith({ server_url: 'https://backup.example.com' });
    expect(job.stage).toBe('.pre');
    expect(job.image).toBe('node:24-alpine');
    expectValidVariables(job.variables);
    expect(job.variables).toMatchObject({
      XOPERO_SERVER_URL: 'https://backup.example.com',
      XOPERO_ORGANIZATION: '',
      XOPERO_REPOSITORY: '',
      XOPERO_SYNC: 'auto',
      XOPERO_WAIT_TIMEOUT: '300',
      XOPERO_MODE: 'ensure',
    });
    expect(Object.fromEntries(variablesSet(job))).toMatchObject({
      XOPERO_ACTIVATE: 'true',
      XOPERO_DRY_RUN: 'false',
      XOPERO_ALLOW_HTTP: 'false',
    });
    expect(job.variables.XOPERO_PACKAGE).toBe(`${PACKAGE.name}@${PACKAGE.version}`);
    expect(job.name).toBe(JOB_NAME);
  });

  test('every input given: still valid variables, each value where the CLI reads it', () => {
    const job = jobWith({
      as: 'xopero-weekly',
      stage: 'protect',
      image: 'node:24',
      package: 'xopero-one-backup@1.2.3',
      server_url: 'https://backup.example.com',
      organization: 'acme',
      repository: 'acme/api',
      repositories: 'acme/*, !acme/old-*',
      plan: 'Nightly GitHub',
      activate: false,
      sync: 'never',
      wait_timeout: '5m',
      dry_run: true,
      mode: 'check',
      max_backup_age: '36h',
      allow_http: true,
    });
    expectValidVariables(job.variables);
    expect(job.stage).toBe('protect');
    expect(Object.fromEntries(variablesSet(job))).toMatchObject({
      XOPERO_ORGANIZATION: 'acme',
      XOPERO_REPOSITORY: 'acme/api',
      XOPERO_REPOSITORIES: 'acme/*, !acme/old-*',
      XOPERO_PLAN: 'Nightly GitHub',
      XOPERO_ACTIVATE: 'false',
      XOPERO_SYNC: 'never',
      XOPERO_WAIT_TIMEOUT: '5m',
      XOPERO_DRY_RUN: 'true',
      XOPERO_MODE: 'check',
      XOPERO_MAX_BACKUP_AGE: '36h',
      XOPERO_ALLOW_HTTP: 'true',
    });
    expect(job.variables.XOPERO_PACKAGE).toBe('xopero-one-backup@1.2.3');
    expect(job.name).toBe('xopero-weekly');
  });

  const url = 'https://backup.example.com';
  test.each([
    [{ broker_url: 443 }, /`broker_url` input: provided value is not a string/],
    [{ server_url: url, sync: 'sometimes' }, /`sync` input: `sometimes` cannot be used/],
    [{ server_url: url, mode: 'fix' }, /`mode` input: `fix` cannot be used/],
    [{ server_url: url, dry_run: 'yes' }, /`dry_run` input: provided value is not a boolean/],
    [{ server_url: url, wait_timeout: 300 }, /`wait_timeout` input: provided value is not a string/],
    [{ server_url: url, password: 'not-an-input' }, /unknown input: password/],
  ])('refused at pipeline creation: %j', (inputs, message) => {
    expect(() => jobWith(inputs)).toThrow(message);
  });
});

/**
 * Runs the interpolated job the way a GitLab runner's shell executor does: the predefined variables, the
 * project's CI/CD variables (the secrets), the job's `variables:`, then its script lines in one bash with
 * errexit, in CI_PROJECT_DIR.
 */
async function runJob(w: World, inputs: Record<string, unknown>, projectVariables: Record<string, string> = {}) {
  const job = jobWith({ package: tarball, ...inputs });
  const projectDir = mkdtempSync(join(scratch, 'project-'));
  const env: Record<string, string> = {
    ...toolEnv,
    PATH: jobPath,
    ...gitlabVariables(projectDir, 'acme/api', JOB_NAME),
    XOPERO_EMAIL: EMAIL,
    XOPERO_PASSWORD: PASSWORD,
    NODE_EXTRA_CA_CERTS: w.sim.caCertPath,
    ...projectVariables,
  };
  for (const [name, value] of Object.entries(job.variables)) env[name] = expandGitlabVariable(String(value), env);
  const scriptFile = join(projectDir, '..', `${JOB_NAME}-${projectDir.slice(-6)}.sh`);
  writeFileSync(scriptFile, ['set -eo pipefail', ...job.script.map(String), ''].join('\n'));
  const { code, stdout, stderr } = await runCommand('bash', [scriptFile], env, { cwd: projectDir, timeoutMs: 60_000 });
  const result = { code, stdout, stderr };
  const dotenvFile = join(projectDir, job.artifacts.reports.dotenv);
  const dotenv = existsSync(dotenvFile) ? parseDotenv(readFileSync(dotenvFile, 'utf8')) : undefined;
  return { ...result, all: result.stdout + result.stderr, dotenv, job, projectDir };
}

function expectProtected(w: World, name: string, plan = 'Nightly GitHub') {
  const repo = w.sim.repository(name)!;
  expect(repo.isProtected).toBe(true);
  expect(w.sim.plan(plan)!.repositoryIds).toContain(repo.id);
}

describe('the job, run as a GitLab runner runs it (bash)', () => {
  test('defaults: the project is protected and attached; xopero.env holds the ids', async () => {
    world = await startWorld();
    const run = await runJob(world, { server_url: world.url, plan: 'Nightly GitHub' });

    expect(run.stderr).not.toMatch(/^xopero-one: /m);
    expect(run.code).toBe(0);
    expectProtected(world, 'acme/api');
    expect(run.dotenv).toMatchObject({
      XOPERO_ORGANIZATION_ID: world.orgId,
      XOPERO_REPOSITORY_ID: world.sim.repository('acme/api')!.id,
      XOPERO_PLAN_ID: world.nightlyId,
      XOPERO_CHANGED: 'true',
    });
    // The log (GitLab shows stdout and stderr together) on stderr; stdout holds the report.
    expect(run.stderr).toMatch(/\u001b\[0Ksection_start:\d+:xopero_1\[collapsed=false\]\r\u001b\[0KSign in\n/);
    expect(run.stderr).toMatch(/\u001b\[0Ksection_end:\d+:xopero_1\r\u001b\[0K\n/);
    expect(run.stdout).toMatch(/^Organization: acme/);
    expect(run.all).not.toContain(PASSWORD);
  });

  test('boolean and enumerated inputs reach the CLI: dry_run changes nothing; mode check fails the job', async () => {
    world = await startWorld();
    const dry = await runJob(world, { server_url: world.url, plan: 'Nightly GitHub', dry_run: true, wait_timeout: '30s' });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/Dry run: would activate the license, attach to plan Nightly GitHub; nothing was changed/);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
    expect(dry.dotenv?.XOPERO_CHANGED).toBe('false');

    const check = await runJob(world, { server_url: world.url, plan: 'Nightly GitHub', mode: 'check' });
    // Not compliant: its own exit status, and said so to the jobs after it.
    expect(check.code).toBe(3);
    expect(check.dotenv?.XOPERO_FAILURE).toBe('non-compliant');
    // The remedy names the component's input as the include writes it, not the CLI's flag.
    expect(check.stderr).toMatch(/^xopero-one: 'acme\/api' is not license-activated .*run with mode: ensure to fix it\)\.$/m);
    expect(world.sim.mutatingRequests()).toHaveLength(0);
    expect(world.sim.repository('acme/api')!.isProtected).toBe(false);
  });

  test('organization and repository inputs override the project; server_url may name a CI/CD variable', async () => {
    world = await startWorld();
    const run = await runJob(
      world,
      { server_url: '$XOPERO_URL', organization: world.orgId, repository: 'acme/other', activate: false },
      { XOPERO_URL: world.url },
    );
    expect(run.code).toBe(0);
    expect(run.dotenv).toMatchObject({
      XOPERO_REPOSITORY_ID: world.sim.repository('acme/other')!.id,
      XOPERO_CHANGED: 'false',
      XOPERO_PLAN_ID: '',
    });
    expect(world.sim.repository('acme/api')!.isProtected).toBe(false);
  });

  test('html_file and badge_file: a sweep writes its HTML page and badge with the CLI file alone', async () => {
    world = await startWorld();
    const run = await runJob(world, {
      server_url: world.url,
      plan: 'Nightly GitHub',
      repositories: '*',
      html_file: 'xopero-report/index.html',
      badge_file: 'xopero-report/badge.json',
    });
    expect(run.stderr).not.toMatch(/^xopero-one: /m);
    expect(run.code).toBe(0);
    const html = readFileSync(join(run.projectDir, 'xopero-report/index.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('"acme/api-gateway"');
    expect(JSON.parse(readFileSync(join(run.projectDir, 'xopero-report/badge.json'), 'utf8'))).toMatchObject({ message: '100% protected' });
  });
});

/** A file server on loopback standing in for an npm registry or a mirror; records what it was asked. */
async function serveFiles(files: Record<string, Buffer>) {
  const seen: Array<{ path: string; authorization?: string }> = [];
  const server: Server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', authorization: request.headers.authorization });
    const body = files[request.url ?? ''];
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' });
    response.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The `npm pack` tarball with its CLI bundle changed by `edit`, packed again. */
async function repackedTarball(name: string, edit: (bundle: string) => string): Promise<string> {
  const dir = mkdtempSync(join(scratch, 'repack-'));
  cpSync(join(scratch, 'unpacked', 'package'), join(dir, 'package'), { recursive: true });
  const bundleFile = join(dir, 'package/dist/cli/index.js');
  writeFileSync(bundleFile, edit(readFileSync(bundleFile, 'utf8')));
  const file = join(scratch, name);
  await mustRun('tar', ['-czf', file, '-C', dir, 'package'], toolEnv, scratch);
  return file;
}

describe('only the CLI bundle this component version pins runs', () => {
  test('the pin is the sha512 of the built dist/cli/index.js, which is the bundle in the npm pack tarball', () => {
    const pinned = pinnedDigest();
    expect(pinned).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    // When this fails: `npm run build` (which ends with `tsx scripts/release.ts pin`), and commit the template.
    expect(bundleDigest(readFileSync(CLI_ENTRY))).toBe(pinned);
    expect(bundleDigest(packedBundle)).toBe(pinned);
  });

  const refused =
    /^xopero-one: package \S+ (is not the xopero-one CLI this component version pins \(its bundle is sha512-\S+\.\.\., the pin sha512-\S+\.\.\.\): refused, nothing was run\.|is not a readable \.tgz \(.+\): nothing was run\.)/;
  test.each([
    [
      'a tarball whose bundle differs by one character',
      () => repackedTarball('one-char.tgz', (bundle) => bundle.replace('Sign in', 'Sign-in')),
    ],
    ['a tarball whose bundle has one line more', () => repackedTarball('one-line.tgz', (bundle) => `${bundle}\nconsole.log("hello");\n`)],
    [
      'the bundle file itself, one byte changed',
      async () => {
        const file = join(scratch, 'changed-index.js');
        const bytes = Buffer.from(packedBundle);
        bytes[bytes.length - 2] ^= 1;
        writeFileSync(file, bytes);
        return file;
      },
    ],
    [
      'the right tarball with one byte damaged in transit',
      async () => {
        const file = join(scratch, 'damaged.tgz');
        const bytes = readFileSync(tarball);
        bytes[Math.floor(bytes.length / 2)] ^= 0xff;
        writeFileSync(file, bytes);
        return file;
      },
    ],
  ])('%s: refused in one line, exit 1, nothing sent to Xopero ONE', async (_name, make) => {
    const file = await make();
    world = await startWorld();
    const run = await runJob(world, { server_url: world.url, plan: 'Nightly GitHub', package: file });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.endsWith('\n') && run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(refused);
    expect(world.sim.requests).toHaveLength(0);
    expect(run.dotenv).toBeUndefined();
    expect(world.sim.repository('acme/api')!.isProtected).toBe(false);
  });

  test('the unchanged bundle file is accepted as the package; a path that does not exist is one line', async () => {
    const file = join(scratch, 'index.js');
    writeFileSync(file, packedBundle);
    world = await startWorld();
    const run = await runJob(world, { server_url: world.url, plan: 'Nightly GitHub', package: file });
    // The CLI's log is on stderr; no error line among it.
    expect([run.code, run.stderr]).toEqual([0, expect.not.stringMatching(/^xopero-one: /m)]);
    expectProtected(world, 'acme/api');

    world.sim.resetLog();
    const missing = await runJob(world, { server_url: world.url, package: './xopero-one-backup.tgz' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'xopero-one: cannot read package ./xopero-one-backup.tgz: no such file. The package input takes xopero-one-backup@X.Y.Z, an http(s) URL of its tarball, or the path of the tarball or of its dist/cli/index.js.\n',
    );
    expect(world.sim.requests).toHaveLength(0);
  });

  test('from a registry (npm_config_registry) or a mirror URL; credentials in the URL are sent, never shown', async () => {
    const registryPath = `/npm/${PACKAGE.name}/-/${PACKAGE.name}-${PACKAGE.version}.tgz`;
    const files = await serveFiles({
      [registryPath]: readFileSync(tarball),
      '/mirror/tampered.tgz': readFileSync(await repackedTarball('served.tgz', (bundle) => `${bundle};`)),
    });
    try {
      world = await startWorld();
      const fromRegistry = await runJob(
        world,
        { server_url: world.url, plan: 'Nightly GitHub', package: `${PACKAGE.name}@${PACKAGE.version}` },
        { npm_config_registry: `${files.base}/npm` },
      );
      expect([fromRegistry.code, fromRegistry.stderr]).toEqual([0, expect.not.stringMatching(/^xopero-one: /m)]);
      expectProtected(world, 'acme/api');
      expect(files.seen).toEqual([{ path: registryPath, authorization: undefined }]);

      world.sim.resetLog();
      const secret = 'pa@ss:word';
      const withCredentials = `${files.base.replace('//', `//ci:${encodeURIComponent(secret)}@`)}/mirror`;
      const tampered = await runJob(world, { server_url: world.url, package: `${withCredentials}/tampered.tgz` });
      expect(tampered.code).toBe(1);
      expect(tampered.stderr).toMatch(refused);
      expect(tampered.stderr).toContain('package http://***@127.0.0.1:');
      expect(files.seen.at(-1)).toEqual({
        path: '/mirror/tampered.tgz',
        authorization: `Basic ${Buffer.from(`ci:${secret}`).toString('base64')}`,
      });

      const missing = await runJob(world, { server_url: world.url, package: `${withCredentials}/missing.tgz` });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /^xopero-one: cannot download package http:\/\/\*\*\*@127\.0\.0\.1:\d+\/mirror\/missing\.tgz: HTTP 404\. Check the package input .*\n$/,
      );
      // A password with a / not percent-encoded: the URL does not parse; one line, without the password.
      const unparsable = await runJob(world, {
        server_url: world.url,
        package: `${files.base.replace('//', '//ci:S3cr/et@')}/mirror/x.tgz`,
      });
      expect(unparsable.code).toBe(1);
      expect(unparsable.stderr).toMatch(/^xopero-one: package http:\/\/\*\*\*@127\.0\.0\.1:\d+\/mirror\/x\.tgz is not a URL .*\n$/);
      for (const run of [tampered, missing, unparsable]) expect(run.stderr).not.toMatch(/pa%40ss|pa@ss|S3cr/);
      expect(world.sim.requests).toHaveLength(0);
    } finally {
      await files.close();
    }
  });
});

describe("the sharded sweep's merge job (docs/sharding.md) gets the CLI as the component does", () => {
  /** The merge job's script, as docs/sharding.md shows it. */
  function mergeJobScript(): string[] {
    const page = readFileSync(join(ROOT, 'docs/sharding.md'), 'utf8');
    const pipelines = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map(([, block]) => parseAllDocuments(block)[0].toJS() as Record<string, { script?: string[] }>)
      .filter((pipeline) => pipeline['xopero-report']);
    expect(pipelines).toHaveLength(1);
    return pipelines[0]['xopero-report'].script ?? [];
  }

  /** A registry on loopback serving this package's metadata and the given tarball as its one version. */
  async function registryServing(tarballBytes: Buffer) {
    const tarballPath = `/npm/${PACKAGE.name}/-/${PACKAGE.name}-${PACKAGE.version}.tgz`;
    const files: Record<string, Buffer> = { [tarballPath]: tarballBytes };
    const registry = await serveFiles(files);
    const integrity = `sha512-${createHash('sha512').update(tarballBytes).digest('base64')}`;
    const version = { name: PACKAGE.name, version: PACKAGE.version, dist: { tarball: `${registry.base}${tarballPath}`, integrity } };
    files[`/npm/${PACKAGE.name}`] = Buffer.from(
      JSON.stringify({ name: PACKAGE.name, 'dist-tags': { latest: PACKAGE.version }, versions: { [PACKAGE.version]: version } }),
    );
    return registry;
  }

  /** The job's first two lines (fetch, check) in bash, in a fresh project directory, with npm reaching `registry`. */
  async function fetchAndCheck(registryBase: string) {
    const project = mkdtempSync(join(scratch, 'merge-'));
    const [fetch, check] = mergeJobScript();
    const env = {
      ...toolEnv,
      npm_config_registry: `${registryBase}/npm`,
      npm_config_cache: join(project, '.npm'),
      npm_config_update_notifier: 'false',
    };
    const run = await runCommand('bash', ['-e', '-o', 'pipefail', '-c', [fetch, check].join('\n')], env, { cwd: project });
    return { ...run, project };
  }

  test('no npx: npm pack fetches the package, sha512sum checks the bundle against the pin, node runs it', () => {
    const [fetch, check, merge, ...rest] = mergeJobScript();
    expect(rest).toEqual([]);
    expect(fetch).toBe(`npm pack --silent ${PACKAGE.name}@${PACKAGE.version} && tar -xzf ${PACKAGE.name}-*.tgz package/dist/cli/index.js`);
    expect(check).toBe(`echo "${createHash('sha512').update(packedBundle).digest('hex')}  package/dist/cli/index.js" | sha512sum -c -`);
    expect(merge).toMatch(/^node package\/dist\/cli\/index\.js report /);
    expect(mergeJobScript().join('\n')).not.toContain('npx');
  });

  test('the package of this version passes the check; a registry serving other bytes stops the job there', async () => {
    const good = await registryServing(readFileSync(tarball));
    try {
      const run = await fetchAndCheck(good.base);
      expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('package/dist/cli/index.js: OK')]);
      expect(readFileSync(join(run.project, 'package/dist/cli/index.js'))).toEqual(packedBundle);
    } finally {
      await good.close();
    }
    // A mirror that serves another bundle with metadata to match: npm accepts it, the pin does not.
    const other = await registryServing(readFileSync(await repackedTarball('merge-other.tgz', (bundle) => `${bundle};`)));
    try {
      const run = await fetchAndCheck(other.base);
      expect(run.code).not.toBe(0);
      expect(run.stdout + run.stderr).toMatch(/package\/dist\/cli\/index\.js: FAILED/);
    } finally {
      await other.close();
    }
  });
});

describe('the job under gitlab-ci-local', () => {
  const GITLAB_CI_LOCAL = join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js');

  test('gitlab-ci-local is the pinned 4.73.0', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/gitlab-ci-local/package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('4.73.0');
    expect(PACKAGE.dependencies).toBeUndefined(); // the tarball installs offline: nothing to fetch
  });

  /**
   * `pipeline` (a .gitlab-ci.yml including templates/xopero-backup.yml locally) run by gitlab-ci-local with the
   * shell executor in a fresh git repository whose origin is acme/api, with `variables` as CI/CD variables.
   */
  async function runPipeline(pipeline: string, variables: Record<string, string>) {
    const repo = mkdtempSync(join(scratch, 'repo-'));
    mkdirSync(join(repo, 'templates'));
    copyFileSync(TEMPLATE, join(repo, 'templates/xopero-backup.yml'));
    writeFileSync(join(repo, '.gitlab-ci.yml'), pipeline);
    const git = (...args: string[]) => mustRun('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.com', ...args], toolEnv, repo);
    await git('init', '-q', '-b', 'main');
    await git('config', 'user.name', 'CI');
    await git('config', 'user.email', 'ci@example.com');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'pipeline');
    // gitlab-ci-local derives CI_PROJECT_PATH (acme/api) and CI_PROJECT_ROOT_NAMESPACE (acme) from origin.
    await git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/api.git');
    await git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
    // gitlab-ci-local sets GITLAB_CI=false so pipelines can tell; the CLI's GitLab mode needs what GitLab sets.
    const args = [GITLAB_CI_LOCAL, '--force-shell-executor', '--ignore-predefined-vars', 'GITLAB_CI', '--no-color'];
    for (const [name, value] of Object.entries({ GITLAB_CI: 'true', ...variables })) args.push('--variable', `${name}=${value}`);
    // TMPDIR inside scratch, removed with it. (Its file variables go to a fixed /tmp/gitlab-ci-local-file-variables-* path,
    // which a job run removes at its end.)
    const tmp = mkdtempSync(join(scratch, 'tmp-'));
    const run = await runProcess(args, { ...toolEnv, TMPDIR: tmp }, { cwd: repo });
    return { ...run, all: run.stdout + run.stderr };
  }

  test('a pipeline including the component twice: both jobs run; the project ends protected; a later job gets the dotenv values', async () => {
    world = await startWorld();
    const run = await runPipeline(
      [
        'include:',
        '  - local: templates/xopero-backup.yml',
        '    inputs:',
        '      server_url: $XOPERO_URL',
        '      plan: Nightly GitHub',
        `      package: ${JSON.stringify(tarball)}`,
        "      wait_timeout: '1m'",
        // The same component again, another job: a read-only check of a repository already protected. In its
        // own stage, after report: shell mode runs every job in one directory, so two jobs at once would
        // write one xopero.env (a GitLab runner gives each job its own).
        '  - local: templates/xopero-backup.yml',
        '    inputs:',
        '      as: xopero-check-other',
        '      stage: .post',
        '      server_url: $XOPERO_URL',
        '      repository: acme/other',
        '      plan: Nightly GitHub',
        '      mode: check',
        `      package: ${JSON.stringify(tarball)}`,
        '',
        'report:',
        '  stage: test',
        '  needs: [xopero-backup]',
        '  script:',
        '    - echo "organization=$XOPERO_ORGANIZATION_ID repository=$XOPERO_REPOSITORY_ID plan=$XOPERO_PLAN_ID changed=$XOPERO_CHANGED"',
        '',
      ].join('\n'),
      {
        XOPERO_URL: world.url,
        XOPERO_EMAIL: EMAIL,
        XOPERO_PASSWORD: PASSWORD,
        NODE_EXTRA_CA_CERTS: world.sim.caCertPath,
      },
    );
    const all = run.all;

    expect([run.code, all]).toEqual([0, expect.stringContaining('PASS  xopero-backup')]);
    expect(all).toContain('PASS  xopero-check-other');
    expect(all).toMatch(/xopero-check-other.*acme\/other/);
    expectProtected(world, 'acme/api');
    const api = world.sim.repository('acme/api')!;
    expect(all).toMatch(/PASS\s+report/);
    expect(all).toContain(`organization=${world.orgId} repository=${api.id} plan=${world.nightlyId} changed=true`);
    expect(all).not.toContain(PASSWORD);
  });
  test('through the broker: the job sends its ID token (GitLab-shaped, for broker_audience) and no credential; the project ends protected', async () => {
    world = await startWorld();
    const issuer = await FakeIssuer.start();
    const config = writeBrokerConfig(scratch, world, issuer, { issuers: [{ issuer: issuer.url, kind: 'gitlab', owners: ['acme'] }] });
    const broker = await startBroker([BROKER_ENTRY, '--config', config], brokerEnv(world));
    try {
      // gitlab-ci-local mints no id_tokens: the token GitLab would put in XOPERO_ID_TOKEN comes as a variable.
      const token = await issuer.token(gitlabClaims('acme/api', AUDIENCE));
      const run = await runPipeline(
        [
          'include:',
          '  - local: templates/xopero-backup.yml',
          '    inputs:',
          '      broker_url: $BROKER_URL',
          `      broker_audience: ${AUDIENCE}`,
          '      plan: Nightly GitHub',
          `      package: ${JSON.stringify(tarball)}`,
          '',
        ].join('\n'),
        { BROKER_URL: broker.url, XOPERO_ID_TOKEN: token, NODE_EXTRA_CA_CERTS: world.sim.caCertPath },
      );

      expect([run.code, run.all]).toEqual([0, expect.stringContaining('PASS  xopero-backup')]);
      expectProtected(world, 'acme/api');
      expect(run.all).toMatch(/activation: activated; attachment: attached; changed: true/);
      expect(run.all).not.toContain(token);
      const [line] = (await broker.auditLines(1)).slice(-1);
      expect(line).toMatchObject({ status: 200, decision: 'ran', repository: 'acme/api', changed: true });
    } finally {
      process.kill(broker.pid, 'SIGTERM');
      await broker.exit;
      await issuer.stop();
    }
  });
});
