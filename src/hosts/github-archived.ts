/**
 * The archived repositories of a GitHub organization, for `reclaim: archived`, read with @actions/github's
 * octokit from the REST API (`GITHUB_API_URL`, so GitHub Enterprise Server works), every page followed
 * through the `Link` headers.
 *
 * octokit is loaded with a dynamic import() only when this runs: ncc emits it as a separate file, so the
 * normal run's bundle and start-up do not carry it. Requests go through this product's own transport (the
 * same connections, proxy choice, TLS trust and retries as the Xopero ONE calls; no redirect is followed, so
 * the token goes nowhere else) instead of @actions/github's fetch, which would load all of undici.
 */
import type { ArchivedLister } from '../core/reclaim.js';
import { XoperoError } from '../common/errors.js';
import { createTransport, type Transport } from '../xopero/transport.js';
import { getOctokit } from '@actions/github';

export interface GithubApiOptions {
  token: string;
  /** GITHUB_API_URL; https://api.github.com when empty. */
  apiUrl?: string;
  /** Where the proxy variables are read from. */
  env?: Record<string, string | undefined>;
  caCertificate?: string;
}

const PER_PAGE = 100;

export function githubArchivedLister(options: GithubApiOptions): ArchivedLister {
  return async (owner) => {
    const apiUrl = (options.apiUrl || 'https://api.github.com').replace(/\/+$/, '');
    let base: URL;
    try {
      base = new URL(apiUrl);
    } catch {
      throw new XoperoError(
        `GITHUB_API_URL '${apiUrl}' is not a URL: unset it for github.com, or give the API address of GitHub Enterprise Server (https://HOST/api/v3).`,
      );
    }
    // The token goes over TLS only: an http:// GITHUB_API_URL (it is set by the runner, or by a job) is refused.
    if (base.protocol !== 'https:') {
      throw new XoperoError(
        `GITHUB_API_URL '${base.origin}' is not https: the GitHub token would travel unencrypted; give the https address of the API.`,
      );
    }
    const transport = createTransport({ serverUrl: base, env: options.env, caCertificate: options.caCertificate });
    try {
      // This whole module is loaded on demand (archived-lister.ts), so octokit stays out of the main bundle.
      const octokit = getOctokit(options.token, { baseUrl: apiUrl, request: { fetch: transportFetch(transport, base.origin) } });
      const archived = (repos: Array<{ full_name: string; archived?: boolean }>) =>
        repos.filter((repo) => repo.archived === true).map((repo) => repo.full_name);
      try {
        return archived(await octokit.paginate(octokit.rest.repos.listForOrg, { org: owner, type: 'all', per_page: PER_PAGE }));
      } catch (error) {
        // The owner may be a user account, not an organization.
        if ((error as { status?: number }).status !== 404) throw error;
        return archived(await octokit.paginate(octokit.rest.repos.listForUser, { username: owner, type: 'owner', per_page: PER_PAGE }));
      }
    } catch (error) {
      throw githubError(error, owner, apiUrl);
    } finally {
      await transport.destroy();
    }
  };
}

/**
 * The part of fetch octokit uses, over the product's transport. GETs are safe to repeat: the transport retries
 * a lost answer or a 429/502/503/504 as it does every request (retry.ts).
 */
function transportFetch(transport: Transport, origin: string): typeof fetch {
  const fetchLike = async (input: string | URL, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const url = new URL(String(input));
    // octokit follows the Link header's next page wherever it points, with the token: only to the API itself.
    if (url.origin !== origin) {
      throw new NotFollowed(
        `GitHub's answer pointed the next page at ${url.origin}, not at the API (${origin}): not followed, as it would carry the token there; check that GITHUB_API_URL is the API's own address.`,
      );
    }
    const response = await transport.send({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers,
      body: init.body,
      timeoutMs: 30_000,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
    }
    const body = Buffer.from(response.text, 'utf8');
    return {
      status: response.statusCode,
      statusText: String(response.statusCode),
      url: url.href,
      headers,
      body: null,
      text: async () => response.text,
      json: async () => JSON.parse(response.text) as unknown,
      arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength),
    };
  };
  return fetchLike as unknown as typeof fetch;
}

/** A request this lister refuses to make; octokit wraps it (as a fetch failure, HTTP 500) with it as the cause. */
class NotFollowed extends XoperoError {}

/** One line: what GitHub said, and what to change. */
export function githubError(error: unknown, owner: string, apiUrl: string): XoperoError {
  if (error instanceof XoperoError) return error;
  if ((error as { cause?: unknown }).cause instanceof NotFollowed) return (error as { cause: NotFollowed }).cause;
  const err = error as {
    status?: number;
    message?: string;
    response?: { data?: unknown; headers?: Record<string, string | undefined> };
    cause?: { code?: string; cause?: { code?: string } };
  };
  const status = err.status;
  const data = err.response?.data as { message?: string } | undefined;
  const said = data?.message ? `: ${data.message}` : '';
  const headers = err.response?.headers ?? {};
  if (status === 401) {
    return new XoperoError(
      `GitHub rejected github-token (HTTP 401${said}): pass a valid token (the workflow's own token, \${{ github.token }}, is valid only while its run lasts).`,
    );
  }
  if ((status === 403 || status === 429) && (headers['x-ratelimit-remaining'] === '0' || status === 429)) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when = Number.isFinite(reset) && reset > 0 ? ` (it resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC)` : '';
    return new XoperoError(
      `GitHub's API rate limit for github-token is used up${when}: re-run later, or use a GitHub App token, which has its own limit.`,
    );
  }
  if (status === 403) {
    return new XoperoError(
      `github-token may not list the repositories of '${owner}' (HTTP 403${said}): give it read access to all of the organization's repositories (GitHub App or fine-grained token: "Metadata: read" on all repositories; classic token: repo scope), and authorize it for SAML single sign-on if the organization uses it.`,
    );
  }
  if (status === 404) {
    return new XoperoError(
      `GitHub has no organization or user '${owner}' that github-token can see (HTTP 404 at ${apiUrl}): the Xopero ONE organization's name must be the GitHub owner's login; for GitHub Enterprise Server, GITHUB_API_URL must be its API address.`,
    );
  }
  const code = err.cause?.code ?? err.cause?.cause?.code;
  if (status === undefined || (status === 500 && code)) {
    return new XoperoError(
      `Cannot reach the GitHub API at ${apiUrl}${code ? ` (${code})` : ''}: check GITHUB_API_URL and the network (a proxy? HTTPS_PROXY is honoured); nothing was changed.`,
    );
  }
  return new XoperoError(
    `The GitHub API answered HTTP ${status}${said} while listing the repositories of '${owner}': re-run later; nothing was changed.`,
  );
}
