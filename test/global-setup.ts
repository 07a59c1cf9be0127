/**
 * Before any test file (jest `globalSetup`):
 *
 * 1. dist/ must be what src/ builds. The end-to-end tests run the bundles, so a forgotten `npm run build` would
 *    test yesterday's code and pass or fail for the wrong reason. Decision: check, do not build. The build
 *    records a content hash of its sources (scripts/dist-stamp.mjs, which this file imports), and a mismatch stops the run here with one
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
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staleDistReason } from '../scripts/dist-stamp.mjs';

/** Where the teardown finds the run's temporary directory and the TMPDIR to put back (the same names there). */
const RUN_TMPDIR = 'XOPERO_TEST_RUN_TMPDIR';
const OUTER_TMPDIR = 'XOPERO_TEST_OUTER_TMPDIR';

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
