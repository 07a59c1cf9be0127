/**
 * Sharded sweeps end to end: the CLI bundle and dist/index.js run as shards of one sweep against one
 * simulator, each writing its result file; `xopero-one report` (and the report action, dist/report/index.js)
 * merges them into Markdown with a Mermaid chart, JSON and JUnit XML, and refuses what does not belong together.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse } from 'yaml';
import { fnv1a32, shardOf } from '../../src/core/shard.js';
import {
  CLI_ENTRY,
  ROOT,
  baseEnv,
  errorLines,
  parseGithubOutput,
  runAction,
  runProcess,
  type ProcessResult,
} from '../../testbed/harness.js';
import { EMAIL, PASSWORD, count, startWorld, type World } from '../../testbed/fixtures.js';
import { scratchFolder } from '../scratch.js';

const REPORT_ENTRY = join(ROOT, 'dist/report/index.js');

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

const scratch = scratchFolder('xopero-shards-');
const freshDir = () => mkdtempSync(join(scratch(), 'run-'));

async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd = freshDir(),
): Promise<ProcessResult & { cwd: string }> {
  return { ...(await runProcess([CLI_ENTRY, ...args], baseEnv(env), { cwd })), cwd };
}

const credentials = (w: World) => ({ XOPERO_EMAIL: EMAIL, XOPERO_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: w.sim.caCertPath });
const sweepFlags = (w: World, repositories = '*') => [
  '--server-url',
  w.url,
  '--organization',
  'acme',
  '--plan',
  'Nightly GitHub',
  '--repositories',
  repositories,
];

/** 40 more repositories of acme, unprotected, inserted in the given order; pages of `pageCap`. */
async function shardWorld(options: { pageCap?: number; reverse?: boolean; licenses?: number } = {}) {
  world = await startWorld({ pageCap: options.pageCap ?? 5, ...(options.licenses === undefined ? {} : { licenses: options.licenses }) });
  const names = Array.from({ length: 40 }, (_, i) => `acme/${['svc', 'Lib', 'tool', 'web'][i % 4]}-${String(i).padStart(2, '0')}`);
  for (const name of options.reverse ? [...names].reverse() : names) world.sim.addRepository(world.orgId, { name, isProtected: false });
  return world;
}

/** Runs shards 1..n of one sweep at once; returns their result file paths (in one directory) and runs. */
async function runShards(w: World, total: number, extra: string[] = [], repositories = '*') {
  const dir = freshDir();
  const runs = await Promise.all(
    Array.from({ length: total }, (_, i) =>
      cli(
        [...sweepFlags(w, repositories), '--shard', `${i + 1}/${total}`, '--result-file', join(dir, `shard-${i + 1}.json`), ...extra],
        credentials(w),
      ),
    ),
  );
  const files = Array.from({ length: total }, (_, i) => join(dir, `shard-${i + 1}.json`));
  return { dir, runs, files, docs: files.map((file) => JSON.parse(readFileSync(file, 'utf8'))) };
}

/** Every repository a result document names: changed, failed, stale or unchanged. */
const namesOf = (doc: { entries: Array<{ repository: string }>; unchanged: string[] }) => [
  ...doc.entries.map((e) => e.repository),
  ...doc.unchanged,
];

describe('shards partition a sweep', () => {
  test('the FNV-1a hash is the documented one (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(shardOf('ACME/Api', 4)).toBe(shardOf('acme/api', 4));
  });

  test('three shards at once: every repository in exactly one shard, protected and attached once, one activation per license', async () => {
    const w = await shardWorld();
    const licenses = w.sim.freeLicenses;
    const { runs, docs } = await runShards(w, 3);
    for (const run of runs) {
      // The log is on stderr; no error line among it.
      expect(run.stderr).not.toMatch(/^xopero-one: /m);
      expect(run.code).toBe(0);
    }
    const all = docs.flatMap(namesOf);
    // 43 repositories of acme: 40 + acme/api, acme/api-gateway, acme/other.
    expect(all).toHaveLength(43);
    expect(new Set(all.map((n) => n.toLowerCase())).size).toBe(43);
    docs.forEach((doc, i) => {
      expect(doc.shard).toEqual({ index: i + 1, total: 3 });
      for (const name of namesOf(doc)) expect(shardOf(name, 3)).toBe(i + 1);
    });
    const plan = w.sim.plan('Nightly GitHub')!;
    expect(plan.repositoryIds).toHaveLength(43);
    expect(new Set(plan.repositoryIds).size).toBe(43);
    // 42 were unprotected: 42 licenses spent, once each.
    expect(licenses - w.sim.freeLicenses).toBe(42);
    expect(count(w.sim, '/plans/attachgitrepository')).toBe(42);
    expect(count(w.sim, '/git/repositories/sync')).toBe(0);
  }, 60_000);

  test('the partition does not depend on listing order or page size', async () => {
    const partition = async (options: { pageCap: number; reverse: boolean }) => {
      const w = await shardWorld(options);
      const { docs } = await runShards(w, 4, ['--dry-run']);
      await w.sim.stop();
      world = undefined;
      return Object.fromEntries(docs.flatMap((doc, i) => namesOf(doc).map((name) => [name, i + 1])));
    };
    const a = await partition({ pageCap: 5, reverse: false });
    const b = await partition({ pageCap: 7, reverse: true });
    expect(Object.keys(a)).toHaveLength(43);
    expect(b).toEqual(a);
    // More than one shard is used (the hash spreads them).
    expect(new Set(Object.values(a)).size).toBe(4);
  }, 60_000);

  test('an unknown name: shard 1 synchronizes for the shard that owns it, that shard waits for it, the others do not wait', async () => {
    const w = await shardWorld();
    // The last synchronization was long ago: the owner must wait for the one shard 1 starts.
    w.sim.organization('acme')!.lastSynchronizationRepositoriesStartTime = Date.now() - 3600_000;
    w.sim.syncDurationMs = 1500;
    w.sim.addRepository(w.orgId, { name: 'acme/brand-new', isProtected: false, pendingSync: true });
    expect(shardOf('acme/brand-new', 3)).toBe(2);
    const { runs, docs } = await runShards(w, 3, ['--wait-timeout', '30'], 'svc-*, acme/brand-new');
    for (const run of runs) expect(run.code).toBe(0);
    expect(count(w.sim, '/git/repositories/sync')).toBe(1);
    expect(runs[0].stderr).toMatch(/Started a synchronization of acme/);
    expect(runs[1].stderr).toMatch(/Shard 2\/3: waiting up to 30 s/);
    // Shard 3 owns no unknown name: it neither synchronizes nor waits.
    expect(runs[2].stderr).not.toMatch(/synchroniz/i);
    expect(docs.map((d) => d.notFound)).toEqual([[], [], []]);
    expect(docs.map((d) => d.synchronization)).toEqual(['synchronized', 'synchronized', 'not-needed']);
    expect(w.sim.repository('acme/brand-new')!.isProtected).toBe(true);
    expect(docs[1].entries.map((e: { repository: string }) => e.repository)).toContain('acme/brand-new');
  }, 60_000);

  test("a synchronization that ended just before the new repository existed: its shard waits for shard 1's newer one", async () => {
    const w = await shardWorld();
    // A synchronization started 20 s ago and is over; the repository was created since, so only a new one brings it.
    w.sim.organization('acme')!.lastSynchronizationRepositoriesStartTime = Date.now() - 20_000;
    w.sim.syncDurationMs = 1000;
    const name = ['acme/fresh-a', 'acme/fresh-b', 'acme/fresh-c', 'acme/fresh-d'].find((candidate) => shardOf(candidate, 2) === 2)!;
    w.sim.addRepository(w.orgId, { name, isProtected: false, pendingSync: true });
    // Shard 1's synchronization is held until shard 2 has polled twice (a poll reads one repository: limit 1). Its
    // first poll then surely finds the old synchronization over and nothing newer; a shard that took it and did
    // not wait again would poll no more, and report the repository as not found.
    const polled = (r: { path: string; body?: unknown }) =>
      r.path === '/git/repositories/getmany' && (r.body as { limit?: number } | undefined)?.limit === 1;
    w.sim.addFault({ path: '/git/repositories/sync', hold: () => w.sim.whenRequests(polled, 2) });
    const { runs, docs } = await runShards(w, 2, ['--wait-timeout', '3600'], `svc-*, ${name}`);
    for (const run of runs) expect([run.code, run.stderr]).toEqual([0, expect.not.stringMatching(/^xopero-one: /m)]);
    expect(count(w.sim, '/git/repositories/sync')).toBe(1);
    expect(runs[1].stderr).toMatch(/did not bring every name it owns; waiting up to 3600 s for a newer one of shard 1/);
    expect(docs.map((d) => d.notFound)).toEqual([[], []]);
    expect(w.sim.repository(name)!.isProtected).toBe(true);
  }, 60_000);

  test('sync: always: shard 1 starts the one synchronization, the others wait for it', async () => {
    const w = await shardWorld();
    w.sim.organization('acme')!.lastSynchronizationRepositoriesStartTime = Date.now() - 3600_000;
    w.sim.syncDurationMs = 1000;
    const { runs, docs } = await runShards(w, 3, ['--wait-timeout', '30', '--sync', 'always']);
    for (const run of runs) expect(run.code).toBe(0);
    expect(count(w.sim, '/git/repositories/sync')).toBe(1);
    expect(runs[1].stderr).toMatch(/Shard 2\/3: waiting up to 30 s/);
    expect(runs[2].stderr).toMatch(/Shard 3\/3: waiting up to 30 s/);
    expect(docs.map((d) => d.synchronization)).toEqual(['synchronized', 'synchronized', 'synchronized']);
  }, 60_000);

  test('in GitLab, a sweep in a parallel job takes its shard from CI_NODE_INDEX/CI_NODE_TOTAL', async () => {
    const w = await shardWorld();
    const dir = freshDir();
    const run = await cli(
      ['--result-file', join(dir, 'r.json')],
      {
        ...credentials(w),
        GITLAB_CI: 'true',
        CI_PROJECT_ROOT_NAMESPACE: 'acme',
        CI_PROJECT_PATH: 'acme/ci',
        CI_NODE_INDEX: '2',
        CI_NODE_TOTAL: '3',
        XOPERO_SERVER_URL: w.url,
        XOPERO_REPOSITORIES: '*',
        XOPERO_PLAN: 'Nightly GitHub',
        XOPERO_DRY_RUN: 'true',
      },
      dir,
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(doc.shard).toEqual({ index: 2, total: 3 });
    for (const name of namesOf(doc)) expect(shardOf(name, 3)).toBe(2);
  }, 60_000);
});

describe('bad shard input: one line naming it, nothing sent', () => {
  test.each([['0/4'], ['5/4'], ['1/0'], ['a/b'], ['2']])(
    'CLI --shard %s',
    async (value) => {
      const w = await shardWorld();
      const run = await cli([...sweepFlags(w), '--shard', value], credentials(w));
      expect(run.code).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^xopero-one: --shard \/ XOPERO_SHARD: .*'/);
      expect(lines[0]).toContain(value);
      expect(w.sim.requests).toHaveLength(0);
    },
    30_000,
  );

  test.each([['0/4'], ['5/4'], ['1/0'], ['a/b'], ['2']])(
    'action shard: %s',
    async (value) => {
      const w = await shardWorld();
      const run = await runAction({ ...w.inputs, repositories: '*', shard: value }, { env: { NODE_EXTRA_CA_CERTS: w.sim.caCertPath } });
      expect(run.code).toBe(1);
      expect(errorLines(run.stdout)).toHaveLength(1);
      expect(errorLines(run.stdout)[0]).toMatch(/^Input 'shard': /);
      expect(w.sim.requests).toHaveLength(0);
    },
    30_000,
  );

  test('a shard for a single repository (no repositories) is an input error', async () => {
    const w = await shardWorld();
    const run = await cli(['--server-url', w.url, '--organization', 'acme', '--repository', 'acme/api', '--shard', '1/2'], credentials(w));
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(/^xopero-one: --shard \/ XOPERO_SHARD: .*set --repositories \/ XOPERO_REPOSITORIES/);
    expect(w.sim.requests).toHaveLength(0);
  }, 30_000);
});

describe('xopero-one report', () => {
  test('merges the shards into Markdown with a Mermaid chart, JSON and well-formed JUnit, in name order', async () => {
    const w = await shardWorld();
    const { dir } = await runShards(w, 3);
    const out = freshDir();
    const run = await cli(
      ['report', '--json', join(out, 'report.json'), '--junit', join(out, 'junit.xml'), '--markdown', join(out, 'summary.md'), dir],
      {},
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Merged 3 results of acme: 43 repositories; already protected 1, activated 42/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.shards).toBe(3);
    expect(report.repositories).toHaveLength(43);
    const names = report.repositories.map((r: { repository: string }) => r.repository);
    const sorted = [...names].sort((a: string, b: string) =>
      a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
    );
    expect(names).toEqual(sorted);
    expect(report.outcomes).toMatchObject({ 'already-protected': 1, activated: 42, failed: 0 });
    expect(report.counts).toMatchObject({ matched: 43, activated: 42, attached: 42 });

    const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    }).parse(xml);
    const suites = parsed.testsuites.testsuite as Array<{ name: string; testcase: Array<{ name: string; failure?: unknown }> }>;
    expect(suites.map((s) => s.name)).toEqual(['acme shard 1/3', 'acme shard 2/3', 'acme shard 3/3']);
    expect(suites.flatMap((s) => s.testcase.map((c) => c.name)).sort()).toEqual([...names].sort());
    expect(parsed.testsuites.failures).toBe('0');

    const markdown = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(markdown).toMatch(
      /```mermaid\npie showData title 43 repositories of acme\n {4}"already protected" : 1\n {4}"activated" : 42\n```/,
    );
    expect(markdown).toMatch(/\| Shards \| 3, all merged \|/);
  }, 60_000);

  test('licenses running out: each shard names its LI5020 repositories, the report lists all and fails with the count', async () => {
    const w = await shardWorld({ licenses: 20 });
    const { dir, runs, docs } = await runShards(w, 3);
    const li5020 = docs.flatMap((doc) =>
      doc.entries.filter((e: { reason?: string }) => /LI5020/.test(e.reason ?? '')).map((e: { repository: string }) => e.repository),
    );
    expect(li5020).toHaveLength(22); // 42 unprotected, 20 licenses
    runs.forEach((run, i) => {
      const own = docs[i].entries.filter((e: { reason?: string }) => /LI5020/.test(e.reason ?? ''));
      expect(run.code).toBe(own.length > 0 ? 1 : 0);
    });
    const out = freshDir();
    const summary = join(out, 'step-summary.md');
    writeFileSync(summary, '');
    const run = await cli(['report', '--junit', join(out, 'junit.xml'), '--json', join(out, 'report.json'), dir], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^xopero-one report: 22 of 43 repositories failed across 3 shards: 22 × activation LI5020/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(
      report.repositories
        .filter((r: { outcome: string }) => r.outcome === 'failed')
        .map((r: { repository: string }) => r.repository)
        .sort(),
    ).toEqual([...li5020].sort());
    const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect((xml.match(/<failure type="failed"/g) ?? []).length).toBe(22);
    const markdown = readFileSync(summary, 'utf8');
    for (const name of li5020) expect(markdown).toContain(`| ${name} |`);
    expect(markdown).toMatch(/"failed" : 22/);
  }, 60_000);

  describe('refusals, one line each', () => {
    const refuse = async (args: string[], pattern: RegExp) => {
      const run = await cli(['report', ...args], {});
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(run.stdout).toBe('');
    };

    test('a missing shard is named; a shard given twice; a different sweep; files that are not result documents', async () => {
      const w = await shardWorld();
      const { files } = await runShards(w, 3, ['--dry-run']);
      // The dry run's merged report says there is work to do, and lists it as not protected, not as failed.
      const merged = await cli(['report', ...files], {});
      expect(merged.stdout).toMatch(/\| Status \| ⚠️ not fully protected yet: the dry run lists what would change \|/);
      expect(merged.stdout).toMatch(/### Failed, stale or not protected/);
      expect(merged.stdout).not.toMatch(/no change needed|### Failed or stale/);
      await refuse([files[0], files[2]], /^xopero-one report: Missing the result of shard 2\/3 \(got 2 of 3\)/);
      await refuse([files[0]], /^xopero-one report: Missing the result of shards 2\/3, 3\/3 /);
      const copy = join(freshDir(), 'copy.json');
      copyFileSync(files[1], copy);
      await refuse([...files, copy], /^xopero-one report: Shard 2\/3 is given twice \('.*shard-2\.json' and '.*copy\.json'\)/);

      const other = await runShards(w, 3, ['--dry-run'], 'svc-*');
      await refuse(
        [files[0], other.files[1], files[2]],
        /^xopero-one report: '.*shard-1\.json' and '.*shard-2\.json' are results of different sweeps \(repositories '\*' vs 'svc-\*'\)/,
      );
      const globexDir = freshDir();
      const globex = await cli(
        [
          '--server-url',
          w.url,
          '--organization',
          'globex',
          '--repositories',
          '*',
          '--shard',
          '2/3',
          '--result-file',
          join(globexDir, 'g.json'),
        ],
        credentials(w),
      );
      expect(globex.code).toBe(0);
      await refuse([files[0], join(globexDir, 'g.json'), files[2]], /different sweeps \(organization 'acme' vs 'globex'\)/);
      const fourShards = await runShards(w, 4, ['--dry-run']);
      await refuse([...files, fourShards.files[3]], /different sweeps \(3 vs 4 shards\)/);

      const junk = join(freshDir(), 'junk.json');
      writeFileSync(junk, 'not json at all');
      await refuse([...files, junk], /^xopero-one report: '.*junk\.json' is not a result document \(not JSON\)/);
      writeFileSync(junk, JSON.stringify({ hello: 'world' }));
      await refuse([junk], /^xopero-one report: '.*junk\.json' is not a result document of a sweep/);
      const single = join(freshDir(), 'single.json');
      const one = await cli(
        ['--server-url', w.url, '--organization', 'acme', '--repository', 'acme/other', '--result-file', single],
        credentials(w),
      );
      expect(one.code).toBe(0);
      await refuse([single], /is the result of a single-repository run/);
      // A shard that stopped before its result writes its problem there: the report names it, not an older result.
      const stopped = join(freshDir(), 'stopped.json');
      writeFileSync(stopped, readFileSync(files[1], 'utf8'));
      const failed = await cli(
        [
          '--server-url',
          w.url,
          '--organization',
          'acme',
          '--repositories',
          '*',
          '--shard',
          '2/3',
          '--plan',
          'Nope',
          '--result-file',
          stopped,
        ],
        credentials(w),
      );
      expect(failed.code).toBe(1);
      await refuse(
        [files[0], stopped, files[2]],
        /^xopero-one report: '.*stopped\.json' is from a run that stopped before it had a result: Plan 'Nope' not found in organization 'acme'.*\. Run that job again, then the report\.$/,
      );
    }, 120_000);

    test('patterns no shard matches: each shard passes (its share may be empty), the merged report fails in one line', async () => {
      const w = await shardWorld();
      const { dir, runs } = await runShards(w, 3, ['--dry-run'], 'nothing-*');
      for (const run of runs) expect(run.code).toBe(0);
      const run = await cli(['report', dir], {});
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n').slice(1)).toEqual([
        "xopero-one report: No repository of 'acme' matches nothing-* in any of the 3 shards: check the patterns.",
      ]);
      expect(run.stdout).toMatch(/^## Xopero ONE organization sweep \(dry run\)/);
    }, 60_000);

    test('check mode: each shard and the merged report exit 3 (not compliant), not 1', async () => {
      const w = await shardWorld();
      const { dir, runs } = await runShards(w, 2, ['--mode', 'check']);
      for (const run of runs) expect(run.code).toBe(3);
      const run = await cli(['report', dir], {});
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^xopero-one report: \d+ of 43 repositories are not fully protected; mode: check changes nothing/m);
      expect(w.sim.mutatingRequests()).toHaveLength(0);
    }, 60_000);

    test('no files is a usage error', async () => {
      const run = await cli(['report'], {});
      expect(run.code).toBe(2);
      expect(run.stderr.split('\n')[0]).toMatch(/^xopero-one report: give the result files/);
    });
  });

  test('the report action (dist/report/index.js) writes the job summary and fails with the count', async () => {
    const w = await shardWorld({ licenses: 30 });
    const { dir } = await runShards(w, 2);
    const out = freshDir();
    const summary = join(out, 'summary.md');
    const outputFile = join(out, 'output');
    writeFileSync(summary, '');
    writeFileSync(outputFile, '');
    mkdirSync(join(out, 'reports'));
    const run = await runProcess(
      [REPORT_ENTRY],
      baseEnv({
        GITHUB_ACTIONS: 'true',
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: outputFile,
        RUNNER_TEMP: out,
        INPUT_RESULTS: dir,
        'INPUT_JUNIT-FILE': join(out, 'reports/junit.xml'),
        'INPUT_JSON-FILE': '',
        'INPUT_MARKDOWN-FILE': '',
      }),
    );
    expect(run.code).toBe(1);
    expect(errorLines(run.stdout)).toEqual([
      expect.stringMatching(/^12 of 43 repositories failed across 2 shards: 12 × activation LI5020/),
    ]);
    expect(readFileSync(summary, 'utf8')).toMatch(/```mermaid\npie showData/);
    expect(parseGithubOutput(readFileSync(outputFile, 'utf8'))).toMatchObject({
      failed: '12',
      matched: '43',
      changed: 'true',
      failure: 'error',
    });
    expect(XMLValidator.validate(readFileSync(join(out, 'reports/junit.xml'), 'utf8'))).toBe(true);
    expect(readdirSync(join(out, 'reports'))).toEqual(['junit.xml']);
  }, 60_000);

  test('report/action.yml runs the built report entry, and its inputs and outputs are the ones the code uses', async () => {
    const action = parse(readFileSync(join(ROOT, 'report/action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
      runs: { using: string; main: string };
    };
    expect(action.runs).toEqual({ using: 'node24', main: '../dist/report/index.js' });
    expect(join(ROOT, 'report', action.runs.main)).toBe(REPORT_ENTRY);
    // Learnt from a run, not from the source: a --require probe records every INPUT_* variable the entry reads
    // (the runner's way to pass inputs), and GITHUB_OUTPUT holds what it wrote. Every input is given.
    const w = await shardWorld();
    const { dir } = await runShards(w, 1);
    const out = freshDir();
    const files = {
      summary: join(out, 'summary.md'),
      output: join(out, 'output'),
      probe: join(out, 'probe.cjs'),
      read: join(out, 'read.json'),
    };
    writeFileSync(files.summary, '');
    writeFileSync(files.output, '');
    writeFileSync(
      files.probe,
      `const read = new Set();
      process.env = new Proxy(process.env, { get(env, name) { if (typeof name === 'string' && name.startsWith('INPUT_')) read.add(name); return Reflect.get(env, name); } });
      process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(files.read)}, JSON.stringify([...read])));`,
    );
    const run = await runProcess(
      [REPORT_ENTRY],
      baseEnv({
        GITHUB_ACTIONS: 'true',
        GITHUB_STEP_SUMMARY: files.summary,
        GITHUB_OUTPUT: files.output,
        RUNNER_TEMP: out,
        NODE_OPTIONS: `--require ${files.probe}`,
        INPUT_RESULTS: dir,
        'INPUT_JSON-FILE': join(out, 'merged.json'),
        'INPUT_JUNIT-FILE': join(out, 'junit.xml'),
        'INPUT_MARKDOWN-FILE': join(out, 'report.md'),
      }),
    );
    expect(run.code).toBe(0);
    const read = (JSON.parse(readFileSync(files.read, 'utf8')) as string[]).map((name) => name.slice('INPUT_'.length).toLowerCase());
    expect([...new Set(read)].sort()).toEqual(Object.keys(action.inputs).sort());
    expect(Object.keys(parseGithubOutput(readFileSync(files.output, 'utf8'))).sort()).toEqual(Object.keys(action.outputs).sort());
  }, 60_000);

  test('the action writes its result file (result-file) with the shard, and the single job merges as one', async () => {
    const w = await shardWorld();
    const out = freshDir();
    const run = await runAction(
      { ...w.inputs, repositories: '*', shard: '1/1', 'result-file': join(out, 'result.json') },
      { env: { NODE_EXTRA_CA_CERTS: w.sim.caCertPath } },
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(doc).toMatchObject({
      kind: 'sweep',
      formatVersion: 1,
      shard: { index: 1, total: 1 },
      organization: { id: w.orgId },
      patterns: ['*'],
    });
    // The output stays small: the unchanged names are in the file only.
    expect(JSON.parse(run.outputs.result).unchanged).toBeUndefined();
    const report = await cli(['report', join(out, 'result.json')], {});
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/^## Xopero ONE organization sweep/);
  }, 60_000);
});
