/**
 * `tsx scripts/source-hash.ts --write`, the last step of `npm run build`: records in dist/source-hash.txt the
 * content hash of the sources the bundles were built from (scripts/dist-stamp.mjs defines it). The test run's
 * global set-up refuses to test a dist/ that the sources no longer build. Without --write it prints the hash.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, STAMP_FILE, sourceHash } from './dist-stamp.mjs';

if (process.argv.includes('--write')) writeFileSync(join(ROOT, STAMP_FILE), `${sourceHash()}\n`);
else console.log(sourceHash());
