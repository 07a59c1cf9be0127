/**
 * The build's ASCII rewrite (scripts/ascii-only.ts): each literal computes what it computed before, the result is
 * ASCII, and what it cannot rewrite without changing the code fails the build instead.
 */
import { describe, expect, test } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { asciiOnly } from '../../scripts/ascii-only.js';

const rewrite = (code: string) => asciiOnly(code, 'case.js');

describe('every literal computes the same value, written in ASCII', () => {
  const cases: Array<[string, string]> = [
    ['a string', '"❌ stopped before it had a result"'],
    ['an identity escape (\\é is é)', '"\\é"'],
    ['an escaped backslash before the character', '"\\\\é"'],
    ["the literal's other escapes, kept as they are", '["é\\n\\t\\x41\\u0042\\"", `é\\n\\``, /é\\d\\//.test("é1/")]'],
    ['a character above U+FFFF, and its identity escape', '["😀", "\\😀", "😀".length]'],
    ['a line continuation (a backslash before U+2028 stands for nothing)', '["a\\\u2028b", `c\\\u2029d`]'],
    ['a template, in its head, middle and tail', '`ü${1}é${2}✓`'],
    ['a key', '({ "é": 1 })["é"]'],
    ['a regular expression with the u flag', '[/^[😀é]+$/u.test("😀é"), /^.$/u.test("😀"), /^.$/.test("😀")]'],
    ['a regular expression without it, and its identity escape', '[/ü+/.test("üü"), /\\é/.test("é"), /[…×]/.exec("a×")[0]]'],
    ["a string inside a tagged template's substitution", 'String.raw`${"é"}`'],
  ];
  test.each(cases)('%s', (_name, code) => {
    const rewritten = rewrite(code);
    expect(rewritten).not.toMatch(/[\u0080-\uffff]/);
    expect(runInNewContext(rewritten)).toEqual(runInNewContext(code));
  });

  test('a file with no character outside ASCII comes back as it was, unparsed', () => {
    const code = 'const a = "plain", b = /x/u;';
    expect(rewrite(code)).toBe(code);
    expect(rewrite('"plain" +')).toBe('"plain" +');
  });

  test('only characters beyond ASCII change: the rest of the literal, U+007F and its escape included, stays as written', () => {
    expect(rewrite('x = "\\n\\\x7f\x7fé"')).toBe('x = "\\n\\\x7f\x7f\\u00e9"');
  });
});

describe('what cannot be rewritten without changing the code stops the build', () => {
  test.each([
    ['a tagged template (its raw text would change)', 'String.raw`é`', /a tagged template holds a character outside ASCII/],
    ["a tagged template's tail", 'String.raw`a${1}é`', /a tagged template holds a character outside ASCII/],
    ['a comment', '/* é */ 1', /outside any literal/],
    ['a name', 'var é = 1; é', /outside any literal/],
    ['a file that does not parse', '"é" +', /does not parse/],
  ])('%s', (_name, code, message) => {
    expect(() => rewrite(code)).toThrow(message);
  });
});
