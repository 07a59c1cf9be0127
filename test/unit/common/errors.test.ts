/**
 * describeError (src/common/errors.ts): every error a face prints is one line. A file of the bundle that Node
 * could not find says which and what to do, in the wording of both of Node's loaders; any other module not
 * found stays an unexpected error. test/e2e/action.test.ts takes each file of a real run away in turn.
 */
import { describe, expect, test } from '@jest/globals';
import { describeError } from '../../../src/common/errors.js';

const notFound = (message: string, code: string) => Object.assign(new Error(message), { code });
const incomplete = (file: string) =>
  `Incomplete copy: the file ${file} is missing beside the entry file (dist/index.js, dist/cli/index.js). Use a released version (a tag of the action, the published package), or rebuild with 'npm run build'.`;

describe('a missing file of the bundle', () => {
  test("CommonJS (the Action's bundle): Node's message and its require stack become one line naming the file", () => {
    const error = notFound("Cannot find module './63.index.js'\nRequire stack:\n- /runner/_actions/x/dist/index.js", 'MODULE_NOT_FOUND');
    expect(describeError(error)).toBe(incomplete('63.index.js'));
  });

  test('ES modules (the CLI bundle): the absolute path it names', () => {
    const error = notFound(
      "Cannot find module '/opt/x/dist/cli/99.index.js' imported from /opt/x/dist/cli/index.js",
      'ERR_MODULE_NOT_FOUND',
    );
    expect(describeError(error)).toBe(incomplete('99.index.js'));
  });

  test('any other module not found, or the same message without the code, is an unexpected error', () => {
    expect(describeError(notFound("Cannot find module 'left-pad'", 'MODULE_NOT_FOUND'))).toBe(
      "Unexpected error: Cannot find module 'left-pad' (please report it with the log)",
    );
    expect(describeError(notFound("Cannot find module './63.index.js'", 'EACCES'))).toBe(
      "Unexpected error: Cannot find module './63.index.js' (please report it with the log)",
    );
    expect(describeError(notFound("Cannot find module './63.index.json'", 'MODULE_NOT_FOUND'))).toMatch(/^Unexpected error: /);
  });
});
