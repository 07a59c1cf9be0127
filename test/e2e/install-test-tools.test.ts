/**
 * scripts/install-test-tools.sh, which `npm test` (pretest) and .ci/run start so that the README's
 * `npm ci && npm test` passes on a fresh machine: rsync and chromium installed with apt-get when missing.
 * Nothing is installed or removed on this machine: the script runs with a PATH of its own, a folder that holds
 * the few tools it uses, a fake apt-get that records its calls, and (per case) rsync, chromium and `id`.
 */
import { describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCommand, withTempDir } from '../../testbed/harness.js';

const SCRIPT = join(ROOT, 'scripts/install-test-tools.sh');
/** The tools the script itself runs, besides bash's built-ins. */
const TOOLS = ['mktemp', 'rm', 'grep', 'tail'];

interface Machine {
  /** Tools present on this machine's PATH. */
  has: Array<'rsync' | 'chromium' | 'apt-get'>;
  uid: number;
  /** The exit status of the fake apt-get. */
  aptStatus?: number;
}

function executable(path: string, body: string): void {
  writeFileSync(path, `#!/bin/bash\n${body}\n`);
  chmodSync(path, 0o755);
}

/** Runs the script on a made-up machine; returns its result and the apt-get calls it made. */
function runOn(machine: Machine) {
  return withTempDir('xopero-install-tools-', async (dir) => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const which = async (tool: string) =>
      (await runCommand('bash', ['-c', `command -v ${tool}`], { PATH: process.env.PATH ?? '' })).stdout.trim();
    for (const tool of TOOLS) symlinkSync(await which(tool), join(bin, tool));
    executable(join(bin, 'id'), `[ "$1" = -u ] && echo ${machine.uid}`);
    const calls = join(dir, 'apt-get.calls');
    if (machine.has.includes('apt-get'))
      executable(
        join(bin, 'apt-get'),
        `echo "$* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> '${calls}'\n[ ${machine.aptStatus ?? 0} = 0 ] || echo 'E: Unable to locate package chromium'\nexit ${machine.aptStatus ?? 0}`,
      );
    for (const tool of ['rsync', 'chromium'] as const) if (machine.has.includes(tool)) executable(join(bin, tool), 'exit 0');
    const bash = await which('bash');
    const run = await runCommand(bash, [SCRIPT], { PATH: bin, TMPDIR: dir });
    const aptCalls = existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
    return { ...run, aptCalls };
  });
}

describe('install-test-tools.sh', () => {
  test('both tools present: nothing installed, nothing printed', async () => {
    const run = await runOn({ has: ['rsync', 'chromium', 'apt-get'], uid: 0 });
    expect([run.code, run.stdout, run.stderr, run.aptCalls]).toEqual([0, '', '', []]);
  });

  test('root, both missing: one apt-get install of both, one line on stderr saying so', async () => {
    const run = await runOn({ has: ['apt-get'], uid: 0 });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('install-test-tools: installing rsync chromium with apt-get (needed by the tests).\n');
    expect(run.aptCalls).toEqual([
      'update -qq DEBIAN_FRONTEND=noninteractive',
      'install -y -qq --no-install-recommends rsync chromium DEBIAN_FRONTEND=noninteractive',
    ]);
  });

  test('root, only rsync missing: only rsync is installed', async () => {
    const run = await runOn({ has: ['chromium', 'apt-get'], uid: 0 });
    expect(run.code).toBe(0);
    expect(run.aptCalls.at(-1)).toBe('install -y -qq --no-install-recommends rsync DEBIAN_FRONTEND=noninteractive');
  });

  test('not root and a tool missing: fails in one line naming what to install, apt-get not run', async () => {
    const run = await runOn({ has: ['rsync', 'apt-get'], uid: 1000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'install-test-tools: the tests need chromium, not installed here; install it as root first (Debian/Ubuntu: sudo apt-get install -y chromium).\n',
    );
    expect(run.aptCalls).toEqual([]);
  });

  test('apt-get fails: one line with its error, exit 1', async () => {
    const run = await runOn({ has: ['rsync', 'apt-get'], uid: 0, aptStatus: 100 });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n').filter(Boolean)).toEqual([
      'install-test-tools: installing chromium with apt-get (needed by the tests).',
      'install-test-tools: apt-get could not install chromium: E: Unable to locate package chromium Install it by hand and run the tests again.',
    ]);
  });

  test('npm test runs it first, and so does CI', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toBe('bash scripts/install-test-tools.sh');
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^scripts\/install-test-tools\.sh$/m);
  });
});
