/**
 * A run through the broker (`broker-url`): the broker holds the Xopero ONE credential and decides the server,
 * the organization and the repository (the one the identity token names). So the run takes only what the
 * protocol's body carries (mode ensure|check, dry run, plan) and how to reach the broker (its URL, a CA, plain
 * http only when allowed); a credential or a setting only the broker decides is an input error, not ignored.
 */
import { InputError } from '../common/errors.js';
import { addSecret, withoutUserInfo } from '../common/redact.js';
import { parseBoolean, parseCaCertificate, type InputName, type RawInputs } from './settings.js';
import type { HostWords } from '../common/words.js';

export interface BrokerClientSettings {
  brokerUrl: URL;
  /** The broker's address too, for the messages that name where the run went (a cancellation's). */
  serverUrl: URL;
  mode: 'ensure' | 'check';
  dryRun: boolean;
  /** undefined: the broker's default plan for the repository. */
  plan?: string;
  caCertificate?: string;
  resultFile?: string;
  words: HostWords;
}

/** Settings the broker decides; given with broker-url they would be ignored, so they are refused. */
export const DECIDED_BY_THE_BROKER: InputName[] = [
  'server-url',
  'organization',
  'repository',
  'repositories',
  'azure-project',
  'shard',
  'sync',
  'activate',
  'wait-timeout',
  'max-backup-age',
  'remove',
  'reclaim',
  'release-limit',
];

/**
 * The defaults of the settings above: given as they are, they ask for nothing the broker would not do, so
 * they are not refused. The GitHub runner passes action.yml's defaults as if the job had given them
 * (test/e2e/project.test.ts keeps these equal to action.yml's).
 */
export const DEFAULTS_NOT_REFUSED: Partial<Record<InputName, string>> = {
  activate: 'true',
  sync: 'auto',
  'wait-timeout': '300',
  remove: 'false',
  'release-limit': '50',
};

/** The GitLab component's default `broker_audience`, and the one name besides its URL a broker may use as audience. */
export const DEFAULT_BROKER_AUDIENCE = 'xopero-one-broker';

/**
 * Whether a host that chooses the token's audience at run time (the GitHub Action) may ask for a token for
 * `audience`, which the broker named: only for the broker's own URL (as given, or its origin) or
 * DEFAULT_BROKER_AUDIENCE. Not for whatever it names: the token is minted for this repository, and one for
 * another service's audience (a cloud's role federation) sent to whoever answers at broker-url (a name taken
 * over, a network in between with allow-http) would be good there.
 */
export function acceptableBrokerAudience(audience: string, brokerUrl: URL): boolean {
  return [ownBrokerAudience(brokerUrl), brokerUrl.origin, DEFAULT_BROKER_AUDIENCE].includes(withoutTrailingSlashes(audience));
}

const withoutTrailingSlashes = (text: string) => text.replace(/\/+$/, '');

/** The broker's own URL as an audience: as given, without trailing slashes. */
export const ownBrokerAudience = (brokerUrl: URL) => withoutTrailingSlashes(brokerUrl.href);

/** `raw` holds what the user gave (flags, variables, inputs), without a host's defaults. */
export function parseBrokerClientSettings(brokerUrlText: string, raw: RawInputs, words: HostWords): BrokerClientSettings {
  const get = (name: InputName) => (raw[name] ?? '').trim();
  // Refused below, but masked first (as parseSettings does): no later line can carry them.
  addSecret(raw.password);
  addSecret(get('access-token'));
  addSecret(get('github-token'));
  const credentials = (['email', 'password', 'access-token'] as const).filter((name) => get(name));
  if (credentials.length > 0) {
    throw new InputError(
      'broker-url',
      `is set, and so is ${credentials.map((name) => words.name(name)).join(' and ')}: the broker holds the Xopero ONE credential; unset ${credentials.length > 1 ? 'them' : 'it'}, or unset ${words.name('broker-url')}.`,
    );
  }
  const decided = DECIDED_BY_THE_BROKER.find((name) => get(name) && get(name).toLowerCase() !== DEFAULTS_NOT_REFUSED[name]);
  if (decided) {
    throw new InputError(
      decided,
      `is decided by the broker (it protects the repository your identity token names, on its own server); unset it, or unset ${words.name('broker-url')}.`,
    );
  }
  const allowHttp = parseBoolean('allow-http', get('allow-http'), false);
  const brokerUrl = parseBrokerUrl(brokerUrlText.trim(), allowHttp, words);
  const mode = get('mode').toLowerCase() || 'ensure';
  if (mode !== 'ensure' && mode !== 'check') {
    throw new InputError(
      'mode',
      `'${mode}' is not offered through the broker: use ensure or check (releasing needs the credential, which only the broker's operator holds).`,
    );
  }
  return {
    brokerUrl,
    serverUrl: brokerUrl,
    mode,
    dryRun: parseBoolean('dry-run', get('dry-run'), false),
    plan: get('plan') || undefined,
    caCertificate: parseCaCertificate(raw['ca-certificate'] ?? ''),
    resultFile: get('result-file') || undefined,
    words,
  };
}

function parseBrokerUrl(value: string, allowHttp: boolean, words: HostWords): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      'broker-url',
      `'${withoutUserInfo(value)}' is not a URL; give the broker's address, e.g. https://xopero-broker.example.com.`,
    );
  }
  if (url.protocol === 'http:' && !allowHttp) {
    throw new InputError(
      'broker-url',
      `'${url.origin}' is plain http, which would send the identity token unencrypted; use https, or set ${words.set('allow-http', 'true')} if you accept that.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError('broker-url', `'${url.protocol}' is not supported; use an https:// address.`);
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError('broker-url', 'must be the base address only: no credentials, query or fragment.');
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}
