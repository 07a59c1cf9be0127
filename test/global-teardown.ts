/**
 * After the last test file (jest `globalTeardown`): the run's own temporary directory (test/global-setup.ts)
 * must be empty. Every test removes what it creates; when one does not, the run fails with one line naming
 * what was left. The directory is removed either way, so even a failing run leaves nothing behind.
 */
import { readdirSync, rmSync } from 'node:fs';

// The names test/global-setup.ts sets (jest loads these files outside its module system: no imports between them).
const RUN_TMPDIR = 'XOPERO_TEST_RUN_TMPDIR';
const OUTER_TMPDIR = 'XOPERO_TEST_OUTER_TMPDIR';

export default function globalTeardown(): void {
  const dir = process.env[RUN_TMPDIR];
  if (!dir) return;
  let left: string[] = [];
  try {
    left = readdirSync(dir).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (process.env[OUTER_TMPDIR]) process.env.TMPDIR = process.env[OUTER_TMPDIR];
    else delete process.env.TMPDIR;
    delete process.env[RUN_TMPDIR];
    delete process.env[OUTER_TMPDIR];
  }
  if (left.length > 0) {
    const shown = left.slice(0, 10).join(', ') + (left.length > 10 ? ` and ${left.length - 10} more` : '');
    process.stderr.write(
      `\nThe tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temporary directory: ${shown}. Each test must remove what it creates.\n`,
    );
    process.exitCode = 1;
  }
}
