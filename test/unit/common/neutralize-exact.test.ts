/** The exact spelling of what neutralizing writes in place of control characters and command marks. */
import { expect, test } from '@jest/globals';
import { azureLogLine, cliLogLine, plainText } from '../../../src/common/neutralize.js';

test('control characters are shown as \\n, \\xNN or \\uNNNN', () => {
  expect(plainText('a\nb\rc')).toBe('a\\nb\\rc');
  expect(plainText('bell\u0007 del\u007f c1\u0085')).toBe('bell\\x07 del\\x7f c1\\x85');
  expect(plainText('line\u2028sep \u202eevil')).toBe('line\\u2028sep \\u202eevil');
  expect(plainText('tab\tstays')).toBe('tab\tstays');
});

test('the CLI and Azure Pipelines split every command mark as #%23', () => {
  expect(cliLogLine('x ##vso[task.setvariable]y ##TeamCity[message]')).toBe('x #%23vso[task.setvariable]y #%23TeamCity[message]');
  expect(azureLogLine('x ##VSO[task.complete] ##[group]y')).toBe('x #%23VSO[task.complete] #%23[group]y');
});
