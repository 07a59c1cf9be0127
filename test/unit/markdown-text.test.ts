/**
 * Server and user text in Markdown (src/common/text.ts): markdownText leaves nothing that opens a link, an
 * image, HTML, a code span, emphasis, an entity or an escape; markdownCode makes one code span of any text.
 */
import { describe, expect, test } from '@jest/globals';
import { markdownCell, markdownCode, markdownText } from '../../src/common/text.js';

describe('markdownText', () => {
  test.each<[string, string]>([
    ['acme/api', 'acme/api'],
    ['Nightly GitHub', 'Nightly GitHub'],
    ['![x](https://evil.test/x.png)', '!\\[x\\](https://evil.test/x.png)'],
    ['<img src=x onerror=alert(1)>', '\\<img src=x onerror=alert(1)\\>'],
    ['`code` *bold* _it_ ~~gone~~', '\\`code\\` \\*bold\\* \\_it\\_ \\~\\~gone\\~\\~'],
    ['&lt;b&gt; and a \\ backslash', '\\&lt;b\\&gt; and a \\\\ backslash'],
    ['two\nlines\r\nand\rmore', 'two lines and more'],
    // A terminal escape is dropped and another control character shown, as in a log line (plainText).
    // (its backslash then escaped for Markdown: the page shows `\x07`)
    ['\u001b[31mred\u001b[0m bell\u0007 nul\u0000', 'red bell\\\\x07 nul\\\\x00'],
    ['right\u202eto left', 'right\\\\u202eto left'],
  ])('%j -> %j', (text, expected) => {
    expect(markdownText(text)).toBe(expected);
  });

  test('leaves | to markdownCell, which escapes it once', () => {
    expect(markdownCell(markdownText('a|b'))).toBe('a\\|b');
  });
});

describe('markdownCode', () => {
  test.each<[string, string]>([
    ['acme-*', '`acme-*`'],
    ['a`b', '``a`b``'],
    ['``x', '``` ``x ```'],
    ['x`', '`` x` ``'],
    ['line\nbreak', '`line break`'],
  ])('%j -> %j', (text, expected) => {
    expect(markdownCode(text)).toBe(expected);
  });
});
