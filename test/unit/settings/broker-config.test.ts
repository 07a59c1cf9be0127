/**
 * The broker's config file (src/settings/broker-config.ts), in-process: what a good file becomes (defaults
 * filled, the credential read from the variables it names), and each refusal word for word, with the field's
 * path. The PEM files it reads are written to a scratch directory removed at the end.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redact } from '../../../src/common/redact.js';
import {
  ASYMMETRIC_ALGORITHMS,
  BrokerConfigError,
  isLoopback,
  loadBrokerConfig,
  parseBrokerConfig,
} from '../../../src/settings/broker-config.js';
import { brokerConfigProblem } from './helpers.js';

// The scratch directory's path is known when the test tables are built; it is made in beforeAll and removed in
// afterAll. Made at load, it stayed behind whenever a runner loaded this file but ran none of its tests (jest
// then runs no hook; a mutation-testing run does that for each mutant these tests do not reach).
const scratch = join(tmpdir(), `xopero-broker-config-${process.pid}-${randomUUID()}`);
const path = (name: string) => join(scratch, name);
const file = (name: string, text: string) => {
  writeFileSync(path(name), text);
  return path(name);
};
const CERT = path('server.crt');
const KEY = path('server.key');
const NOT_PEM = path('not.pem');
const MISSING = path('missing.crt');
beforeAll(() => {
  mkdirSync(scratch);
  file('server.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  file('server.key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
  file('not.pem', 'just text\n');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ENV = { XOPERO_ACCESS_TOKEN: 'xo-broker-config-token-1', XO_EMAIL: ' ops@example.com ', XO_PASSWORD: 'xo-broker-config-pw-2' };
const XOPERO = { serverUrl: 'https://backup.test', accessTokenVariable: 'XOPERO_ACCESS_TOKEN' };
const ISSUER = { issuer: 'https://token.actions.githubusercontent.com', kind: 'github', owners: ['acme'] };
const PLAN = { repositories: ['acme/*'], allowed: ['Nightly'], default: 'Nightly' };

/** A good config on plain HTTP on loopback (no files), with `overrides` on top. */
const config = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  allowPlainHttpOnLoopback: true,
  audience: 'https://broker.test',
  xopero: XOPERO,
  issuers: [ISSUER],
  plans: [PLAN],
  ...overrides,
});

/** The one line a bad config fails with. */
const problem = (value: unknown, env: NodeJS.ProcessEnv = ENV) => brokerConfigProblem(value, env);

const ORG_A = '0a000000-0000-4000-8000-00000000000a';
const ORG_B = '0a000000-0000-4000-8000-00000000000b';

const DEFAULT_LIMITS = {
  maxBodyBytes: 16384,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConcurrent: 32,
  maxQueued: 1000,
  perRepository: { requests: 30, windowSeconds: 60 },
  maxTokenLifetimeSeconds: 7200,
  waitTimeoutSeconds: 120,
};

describe('a good config', () => {
  test('owner ids: keyed as the owners are compared (lower case, no trailing slash), the ids as given', () => {
    const [issuer] = parseBrokerConfig(
      config({
        issuers: [{ ...ISSUER, kind: 'gitlab', owners: ['Acme', 'acme/Team/'], ownerIds: { ACME: '1001', 'acme/team//': '1003' } }],
      }),
      ENV,
    ).issuers;
    expect(issuer?.ownerIds).toEqual({ acme: '1001', 'acme/team': '1003' });
  });

  test('organizations: the same owner name under two issuers, each pinned to its own Xopero ONE organization', () => {
    const [github, gitlab] = parseBrokerConfig(
      config({
        issuers: [
          { ...ISSUER, owners: ['Acme'], organizations: { ACME: ORG_A } },
          { issuer: 'https://gitlab.test', kind: 'gitlab', owners: ['acme/team'], organizations: { acme: ORG_B } },
        ],
      }),
      ENV,
    ).issuers;
    expect([github?.organizations, gitlab?.organizations]).toEqual([{ acme: ORG_A }, { acme: ORG_B }]);
  });

  test("owner ids: owners named like an object's own properties are owners like any other", () => {
    const raw = JSON.parse(
      JSON.stringify(config({ issuers: [{ ...ISSUER, kind: 'gitlab', owners: ['__proto__', 'constructor'] }] })).replace(
        '"owners"',
        '"ownerIds":{"__proto__":"5"},"owners"',
      ),
    ) as Record<string, unknown>;
    const [issuer] = parseBrokerConfig(raw, ENV).issuers;
    const ids = issuer?.ownerIds ?? {};
    expect(Object.getOwnPropertyDescriptor(ids, '__proto__')?.value).toBe('5');
    expect(Object.hasOwn(ids, 'constructor')).toBe(false);
  });

  test('the smallest: defaults filled, values trimmed, the token read from its variable and masked', () => {
    expect(parseBrokerConfig(config({ audience: ' https://broker.test ' }), ENV)).toEqual({
      listen: { host: '127.0.0.1', port: 8443 },
      tls: undefined,
      audience: 'https://broker.test',
      algorithms: ['RS256', 'ES256'],
      xopero: { 'server-url': 'https://backup.test', 'access-token': 'xo-broker-config-token-1' },
      issuers: [
        {
          issuer: 'https://token.actions.githubusercontent.com',
          kind: 'github',
          jwksUrl: undefined,
          caCertificate: undefined,
          owners: ['acme'],
          workflows: undefined,
          repositories: undefined,
        },
      ],
      plans: [PLAN],
      limits: DEFAULT_LIMITS,
    });
    expect(redact('xo-broker-config-token-1')).toBe('***');
  });

  test('everything given: TLS files, listen, algorithms, email and password, an issuer with keys and CA, limits', () => {
    const limits = {
      maxBodyBytes: 256,
      headersTimeoutMs: 1000,
      requestTimeoutMs: 1000,
      maxConcurrent: 10_000,
      maxQueued: 0,
      perRepository: { requests: 1_000_000, windowSeconds: 86_400 },
      maxTokenLifetimeSeconds: 60,
      waitTimeoutSeconds: 21_600,
    };
    const parsed = parseBrokerConfig(
      config({
        allowPlainHttpOnLoopback: false,
        tls: { certFile: CERT, keyFile: KEY },
        listen: { host: ' 0.0.0.0 ', port: 65535 },
        algorithms: [...ASYMMETRIC_ALGORITHMS],
        xopero: {
          serverUrl: 'https://backup.test',
          caCertificateFile: CERT,
          allowHttp: false,
          emailVariable: 'XO_EMAIL',
          passwordVariable: 'XO_PASSWORD',
        },
        issuers: [
          {
            issuer: 'https://gitlab.example.com',
            kind: 'gitlab',
            jwksUrl: 'https://gitlab.example.com/oauth/discovery/keys',
            caCertificateFile: CERT,
            owners: ['group'],
            workflows: ['gitlab.example.com/group/ci//*'],
          },
          {
            issuer: 'https://api.bitbucket.org/2.0/workspaces/w/pipelines-config/identity/oidc',
            kind: 'bitbucket',
            owners: ['w'],
            repositories: { '{u-1}': ' w/repo ' },
          },
        ],
        plans: [{ repositories: ['group/**', '!group/scratch-*'], allowed: ['Nightly', 'Weekly'], default: 'weekly' }],
        limits,
      }),
      ENV,
    );
    expect(parsed.listen).toEqual({ host: '0.0.0.0', port: 65535 });
    expect(parsed.tls).toEqual({
      cert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
    });
    expect(parsed.algorithms).toEqual(ASYMMETRIC_ALGORITHMS);
    expect(parsed.xopero).toEqual({
      'server-url': 'https://backup.test',
      'ca-certificate': parsed.tls?.cert,
      'allow-http': 'false',
      email: 'ops@example.com',
      password: 'xo-broker-config-pw-2',
    });
    expect(redact('ops@example.com xo-broker-config-pw-2')).toBe('*** ***');
    expect(parsed.issuers[0].jwksUrl?.href).toBe('https://gitlab.example.com/oauth/discovery/keys');
    expect(parsed.issuers[0]).toMatchObject({
      caCertificate: parsed.tls?.cert,
      workflows: ['gitlab.example.com/group/ci//*'],
      repositories: undefined,
    });
    expect(parsed.issuers[1].repositories).toEqual({ '{u-1}': 'w/repo' });
    expect(parsed.plans[0].default).toBe('weekly');
    expect(parsed.limits).toEqual(limits);
  });

  test('listen port 0; allowHttp true; plain HTTP on each loopback spelling', () => {
    expect(parseBrokerConfig(config({ listen: { port: 0 } }), ENV).listen).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseBrokerConfig(config({ xopero: { ...XOPERO, allowHttp: true } }), ENV).xopero['allow-http']).toBe('true');
    for (const host of ['localhost', '::1', '[::1]', '127.0.0.2']) {
      expect(parseBrokerConfig(config({ listen: { host } }), ENV).listen.host).toBe(host);
    }
    expect(parseBrokerConfig(config({ limits: { headersTimeoutMs: 30_000, requestTimeoutMs: 30_000 } }), ENV).limits.headersTimeoutMs).toBe(
      30_000,
    );
  });

  test('isLoopback', () => {
    for (const host of ['localhost', '127.0.0.1', '127.255.255.254', '::1', '[::1]']) expect(isLoopback(host)).toBe(true);
    for (const host of [
      '128.0.0.1',
      '10.127.0.1',
      '0.0.0.0',
      '::2',
      '[::2]',
      'example.com',
      '127.example.com',
      'localhost.example.com',
      'a::1',
      ':[:1]',
      '::]1',
      'local]host',
    ]) {
      expect(isLoopback(host)).toBe(false);
    }
  });
});

describe('each refusal, word for word', () => {
  const KNOWN_TOP = 'listen, tls, allowPlainHttpOnLoopback, audience, algorithms, xopero, issuers, plans, limits';
  test.each<[string, unknown, string]>([
    ['not an object', [], '(top level): expected an object.'],
    ['null', null, '(top level): expected an object.'],
    ['an unknown field', config({ owner: ['acme'] }), `owner: unknown field; the known ones here are ${KNOWN_TOP}.`],
    ['an unknown listen field', config({ listen: { address: 'x' } }), 'listen.address: unknown field; the known ones here are host, port.'],
    ['a port too high', config({ listen: { port: 65536 } }), 'listen.port: expected a whole number from 0 to 65535.'],
    ['a port below 0', config({ listen: { port: -1 } }), 'listen.port: expected a whole number from 0 to 65535.'],
    ['a fractional port', config({ listen: { port: 80.5 } }), 'listen.port: expected a whole number from 0 to 65535.'],
    ['a port as text', config({ listen: { port: '80' } }), 'listen.port: expected a whole number from 0 to 65535.'],
    ['a blank host', config({ listen: { host: '  ' } }), 'listen.host: expected a non-empty string.'],
    ['a host that is a number', config({ listen: { host: 127 } }), 'listen.host: expected a non-empty string.'],
    [
      'no TLS and no plain-HTTP opt-in',
      config({ allowPlainHttpOnLoopback: undefined }),
      'tls: is missing; give certFile and keyFile (or allowPlainHttpOnLoopback: true behind a reverse proxy on this host).',
    ],
    [
      'plain HTTP on a public address',
      config({ listen: { host: '0.0.0.0' } }),
      "allowPlainHttpOnLoopback: plain HTTP is allowed only on a loopback address, but listen.host is '0.0.0.0'; listen on 127.0.0.1 or ::1, or give tls.",
    ],
    [
      'plain HTTP and TLS',
      config({ tls: { certFile: CERT, keyFile: KEY } }),
      'allowPlainHttpOnLoopback: is true but tls is given too; drop one of them.',
    ],
    ['the opt-in as text', config({ allowPlainHttpOnLoopback: 'yes' }), 'allowPlainHttpOnLoopback: expected true or false.'],
    ['TLS that is a list', config({ allowPlainHttpOnLoopback: false, tls: [CERT, KEY] }), 'tls: expected an object.'],
    [
      'TLS without a key',
      config({ allowPlainHttpOnLoopback: undefined, tls: { certFile: CERT } }),
      'tls.keyFile: expected a non-empty string.',
    ],
    [
      'a certificate file missing',
      config({ allowPlainHttpOnLoopback: undefined, tls: { certFile: MISSING, keyFile: KEY } }),
      `tls.certFile: cannot read '${MISSING}' (ENOENT).`,
    ],
    [
      'a key file without PEM',
      config({ allowPlainHttpOnLoopback: undefined, tls: { certFile: CERT, keyFile: NOT_PEM } }),
      `tls.keyFile: '${NOT_PEM}' holds no PEM block.`,
    ],
    [
      'HS256 allowed',
      config({ algorithms: ['RS256', 'HS256'] }),
      `algorithms[1]: 'HS256' is not allowed; use asymmetric ones only (${ASYMMETRIC_ALGORITHMS.join(', ')}): never none or HS*.`,
    ],
    ['algorithms not a list', config({ algorithms: 'RS256' }), 'algorithms: expected a list.'],
    ['an empty algorithm', config({ algorithms: ['RS256', ''] }), 'algorithms[1]: expected a non-empty string.'],
    ['no audience', config({ audience: undefined }), 'audience: expected a non-empty string.'],
    ['no issuers', config({ issuers: [] }), 'issuers: is empty; name at least one issuer whose tokens the broker accepts.'],
    ['issuers not a list', config({ issuers: ISSUER }), 'issuers: expected a list.'],
    ['an issuer that is text', config({ issuers: ['https://x.test'] }), 'issuers[0]: expected an object.'],
    [
      'one issuer twice (only the first entry would apply)',
      config({ issuers: [ISSUER, { ...ISSUER, owners: ['globex'] }] }),
      `issuers[1].issuer: repeats issuers[0].issuer (${ISSUER.issuer}); give each issuer one entry.`,
    ],
    [
      // GitHub's acme and a GitLab group acme: Xopero ONE may hold an organization of that name for each.
      'an owner name two issuers list, not pinned to an organization by both',
      config({
        issuers: [
          { ...ISSUER, owners: ['acme'] },
          { issuer: 'https://gitlab.test', kind: 'gitlab', owners: ['acme/team'], organizations: { acme: ORG_A } },
        ],
      }),
      "issuers[0].organizations: 'acme' is an owner of issuers[0] and issuers[1]: Xopero ONE may hold an organization of that name for each Git service, and by name both would act on the same one. Pin 'acme' to its Xopero ONE organization id in the organizations of both.",
    ],
    [
      'two owner names two issuers list, only the first pinned by both',
      config({
        issuers: [
          { ...ISSUER, owners: ['acme', 'beta'], organizations: { acme: ORG_A } },
          { issuer: 'https://gitlab.test', kind: 'gitlab', owners: ['acme', 'beta'], organizations: { acme: ORG_B } },
        ],
      }),
      "issuers[0].organizations: 'beta' is an owner of issuers[0] and issuers[1]: Xopero ONE may hold an organization of that name for each Git service, and by name both would act on the same one. Pin 'beta' to its Xopero ONE organization id in the organizations of both.",
    ],
    [
      "an owner named like an object's own property, listed by two issuers, pinned by neither",
      config({
        issuers: [
          { ...ISSUER, owners: ['constructor'], organizations: {} },
          { issuer: 'https://gitlab.test', kind: 'gitlab', owners: ['constructor'], organizations: {} },
        ],
      }),
      "issuers[0].organizations: 'constructor' is an owner of issuers[0] and issuers[1]: Xopero ONE may hold an organization of that name for each Git service, and by name both would act on the same one. Pin 'constructor' to its Xopero ONE organization id in the organizations of both.",
    ],
    [
      'an organization pin for an owner not listed',
      config({ issuers: [{ ...ISSUER, owners: ['acme'], organizations: { globex: ORG_A } }] }),
      'issuers[0].organizations.globex: is not the first part of an owner in owners; pin only those.',
    ],
    [
      'one owner pinned twice, spelled two ways',
      config({ issuers: [{ ...ISSUER, owners: ['acme'], organizations: { acme: ORG_A, ACME: ORG_B } }] }),
      'issuers[0].organizations.ACME: is given twice; give each owner one organization.',
    ],
    [
      'an organization pin with more before the GUID',
      config({ issuers: [{ ...ISSUER, owners: ['acme'], organizations: { acme: `x${ORG_A}` } }] }),
      `issuers[0].organizations.acme: expected the Xopero ONE organization's id (a GUID, as /git/organizations/getmany lists it), got 'x${ORG_A}'.`,
    ],
    [
      'an organization pin with more after the GUID',
      config({ issuers: [{ ...ISSUER, owners: ['acme'], organizations: { acme: `${ORG_A}0` } }] }),
      `issuers[0].organizations.acme: expected the Xopero ONE organization's id (a GUID, as /git/organizations/getmany lists it), got '${ORG_A}0'.`,
    ],
    [
      'an organization pin that is not a Xopero ONE id',
      config({ issuers: [{ ...ISSUER, owners: ['acme'], organizations: { acme: 'acme' } }] }),
      "issuers[0].organizations.acme: expected the Xopero ONE organization's id (a GUID, as /git/organizations/getmany lists it), got 'acme'.",
    ],
    [
      'an unknown issuer field',
      config({ issuers: [ISSUER, { ...ISSUER, owner: 'acme' }] }),
      'issuers[1].owner: unknown field; the known ones here are issuer, kind, jwksUrl, caCertificateFile, owners, ownerIds, workflows, repositories, organizations.',
    ],
    [
      'an issuer that is no URL',
      config({ issuers: [{ ...ISSUER, issuer: 'token issuer' }] }),
      "issuers[0].issuer: 'token issuer' is not a URL.",
    ],
    [
      'an issuer over http',
      config({ issuers: [{ ...ISSUER, issuer: 'http://gitlab.test' }] }),
      "issuers[0].issuer: 'http://gitlab.test' is not https://; keys and tokens are trusted only over TLS.",
    ],
    [
      'keys over http',
      config({ issuers: [{ ...ISSUER, jwksUrl: 'http://keys.test/jwks' }] }),
      "issuers[0].jwksUrl: 'http://keys.test/jwks' is not https://; keys and tokens are trusted only over TLS.",
    ],
    [
      'an issuer CA missing',
      config({ issuers: [{ ...ISSUER, caCertificateFile: MISSING }] }),
      `issuers[0].caCertificateFile: cannot read '${MISSING}' (ENOENT).`,
    ],
    [
      'a kind not known',
      config({ issuers: [{ ...ISSUER, kind: 'gitea' }] }),
      "issuers[0].kind: expected github, gitlab or bitbucket, got 'gitea'.",
    ],
    [
      'no owners',
      config({ issuers: [{ ...ISSUER, owners: [] }] }),
      'issuers[0].owners: is empty; name the owners (organizations, groups, workspaces) allowed to use the broker.',
    ],
    [
      'an owner that is blank',
      config({ issuers: [{ ...ISSUER, owners: ['acme', ' '] }] }),
      'issuers[0].owners[1]: expected a non-empty string.',
    ],
    ['workflows not a list', config({ issuers: [{ ...ISSUER, workflows: 'x' }] }), 'issuers[0].workflows: expected a list.'],
    [
      'Bitbucket without its repository map',
      config({ issuers: [{ ...ISSUER, kind: 'bitbucket' }] }),
      "issuers[0].repositories: is required for Bitbucket: its tokens name the repository by repositoryUuid only; map each '{uuid}' to workspace/repo-slug.",
    ],
    [
      'a repository map for GitLab',
      config({ issuers: [{ ...ISSUER, kind: 'gitlab', repositories: { '{u}': 'w/r' } }] }),
      'issuers[0].repositories: is for Bitbucket only: gitlab tokens name the repository themselves.',
    ],
    [
      'owner ids for Bitbucket',
      config({ issuers: [{ ...ISSUER, kind: 'bitbucket', repositories: { '{u}': 'acme/r' }, ownerIds: { acme: '1' } }] }),
      "issuers[0].ownerIds: is for GitHub and GitLab: Bitbucket's repository map already names each repository by its UUID.",
    ],
    [
      'an owner id for an owner not listed',
      config({ issuers: [{ ...ISSUER, ownerIds: { globex: '2002' } }] }),
      'issuers[0].ownerIds.globex: is not in owners; pin only an owner listed there.',
    ],
    [
      'an owner id that is not digits',
      config({ issuers: [{ ...ISSUER, ownerIds: { acme: 'O_kgDOB' } }] }),
      "issuers[0].ownerIds.acme: expected the owner's numeric id (GitHub: repository_owner_id; GitLab: namespace_id), got 'O_kgDOB'.",
    ],
    [
      'an owner id with letters after the digits',
      config({ issuers: [{ ...ISSUER, ownerIds: { acme: '1001x' } }] }),
      "issuers[0].ownerIds.acme: expected the owner's numeric id (GitHub: repository_owner_id; GitLab: namespace_id), got '1001x'.",
    ],
    [
      'an owner id with letters before the digits',
      config({ issuers: [{ ...ISSUER, ownerIds: { acme: 'x1001' } }] }),
      "issuers[0].ownerIds.acme: expected the owner's numeric id (GitHub: repository_owner_id; GitLab: namespace_id), got 'x1001'.",
    ],
    ['owner ids as a list', config({ issuers: [{ ...ISSUER, ownerIds: ['1001'] }] }), 'issuers[0].ownerIds: expected an object.'],
    [
      'one owner pinned twice, spelled two ways',
      config({ issuers: [{ ...ISSUER, ownerIds: { acme: '1001', 'ACME/': '1001' } }] }),
      'issuers[0].ownerIds.ACME/: repeats issuers[0].ownerIds.acme; give each owner one id.',
    ],
    [
      'a listed subgroup of a pinned group, not pinned itself',
      config({ issuers: [{ ...ISSUER, kind: 'gitlab', owners: ['acme', 'acme/team'], ownerIds: { acme: '1001' } }] }),
      "issuers[0].ownerIds: 'acme/team' in owners lies under the pinned 'acme'; pin it too (its own id) or take it out of owners.",
    ],
    [
      'an owner id that is a number',
      config({ issuers: [{ ...ISSUER, ownerIds: { acme: 1001 } }] }),
      'issuers[0].ownerIds.acme: expected a non-empty string.',
    ],
    [
      'a repository map that is a list',
      config({ issuers: [{ ...ISSUER, kind: 'bitbucket', repositories: ['w/r'] }] }),
      'issuers[0].repositories: expected an object.',
    ],
    [
      'a repository map that is null',
      config({ issuers: [{ ...ISSUER, kind: 'bitbucket', repositories: null }] }),
      'issuers[0].repositories: expected an object.',
    ],
    [
      'a repository map that is text',
      config({ issuers: [{ ...ISSUER, kind: 'bitbucket', repositories: 'w/r' }] }),
      'issuers[0].repositories: expected an object.',
    ],
    [
      'a mapped repository blank',
      config({ issuers: [{ ...ISSUER, kind: 'bitbucket', repositories: { '{u}': '' } }] }),
      'issuers[0].repositories.{u}: expected a non-empty string.',
    ],
    ['no plans', config({ plans: [] }), 'plans: is empty; give at least one rule (repositories, allowed, default).'],
    [
      'a rule for no repositories',
      config({ plans: [PLAN, { ...PLAN, repositories: [] }] }),
      'plans[1].repositories: is empty; give the repository patterns this rule is for (e.g. "acme/*").',
    ],
    [
      'a default plan not allowed',
      config({ plans: [{ ...PLAN, allowed: ['Weekly'] }] }),
      "plans[0].default: 'Nightly' is not in allowed; add it there or choose one of them.",
    ],
    ['no default plan', config({ plans: [{ ...PLAN, default: undefined }] }), 'plans[0].default: expected a non-empty string.'],
    [
      'a pattern that names an owner, not its repositories',
      config({ plans: [{ ...PLAN, repositories: ['acme/*', 'globex'] }] }),
      "plans[0].repositories[1]: 'globex' matches no repository: patterns match the whole path (owner/name); write 'globex/*' for all of globex's repositories, or '**' for every one.",
    ],
    [
      'an exclusion that names an owner',
      config({ plans: [{ ...PLAN, repositories: ['**', '!acme'] }] }),
      "plans[0].repositories[1]: '!acme' matches no repository: patterns match the whole path (owner/name); write '!acme/*' for all of acme's repositories, or '**' for every one.",
    ],
    [
      'a lone * (one path segment: no repository)',
      config({ plans: [{ ...PLAN, repositories: ['*'] }] }),
      "plans[0].repositories[0]: '*' matches no repository: patterns match the whole path (owner/name); write '*/*' for every owner's repositories, or '**' for every one.",
    ],
    [
      'an issuer written with a trailing slash',
      config({ issuers: [{ ...ISSUER, issuer: 'https://token.actions.githubusercontent.com/' }] }),
      "issuers[0].issuer: ends with '/', which no github token's iss does: every token would be refused as token_issuer; write it without the slash.",
    ],
    ['limits not an object', config({ limits: 5 }), 'limits: expected an object.'],
    [
      'an unknown limit',
      config({ limits: { maxBody: 1 } }),
      'limits.maxBody: unknown field; the known ones here are maxBodyBytes, headersTimeoutMs, requestTimeoutMs, maxConcurrent, maxQueued, perRepository, maxTokenLifetimeSeconds, waitTimeoutSeconds.',
    ],
    [
      'a limit out of range',
      config({ limits: { maxBodyBytes: 16385 } }),
      'limits.maxBodyBytes: expected a whole number from 256 to 16384.',
    ],
    ['a limit below range', config({ limits: { maxBodyBytes: 255 } }), 'limits.maxBodyBytes: expected a whole number from 256 to 16384.'],
    [
      'headers timeout',
      config({ limits: { headersTimeoutMs: 120_001 } }),
      'limits.headersTimeoutMs: expected a whole number from 1000 to 120000.',
    ],
    [
      'request timeout',
      config({ limits: { requestTimeoutMs: 999 } }),
      'limits.requestTimeoutMs: expected a whole number from 1000 to 3600000.',
    ],
    ['concurrency', config({ limits: { maxConcurrent: 0 } }), 'limits.maxConcurrent: expected a whole number from 1 to 10000.'],
    ['queue', config({ limits: { maxQueued: -1 } }), 'limits.maxQueued: expected a whole number from 0 to 1000000.'],
    [
      'token lifetime',
      config({ limits: { maxTokenLifetimeSeconds: 59 } }),
      'limits.maxTokenLifetimeSeconds: expected a whole number from 60 to 86400.',
    ],
    [
      'wait timeout',
      config({ limits: { waitTimeoutSeconds: 21_601 } }),
      'limits.waitTimeoutSeconds: expected a whole number from 1 to 21600.',
    ],
    [
      'per repository requests',
      config({ limits: { perRepository: { requests: 0 } } }),
      'limits.perRepository.requests: expected a whole number from 1 to 1000000.',
    ],
    [
      'per repository window',
      config({ limits: { perRepository: { windowSeconds: 86_401 } } }),
      'limits.perRepository.windowSeconds: expected a whole number from 1 to 86400.',
    ],
    [
      'per repository unknown',
      config({ limits: { perRepository: { burst: 1 } } }),
      'limits.perRepository.burst: unknown field; the known ones here are requests, windowSeconds.',
    ],
    [
      'headers timeout above the request timeout',
      config({ limits: { headersTimeoutMs: 30_001, requestTimeoutMs: 30_000 } }),
      'limits.headersTimeoutMs: must not exceed limits.requestTimeoutMs (30000).',
    ],
    ['no xopero', config({ xopero: undefined }), 'xopero: expected an object.'],
    ['no server', config({ xopero: { accessTokenVariable: 'XOPERO_ACCESS_TOKEN' } }), 'xopero.serverUrl: expected a non-empty string.'],
    [
      'a Xopero CA missing',
      config({ xopero: { ...XOPERO, caCertificateFile: MISSING } }),
      `xopero.caCertificateFile: cannot read '${MISSING}' (ENOENT).`,
    ],
    ['allowHttp as text', config({ xopero: { ...XOPERO, allowHttp: 'true' } }), 'xopero.allowHttp: expected true or false.'],
    [
      'no credential named',
      config({ xopero: { serverUrl: 'https://backup.test' } }),
      'xopero: names no credential; give accessTokenVariable (e.g. "XOPERO_ACCESS_TOKEN"), or emailVariable and passwordVariable.',
    ],
    [
      'a token and an email variable',
      config({ xopero: { ...XOPERO, emailVariable: 'XO_EMAIL' } }),
      'xopero.accessTokenVariable: is given with emailVariable/passwordVariable; give either the token variable or both of the others.',
    ],
    [
      'a token and a password variable',
      config({ xopero: { ...XOPERO, passwordVariable: 'XO_PASSWORD' } }),
      'xopero.accessTokenVariable: is given with emailVariable/passwordVariable; give either the token variable or both of the others.',
    ],
    [
      'a password variable alone',
      config({ xopero: { serverUrl: 'https://backup.test', passwordVariable: 'XO_PASSWORD' } }),
      'xopero.emailVariable: expected a non-empty string.',
    ],
    [
      'an email variable alone',
      config({ xopero: { serverUrl: 'https://backup.test', emailVariable: 'XO_EMAIL' } }),
      'xopero.passwordVariable: expected a non-empty string.',
    ],
  ])('%s', (_name, value, expected) => {
    expect(problem(value)).toBe(expected);
  });

  test('a credential variable not set, or blank, names the variable and never a value', () => {
    const expected =
      "xopero.accessTokenVariable: names the variable XOPERO_ACCESS_TOKEN, which is not set or empty; set it in the broker's environment.";
    expect(problem(config(), {})).toBe(expected);
    expect(problem(config(), { XOPERO_ACCESS_TOKEN: '  ' })).toBe(expected);
  });
});

describe('the file', () => {
  test('read and checked; a refusal names the file; unreadable and not JSON in one line each', () => {
    const good = file('good.json', JSON.stringify(config()));
    expect(loadBrokerConfig(good, ENV).audience).toBe('https://broker.test');
    const bad = file('bad.json', JSON.stringify(config({ issuers: [] })));
    expect(() => loadBrokerConfig(bad, ENV)).toThrow(
      new BrokerConfigError(`Broker config '${bad}': issuers: is empty; name at least one issuer whose tokens the broker accepts.`),
    );
    expect(() => loadBrokerConfig(MISSING, ENV)).toThrow(
      new BrokerConfigError(`Cannot read the broker config '${MISSING}' (ENOENT): give a readable JSON file with --config.`),
    );
    const broken = file('broken.json', '{ "audience": ');
    let message = '';
    try {
      loadBrokerConfig(broken, ENV);
    } catch (error) {
      expect(error).toBeInstanceOf(BrokerConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^The broker config '${broken}' is not JSON: [^\\n]+\\.$`));
    // The parser's own first line, whole (this Node's wording).
    let parserSaid = '';
    try {
      JSON.parse('{ "audience": ');
    } catch (error) {
      parserSaid = (error as Error).message.split('\n')[0];
    }
    expect(message).toBe(`The broker config '${broken}' is not JSON: ${parserSaid}.`);
  });
});

describe('a value of the wrong type names its field', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['an issuer URL that is a number', config({ issuers: [{ ...ISSUER, issuer: 5 }] }), 'issuers[0].issuer: expected a non-empty string.'],
    ['a kind that is a number', config({ issuers: [{ ...ISSUER, kind: 5 }] }), 'issuers[0].kind: expected a non-empty string.'],
    ['repositories as text', config({ plans: [{ ...PLAN, repositories: 'acme/*' }] }), 'plans[0].repositories: expected a list.'],
    ['allowed plans as text', config({ plans: [{ ...PLAN, allowed: 'Nightly' }] }), 'plans[0].allowed: expected a list.'],
    ['a second plan rule that is text', config({ plans: [PLAN, 'x'] }), 'plans[1]: expected an object.'],
    ['the plan rules as text', config({ plans: 'Nightly' }), 'plans: expected a list.'],
  ])('%s', (_, value, expected) => {
    expect(problem(value)).toBe(expected);
  });
});
