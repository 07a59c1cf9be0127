/** Patterns at their edges: `**` with and without a slash after it, and which lists count as having wildcards. */
import { expect, test } from '@jest/globals';
import { compilePatterns, globToRegExp } from '../../../src/core/patterns.js';

test('`**/` matches no directory or several, never part of a name; `**` without a slash matches anything', () => {
  const deep = globToRegExp('team/**/api');
  expect(['team/api', 'team/x/api', 'team/x/y/api', 'TEAM/API'].map((name) => deep.test(name))).toEqual([true, true, true, true]);
  expect(['team/xapi', 'team/x/yapi', 'other/api'].map((name) => deep.test(name))).toEqual([false, false, false]);
  const tail = globToRegExp('a**b');
  expect([tail.test('ab'), tail.test('a/c/b'), tail.test('a/c'), tail.test('axb/c')]).toEqual([true, true, false, false]);
  expect(globToRegExp('**').test('a/b/c')).toBe(true);
  expect(globToRegExp('x*').test('x/y')).toBe(false);
  expect(globToRegExp('x?z').test('x/z')).toBe(false);
});

test('hasWildcards: some include pattern holds * or ?; exclusions and plain names do not count', () => {
  const wild = (patterns: string[]) => compilePatterns(patterns, 'acme').hasWildcards;
  expect(wild(['api'])).toBe(false);
  expect(wild(['api', 'web'])).toBe(false);
  expect(wild(['api', '!old-*'])).toBe(false);
  expect(wild(['api', 'svc-*'])).toBe(true);
  expect(wild(['a?c', 'web'])).toBe(true);
  expect(wild(['!x', 'team/**'])).toBe(true);
});

test("names match in any case; the broker's workflow patterns (ignoreCase: false) only as written", () => {
  expect(globToRegExp('acme/API-*').test('ACME/api-web')).toBe(true);
  const workflow = globToRegExp('acme/ci/.github/workflows/backup.yml@refs/heads/main', { ignoreCase: false });
  expect(workflow.test('acme/ci/.github/workflows/backup.yml@refs/heads/main')).toBe(true);
  expect(workflow.test('acme/ci/.github/workflows/backup.yml@refs/heads/MAIN')).toBe(false);
  expect(workflow.flags).toBe('');
});
