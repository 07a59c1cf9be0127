/**
 * redact (src/common/redact.ts) hides a registered secret in what a face prints, also where a document escaped
 * it: JSON (the result output, result files, --json), the HTML report's data and Markdown summaries.
 */
import { describe, expect, test } from '@jest/globals';
import { addSecret, redact, redactKeeping } from '../../../src/common/redact.js';
import { markdownCell, markdownText } from '../../../src/common/text.js';
import { excerpt } from '../../../src/xopero/schemas.js';

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

  test.each<[string, string]>([
    ['a terminal escape inside (a log line drops it)', 'Secr\u001b[1met-pass-77'],
    ['a DEL inside (a log line spells it \\x7f)', 'Secret\u007fpass-78'],
    ['a line separator inside', 'Secret\u2028pass-79'],
  ])('a password with %s is hidden as a log line shows it, and in an excerpt of a server answer', (_what, password) => {
    addSecret(password);
    const line = excerpt(`Login failed for password ${password}`);
    expect(line).toBe('Login failed for password ***');
    // The log's printable form of it, as plainText writes it, is a form of the secret too.
    expect(redact(`x ${password.replace('\u001b[1m', '').replace('\u007f', '\\x7f').replace('\u2028', '\\u2028')} y`)).toBe('x *** y');
  });

  test(".NET's JSON escapes (\\u0026 for &, \\u002B for +, \\u0022 for a quote; either case of hex)", () => {
    addSecret('Tom&Jerry+O\'Neil<1>"q"');
    expect(redact('a Tom\\u0026Jerry\\u002BO\\u0027Neil\\u003C1\\u003E\\u0022q\\u0022 b')).toBe('a *** b');
    expect(redact('a Tom\\u0026Jerry\\u002bO\\u0027Neil\\u003c1\\u003e\\u0022q\\u0022 b')).toBe('a *** b');
  });

  test('as an HTML error page echoes it: entities, raw or inside the JSON it quotes', () => {
    addSecret(`Xk9&Secret<77>"it's"`);
    expect(redact('<p>Xk9&amp;Secret&lt;77&gt;&quot;it&#39;s&quot;</p>')).toBe('<p>***</p>');
    expect(redact('<p>Xk9&amp;Secret&lt;77&gt;&quot;it&#x27;s&quot;</p>')).toBe('<p>***</p>');
    // The request body echoed: {"password":"Xk9&Secret<77>\"it's\""}, HTML-escaped.
    expect(redact('&quot;password&quot;:&quot;Xk9&amp;Secret&lt;77&gt;\\&quot;it&#39;s\\&quot;&quot;')).toBe(
      '&quot;password&quot;:&quot;***&quot;',
    );
  });

  test('an excerpt hides a field named as a secret in JSON an HTML page quotes, whatever its value', () => {
    expect(excerpt('<pre>{&quot;password&quot;:&quot;unknown&amp;value&quot;,&quot;email&quot;:&quot;a@b.c&quot;}</pre>')).toBe(
      '<pre>{&quot;password&quot;:&quot;***&quot;,&quot;email&quot;:&quot;a@b.c&quot;}</pre>',
    );
  });

  test('a secret inside a longer one: the longer one is hidden whole, whichever was registered first', () => {
    addSecret('inner-pass-5');
    addSecret('TOKENinner-pass-5TOKENTAIL');
    expect(redact('Bearer TOKENinner-pass-5TOKENTAIL and inner-pass-5')).toBe('Bearer *** and ***');
  });

  test('an excerpt cut at its length leaves no part of a known secret: it is hidden before the cut', () => {
    addSecret('HunterTwoSecret99');
    const cut = excerpt(`${'x'.repeat(145)} pw=HunterTwoSecret99`);
    expect(cut).not.toMatch(/Hunter/);
  });

  test('an excerpt hides the value of any field named as a secret, in JSON and as name=value text', () => {
    expect(excerpt('{"sessionToken":"S3ss10nT0kenValue0123456789abcdef","result":{"jwt":"a.b"},"apiKey":"k-1"}')).toBe(
      '{"sessionToken":"***","result":{"jwt":"***"},"apiKey":"***"}',
    );
    expect(excerpt('access_token=zzzzzzzzz&expires=3600; session-token: q1w2e3r4t5')).toBe(
      'access_token=***&expires=3600; session-token: ***',
    );
    expect(excerpt('tokens left: 5, name=acme')).toBe('tokens left: 5, name=acme');
    // A scheme before the value, and a hyphenated api-key.
    expect(excerpt('Authorization: Bearer opaqueTok123; X-Api-Key: k3y-value')).toBe('Authorization: Bearer ***; X-Api-Key: ***');
    expect(excerpt('{"api-key":"k3y-value"}')).toBe('{"api-key":"***"}');
  });

  test('an excerpt of a large answer: the patterns look at its beginning only, and a value cut there is still hidden', () => {
    // 1 MiB of a word-character run: over all of it the field pattern backtracks for hours.
    const large = `{"sessionToken":"${'a-'.repeat(400)}"${'a-'.repeat(512 * 1024)}`;
    expect(excerpt(large)).toBe('{"sessionToken":"***"…');
    expect(excerpt(`{"name":"acme"}${'a-'.repeat(512 * 1024)}`)).toBe(`{"name":"acme"}${'a-'.repeat(72)}a…`);
  });

  test('percent-encoded, as an error page quoting a query string or a form body echoes it (a space also as +)', () => {
    const secret = 'pa ss/w\u00f6rd&1=x';
    addSecret(secret);
    for (const echoed of [encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+'), 'pa%20ss%2fw%c3%b6rd%261%3dx'])
      expect(redact(`GET /login?password=${echoed}&next=1`)).toBe('GET /login?password=***&next=1');
  });

  test('a secret stored with a stray line end is hidden where a server echoes it without', () => {
    addSecret('stored-with-newline-9\n');
    expect(redact('wrong password: stored-with-newline-9.')).toBe('wrong password: ***.');
  });

  test('redactKeeping: what the caller sent is echoed as sent, so the answer cannot confirm it equals a secret; a secret elsewhere is masked', () => {
    addSecret('Hunter2-secret');
    const repository = 'acme/Hunter2-secret';
    expect(redactKeeping(`${repository} may not ask for the plan it named`, [repository])).toBe(
      'acme/Hunter2-secret may not ask for the plan it named',
    );
    expect(redactKeeping(`${repository}: login Hunter2-secret refused`, [repository])).toBe('acme/Hunter2-secret: login *** refused');
    expect(redactKeeping('login Hunter2-secret refused', [undefined])).toBe('login *** refused');
    // A secret that contains the kept text, or overlaps its end, is masked whole, as redact would.
    addSecret('acme/app-s3cret-pw');
    expect(redactKeeping('login failed for acme/app-s3cret-pw', ['acme/app'])).toBe('login failed for ***');
    addSecret('p-t0p-secret-9');
    expect(redactKeeping('acme/app-t0p-secret-9 failed', ['acme/app'])).toBe('acme/ap*** failed');
  });

  test('text without the secret is left as it is', () => {
    expect(redact('{"name":"acme/api","problems":[]}')).toBe('{"name":"acme/api","problems":[]}');
  });
});
