/**
 * redact (src/common/redact.ts) hides a registered secret in what a face prints, also where a document escaped
 * it: JSON (the result output, result files, --json), the HTML report's data and Markdown summaries.
 */
import { describe, expect, test } from '@jest/globals';
import { addSecret, redact } from '../../../src/common/redact.js';
import { markdownCell, markdownText } from '../../../src/common/text.js';

// A password made of what each format escapes: a quote and a backslash (JSON), < (the HTML data), * _ [ ] | (Markdown).
const SECRET = 'pa"s\\s<w>*o_r[d]|x';
addSecret(SECRET);

describe('redact', () => {
  test.each<[string, string]>([
    ['as written', `the server said: wrong password ${SECRET}.`],
    ['in JSON', JSON.stringify({ problems: [`the server said: wrong password ${SECRET}.`] })],
    ['in JSON with < as \\u003c (the HTML report)', JSON.stringify({ cause: SECRET }).replace(/</g, '\\u003c')],
    ['in Markdown', `- ${markdownText(`the server said: ${SECRET}`)}`],
    ['in a Markdown table cell', `| Problem | ${markdownCell(markdownText(SECRET))} |`],
  ])('%s', (_where, text) => {
    const shown = redact(text);
    expect(shown).toContain('***');
    // Not one of the secret's telling parts is left.
    expect(shown).not.toMatch(/pa\\?"s|o\\?_r|\\?\[d\\?\]/);
  });

  test('text without the secret is left as it is', () => {
    expect(redact('{"name":"acme/api","problems":[]}')).toBe('{"name":"acme/api","problems":[]}');
  });
});
