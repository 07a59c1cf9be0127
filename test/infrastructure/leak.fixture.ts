// Run only by test/e2e/infrastructure.test.ts, in a jest of its own: a test that leaves a directory and a file in
// the temporary directory, which the global teardown must refuse.
import { expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('leaves two entries behind', () => {
  mkdtempSync(join(tmpdir(), 'left-behind-'));
  writeFileSync(join(tmpdir(), 'left-behind.txt'), 'x');
  expect(tmpdir()).toContain('xopero-test-run-');
});
