/** makeParentDirectories (src/common/writable.ts): mkdir -p one level at a time, an error instead of a loop. */
import { describe, expect, test } from '@jest/globals';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeParentDirectories } from '../../../src/common/writable.js';
import { scratchFolder } from '../../scratch.js';

const scratch = scratchFolder('xopero-writable-');

describe('makeParentDirectories', () => {
  test("makes every missing directory of the file's path, and leaves existing ones", () => {
    const file = join(scratch(), 'a', 'b', 'c', 'result.json');
    makeParentDirectories(file);
    expect(statSync(join(scratch(), 'a', 'b', 'c')).isDirectory()).toBe(true);
    expect(existsSync(file)).toBe(false);
    makeParentDirectories(file);
    expect(statSync(join(scratch(), 'a', 'b', 'c')).isDirectory()).toBe(true);
  });

  test('a level that cannot be made is an error at once (Node recursive mkdir loops forever under /proc)', () => {
    // Only where /proc is procfs (Linux): elsewhere, as root, it could be an ordinary folder that takes the path.
    if (existsSync('/proc/self/status')) {
      expect(() => makeParentDirectories('/proc/xopero-not-here/deeper/result.json')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    }
    writeFileSync(join(scratch(), 'a-file'), '');
    expect(() => makeParentDirectories(join(scratch(), 'a-file', 'x', 'result.json'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
  });
});
