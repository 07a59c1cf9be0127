/**
 * A fake OIDC identity issuer for the broker's tests: an HTTPS server on loopback (its certificate from the
 * simulator's test CA) serving OIDC discovery and a JWKS, and tokens signed with jose the way GitHub Actions,
 * GitLab and Bitbucket sign theirs (RS256, a `kid` in the header). It counts the requests for its keys, so a
 * test can show that a flood of bad tokens does not turn into a flood of key fetches.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload, type CryptoKey } from 'jose';
import { ensureCertificates } from './simulator/index.js';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Record<string, unknown>;
}

export async function newSigningKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export class FakeIssuer {
  /** Paths of the requests it received, in order. */
  readonly requests: string[] = [];
  /** Keys its key set publishes besides its own (a CI that rotates keys publishes two or more). */
  readonly otherKeys: SigningKey[] = [];
  /** Where its discovery document says its keys are; default its own /.well-known/jwks. */
  jwksUri?: string;
  private server?: https.Server;
  private baseUrl?: string;

  private constructor(readonly key: SigningKey) {}

  static async start(): Promise<FakeIssuer> {
    const issuer = new FakeIssuer(await newSigningKey());
    const { key, cert } = await ensureCertificates();
    const server = https.createServer({ key, cert }, (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      issuer.requests.push(path);
      const body =
        path === '/.well-known/openid-configuration'
          ? { issuer: issuer.url, jwks_uri: issuer.jwksUri ?? `${issuer.url}/.well-known/jwks` }
          : path === '/.well-known/jwks'
            ? { keys: [issuer.key, ...issuer.otherKeys].map((key) => key.publicJwk) }
            : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer.server = server;
    issuer.baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return issuer;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('issuer not started');
    return this.baseUrl;
  }

  /** Requests for its keys (discovery and JWKS). */
  get keyFetches(): number {
    return this.requests.filter((path) => path === '/.well-known/jwks').length;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /**
   * A signed token: `claims` over iss (this issuer), iat now, exp in 5 minutes, a fresh jti; `key` signs it
   * (default: the published key) and names its kid in the header.
   */
  async token(claims: JWTPayload, key: SigningKey = this.key, header: { kid: boolean } = { kid: true }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.url, iat: now, exp: now + 300, jti: randomUUID(), ...claims })
      .setProtectedHeader(header.kid ? { alg: 'RS256', kid: key.kid, typ: 'JWT' } : { alg: 'RS256', typ: 'JWT' })
      .sign(key.privateKey);
  }
}

/** The numeric ids the test CI gives its owners (GitHub repository_owner_id, GitLab namespace_id). */
export const TEST_OWNER_IDS: Record<string, string> = { acme: '1001', globex: '2002', 'acme/team': '1003' };
const ownerId = (owner: string) => TEST_OWNER_IDS[owner.toLowerCase()] ?? '9999';

/** The claims of a GitHub Actions job token for `repository` (owner/name). */
export function githubClaims(repository: string, audience: string, extra: JWTPayload = {}): JWTPayload {
  const owner = repository.split('/')[0] ?? '';
  return {
    aud: audience,
    sub: `repo:${repository}:ref:refs/heads/main`,
    repository,
    repository_owner: owner,
    repository_owner_id: ownerId(owner),
    ref: 'refs/heads/main',
    job_workflow_ref: `${repository}/.github/workflows/backup.yml@refs/heads/main`,
    ...extra,
  };
}

/** The claims of a GitLab CI job token (id_tokens) for the project `path` (group/name). */
export function gitlabClaims(path: string, audience: string, extra: JWTPayload = {}): JWTPayload {
  const namespace = path.split('/').slice(0, -1).join('/');
  return {
    aud: audience,
    sub: `project_path:${path}:ref_type:branch:ref:main`,
    project_path: path,
    namespace_path: namespace,
    namespace_id: ownerId(namespace),
    ref: 'main',
    ref_type: 'branch',
    ...extra,
  };
}
