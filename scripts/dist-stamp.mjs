/**
 * The content hash of the sources dist/ is built from, and the check that dist/ still matches them. The build
 * records the hash (scripts/source-hash.ts --write, its last step); the test run's global set-up
 * (test/global-setup.ts) refuses to test a dist/ that the sources no longer build.
 * Plain JavaScript on purpose: jest loads its global set-up outside its module system (no TypeScript, no path
 * mapping), and the build and the tests must share this one definition. Types: dist-stamp.d.mts.
 * It lives in scripts/ because the build uses it: scripts never import from test/.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
export const STAMP_FILE = 'dist/source-hash.txt';

/** @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

/**
 * A content hash of what the bundles in dist/ are built from: every file under src/, tsconfig.json,
 * package-lock.json (the bundled dependencies) and package.json's build command.
 * @param {string} [root]
 * @returns {string}
 */
export function sourceHash(root = ROOT) {
  const hash = createHash('sha256');
  const files = [...filesUnder(join(root, 'src')), join(root, 'tsconfig.json'), join(root, 'package-lock.json')];
  // Sorted by relative path with '/' separators: the same hash on every machine.
  const named = files
    .map((file) => /** @type {const} */ ([relative(root, file).split('\\').join('/'), file]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, file] of named) hash.update(`${name}\0`).update(readFileSync(file)).update('\0');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  hash.update(`build\0${pkg.scripts?.build ?? ''}`);
  return hash.digest('hex');
}

/**
 * Why dist/ cannot be trusted to match the sources, in one line; undefined when it does.
 * @param {string} [root]
 * @returns {string | undefined}
 */
export function staleDistReason(root = ROOT) {
  const stamp = join(root, STAMP_FILE);
  if (!existsSync(stamp)) return `${STAMP_FILE} is missing: run 'npm run build' before testing (the end-to-end tests run the built dist/).`;
  if (readFileSync(stamp, 'utf8').trim() !== sourceHash(root)) {
    return "dist/ was built from other sources than src/ holds now: run 'npm run build' before testing (the end-to-end tests run the built dist/).";
  }
  return undefined;
}
