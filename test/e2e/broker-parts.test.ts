/**
 * The broker's parts with many cases: the config file's checks (one line naming the field), the policy (owners,
 * workflows, plan rules), the replay cache, the per-repository rate limit and the run slots, and how GitLab's
 * and Bitbucket's claims name the repository (tokens from the fake issuer, verified by the real verifier).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBrokerConfig, type BrokerConfig, type IssuerConfig } from '../../src/settings/broker-config.js';
import { checkOwner, checkWorkflow, choosePlan } from '../../src/hosts/broker/policy.js';
import { ReplayCache, RepositoryRateLimit, RunSlots } from '../../src/hosts/broker/limits.js';
import { Refusal } from '../../src/hosts/broker/refusal.js';
import { TokenVerifier, type Caller } from '../../src/hosts/broker/verify.js';
import { FakeIssuer } from '../../testbed/oidc-issuer.js';
import { brokerConfigProblem } from '../unit/settings/helpers.js';
import { DEFAULT_CERT_DIR, ensureCertificates } from '../../testbed/simulator/index.js';
import { scratchFolder } from '../scratch.js';

const scratch = scratchFolder('xopero-broker-parts-');

const ENV = { XOPERO_ACCESS_TOKEN: 'xo-access-token-for-tests' };

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tls: { certFile: join(DEFAULT_CERT_DIR, 'server.crt'), keyFile: join(DEFAULT_CERT_DIR, 'server.key') },
    audience: 'https://broker.test',
    xopero: { serverUrl: 'https://backup.test', accessTokenVariable: 'XOPERO_ACCESS_TOKEN' },
    issuers: [{ issuer: 'https://token.actions.githubusercontent.com', kind: 'github', owners: ['acme'] }],
    plans: [{ repositories: ['acme/*'], allowed: ['Nightly'], default: 'Nightly' }],
    ...overrides,
  };
}

/** The one line a bad config fails with. */
const problem = (value: Record<string, unknown>, env: NodeJS.ProcessEnv = ENV) => brokerConfigProblem(value, env);

describe('the config file', () => {
  beforeAll(() => ensureCertificates());

  test('a good one: defaults filled, the credential read from the variable it names', () => {
    const parsed = parseBrokerConfig(config(), ENV);
    expect(parsed.listen).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(parsed.algorithms).toEqual(['RS256', 'ES256']);
    expect(parsed.xopero).toEqual({ 'server-url': 'https://backup.test', 'access-token': ENV.XOPERO_ACCESS_TOKEN });
    expect(parsed.limits.maxBodyBytes).toBe(16 * 1024);
    expect(parsed.tls?.cert).toContain('-----BEGIN CERTIFICATE-----');
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown field', { owner: ['acme'] }, /^owner: unknown field; the known ones here are /],
    ['HS256 allowed', { algorithms: ['RS256', 'HS256'] }, /^algorithms\[1\]: 'HS256' is not allowed; use asymmetric ones only/],
    ['none allowed', { algorithms: ['none'] }, /^algorithms\[0\]: 'none' is not allowed/],
    ['no TLS and no plain-HTTP opt-in', { tls: undefined }, /^tls: is missing; give certFile and keyFile/],
    [
      'plain HTTP on a public address',
      { tls: undefined, allowPlainHttpOnLoopback: true, listen: { host: '0.0.0.0' } },
      /^allowPlainHttpOnLoopback: plain HTTP is allowed only on a loopback address, but listen.host is '0.0.0.0'/,
    ],
    [
      'an issuer over http',
      { issuers: [{ issuer: 'http://gitlab.test', kind: 'gitlab', owners: ['g'] }] },
      /^issuers\[0\]\.issuer: 'http:\/\/gitlab.test' is not https:\/\//,
    ],
    [
      'a kind not known',
      { issuers: [{ issuer: 'https://git.test', kind: 'gitea', owners: ['g'] }] },
      /^issuers\[0\]\.kind: expected github, gitlab or bitbucket, got 'gitea'\./,
    ],
    ['no owners', { issuers: [{ issuer: 'https://gitlab.test', kind: 'gitlab', owners: [] }] }, /^issuers\[0\]\.owners: is empty/],
    [
      'Bitbucket without its repository map',
      { issuers: [{ issuer: 'https://bb.test', kind: 'bitbucket', owners: ['w'] }] },
      /^issuers\[0\]\.repositories: is required for Bitbucket/,
    ],
    [
      'a default plan not allowed',
      { plans: [{ repositories: ['acme/*'], allowed: ['Weekly'], default: 'Nightly' }] },
      /^plans\[0\]\.default: 'Nightly' is not in allowed/,
    ],
    ['a limit out of range', { limits: { maxBodyBytes: 1_000_000 } }, /^limits\.maxBodyBytes: expected a whole number from 256 to 16384\./],
    [
      'headers timeout above the request timeout',
      { limits: { headersTimeoutMs: 60_000, requestTimeoutMs: 30_000 } },
      /^limits\.headersTimeoutMs: must not exceed limits\.requestTimeoutMs/,
    ],
    ['no credential named', { xopero: { serverUrl: 'https://backup.test' } }, /^xopero: names no credential/],
  ])('%s', (_name, overrides, expected) => {
    const line = problem(config(overrides));
    expect(line).toMatch(expected);
    expect(line).not.toContain('\n');
  });

  test('a credential variable that is not set fails at start, naming the variable, never a value', () => {
    expect(problem(config(), {})).toBe(
      "xopero.accessTokenVariable: names the variable XOPERO_ACCESS_TOKEN, which is not set or empty; set it in the broker's environment.",
    );
  });

  test('plain HTTP on loopback when asked for', () => {
    expect(parseBrokerConfig(config({ tls: undefined, allowPlainHttpOnLoopback: true }), ENV).tls).toBeUndefined();
  });

  test('a file that is not JSON fails in one line naming the file', async () => {
    const { loadBrokerConfig } = await import('../../src/settings/broker-config.js');
    const file = join(scratch(), 'broken.json');
    writeFileSync(file, '{ "audience": ');
    expect(() => loadBrokerConfig(file, ENV)).toThrow(new RegExp(`^The broker config '${file}' is not JSON: `));
  });
});

const caller = (repository: string, workflow?: string): Caller => ({
  issuer: 'https://issuer.test',
  kind: 'github',
  subject: 'sub',
  repository,
  workflow,
  replayKey: 'k',
  expiresAtMs: 0,
});
const issuerConfig = (owners: string[], workflows?: string[]): IssuerConfig => ({
  issuer: 'https://issuer.test',
  kind: 'gitlab',
  owners,
  workflows,
});

/** The refusal's status and code, or 'allowed'. */
function decision(check: () => unknown): string {
  try {
    check();
    return 'allowed';
  } catch (error) {
    expect(error).toBeInstanceOf(Refusal);
    return `${(error as Refusal).status} ${(error as Refusal).code}`;
  }
}

describe('the policy', () => {
  test.each([
    ['acme/api', ['acme'], 'allowed'],
    ['ACME/api', ['acme'], 'allowed'],
    ['acme/team/api', ['acme'], 'allowed'],
    ['acme/team/api', ['acme/team'], 'allowed'],
    ['acme/other/api', ['acme/team'], '403 owner_not_allowed'],
    ['acme-evil/api', ['acme'], '403 owner_not_allowed'],
    ['globex/api', ['acme'], '403 owner_not_allowed'],
  ])('owner: %s under %j -> %s', (repository, owners, expected) => {
    expect(decision(() => checkOwner(caller(repository), issuerConfig(owners)))).toBe(expected);
  });

  // ownerIds: the most specific listed owner admits; pinned, the token's owner must be it, with its id.
  test.each<[string, string, { path: string; id?: string } | undefined, string[], Record<string, string>, string]>([
    ['github, the pinned id', 'acme/api', { path: 'acme', id: '1001' }, ['acme'], { acme: '1001' }, 'allowed'],
    ['github, the name with another id', 'acme/api', { path: 'acme', id: '666' }, ['acme'], { acme: '1001' }, '403 owner_not_allowed'],
    ['github, no id in the token', 'acme/api', { path: 'acme' }, ['acme'], { acme: '1001' }, '403 owner_not_allowed'],
    ['github, no owner claims (not a GitHub or GitLab token)', 'acme/api', undefined, ['acme'], { acme: '1001' }, '403 owner_not_allowed'],
    ['another owner listed, not pinned', 'globex/api', { path: 'globex', id: '2' }, ['acme', 'globex'], { acme: '1001' }, 'allowed'],
    ['gitlab, a project directly in the pinned group', 'acme/api', { path: 'acme', id: '1001' }, ['acme'], { acme: '1001' }, 'allowed'],
    [
      'gitlab, a project in a subgroup of a pinned group',
      'acme/team/api',
      { path: 'acme/team', id: '1003' },
      ['acme'],
      { acme: '1001' },
      '403 owner_not_allowed',
    ],
    [
      'gitlab, the subgroup listed with its own id',
      'acme/team/api',
      { path: 'acme/team', id: '1003' },
      ['acme', 'acme/team'],
      { acme: '1001', 'acme/team': '1003' },
      'allowed',
    ],
    ['the pinned owner in another case', 'ACME/api', { path: 'ACME', id: '1001' }, ['Acme'], { acme: '1001' }, 'allowed'],
    // Owners named like an object's own properties are owners like any other.
    [
      'an unpinned owner named constructor',
      'constructor/api',
      { path: 'constructor', id: '7' },
      ['constructor'],
      { acme: '1001' },
      'allowed',
    ],
    [
      'a pinned owner named __proto__, another id',
      '__proto__/api',
      { path: '__proto__', id: '6' },
      ['__proto__'],
      Object.fromEntries([['__proto__', '5']]),
      '403 owner_not_allowed',
    ],
    [
      'a pinned owner named __proto__, its id',
      '__proto__/api',
      { path: '__proto__', id: '5' },
      ['__proto__'],
      Object.fromEntries([['__proto__', '5']]),
      'allowed',
    ],
  ])('owner ids: %s', (_, repository, owner, owners, ownerIds, expected) => {
    expect(decision(() => checkOwner({ ...caller(repository), owner }, { ...issuerConfig(owners), ownerIds }))).toBe(expected);
  });

  test.each([
    [undefined, undefined, 'allowed'],
    ['acme/.github/.github/workflows/backup.yml@refs/heads/main', ['acme/.github/.github/workflows/backup.yml@refs/heads/main'], 'allowed'],
    ['acme/.github/.github/workflows/backup.yml@refs/tags/v2', ['acme/.github/.github/workflows/backup.yml@**'], 'allowed'],
    ['acme/api/.github/workflows/backup.yml@refs/heads/main', ['acme/.github/.github/workflows/backup.yml@**'], '403 workflow_not_allowed'],
    // With case: a branch MAIN, which protection on main does not cover, is not main.
    [
      'acme/.github/.github/workflows/backup.yml@refs/heads/MAIN',
      ['acme/.github/.github/workflows/backup.yml@refs/heads/main'],
      '403 workflow_not_allowed',
    ],
    ['acme/.github/.github/workflows/BACKUP.yml@refs/heads/main', ['acme/.github/.github/workflows/*.yml@refs/heads/main'], 'allowed'],
    [
      'acme/.github/.github/workflows/Backup.yml@refs/heads/main',
      ['acme/.github/.github/workflows/backup.yml@refs/heads/main'],
      '403 workflow_not_allowed',
    ],
    [undefined, ['acme/.github/**'], '403 workflow_not_allowed'],
  ])('workflow %s against %j -> %s', (workflow, workflows, expected) => {
    expect(decision(() => checkWorkflow(caller('acme/api', workflow), issuerConfig(['acme'], workflows)))).toBe(expected);
  });

  const rules = [
    { repositories: ['acme/*', '!acme/scratch-*'], allowed: ['Nightly', 'Weekly'], default: 'Nightly' },
    { repositories: ['acme/**'], allowed: ['Monthly'], default: 'Monthly' },
  ];
  test.each([
    ['acme/api', undefined, 'Nightly'],
    ['acme/api', 'weekly', 'Weekly'],
    ['acme/api', 'Monthly', '403 plan_not_allowed'],
    ['acme/scratch-1', undefined, 'Monthly'],
    ['acme/team/api', 'Monthly', 'Monthly'],
    ['globex/api', undefined, '403 plan_not_allowed'],
  ])('plan for %s asking %s -> %s', (repository, requested, expected) => {
    let plan = '';
    const result = decision(() => {
      plan = choosePlan(repository, requested, rules);
    });
    expect(result === 'allowed' ? plan : result).toBe(expected);
  });
});

describe('the limits', () => {
  test('the replay cache knows a token until it expires', () => {
    const cache = new ReplayCache();
    cache.add('a', 2_000, 1_000);
    expect(cache.has('a', 1_500)).toBe(true);
    expect(cache.has('a', 2_000)).toBe(false);
    expect(cache.has('b', 1_500)).toBe(false);
    cache.add('b', 10_000, 5_000); // sweeps the expired 'a'
    expect(cache.size).toBe(1);
  });

  test('the rate limit: N per window per repository, then 429 with the seconds until a slot frees', () => {
    const limit = new RepositoryRateLimit({ requests: 2, windowSeconds: 60 });
    limit.take('acme/api', 0);
    limit.take('ACME/api', 10_000);
    limit.take('acme/other', 10_000);
    expect(() => limit.take('acme/api', 20_000)).toThrow(
      expect.objectContaining({ status: 429, code: 'rate_limited', retryAfterSeconds: 40 }),
    );
    limit.take('acme/api', 60_001);
  });

  test('run slots: at most N at once, a queue, then 503 overloaded', async () => {
    const slots = new RunSlots({ concurrent: 1, queued: 1 });
    const order: string[] = [];
    let finishFirst: () => void = () => undefined;
    const first = slots.run(() => new Promise<void>((resolve) => (finishFirst = resolve)).then(() => order.push('first')));
    const second = slots.run(async () => order.push('second'));
    await expect(slots.run(async () => order.push('third'))).rejects.toMatchObject({ status: 503, code: 'overloaded' });
    expect(slots.busy).toBe(2);
    finishFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(slots.busy).toBe(0);
  });
});

describe('GitLab and Bitbucket claims name the repository', () => {
  let issuer: FakeIssuer;
  let verifier: TokenVerifier;
  const AUDIENCE = 'https://broker.test';

  beforeAll(async () => {
    issuer = await FakeIssuer.start();
    const { caCert } = await ensureCertificates();
    const limits = parseBrokerConfig(config(), ENV).limits;
    const issuers: IssuerConfig[] = [
      { issuer: issuer.url, kind: 'gitlab', owners: ['platform'], caCertificate: caCert },
      {
        issuer: `${issuer.url}/bitbucket`,
        kind: 'bitbucket',
        owners: ['acme'],
        caCertificate: caCert,
        jwksUrl: new URL(`${issuer.url}/.well-known/jwks`),
        repositories: { '{A1B2}': 'acme/api' },
      },
    ];
    verifier = new TokenVerifier(
      { issuers, audience: AUDIENCE, algorithms: ['RS256'], limits } satisfies Pick<
        BrokerConfig,
        'issuers' | 'audience' | 'algorithms' | 'limits'
      >,
      {},
    );
  });
  afterAll(async () => {
    await verifier?.close();
    await issuer?.stop();
  });

  test('GitLab: project_path under namespace_path, ref, ci_config_ref_uri', async () => {
    const token = await issuer.token({
      aud: AUDIENCE,
      sub: 'project_path:platform/tools/api:ref_type:branch:ref:main',
      project_path: 'platform/tools/api',
      namespace_path: 'platform/tools',
      ref: 'main',
      ci_config_ref_uri: 'gitlab.test/platform/tools/api//.gitlab-ci.yml@refs/heads/main',
    });
    const { caller: verified } = await verifier.verify(token);
    expect(verified).toMatchObject({
      kind: 'gitlab',
      repository: 'platform/tools/api',
      ref: 'main',
      workflow: 'gitlab.test/platform/tools/api//.gitlab-ci.yml@refs/heads/main',
    });
  });

  test('GitLab: a project_path outside its namespace_path is refused', async () => {
    const token = await issuer.token({ aud: AUDIENCE, sub: 's', project_path: 'platform/api', namespace_path: 'other' });
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401, code: 'token_claims' });
  });

  test('Bitbucket: repositoryUuid through the map (braces and case ignored); an unmapped one is refused', async () => {
    const token = (uuid: string) =>
      issuer.token({
        iss: `${issuer.url}/bitbucket`,
        aud: [AUDIENCE, 'ari:cloud:bitbucket::workspace/x'],
        sub: `${uuid}:{step}`,
        repositoryUuid: uuid,
        branchName: 'main',
      });
    const { caller: verified } = await verifier.verify(await token('{a1b2}'));
    expect(verified).toMatchObject({ kind: 'bitbucket', repository: 'acme/api', ref: 'main' });
    await expect(verifier.verify(await token('{ffff}'))).rejects.toMatchObject({ status: 403, code: 'repository_not_mapped' });
  });

  test('a token that lives longer than the cap is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.token({
      aud: AUDIENCE,
      sub: 's',
      project_path: 'platform/api',
      namespace_path: 'platform',
      iat: now,
      exp: now + 3 * 3600,
    });
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401, code: 'token_lifetime' });
  });
});
