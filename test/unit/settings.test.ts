import { describe, expect, test } from '@jest/globals';
import type { InputError } from '../../src/common/errors.js';
import { parseSettings, type RawInputs } from '../../src/settings/settings.js';
import { CLI_WORDS } from '../../src/hosts/cli-args.js';
import { VALID_INPUTS, refusal } from './settings/helpers.js';
import { formatDuration, parseDuration } from '../../src/settings/duration.js';

const valid = VALID_INPUTS;

const parse = (overrides: RawInputs) => parseSettings({ ...valid, ...overrides });
const inputOf = (overrides: RawInputs) => refusal({ ...valid, ...overrides });

describe('settings', () => {
  test('defaults', () => {
    const settings = parse({});
    expect(settings.serverUrl.href).toBe('https://backup.example.com/');
    expect(settings.serverUrl.pathname).toBe('/');
    expect(settings).toMatchObject({
      activate: true,
      sync: 'auto',
      waitTimeoutSeconds: 300,
      dryRun: false,
      mode: 'ensure',
      allowHttp: false,
      plan: undefined,
      maxBackupAgeSeconds: undefined,
      credentials: { kind: 'password', email: 'ci@example.com', password: 'pw-secret-1' },
    });
  });

  test('a base path is kept without its trailing slash', () => {
    expect(parse({ 'server-url': 'https://host:8443/xopero/api/' }).serverUrl.pathname).toBe('/xopero/api');
  });

  test.each([
    [{ 'server-url': '' }, 'server-url', /required/],
    [{ 'server-url': 'backup.example.com' }, 'server-url', /not a URL/],
    [{ 'server-url': 'http://backup.example.com' }, 'server-url', /plain http.*allow-http/],
    [{ 'server-url': 'ftp://backup.example.com' }, 'server-url', /not supported/],
    [{ 'server-url': 'https://u:p@backup.example.com' }, 'server-url', /credentials/],
    // Unparseable, with a password in it: the message quotes the URL without it.
    [{ 'server-url': 'https://admin:S3cr/et@backup example.com' }, 'server-url', /: 'https:\/\/\*\*\*@backup example\.com' is not a URL/],
    [{ email: '', password: '' }, 'email', /no credentials/],
    [{ password: '' }, 'password', /empty but an email/],
    [{ email: '' }, 'email', /empty but a password/],
    [{ 'access-token': 'tok-123456' }, 'access-token', /not both/],
    [{ organization: '', repository: 'api' }, 'organization', /required/],
    [{ organization: 'globex' }, 'repository', /'acme\/api' belongs to 'acme', but organization is 'globex': set organization to acme/],
    [{ repository: '${{ github.repository }}' }, 'repository', /expression nobody evaluated/],
    // Azure Pipelines leaves $(NAME) of an undefined variable as written: refused before the login it would fail.
    [{ email: '$(XOPERO_EMAIL)' }, 'email', /: '\$\(XOPERO_EMAIL\)' is an Azure Pipelines macro the agent left as written/],
    [{ plan: ' $(Plan.Name) ' }, 'plan', /: '\$\(Plan\.Name\)' is an Azure Pipelines macro/],
    [{ password: '$(XOPERO_PASSWORD)' }, 'password', /^Input 'password': is an Azure Pipelines macro/],
    [{ repository: '' }, 'repository', /required/],
    [{ repository: 'acme/ api' }, 'repository', /not a repository path/],
    [{ activate: 'maybe' }, 'activate', /expected true or false, got 'maybe'/],
    [{ 'dry-run': 'yes please' }, 'dry-run', /expected true or false/],
    [{ 'allow-http': '2' }, 'allow-http', /expected true or false/],
    [{ sync: 'sometimes' }, 'sync', /auto, always, never/],
    [{ 'wait-timeout': 'five' }, 'wait-timeout', /number of seconds/],
    [{ 'wait-timeout': '-1' }, 'wait-timeout', /number of seconds/],
    [{ 'wait-timeout': '99999' }, 'wait-timeout', /at most/],
    [{ mode: 'audit' }, 'mode', /ensure, check/],
    [{ 'max-backup-age': '1 day' }, 'max-backup-age', /duration/],
    [{ 'max-backup-age': '0' }, 'max-backup-age', /must be above 0/],
    [{ 'ca-certificate': 'not a pem' }, 'ca-certificate', /PEM/],
    [{ repositories: '!archive-*' }, 'repositories', /only exclusions/],
  ])('%j is rejected, naming %s', (overrides, input, message) => {
    const failure = inputOf(overrides as RawInputs);
    expect(failure.input).toBe(input);
    expect(failure.message).toMatch(message as RegExp);
    expect(failure.message.startsWith(`Input '${input}'`)).toBe(true);
  });

  test('an error message never carries the password or token', () => {
    const failure = inputOf({ password: 'pw-secret-1', 'access-token': 'tok-secret-99' });
    expect(failure.message).not.toContain('pw-secret-1');
    expect(failure.message).not.toContain('tok-secret-99');
  });

  test('access token alone', () => {
    expect(parse({ email: '', password: '', 'access-token': ' tok-123456 ' }).credentials).toEqual({ kind: 'token', token: 'tok-123456' });
  });

  test('booleans and choices are case-insensitive', () => {
    const settings = parse({ activate: 'False', 'dry-run': 'TRUE', 'allow-http': 'true', 'server-url': 'http://h', sync: 'Always' });
    expect(settings).toMatchObject({ activate: false, dryRun: true, allowHttp: true, sync: 'always' });
  });

  test('durations', () => {
    expect(parse({ 'wait-timeout': '5m', 'max-backup-age': '36h' })).toMatchObject({
      waitTimeoutSeconds: 300,
      maxBackupAgeSeconds: 129600,
    });
    expect(parseDuration('1d12h')).toBe(129600);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('7d')).toBe(604800);
    expect(parseDuration('1.5h')).toBeUndefined();
    expect(formatDuration(2 * 86400 + 3 * 3600 + 120)).toBe('2 days 3 hours');
    expect(formatDuration(86400)).toBe('1 day');
    expect(formatDuration(90 * 60)).toBe('1 hour 30 minutes');
    expect(formatDuration(0)).toBe('0 seconds');
  });

  test("the organization defaults to the repository's owner; an id is not compared; a sweep ignores the repository", () => {
    expect(parse({ organization: '', repository: 'globex/portal' }).organization).toBe('globex');
    expect(parse({ organization: 'ACME', repository: 'acme/api' }).organization).toBe('ACME');
    expect(parse({ organization: '', repository: 'group/sub/project' }).organization).toBe('group');
    const id = '0A000000-0000-4000-8000-000000000001';
    expect(parse({ organization: id, repository: 'globex/portal' }).organization).toBe(id);
    expect(parse({ organization: 'globex', repository: 'acme/app', repositories: '*' }).organization).toBe('globex');
  });

  test("the CLI's words: flags and variables, secrets by variable, the variables to unset", () => {
    const failure = (overrides: RawInputs) => {
      try {
        parseSettings({ ...valid, ...overrides }, CLI_WORDS);
      } catch (error) {
        const { input, problem } = error as InputError;
        return CLI_WORDS.inputError(input, problem);
      }
      throw new Error('expected an InputError');
    };
    expect(failure({ 'server-url': '' })).toBe('--server-url / XOPERO_SERVER_URL: is required but empty.');
    expect(failure({ 'server-url': 'http://h' })).toMatch(/set --allow-http \(or XOPERO_ALLOW_HTTP=true\) if you accept that/);
    expect(failure({ 'access-token': 'tok-1' })).toMatch(
      /^XOPERO_ACCESS_TOKEN: .*: unset XOPERO_EMAIL and XOPERO_PASSWORD, or unset XOPERO_ACCESS_TOKEN\.$/,
    );
    expect(failure({ 'access-token': 'tok-1', password: '' })).toMatch(/unset XOPERO_EMAIL, or unset XOPERO_ACCESS_TOKEN/);
    expect(failure({ organization: 'globex' })).toMatch(/but --organization \/ XOPERO_ORGANIZATION is 'globex'/);
    for (const message of [failure({ 'server-url': 'http://h' }), failure({ email: '', password: '' })]) {
      expect(message).not.toMatch(/allow-http: true|Input '/);
    }
  });

  test('sweep patterns replace the single repository', () => {
    const settings = parse({ repositories: 'api, team-a/*\n!archive-*\n', repository: '' });
    expect(settings.repositories).toEqual(['api', 'team-a/*', '!archive-*']);
    expect(settings.repository).toBe('');
  });
});
