/**
 * parseSettings to the letter: the whole message of each refusal (the input it names, the remedy), the inputs
 * that are passed on as given, the secrets registered before anything can fail, and the boundaries. Written
 * for the mutants of src/settings/settings.ts that the broader tests in test/unit/settings.test.ts let live
 * (docs/mutation-testing.md).
 */
import { describe, expect, test } from '@jest/globals';
import { InputError } from '../../../src/common/errors.js';
import { redact } from '../../../src/common/redact.js';
import { ACTION_WORDS } from '../../../src/common/words.js';
import { parseCaCertificate, parseSettings, type RawInputs } from '../../../src/settings/settings.js';
import { TEST_CA_PEM, VALID_INPUTS, refusal as refusalOf } from './helpers.js';

const valid = VALID_INPUTS;
const sweep: RawInputs = { repositories: '*' };

const parse = (overrides: RawInputs) => parseSettings({ ...valid, ...overrides });

const refusal = (overrides: RawInputs) => refusalOf({ ...valid, ...overrides });

const PEM = TEST_CA_PEM;

describe('inputs passed on as given', () => {
  test('plan, shard, result-file, html-file and badge-file are kept; empty ones are undefined', () => {
    const settings = parse({
      ...sweep,
      plan: ' Nightly ',
      shard: '1/1',
      'result-file': ' out/result.json ',
      'html-file': 'out/sweep.html',
      'badge-file': 'out/badge.json',
    });
    expect(settings).toMatchObject({
      plan: 'Nightly',
      shard: { index: 1, total: 1 },
      resultFile: 'out/result.json',
      htmlFile: 'out/sweep.html',
      badgeFile: 'out/badge.json',
    });
    const none = parse({ plan: '', shard: '', 'result-file': '', 'html-file': '', 'badge-file': '' });
    expect(none.plan).toBeUndefined();
    expect(none.shard).toBeUndefined();
    expect(none.resultFile).toBeUndefined();
    expect(none.htmlFile).toBeUndefined();
    expect(none.badgeFile).toBeUndefined();
  });

  test('a sharded sweep keeps its shard; a sweep keeps the repository the Action passes (not the subject)', () => {
    const settings = parse({ ...sweep, shard: '2/3', repository: 'acme/some-repo' });
    expect(settings.shard).toEqual({ index: 2, total: 3 });
    expect(settings.repository).toBe('acme/some-repo');
  });

  test('github-token: a real token is kept; an unevaluated ${{ github.token }} counts as none', () => {
    expect(parse({ 'github-token': 'ghs_realtoken123' }).githubToken).toBe('ghs_realtoken123');
    expect(parse({ 'github-token': '${{ github.token }}' }).githubToken).toBeUndefined();
    expect(parse({ 'github-token': '${{ github.token }}' }).repository).toBe('acme/api');
  });
});

describe('secrets are registered before anything can fail', () => {
  test('the access token and the GitHub token are hidden from then on, even when the settings are refused', () => {
    expect(() => parse({ 'access-token': ' tok-registered-7a1 ', 'server-url': '' })).toThrow(InputError);
    expect(redact('token tok-registered-7a1 used')).toBe('token *** used');
    expect(() => parse({ 'github-token': ' ghs_registered_b22 ', 'server-url': '' })).toThrow(InputError);
    expect(redact('token ghs_registered_b22 used')).toBe('token *** used');
  });

  test('password and access-token may hold ${{ (they are secrets, not expressions to name)', () => {
    expect(parse({ password: 'pw${{x}}-secret' }).credentials).toEqual({
      kind: 'password',
      email: 'ci@example.com',
      password: 'pw${{x}}-secret',
    });
    expect(parse({ email: '', password: '', 'access-token': 'tok${{y}}-secret' }).credentials).toEqual({
      kind: 'token',
      token: 'tok${{y}}-secret',
    });
    expect(refusal({ plan: 'a ${{ vars.plan }}' })).toEqual({
      input: 'plan',
      message:
        "Input 'plan': 'a ${{ vars.plan }}' is an expression nobody evaluated (only a GitHub runner evaluates action.yml defaults); give the value itself.",
    });
  });

  test('an access token with a space, a line break or another character no token has is refused, not quoted', () => {
    const message =
      "Input 'access-token': holds a space, a line break or another character no access token has: copy the token again, as one line.";
    for (const token of ['tok-a\ntok-b', 'tok-a tok-b', 'tok-a\ttok-b', 'tok-\u00e9', 'tok-a\r\ntok-b', 'tok-a\u007f'])
      expect(refusal({ email: '', password: '', 'access-token': token })).toEqual({ input: 'access-token', message });
    // Around it, the input's whitespace is trimmed as every input's is (a secret's trailing newline).
    // Every printable ASCII character passes, from ! to ~.
    expect(parse({ email: '', password: '', 'access-token': ' !tok-a.b_c+e/f=~\n' }).credentials).toEqual({
      kind: 'token',
      token: '!tok-a.b_c+e/f=~',
    });
  });

  test('an Azure Pipelines macro left as written is refused: a whole value $(NAME); a secret only as $(XOPERO_...), never quoted', () => {
    const remedy =
      "an Azure Pipelines macro the agent left as written: the pipeline defines no such variable; define it (in the pipeline or its variable group) or drop it from the step's env.";
    expect(refusal({ plan: '$(nightly_plan)' })).toEqual({ input: 'plan', message: `Input 'plan': '$(nightly_plan)' is ${remedy}` });
    expect(refusal({ password: ' $(xopero_password) ' })).toEqual({ input: 'password', message: `Input 'password': is ${remedy}` });
    expect(refusal({ email: '', password: '', 'access-token': '$(XOPERO_ACCESS_TOKEN)' })).toEqual({
      input: 'access-token',
      message: `Input 'access-token': is ${remedy}`,
    });
    // Not a whole macro, or a secret that merely looks like one: taken as given.
    expect(parse({ plan: 'Nightly $(x)' }).plan).toBe('Nightly $(x)');
    expect(parse({ plan: '$(x' }).plan).toBe('$(x');
    expect(parse({ plan: '$(1x)' }).plan).toBe('$(1x)');
    expect(parse({ plan: '$(x)y' }).plan).toBe('$(x)y');
    expect(parse({ password: '$(XOPERO_PASSWORD)x' }).credentials).toMatchObject({ password: '$(XOPERO_PASSWORD)x' });
    expect(parse({ password: '$(x)' }).credentials).toEqual({ kind: 'password', email: 'ci@example.com', password: '$(x)' });
    expect(parse({ password: '$(XOPERO_)' }).credentials).toMatchObject({ password: '$(XOPERO_)' });
    expect(parse({ password: 'a$(XOPERO_PASSWORD)' }).credentials).toMatchObject({ password: 'a$(XOPERO_PASSWORD)' });
  });
});

describe('refusals, word for word', () => {
  test.each<[string, RawInputs, string, string]>([
    [
      'a shard without a sweep',
      { shard: '1/2' },
      'shard',
      "Input 'shard': splits an organization sweep over several jobs; set repositories (e.g. *), or leave shard empty for a single repository.",
    ],
    [
      'a shard of one without a sweep',
      { shard: '1/1' },
      'shard',
      "Input 'shard': splits an organization sweep over several jobs; set repositories (e.g. *), or leave shard empty for a single repository.",
    ],
    [
      'html-file for a single repository',
      { 'html-file': 'sweep.html' },
      'html-file',
      "Input 'html-file': is written for an organization sweep; set repositories (e.g. *), or leave it empty.",
    ],
    [
      'badge-file for a single repository',
      { 'badge-file': 'badge.json' },
      'badge-file',
      "Input 'badge-file': is written for an organization sweep; set repositories (e.g. *), or leave it empty.",
    ],
    [
      'html-file in one shard of three',
      { ...sweep, shard: '2/3', 'html-file': 'sweep.html' },
      'html-file',
      "Input 'html-file': describes the whole sweep, and this job runs one of 3 shards: write it when merging the shards' result files (xopero-one report, or the report action), and leave it empty here.",
    ],
    [
      'badge-file in one shard of two',
      { ...sweep, shard: '1/2', 'badge-file': 'badge.json' },
      'badge-file',
      "Input 'badge-file': describes the whole sweep, and this job runs one of 2 shards: write it when merging the shards' result files (xopero-one report, or the report action), and leave it empty here.",
    ],
    [
      'a user name in server-url',
      { 'server-url': 'https://ci@backup.example.com' },
      'server-url',
      "Input 'server-url': must not contain credentials; use email and password, or access-token.",
    ],
    [
      'a password alone in server-url',
      { 'server-url': 'https://:pw-in-url@backup.example.com' },
      'server-url',
      "Input 'server-url': must not contain credentials; use email and password, or access-token.",
    ],
    [
      'a query in server-url',
      { 'server-url': 'https://backup.example.com/?tenant=1' },
      'server-url',
      "Input 'server-url': must not contain a query or fragment; give the base address only.",
    ],
    [
      'a fragment in server-url',
      { 'server-url': 'https://backup.example.com/#top' },
      'server-url',
      "Input 'server-url': must not contain a query or fragment; give the base address only.",
    ],
    [
      'an access token with a password and no email',
      { 'access-token': 'tok-123456', email: '' },
      'access-token',
      "Input 'access-token': give either access-token, or email and password, not both: unset password, or unset access-token.",
    ],
    [
      'a repository with a leading slash',
      { repository: '/acme/api' },
      'repository',
      "Input 'repository': '/acme/api' is not a repository path; give owner/name or name.",
    ],
    [
      'a repository with a trailing slash',
      { repository: 'acme/api/' },
      'repository',
      "Input 'repository': 'acme/api/' is not a repository path; give owner/name or name.",
    ],
    [
      'wait-timeout one second over 6 hours',
      { 'wait-timeout': '21601' },
      'wait-timeout',
      "Input 'wait-timeout': is at most 21600 seconds (6 hours).",
    ],
    [
      'repositories that hold only separators (a sweep was meant: not read as empty)',
      { repositories: ' , \n ,' },
      'repositories',
      "Input 'repositories': holds no name or pattern; give them separated by commas, e.g. '*' or 'api, web-*'.",
    ],
    [
      'wait-timeout 0 (a synchronization would be started and never waited for)',
      { 'wait-timeout': '0s' },
      'wait-timeout',
      "Input 'wait-timeout': must be above 0: how long to wait for a synchronization, e.g. 300 or 5m.",
    ],
    [
      'max-backup-age 0',
      { 'max-backup-age': '0' },
      'max-backup-age',
      "Input 'max-backup-age': must be above 0 (every backup is older than 0 seconds), e.g. 36h.",
    ],
  ])('%s', (_name, overrides, input, message) => {
    expect(refusal(overrides)).toEqual({ input, message });
  });
});

describe('what is accepted at the edges', () => {
  test('html-file and badge-file: a sweep, unsharded or in one shard of one', () => {
    expect(parse({ ...sweep, 'html-file': 'a.html', 'badge-file': 'b.json' })).toMatchObject({ htmlFile: 'a.html', badgeFile: 'b.json' });
    expect(parse({ ...sweep, shard: '1/1', 'html-file': 'a.html', 'badge-file': 'b.json' })).toMatchObject({
      htmlFile: 'a.html',
      badgeFile: 'b.json',
    });
  });

  test('every trailing slash of server-url goes', () => {
    expect(parse({ 'server-url': 'https://backup.example.com/xopero/api//' }).serverUrl.pathname).toBe('/xopero/api');
  });

  test('wait-timeout: exactly 6 hours is allowed', () => {
    expect(parse({ 'wait-timeout': '21600' }).waitTimeoutSeconds).toBe(21600);
    expect(parse({ 'wait-timeout': '6h' }).waitTimeoutSeconds).toBe(21600);
    expect(parse({ 'wait-timeout': '1' }).waitTimeoutSeconds).toBe(1);
  });

  test('ca-certificate: a PEM, trimmed; blank is none', () => {
    expect(parse({ 'ca-certificate': `\n  ${PEM}\n\n` }).caCertificate).toBe(PEM);
    expect(parseCaCertificate(`  ${PEM}  `)).toBe(PEM);
    expect(parseCaCertificate('  \n ')).toBeUndefined();
    expect(parseCaCertificate('')).toBeUndefined();
    const two = `${PEM}\n${PEM}`;
    expect(parseCaCertificate(two)).toBe(two);
    // Windows line ends are whitespace in the base64 as any other.
    expect(parseCaCertificate(PEM.replace(/\n/g, '\r\n'))).toBe(PEM.replace(/\n/g, '\r\n'));
  });

  test('ca-certificate: a damaged block is named before anything is sent, not blamed on the server', () => {
    const lines = PEM.split('\n');
    const cut = [...lines.slice(0, 3), ...lines.slice(4)].join('\n'); // a line lost in copying
    const typo = lines.map((line, i) => (i === 1 ? line.replace(/A/, '*') : line)).join('\n'); // a character changed
    for (const damaged of [cut, typo, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----']) {
      expect(refusal({ 'ca-certificate': damaged })).toEqual({
        input: 'ca-certificate',
        message:
          "Input 'ca-certificate': certificate 1 of 1 is damaged: its text between BEGIN and END is not a certificate's base64 (copied in part, or edited?).",
      });
    }
    expect(refusal({ 'ca-certificate': `${PEM}\n${cut}` }).message).toMatch(/certificate 2 of 2 is damaged/);
  });

  // The DER check at its edges, on bodies built byte by byte: a SEQUENCE (0x30), its length in short form (below
  // 0x80) or long form (0x81-0x84 then that many length bytes), filling the block exactly.
  const block = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
  const der = (...bytes: number[]) => Buffer.from(bytes).toString('base64');
  test.each<[string, string]>([
    ['a short-form SEQUENCE of one byte', der(0x30, 0x01, 0x00)],
    ['the same without its padding characters needed', 'MAEA'],
    ['one length byte in long form', der(0x30, 0x81, 0x01, 0x00)],
    ['a 127-byte SEQUENCE, the longest short form', der(0x30, 0x7f, ...Array(127).fill(0))],
    ['four length bytes', der(0x30, 0x84, 0, 0, 0, 1, 0)],
    ['an empty SEQUENCE (two bytes)', der(0x30, 0x00)],
    ['an empty SEQUENCE in long form (exactly its header)', der(0x30, 0x81, 0x00)],
  ])('ca-certificate: %s passes', (_what, body) => {
    expect(parseCaCertificate(block(body))).toBe(block(body));
  });
  test.each<[string, string]>([
    ['a byte after the SEQUENCE', der(0x30, 0x01, 0x00, 0x00)],
    ['a byte short', der(0x30, 0x02, 0x00)],
    ['not a SEQUENCE', der(0x31, 0x01, 0x00)],
    ['one byte only', der(0x30)],
    ['base64 of a length not a multiple of 4', 'MAEA='],
    ['a character that is not base64 at the end', 'MAEA!!!!'],
    ['a character that is not base64 at the start', '!!!!MAEA'],
    ['long form with no length bytes', der(0x30, 0x80)],
    ['long form with five length bytes', der(0x30, 0x85, 0, 0, 0, 0, 1, 0)],
    ['long form cut before its length bytes end', der(0x30, 0x82, 0x01)],
    ['long form whose length is one too many', der(0x30, 0x81, 0x02, 0x00)],
    ['128 bytes given in short form (0x80 is long form)', der(0x30, 0x80, ...Array(128).fill(0))],
  ])('ca-certificate: %s is damaged', (_what, body) => {
    expect(() => parseCaCertificate(block(body))).toThrow('certificate 1 of 1 is damaged');
  });
});

describe("the Action's words", () => {
  test('an InputError reads as the Action words it', () => {
    const { input, problem, message } = new InputError('server-url', 'is required but empty.');
    expect(ACTION_WORDS.inputError(input, problem)).toBe("Input 'server-url': is required but empty.");
    expect(ACTION_WORDS.inputError(input, problem)).toBe(message);
  });
});
