import { describe, expect, test } from '@jest/globals';
import { compilePatterns, globToRegExp } from '../../src/core/patterns.js';

const names = [
  'acme/api',
  'acme/api-gateway',
  'acme/web',
  'acme/archive-2019',
  'acme/archive-2020',
  'acme/team-a/api',
  'acme/team-a/web',
  'acme/team-a/deep/lib',
  'acme/team-b/api',
];
const select = (patterns: string[]) => names.filter(compilePatterns(patterns, 'acme').matches);

describe('sweep patterns', () => {
  test('* stays within one segment; ** crosses /', () => {
    expect(select(['*'])).toEqual(['acme/api', 'acme/api-gateway', 'acme/web', 'acme/archive-2019', 'acme/archive-2020']);
    expect(select(['**'])).toEqual(names);
    expect(select(['team-a/*'])).toEqual(['acme/team-a/api', 'acme/team-a/web']);
    expect(select(['team-a/**'])).toEqual(['acme/team-a/api', 'acme/team-a/web', 'acme/team-a/deep/lib']);
    expect(select(['**/api'])).toEqual(['acme/api', 'acme/team-a/api', 'acme/team-b/api']);
  });

  test('! excludes wherever it stands', () => {
    expect(select(['!archive-*', '*'])).toEqual(['acme/api', 'acme/api-gateway', 'acme/web']);
    expect(select(['**', '!team-*/**', '!api*'])).toEqual(['acme/web', 'acme/archive-2019', 'acme/archive-2020']);
  });

  test('names, full paths and case', () => {
    expect(select(['API'])).toEqual(['acme/api']);
    expect(select(['acme/team-b/api'])).toEqual(['acme/team-b/api']);
    expect(select(['ACME/web', 'api-?ateway'])).toEqual(['acme/api-gateway', 'acme/web']);
  });

  test('literals are the names given without wildcards, as full paths', () => {
    expect(compilePatterns(['api', 'acme/team-a/web', 'team-*/x', '!web'], 'acme').literals).toEqual(['acme/api', 'acme/team-a/web']);
  });

  test('regular-expression characters are literal', () => {
    expect(globToRegExp('a.b+(c)').test('a.b+(c)')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});
