/**
 * Identity tokens in, a verified caller out: which issuer, which repository (from the claims only), which ref
 * and workflow. Every check is jose's (`jwtVerify`, `createRemoteJWKSet`); no JWT is parsed or checked by hand
 * beyond reading the header's `alg` and the payload's `iss` to choose the key set (both are then verified).
 *
 * - algorithms: the configured asymmetric ones; `none` and HS* are refused before any key is looked at, so an
 *   HS256 token "signed" with the issuer's public key never meets that key.
 * - issuer: exactly one of the configured list; its JWKS comes from the configured URL or OIDC discovery.
 * - keys: jose's remote key set caches them (10 min) and refetches on an unknown `kid` at most once per 30 s,
 *   so a flood of tokens with invented key ids costs the issuer one request per 30 s.
 * - aud equal to the configured audience; exp, nbf and iat with 60 s of clock skew; exp - iat at most the
 *   configured lifetime (the replay cache keeps each token that long at most).
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { BrokerConfig, IssuerConfig } from '../../settings/broker-config.js';
import { createTransport, type Transport } from '../../xopero/transport.js';
import { tokenRefusal, Refusal } from './refusal.js';

/** Clock skew accepted on exp, nbf and iat. */
export const CLOCK_SKEW_SECONDS = 60;
/**
 * How long a failed discovery or key fetch is remembered: within it, tokens of that issuer are refused at once
 * (issuer_unreachable) instead of each fetching again, so bad tokens cannot hammer an issuer that is down.
 * jose's own cooldown applies only after a successful fetch.
 */
const FAILED_FETCH_COOLDOWN_MS = 30_000;
const JWKS_TIMEOUT_MS = 5_000;

export interface Caller {
  issuer: string;
  kind: IssuerConfig['kind'];
  subject: string;
  /** The repository's full path (owner/name, group/subgroup/name, workspace/slug). */
  repository: string;
  ref?: string;
  /** GitHub job_workflow_ref, GitLab ci_config_ref_uri. */
  workflow?: string;
  /**
   * The owner the CI names and its numeric id: GitHub repository_owner and repository_owner_id, GitLab
   * namespace_path and namespace_id (the project's own group); none for Bitbucket. Compared with `ownerIds`.
   */
  owner?: { path: string; id?: string };
  /**
   * Replay key: issuer and jti; for a token without jti, a hash of its signed part (header and payload). Not of
   * the whole token: a signature can be written several ways that all verify (base64url's spare bits, ECDSA's
   * (r, n - s)), and each would be a new key.
   */
  replayKey: string;
  /** Epoch ms when the token expires: how long its replay entry must be kept. */
  expiresAtMs: number;
}

export class TokenVerifier {
  private readonly keySets = new Map<string, Promise<ReturnType<typeof createRemoteJWKSet>>>();
  /** One transport per issuer and origin, kept until stop(): a new one per discovery attempt would pile up. */
  private readonly transports = new Map<string, Transport>();
  /** Per issuer: when its last discovery or key fetch failed, and why (for the broker's log). */
  private readonly failedFetches = new Map<string, { at: number; cause: string }>();

  constructor(
    private readonly config: Pick<BrokerConfig, 'issuers' | 'audience' | 'algorithms' | 'limits'>,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The verified caller, or a Refusal (401; 502 when the issuer's keys cannot be fetched). */
  async verify(token: string): Promise<{ caller: Caller; issuer: IssuerConfig }> {
    let alg: string | undefined;
    let iss: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
      iss = decodeJwt(token).iss;
    } catch {
      throw tokenRefusal(
        'token_malformed',
        'The identity token is not a JWT: send the CI job\'s OIDC token as "Authorization: Bearer <token>".',
      );
    }
    // Neither the header's alg nor the unverified iss is repeated in the answer: the broker masks its Xopero ONE
    // credential in every answer, so an echoed guess that equals the password would come back masked and tell
    // the guesser so (docs/broker.md, How it works).
    if (!alg || !this.config.algorithms.includes(alg)) {
      throw tokenRefusal(
        'token_algorithm',
        `The identity token is signed with an algorithm the broker does not accept (it accepts ${this.config.algorithms.join(', ')}).`,
      );
    }
    const issuer = this.config.issuers.find((entry) => entry.issuer === iss);
    if (!issuer) {
      throw tokenRefusal(
        'token_issuer',
        "The identity token's issuer is not one the broker trusts: use a token of a CI the broker lists, or ask its operator to add yours.",
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(issuer), {
        issuer: issuer.issuer,
        audience: this.config.audience,
        algorithms: this.config.algorithms,
        clockTolerance: CLOCK_SKEW_SECONDS,
        maxTokenAge: this.config.limits.maxTokenLifetimeSeconds,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (error) {
      throw refusalFor(error, this.config.audience);
    }
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    if (lifetime > this.config.limits.maxTokenLifetimeSeconds) {
      throw tokenRefusal(
        'token_lifetime',
        `The identity token lives ${lifetime} s, more than the broker accepts (${this.config.limits.maxTokenLifetimeSeconds} s): request a shorter-lived token.`,
      );
    }
    const claims = repositoryClaims(payload, issuer);
    const signedPart = token.slice(0, token.lastIndexOf('.'));
    const replayId =
      typeof payload.jti === 'string' && payload.jti
        ? `jti:${payload.jti}`
        : `sha256:${createHash('sha256').update(signedPart).digest('hex')}`;
    return {
      issuer,
      caller: {
        issuer: issuer.issuer,
        kind: issuer.kind,
        subject: String(payload.sub),
        ...claims,
        replayKey: `${issuer.issuer}\n${replayId}`,
        expiresAtMs: (payload.exp ?? 0) * 1000 + CLOCK_SKEW_SECONDS * 1000,
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.transports.values()].map((transport) => transport.destroy()));
  }

  /** The refusal for an issuer whose discovery or key fetch failed less than FAILED_FETCH_COOLDOWN_MS ago. */
  private coolingDown(issuer: IssuerConfig): Refusal | undefined {
    const failed = this.failedFetches.get(issuer.issuer);
    return failed && Date.now() - failed.at < FAILED_FETCH_COOLDOWN_MS ? issuerUnreachable(failed.cause) : undefined;
  }

  /** The issuer's remote key set, made once; a failed discovery is retried after FAILED_FETCH_COOLDOWN_MS. */
  private keySet(issuer: IssuerConfig): Promise<ReturnType<typeof createRemoteJWKSet>> {
    let set = this.keySets.get(issuer.issuer);
    if (!set) {
      // No key set yet: its discovery failed moments ago (refused here, before a transport is made), or is to be made now.
      const cooling = this.coolingDown(issuer);
      if (cooling) return Promise.reject(cooling);
      set = this.jwksUrl(issuer).then((url) =>
        createRemoteJWKSet(url, {
          timeoutDuration: JWKS_TIMEOUT_MS,
          cooldownDuration: 30_000,
          cacheMaxAge: 600_000,
          [customFetch]: this.fetcher(issuer, url),
        }),
      );
      this.keySets.set(issuer.issuer, set);
      set.catch((error: unknown) => {
        this.keySets.delete(issuer.issuer);
        const cause = error instanceof Refusal && error.detail ? error.detail : String(error);
        this.failedFetches.set(issuer.issuer, { at: Date.now(), cause });
      });
    }
    return set;
  }

  private async jwksUrl(issuer: IssuerConfig): Promise<URL> {
    if (issuer.jwksUrl) return issuer.jwksUrl;
    const discovery = new URL(`${issuer.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    // A deadline for the whole answer, as jose sets one for the key set: an issuer that trickles its discovery
    // document must not hold the requests waiting on it for minutes.
    const answer = await this.fetcher(issuer, discovery)(discovery.href, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(JWKS_TIMEOUT_MS),
    });
    // The fetcher refused anything but a 200 with JSON already.
    const document = (await answer.json()) as { jwks_uri?: unknown } | undefined;
    const jwksUri = typeof document?.jwks_uri === 'string' ? document.jwks_uri : undefined;
    if (!jwksUri?.startsWith('https://')) {
      throw issuerUnreachable(
        `the issuer ${issuer.issuer} published no https jwks_uri at ${discovery.href}: set jwksUrl for it in the broker's config`,
      );
    }
    // On the issuer's own origin, as GitHub's, GitLab's and Bitbucket's are: a discovery document that points
    // elsewhere would have the broker fetch (and trust keys from) an address its operator never named.
    const keys = new URL(jwksUri);
    if (keys.origin !== new URL(issuer.issuer).origin) {
      throw issuerUnreachable(
        `the issuer ${issuer.issuer} points its jwks_uri to another origin (${keys.origin}): set jwksUrl for it in the broker's config if that is right`,
      );
    }
    return keys;
  }

  /**
   * GET over the product's transport (TLS verification on, the issuer's CA if configured, HTTPS_PROXY and
   * NO_PROXY honoured), shaped as the fetch jose calls. A GET of public keys is safe to repeat: retries on.
   */
  private fetcher(issuer: IssuerConfig, url: URL) {
    const key = `${issuer.issuer} ${url.origin}`;
    const transport = this.transports.get(key) ?? createTransport({ serverUrl: url, env: this.env, caCertificate: issuer.caCertificate });
    this.transports.set(key, transport);
    return async (href: string, options: { method?: string; headers?: ConstructorParameters<typeof Headers>[0]; signal?: AbortSignal }) => {
      // The key set's own refetches (an unknown kid) come through here.
      const cooling = this.coolingDown(issuer);
      if (cooling) throw cooling;
      const target = new URL(href);
      try {
        const answer = await transport.send({
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: 'GET',
          headers: Object.fromEntries(new Headers(options.headers).entries()),
          signal: options.signal,
          timeoutMs: JWKS_TIMEOUT_MS,
        });
        let json: unknown;
        try {
          json = answer.statusCode === 200 ? JSON.parse(answer.text) : undefined;
        } catch {
          throw new Error(`answered HTTP 200 with something other than JSON`);
        }
        if (answer.statusCode !== 200) throw new Error(`answered HTTP ${answer.statusCode}`);
        this.failedFetches.delete(issuer.issuer);
        return { status: 200, json: async () => json } as unknown as Response;
      } catch (error) {
        const cause = `${href}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        this.failedFetches.set(issuer.issuer, { at: Date.now(), cause });
        throw issuerUnreachable(cause);
      }
    };
  }
}

/** jose's error -> the protocol's code and one line saying what to do. */
function refusalFor(error: unknown, audience: string): Refusal {
  if (error instanceof Refusal) return error;
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'iat'
      ? tokenRefusal('token_lifetime', 'The identity token was issued too long ago: request a fresh one in the job that calls the broker.')
      : tokenRefusal('token_expired', 'The identity token has expired: request a fresh one just before calling the broker.');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud')
      return tokenRefusal(
        'token_audience',
        `The identity token's audience is not this broker's: request it for the audience '${audience}'.`,
      );
    if (error.claim === 'iss') return tokenRefusal('token_issuer', 'The identity token names another issuer than the one that signed it.');
    if (error.claim === 'nbf' || (error.claim === 'iat' && error.reason === 'check_failed')) {
      return tokenRefusal(
        'token_not_yet_valid',
        "The identity token is not valid yet (nbf or iat in the future): check the runner's clock.",
      );
    }
    return tokenRefusal(
      'token_claims',
      `The identity token's '${error.claim}' claim is ${error.reason === 'missing' ? 'missing' : 'invalid'}: use the CI's own OIDC identity token.`,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return tokenRefusal('token_algorithm', 'The identity token is signed with an algorithm the broker does not accept.');
  // A token without a key id, when the issuer publishes several keys of its type: the CI's own tokens name
  // their key, so it is the token's fault, not the issuer's (it was reported as an unreachable issuer).
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return tokenRefusal(
      'token_unknown_key',
      "The identity token's key cannot be told among the issuer's keys (no key id, or several keys with its id): use the CI's own token.",
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return tokenRefusal(
      'token_unknown_key',
      "The identity token's key id is not among the issuer's published keys: use a token the CI issued just now.",
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return tokenRefusal(
      'token_signature',
      "The identity token's signature does not verify: the token was altered or signed by someone else.",
    );
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return tokenRefusal('token_malformed', 'The identity token is not a well-formed signed JWT.');
  }
  // The key set could not be fetched (network, timeout, not JSON): not the caller's fault.
  return issuerUnreachable(error instanceof Error ? error.message.split('\n')[0] : String(error));
}

/**
 * 502: the issuer's keys could not be had. The cause (addresses, proxy, the operator's config) goes to the
 * broker's log only; the caller learns that it is not its fault.
 */
function issuerUnreachable(cause: string | undefined): Refusal {
  return new Refusal(
    502,
    'issuer_unreachable',
    "The broker could not fetch the issuer's signing keys: try again in a minute; if it persists, the broker's operator finds the cause in its log.",
    undefined,
    cause,
  );
}

/** The repository, ref and workflow the token names, by the CI's own claims. */
function repositoryClaims(payload: JWTPayload, issuer: IssuerConfig): Pick<Caller, 'repository' | 'ref' | 'workflow' | 'owner'> {
  const claim = (name: string): string | undefined =>
    typeof payload[name] === 'string' && payload[name] ? (payload[name] as string) : undefined;
  // Ids are strings in both CIs' tokens; a number is taken as its digits.
  const idClaim = (name: string): string | undefined => {
    const value = payload[name];
    return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : claim(name);
  };
  const needed = (name: string): string => {
    const value = claim(name);
    if (!value)
      throw tokenRefusal(
        'token_claims',
        `The identity token has no '${name}' claim, which a ${issuer.kind} token carries: use the CI's own OIDC token.`,
      );
    return value;
  };
  if (issuer.kind === 'github') {
    const repository = needed('repository');
    const owner = needed('repository_owner');
    if (!repository.toLowerCase().startsWith(`${owner.toLowerCase()}/`)) {
      throw tokenRefusal('token_claims', "The identity token's repository is not under its repository_owner.");
    }
    return {
      repository,
      ref: claim('ref'),
      workflow: claim('job_workflow_ref'),
      owner: { path: owner, id: idClaim('repository_owner_id') },
    };
  }
  if (issuer.kind === 'gitlab') {
    const repository = needed('project_path');
    const namespace = needed('namespace_path');
    if (!repository.toLowerCase().startsWith(`${namespace.toLowerCase()}/`)) {
      throw tokenRefusal('token_claims', "The identity token's project_path is not under its namespace_path.");
    }
    return { repository, ref: claim('ref'), workflow: claim('ci_config_ref_uri'), owner: { path: namespace, id: idClaim('namespace_id') } };
  }
  // Bitbucket's token names the repository by UUID only; the config maps it to workspace/slug (no Bitbucket
  // API call, which would need another credential). An unmapped repository is refused, never guessed.
  const uuid = needed('repositoryUuid');
  const normalized = (value: string) => value.replace(/[{}]/g, '').toLowerCase();
  const mapped = Object.entries(issuer.repositories ?? {}).find(([key]) => normalized(key) === normalized(uuid))?.[1];
  if (!mapped) {
    throw new Refusal(
      403,
      'repository_not_mapped',
      `The repository ${uuid} is not in the broker's Bitbucket repository map: ask its operator to add it.`,
    );
  }
  return { repository: mapped, ref: claim('branchName') };
}
