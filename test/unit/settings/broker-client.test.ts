/**
 * A run through the broker (src/settings/broker-client.ts), in-process: what it takes, what it refuses (a
 * credential, a setting the broker decides, a mode it does not offer, a broker-url that is not a plain https
 * base address), word for word, and the secrets masked before any refusal.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../../src/common/errors.js';
import { redact } from '../../../src/common/redact.js';
import { ACTION_WORDS } from '../../../src/common/words.js';
import { brokerTransportError } from '../../../src/hosts/broker-client.js';
import { CLI_WORDS } from '../../../src/hosts/cli-args.js';
import {
  DECIDED_BY_THE_BROKER,
  DEFAULTS_NOT_REFUSED,
  DEFAULT_BROKER_AUDIENCE,
  acceptableBrokerAudience,
  parseBrokerClientSettings,
} from '../../../src/settings/broker-client.js';
import type { RawInputs } from '../../../src/settings/settings.js';
import { TEST_CA_PEM } from './helpers.js';

const BROKER = 'https://broker.example.com';
const PEM = TEST_CA_PEM;

const parse = (raw: RawInputs, url = BROKER, words = ACTION_WORDS) => parseBrokerClientSettings(url, raw, words);

function refusal(raw: RawInputs, url = BROKER, words = ACTION_WORDS): { input: string; message: string } {
  try {
    parse(raw, url, words);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return { input: (error as InputError).input, message: words.inputError((error as InputError).input, (error as InputError).problem) };
  }
  throw new Error('expected an InputError');
}

describe('what a broker run takes', () => {
  test('defaults: ensure, no dry run, no plan, no CA, no result file; the broker is the server the messages name', () => {
    const settings = parse({});
    expect(settings.brokerUrl.href).toBe('https://broker.example.com/');
    expect(settings.serverUrl).toBe(settings.brokerUrl);
    expect(settings).toMatchObject({ mode: 'ensure', dryRun: false, words: ACTION_WORDS });
    expect(settings.plan).toBeUndefined();
    expect(settings.caCertificate).toBeUndefined();
    expect(settings.resultFile).toBeUndefined();
  });

  test('mode, dry run, plan, CA and result file as given (trimmed, any case); the path without its trailing slashes', () => {
    const settings = parse(
      { mode: ' Check ', 'dry-run': 'YES', plan: ' Nightly ', 'ca-certificate': `\n${PEM}\n`, 'result-file': ' out/r.json ' },
      '  https://broker.example.com/xopero//  ',
    );
    expect(settings).toMatchObject({ mode: 'check', dryRun: true, plan: 'Nightly', caCertificate: PEM, resultFile: 'out/r.json' });
    expect(settings.brokerUrl.pathname).toBe('/xopero');
  });

  test("plain http when allowed; the action.yml defaults of the broker's settings, and blank ones, are not refused", () => {
    expect(parse({ 'allow-http': 'true' }, 'http://127.0.0.1:8080').brokerUrl.origin).toBe('http://127.0.0.1:8080');
    const defaults = Object.fromEntries(Object.entries(DEFAULTS_NOT_REFUSED).map(([name, value]) => [name, ` ${value.toUpperCase()} `]));
    expect(parse({ ...defaults, organization: '  ', email: ' ' }).mode).toBe('ensure');
  });
});

describe('what it refuses, word for word', () => {
  test.each<[string, RawInputs, string, string]>([
    [
      'email and password',
      { email: 'ci@example.com', password: 'pw-broker-1' },
      'broker-url',
      "Input 'broker-url': is set, and so is email and password: the broker holds the Xopero ONE credential; unset them, or unset broker-url.",
    ],
    [
      'an access token',
      { 'access-token': 'tok-broker-1' },
      'broker-url',
      "Input 'broker-url': is set, and so is access-token: the broker holds the Xopero ONE credential; unset it, or unset broker-url.",
    ],
    [
      'a plan given with the organization',
      { plan: 'Nightly', organization: 'acme' },
      'organization',
      "Input 'organization': is decided by the broker (it protects the repository your identity token names, on its own server); unset it, or unset broker-url.",
    ],
    [
      'a mode only the credential allows',
      { mode: 'RELEASE' },
      'mode',
      "Input 'mode': 'release' is not offered through the broker: use ensure or check (releasing needs the credential, which only the broker's operator holds).",
    ],
    ['a switch that is not one', { 'dry-run': 'maybe' }, 'dry-run', "Input 'dry-run': expected true or false, got 'maybe'."],
    [
      'a CA that is not PEM',
      { 'ca-certificate': 'not a pem' },
      'ca-certificate',
      "Input 'ca-certificate': is not a PEM certificate (expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----).",
    ],
  ])('%s', (_name, raw, input, message) => {
    expect(refusal(raw)).toEqual({ input, message });
  });

  test('each setting the broker decides, given another value than its default, is refused naming it', () => {
    for (const name of DECIDED_BY_THE_BROKER) {
      expect(refusal({ [name]: 'x-other' })).toEqual({
        input: name,
        message: `Input '${name}': is decided by the broker (it protects the repository your identity token names, on its own server); unset it, or unset broker-url.`,
      });
    }
  });

  test.each<[string, string, RawInputs, string]>([
    [
      'not a URL',
      '  broker.example.com  ',
      {},
      "Input 'broker-url': 'broker.example.com' is not a URL; give the broker's address, e.g. https://xopero-broker.example.com.",
    ],
    [
      'not a URL, with a password in it (not quoted)',
      'https://ci:S3cr/et@broker.example.com',
      {},
      "Input 'broker-url': 'https://***@broker.example.com' is not a URL; give the broker's address, e.g. https://xopero-broker.example.com.",
    ],
    [
      'plain http',
      'http://broker.example.com:8080/x',
      {},
      "Input 'broker-url': 'http://broker.example.com:8080' is plain http, which would send the identity token unencrypted; use https, or set allow-http: true if you accept that.",
    ],
    [
      'another scheme',
      'ftp://broker.example.com',
      { 'allow-http': 'true' },
      "Input 'broker-url': 'ftp:' is not supported; use an https:// address.",
    ],
    [
      'a user',
      'https://ci@broker.example.com',
      {},
      "Input 'broker-url': must be the base address only: no credentials, query or fragment.",
    ],
    [
      'a password',
      'https://:pw-url-1@broker.example.com',
      {},
      "Input 'broker-url': must be the base address only: no credentials, query or fragment.",
    ],
    [
      'a query',
      'https://broker.example.com/?a=1',
      {},
      "Input 'broker-url': must be the base address only: no credentials, query or fragment.",
    ],
    [
      'a fragment',
      'https://broker.example.com/#a',
      {},
      "Input 'broker-url': must be the base address only: no credentials, query or fragment.",
    ],
  ])('broker-url: %s', (_name, url, raw, message) => {
    expect(refusal(raw, url)).toEqual({ input: 'broker-url', message });
  });

  test("the CLI's words name its flags and variables", () => {
    expect(refusal({ email: 'ci@example.com' }, BROKER, CLI_WORDS).message).toBe(
      `${CLI_WORDS.name('broker-url')}: is set, and so is ${CLI_WORDS.name('email')}: the broker holds the Xopero ONE credential; unset it, or unset ${CLI_WORDS.name('broker-url')}.`,
    );
    expect(refusal({}, 'http://h', CLI_WORDS).message).toContain(`set ${CLI_WORDS.set('allow-http', 'true')} if you accept that`);
    expect(refusal({ shard: '1/2' }, BROKER, CLI_WORDS).message).toMatch(/unset --broker-url/);
  });
});

describe('secrets are masked before a refusal can name anything', () => {
  test('password, access token and GitHub token', () => {
    expect(() =>
      parse({ password: 'pw-broker-mask-1', 'access-token': ' tok-broker-mask-2 ', 'github-token': ' ghs_broker_mask_3 ' }),
    ).toThrow(InputError);
    expect(redact('pw-broker-mask-1 tok-broker-mask-2 ghs_broker_mask_3')).toBe('*** *** ***');
  });
});

test('allow-http that is neither true nor false is refused, named', () => {
  expect(refusal({ 'allow-http': 'maybe' })).toEqual({
    input: 'allow-http',
    message: "Input 'allow-http': expected true or false, got 'maybe'.",
  });
});

describe('the audiences the Action asks the runner for', () => {
  test.each<[string, string, boolean]>([
    ['https://broker.example.com', 'https://broker.example.com', true],
    ['https://broker.example.com/', 'https://broker.example.com', true],
    ['https://broker.example.com', 'https://broker.example.com/', true],
    ['https://broker.example.com/xopero', 'https://broker.example.com/xopero', true],
    ['https://broker.example.com/xopero/', 'https://broker.example.com/xopero', true],
    ['https://broker.example.com/xopero//', 'https://broker.example.com/xopero', true],
    ['https://broker.example.com/xoperox', 'https://broker.example.com/xopero', false],
    ['https://broker.example.com', 'https://broker.example.com/xopero', true],
    ['xopero-one-broker', 'https://broker.example.com', true],
    ['sts.amazonaws.com', 'https://broker.example.com', false],
    ['api://AzureADTokenExchange', 'https://broker.example.com', false],
    ['https://broker.example.com.evil.test', 'https://broker.example.com', false],
    ['https://other.example.com', 'https://broker.example.com', false],
    ['http://broker.example.com', 'https://broker.example.com', false],
    ['', 'https://broker.example.com', false],
  ])('%s for the broker at %s: %s', (audience, brokerUrl, expected) => {
    expect(acceptableBrokerAudience(audience, parse({}, brokerUrl).brokerUrl)).toBe(expected);
  });

  test("the named one is the GitLab component's default broker_audience", () => {
    const template = readFileSync(join(import.meta.dirname, '../../../templates/xopero-backup.yml'), 'utf8');
    const spec = parseYaml(template.split('\n---\n')[0] ?? '') as { spec: { inputs: Record<string, { default?: string }> } };
    expect(spec.spec.inputs.broker_audience?.default).toBe(DEFAULT_BROKER_AUDIENCE);
  });
});

describe("the broker's transport failures", () => {
  const url = new URL('https://broker.example.com/v1/protect');
  test("a timeout is the broker's own: its 15 minutes, not retried, never the Management Service", () => {
    for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      const line = brokerTransportError(Object.assign(new Error('Timeout'), { code }), url, undefined, false, CLI_WORDS).message;
      expect(line).toBe(
        "The broker at broker.example.com accepted the connection but did not answer within 15 minutes (not retried: the run may have gone on there): check the broker's log, then re-run; a re-run changes nothing that is already done.",
      );
    }
  });

  test("the others are the product's, naming the broker and broker-url", () => {
    const line = brokerTransportError(
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      url,
      undefined,
      false,
      CLI_WORDS,
    ).message;
    expect(line).toBe(
      'Cannot reach the broker: broker.example.com refused the connection: check --broker-url / XOPERO_BROKER_URL and that the broker is running.',
    );
  });
});
