/**
 * Before any test file (jest `globalSetup`):
 *
 * 1. dist/ must be what src/ builds. The end-to-end tests run the bundles, so a forgotten `npm run build` would
 *    test yesterday's code and pass or fail for the wrong reason. Decision: check, do not build. The build
 *    records a content hash of its sources (scripts/source-hash.ts), and a mismatch stops the run here with one
 *    line saying to build. Building inside `npm test` instead would add both ncc builds (about 27 s on a busy
 *    2-core machine, 6 s each on an idle one) to every run, twice in .ci/run (which builds, checks dist/ is
 *    committed, then tests), and still not cover `npx jest FILE`; hashing about 30 files takes milliseconds
 *    and covers every way jest is started.
 *
 * 2. The run gets a temporary directory of its own: a fresh directory under os.tmpdir() becomes TMPDIR for
 *    jest, its workers and every child the tests start (harness `baseEnv` passes it on). Whatever a test leaves
 *    there is found by test/global-teardown.ts, exactly: other processes on the machine using the system
 *    temporary directory at the same time cannot hide a leftover or be mistaken for one.
 */
// jest loads this file and the teardown outside its module system: they import nothing of the project's
// (scripts/source-hash.ts imports this file instead, to write the hash at build time).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
export const STAMP_FILE = 'dist/source-hash.txt';
/** Where the teardown finds the run's temporary directory and the TMPDIR to put back (the same names there). */
const RUN_TMPDIR = 'XOPERO_TEST_RUN_TMPDIR';
const OUTER_TMPDIR = 'XOPERO_TEST_OUTER_TMPDIR';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

/**
 * A content hash of what the bundles in dist/ are built from: every file under src/, tsconfig.json,
 * package-lock.json (the bundled dependencies) and package.json's build command.
 */
export function sourceHash(root: string = ROOT): string {
  const hash = createHash('sha256');
  const files = [...filesUnder(join(root, 'src')), join(root, 'tsconfig.json'), join(root, 'package-lock.json')];
  // Sorted by relative path with '/' separators: the same hash on every machine.
  const named = files
    .map((file) => [relative(root, file).split('\\').join('/'), file] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, file] of named) hash.update(`${name}\0`).update(readFileSync(file)).update('\0');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: { build?: string } };
  hash.update(`build\0${pkg.scripts?.build ?? ''}`);
  return hash.digest('hex');
}

/** Why dist/ cannot be trusted to match the sources, in one line; undefined when it does. */
export function staleDistReason(root: string = ROOT): string | undefined {
  const stamp = join(root, STAMP_FILE);
  if (!existsSync(stamp)) return `${STAMP_FILE} is missing: run 'npm run build' before testing (the end-to-end tests run the built dist/).`;
  if (readFileSync(stamp, 'utf8').trim() !== sourceHash(root)) {
    return "dist/ was built from other sources than src/ holds now: run 'npm run build' before testing (the end-to-end tests run the built dist/).";
  }
  return undefined;
}

export default function globalSetup(): void {
  const stale = staleDistReason();
  if (stale) {
    process.stderr.write(`\n${stale}\n`);
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), 'xopero-test-run-'));
  process.env[OUTER_TMPDIR] = process.env.TMPDIR ?? '';
  process.env[RUN_TMPDIR] = dir;
  process.env.TMPDIR = dir;
}
