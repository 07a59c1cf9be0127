/**
 * The names of the inputs and the plain types the settings are made of. A leaf of settings/: the parts of
 * settings (release.ts, azure-project.ts) and the client (Credentials) import it without importing the parser.
 */
export const INPUT_NAMES = [
  'server-url',
  'email',
  'password',
  'access-token',
  'organization',
  'repository',
  'repositories',
  'plan',
  'activate',
  'sync',
  'wait-timeout',
  'dry-run',
  'mode',
  'max-backup-age',
  'ca-certificate',
  'allow-http',
  'azure-project',
  'shard',
  'result-file',
  // The sweep's HTML page and badge (src/report/html.ts, badge.ts); the CLI's flags are --html and --badge.
  'html-file',
  'badge-file',
  // Licenses (src/settings/release.ts, src/core/release.ts and reclaim.ts): mode: release, and reclaim in a sweep.
  'remove',
  'reclaim',
  'release-limit',
  'github-token',
  // A run through the broker (issue #25, src/settings/broker-client.ts): no credential here, only its address.
  'broker-url',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Partial<Record<InputName, string>>;

export type Credentials = { kind: 'password'; email: string; password: string } | { kind: 'token'; token: string };
export type SyncMode = 'auto' | 'always' | 'never';
export type RunMode = 'ensure' | 'check';
