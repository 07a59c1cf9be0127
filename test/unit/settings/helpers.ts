/**
 * What the settings tests share: a valid set of inputs, and one way to look at a refusal (its input and whole
 * message); for the broker's config file (src/settings/broker-config.ts), its one line.
 */
import { expect } from '@jest/globals';
import { InputError } from '../../../src/common/errors.js';
import type { HostWords } from '../../../src/common/words.js';
import { BrokerConfigError, parseBrokerConfig } from '../../../src/settings/broker-config.js';
import { parseSettings, type RawInputs } from '../../../src/settings/settings.js';

/** A real certificate (a self-signed EC CA, valid to 2126): ca-certificate's checks read its DER structure. */
export const TEST_CA_PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBgTCCASegAwIBAgIUbDJ5YeAr1QWdlX6JJVQQX0fprNgwCgYIKoZIzj0EAwIw',
  'FTETMBEGA1UEAwwKdGVzdC1jYS0wMTAgFw0yNjEyMDcxMDQzMDdaGA8yMTI2MTEx',
  'MzEwNDMwN1owFTETMBEGA1UEAwwKdGVzdC1jYS0wMTBZMBMGByqGSM49AgEGCCqG',
  'SM49AwEHA0IABDhuLpm2aqj+TPgBlDuunADK3KuthQ4p6OdCADMS0fDR7LyRtoqm',
  'lnJ4tq2KP5NwSKE0NJlLxOGuY6tSkcuGx/OjUzBRMB0GA1UdDgQWBBSss+Awsc3k',
  'Wtxf50Y33ln54mGeqjAfBgNVHSMEGDAWgBSss+Awsc3kWtxf50Y33ln54mGeqjAP',
  'BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQD5Dsm2HgnNElwZbiEo',
  'YcZ7Kfvef17yU8NlEmFttOM0RgIgRwqrtQCadIFue0scNW33+3W8MD+IBEm7Tng8',
  'jt4TJxg=',
  '-----END CERTIFICATE-----',
].join('\n');

/** A single-repository run with email and password: each test changes what it is about. */
export const VALID_INPUTS: RawInputs = {
  'server-url': 'https://backup.example.com/',
  email: 'ci@example.com',
  password: 'pw-secret-1',
  organization: 'acme',
  repository: 'acme/api',
};

/** parseSettings(raw) must refuse with an InputError: its input and its message (the Action's form). */
export function refusal(raw: RawInputs, words?: HostWords): { input: string; message: string } {
  try {
    parseSettings(raw, words);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return { input: (error as InputError).input, message: (error as Error).message };
  }
  throw new Error('expected an InputError');
}

/** parseBrokerConfig(value, env) must refuse with a BrokerConfigError: the one line it fails with. */
export function brokerConfigProblem(value: unknown, env: NodeJS.ProcessEnv): string {
  try {
    parseBrokerConfig(value, env);
  } catch (error) {
    expect(error).toBeInstanceOf(BrokerConfigError);
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}
