/**
 * Error translation: what the server or the network said, turned into one line that says what went wrong and
 * what to do, with the server's own error code where it gave one. Split off the client so the client reads as
 * the sending of requests.
 */
import { ApiError, XoperoError } from '../common/errors.js';
import { ACTION_WORDS, type HostWords } from '../common/words.js';
import { ENDPOINTS, REQUEST_TIMEOUT_MS, type Endpoint } from './endpoints.js';
import { displayProxy, type ProxyChoice } from './proxy.js';
import {
  ANSWER_TOO_LARGE_CODE,
  FAILURE_CODES,
  MAX_ANSWER_BYTES,
  RETRY,
  RetriesExhaustedError,
  proxyConnectStatus,
  type Answer,
} from './retry.js';

/** The server's own error code and message, from the shapes ASP.NET services use. */
function serverError(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const pick = (...keys: string[]) => {
      for (const [key, value] of Object.entries(body)) {
        if (keys.includes(key.toLowerCase()) && typeof value === 'string' && value) return value;
      }
      return undefined;
    };
    const message = [pick('message', 'detail', 'title', 'error'), fieldErrors(body)].filter(Boolean).join(' ');
    return { code: pick('errorcode', 'code'), message: message || undefined };
  } catch {
    return {};
  }
}

/**
 * ASP.NET's validation answer (ValidationProblemDetails) names what was wrong only in `errors`, field by field
 * (`{"title": "One or more validation errors occurred.", "errors": {"Name": ["The Name field is required."]}}`):
 * the first three, so the line says which field, and stays one line of reasonable length.
 */
function fieldErrors(body: Record<string, unknown>): string | undefined {
  const errors = Object.entries(body).find(([key]) => key.toLowerCase() === 'errors')?.[1];
  if (!errors || typeof errors !== 'object' || Array.isArray(errors)) return undefined;
  const said = Object.entries(errors as Record<string, unknown>)
    .map(([field, messages]) => {
      const first = Array.isArray(messages) ? messages.find((text) => typeof text === 'string' && text) : undefined;
      return typeof first === 'string' ? `${field}: ${first.slice(0, 200)}` : undefined;
    })
    .filter(Boolean);
  if (said.length === 0) return undefined;
  return `(${said.slice(0, 3).join('; ')}${said.length > 3 ? `; and ${said.length - 3} more` : ''})`;
}

/** The server's code and message as a failure line quotes them: `AU1001: Invalid email or password.` */
const serverSaid = (code?: string, message?: string) => [code, message].filter(Boolean).join(': ');

export function httpError(
  status: number,
  headers: Answer['headers'],
  text: string,
  url: URL,
  endpoint: Endpoint,
  words: HostWords = ACTION_WORDS,
): ApiError {
  const serverUrl = words.name('server-url');
  const { code, message } = serverError(text);
  const said = serverSaid(code, message);
  const server = said ? ` (server: ${said})` : '';
  const where = `POST ${endpoint.path}`;
  if (status >= 300 && status < 400) {
    const location = String(headers.location ?? '');
    return new ApiError(
      `${url.origin} answered ${where} with a redirect (HTTP ${status}) to ${location || 'another address'}; set ${serverUrl} to the final address (redirects are not followed, so the token never goes elsewhere).`,
      status,
      endpoint.path,
      code,
      message,
    );
  }
  if (endpoint.path === ENDPOINTS.login.path && (status === 400 || status === 401)) {
    return new ApiError(
      `Xopero ONE authentication failed${server}: check ${words.secrets.credentials}.`,
      status,
      endpoint.path,
      code,
      message,
    );
  }
  if (status === 401) {
    return new ApiError(
      `Xopero ONE rejected the access token${server}: tokens last 30 days; issue a new one or use email and password.`,
      status,
      endpoint.path,
      code,
      message,
    );
  }
  if (status === 403) {
    return new ApiError(
      endpoint.roles
        ? `The Xopero ONE account may not call ${where}${server}: give it the ${endpoint.roles} role, besides System Administrator (see README, Permissions).`
        : `The Xopero ONE account may not call ${where}${server}: the API is open only to accounts with the System Administrator role (see README, Permissions).`,
      status,
      endpoint.path,
      code,
      message,
    );
  }
  // Login is the first call: a 404 there means the wrong service, whatever error code that service adds.
  if (status === 404 && (!code || endpoint.path === ENDPOINTS.login.path)) {
    return new ApiError(
      `${serviceAddress(url, endpoint)} has no ${endpoint.path} (HTTP 404${said ? `, server: ${said}` : ''}): is ${serverUrl} the Xopero ONE Management Service address?`,
      status,
      endpoint.path,
      code,
      message,
    );
  }
  const remedy = status >= 500 ? 're-run later, or check the Management Service log' : 'check the inputs it was given against Xopero ONE';
  return new ApiError(`Xopero ONE answered ${where} with HTTP ${status}${server}: ${remedy}.`, status, endpoint.path, code, message);
}

/** The address the endpoint was asked of, with the base path server-url gave (a missing or extra prefix shows). */
function serviceAddress(url: URL, endpoint: Endpoint): string {
  return url.pathname.endsWith(endpoint.path) ? `${url.origin}${url.pathname.slice(0, -endpoint.path.length)}` : url.origin;
}

/**
 * A 401 for the token a login has just issued: the request was repeated after a new login and refused again.
 * Not an expired token (the advice httpError gives), and not the password (the login succeeded): something
 * keeps the token from the service, as a reverse proxy that drops the Authorization header does.
 */
export function freshTokenRefused(error: ApiError): ApiError {
  const said = serverSaid(error.code, error.serverMessage);
  return new ApiError(
    `Xopero ONE refused the access token its own login had just issued${said ? ` (server: ${said})` : ''}: something in front of the Management Service (a reverse proxy) may drop the Authorization header; check it, and the Management Service log.`,
    error.status,
    error.path,
    error.code,
    error.serverMessage,
  );
}

export function transportError(
  error: unknown,
  url: URL,
  endpoint: Endpoint,
  proxy: ProxyChoice = {},
  caPinned = false,
  words: HostWords = ACTION_WORDS,
): XoperoError {
  const serverUrl = words.name('server-url');
  const caCertificate = words.name('ca-certificate');
  const err = error as Error & { code?: string; statusCode?: number; cause?: { code?: string; message?: string } };
  if (proxy.url) {
    const failure = proxyFailure(err, url, proxy.url, proxy.source ?? 'HTTPS_PROXY');
    if (failure) return new XoperoError(failure);
  }
  if (err instanceof RetriesExhaustedError) {
    return new ApiError(
      err.statusCode === 429
        ? `Xopero ONE answered POST ${endpoint.path} with HTTP 429 (too many requests) on every one of ${1 + RETRY.maxRetries} attempts: the server (or a proxy in front of it) limits this runner's requests; run fewer at once (fewer shards or parallel jobs), or try again later.`
        : `Xopero ONE answered POST ${endpoint.path} with HTTP ${err.statusCode} on every one of ${1 + RETRY.maxRetries} attempts: the server (or a proxy in front of it) is unavailable; try again later.`,
      err.statusCode,
      endpoint.path,
    );
  }
  const code = err.code ?? err.cause?.code;
  const host = url.host;
  // Connected, then nothing (or the answer stalled): not "cannot reach". Retried as every timeout is (retry.ts),
  // so by now every attempt waited the whole timeout.
  if (code === FAILURE_CODES.headersTimeout && endpoint.mutating) {
    // Sent once only (retry.ts, CHANGING_CALL_RETRY): whether it was done is not known yet.
    return new XoperoError(
      `${host} accepted the connection but did not answer POST ${endpoint.path} within ${REQUEST_TIMEOUT_MS / 1000} s; it was not sent again, as the server may still be carrying it out: check ${serverUrl} and the service, then re-run in a few minutes (a repeat is safe once the first has finished).`,
    );
  }
  if (code === FAILURE_CODES.headersTimeout || code === FAILURE_CODES.bodyTimeout) {
    const what = code === FAILURE_CODES.headersTimeout ? 'did not answer' : 'stopped in the middle of its answer to';
    return new XoperoError(
      `${host} accepted the connection but ${what} POST ${endpoint.path} within ${REQUEST_TIMEOUT_MS / 1000} s, on every one of ${1 + RETRY.maxRetries} attempts: the Management Service is overloaded or hung, or something in front of it (a proxy, a firewall) holds the connection; check ${serverUrl} and the service, then re-run.`,
    );
  }
  if (code === ANSWER_TOO_LARGE_CODE) {
    return new XoperoError(
      `${host} answered POST ${endpoint.path} with more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB, which no answer of this API holds: check that ${serverUrl} is the Management Service (not a file server or a proxy's page).`,
    );
  }
  const reason = (() => {
    switch (code) {
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `cannot resolve ${url.hostname}: check ${serverUrl}`;
      case 'ECONNREFUSED':
        return `${host} refused the connection: check ${serverUrl} and that the Management Service is running`;
      case 'UND_ERR_CONNECT_TIMEOUT':
      case 'ETIMEDOUT':
        return `connecting to ${host} timed out: check ${serverUrl} and the network (a proxy? see README)`;
      case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      case 'SELF_SIGNED_CERT_IN_CHAIN':
      case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
        // With ca-certificate, only the CAs it holds are trusted (trust.ts): NODE_EXTRA_CA_CERTS cannot help.
        return caPinned
          ? `the TLS certificate of ${host} is not signed by the CA given as ${caCertificate} (${code}): give the CA that issued the server's certificate (only the CAs in ${caCertificate} are trusted when it is set)`
          : `the TLS certificate of ${host} is not trusted (${code}): give its CA as ${caCertificate} (PEM) or in NODE_EXTRA_CA_CERTS`;
      case 'ERR_TLS_CERT_ALTNAME_INVALID':
        return `the TLS certificate of ${host} does not name that host: use the host name the certificate was issued for in ${serverUrl}`;
      case 'ERR_SSL_WRONG_VERSION_NUMBER':
      case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      case 'ERR_SSL_HTTP_REQUEST':
        return `${host} answered in plain HTTP to an https:// address: use the address its TLS listener serves (often another port), or http:// with ${words.set('allow-http', 'true')} (the credentials then travel unencrypted)`;
      case 'CERT_HAS_EXPIRED':
        return `the TLS certificate of ${host} has expired: renew it on the server`;
      default:
        return `the connection to ${host} failed on POST ${endpoint.path} (${code ?? err.message}): ${
          // A TLS listener resets a plain HTTP request: the likeliest cause of this with an http:// address.
          url.protocol === 'http:' && code === 'ECONNRESET'
            ? `if ${host} serves TLS, use https:// in ${serverUrl}; otherwise re-run, and if it persists, check the network between this runner and the server`
            : `re-run; if it persists, check ${serverUrl} and the network between this runner and the server`
        }`;
    }
  })();
  return new XoperoError(`Cannot reach Xopero ONE: ${reason}.`);
}

/** A failure of the proxy itself, told apart from the server's: the user fixes a different thing. */
function proxyFailure(
  err: Error & { code?: string; cause?: { code?: string } },
  url: URL,
  proxy: URL,
  variable: string, // the one the proxy came from (proxy.ts's choice): what the user fixes
): string | undefined {
  const shown = displayProxy(proxy);
  const status = proxyConnectStatus(err);
  if (status === 407) {
    // Credentials already in the URL were wrong (or mangled by an unencoded character): saying "add them" would mislead.
    return proxy.username
      ? `The proxy ${shown} refused the user and password in ${variable} (HTTP 407): check them (an @, : or / in either must be percent-encoded in the URL).`
      : `The proxy ${shown} requires authentication (HTTP 407): put user:password in ${variable}, e.g. http://user:password@${proxy.host}.`;
  }
  if (status !== undefined) {
    const attempts = RETRY.statusCodes.includes(status) ? ` on every one of ${1 + RETRY.maxRetries} attempts` : '';
    const cause = status === 403 ? 'it refuses the tunnel to that host' : 'it cannot reach the Xopero ONE server';
    return `The proxy ${shown} answered HTTP ${status} to CONNECT ${url.host}${attempts}: ${cause}; check the proxy's rules, or exclude ${url.hostname} with NO_PROXY.`;
  }
  const code = err.code ?? err.cause?.code;
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT'].includes(code)) {
    return `Cannot reach proxy ${proxy.host} (${code}): check ${variable}, or exclude ${url.hostname} with NO_PROXY.`;
  }
  return undefined;
}
