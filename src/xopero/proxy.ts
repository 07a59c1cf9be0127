/**
 * Which forward proxy, if any, carries the run's requests: the decision curl and the GitHub runner make from
 * HTTPS_PROXY / HTTP_PROXY and NO_PROXY (lowercase names win). undici's ProxyAgent then does the proxying
 * (CONNECT tunnel, Proxy-Authorization, TLS to the server inside the tunnel). The decision is made here rather
 * than by undici's EnvHttpProxyAgent because that one matches `example.com` in NO_PROXY only exactly, where
 * curl and the runner also match its subdomains; and because the log must say which proxy is used.
 */
import { BlockList, isIP } from 'node:net';
import { XoperoError } from '../common/errors.js';
import { addSecret } from '../common/redact.js';

export interface ProxyChoice {
  /** The proxy to go through; undefined: connect directly. */
  url?: URL;
  /** The variable it came from, e.g. HTTPS_PROXY. */
  source?: string;
  /** The NO_PROXY entry that excludes the server, when one does. */
  excludedBy?: string;
}

type Env = Record<string, string | undefined>;

const first = (env: Env, names: string[]): [string, string] | undefined => {
  for (const name of names) if (env[name]) return [name, env[name] as string];
  return undefined;
};

export function chooseProxy(target: URL, env: Env): ProxyChoice {
  const found = target.protocol === 'https:' ? first(env, ['https_proxy', 'HTTPS_PROXY']) : first(env, ['http_proxy', 'HTTP_PROXY']);
  if (!found) return {};
  const [source, value] = found;
  const url = parseProxyUrl(value, source);
  const excludedBy = noProxyMatch(target, first(env, ['no_proxy', 'NO_PROXY'])?.[1] ?? '');
  if (excludedBy) return { source, excludedBy };
  return { url, source };
}

function parseProxyUrl(value: string, source: string): URL {
  // curl accepts a bare host:port and takes it as http://.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new XoperoError(`${source} is not a proxy URL; expected e.g. http://proxy.example.com:3128.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new XoperoError(`${source} uses ${url.protocol}, which is not supported; use an http:// or https:// proxy.`);
  }
  addSecret(url.password);
  // An '@' after the host is a password's '@' or '/' left unencoded (http://u:p/x@proxy): the URL would
  // name the wrong host, and a log line would show part of the password as that host. A proxy URL has no path.
  if (/@/.test(`${url.pathname}${url.search}${url.hash}`)) {
    throw new XoperoError(
      `${source} has an '@' after its host: write an @ in the user name or password as %40 and a / as %2F (a proxy URL has no path).`,
    );
  }
  try {
    addSecret(decodeURIComponent(url.password));
    decodeURIComponent(url.username);
  } catch {
    throw new XoperoError(
      `${source} has credentials that are not percent-encoded: write a % in the user name or password as %25 (and @ as %40, : as %3A).`,
    );
  }
  return url;
}

/**
 * The NO_PROXY entry that matches the target, curl's way: `*`, host, `.suffix` or `suffix`, `host:port`, IP, and
 * (curl 7.86 and later) an address range `10.0.0.0/8` or `fd00::/8` for a target given as an address. A trailing
 * dot (`example.com.`, the fully qualified form) is the same name. An entry that fits none of these matches
 * nothing, as in curl.
 */
export function noProxyMatch(target: URL, noProxy: string): string | undefined {
  const hostname = target.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  for (const entry of noProxy.split(/[,\s]+/).filter(Boolean)) {
    if (entry === '*') return entry;
    if (entry.includes('/')) {
      if (isIP(hostname) && inRange(hostname, entry)) return entry;
      continue;
    }
    const { host, port: entryPort } = splitHostPort(entry.toLowerCase());
    if (entryPort !== undefined && entryPort !== port) continue;
    if (isIP(hostname)) {
      // An address matches only itself: `.0.1` is not a domain suffix of 127.0.0.1.
      if (hostname === host) return entry;
      continue;
    }
    const suffix = host.replace(/^\*?\./, '').replace(/\.$/, '');
    if (hostname === suffix || hostname.endsWith(`.${suffix}`)) return entry;
  }
  return undefined;
}

/** Whether `address` lies in `range` (`10.0.0.0/8`, `[fd00::]/8`, `fd00::/8`); a malformed range holds nothing. */
function inRange(address: string, range: string): boolean {
  const [base = '', bits = ''] = range.replace(/^\[|\](?=\/)/g, '').split('/');
  const family = isIP(base);
  const prefix = Number(bits);
  if (!family || family !== isIP(address) || !/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(base, prefix, type);
  return list.check(address, type);
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address (several colons, no port). */
function splitHostPort(entry: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) return { host: withPort[1], port: Number(withPort[2]) };
  return { host: entry };
}

/** The proxy URL for a log line: credentials hidden. */
export function displayProxy(url: URL): string {
  return `${url.protocol}//${url.username || url.password ? '***@' : ''}${url.host}`;
}
