/**
 * A temporary folder for one test file: made before the file's first test, removed after its last.
 *
 * Made in `beforeAll`, not when the file loads: jest runs none of a file's hooks when none of its tests run (a
 * `-t` that matches nothing in it), so a folder made at load time would outlive the run and the global teardown
 * would fail it for a leftover.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `prefix` names the folder; the returned function gives its path (inside a test or a hook only). */
export function scratchFolder(prefix: string): () => string {
  let path: string | undefined;
  beforeAll(() => {
    path = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (path) rmSync(path, { recursive: true, force: true });
    path = undefined;
  });
  return () => {
    if (!path) throw new Error(`the scratch folder ${prefix}* is made in beforeAll: use it in a test or a hook`);
    return path;
  };
}
