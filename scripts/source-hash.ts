/**
 * `tsx scripts/source-hash.ts --write`, the last step of `npm run build`: records in dist/source-hash.txt the
 * content hash of the sources the bundles were built from. The test run's global set-up (test/global-setup.ts,
 * where the hash is defined) refuses to test a dist/ that the sources no longer build.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAMP_FILE, sourceHash } from '../test/global-setup.js';
import { ROOT } from '../test/harness.js';

if (process.argv.includes('--write')) writeFileSync(join(ROOT, STAMP_FILE), `${sourceHash()}\n`);
else console.log(sourceHash());
