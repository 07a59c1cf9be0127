/**
 * Which proxy a run uses, decided from the environment the way curl and the GitHub runner decide it:
 * HTTPS_PROXY / HTTP_PROXY by the target's scheme (lowercase names win), NO_PROXY with curl's matching,
 * and the proxy shown in the log without its credentials.
 */
import { describe, expect, test } from '@jest/globals';
import { XoperoError } from '../../src/common/errors.js';
import { chooseProxy, displayProxy, noProxyMatch } from '../../src/xopero/proxy.js';

const https = (host: string) => new URL(`https://${host}/api`);

describe('noProxyMatch (curl semantics)', () => {
  test.each([
    // [target host(:port), NO_PROXY, expected matching entry or undefined]
    ['xopero.example.com', '*', '*'],
    ['xopero.example.com', 'other.org, *', '*'],
    ['xopero.example.com', 'xopero.example.com', 'xopero.example.com'],
    ['XOPERO.Example.COM', 'xopero.example.com', 'xopero.example.com'],
    ['xopero.example.com', 'XOPERO.EXAMPLE.COM', 'XOPERO.EXAMPLE.COM'],
    ['api.example.com', '.example.com', '.example.com'],
    ['a.b.example.com', '.example.com', '.example.com'],
    ['example.com', '.example.com', '.example.com'],
    ['api.example.com', 'example.com', 'example.com'],
    ['api.example.com', '*.example.com', '*.example.com'],
    ['notexample.com', 'example.com', undefined],
    ['notexample.com', '.example.com', undefined],
    ['example.com.evil.org', 'example.com', undefined],
    ['example.com', 'api.example.com', undefined],
    ['xopero.test:8443', 'xopero.test:8443', 'xopero.test:8443'],
    ['xopero.test:8443', 'xopero.test:9443', undefined],
    ['xopero.test', 'xopero.test:443', 'xopero.test:443'],
    ['xopero.test', 'xopero.test:8443', undefined],
    ['xopero.test:8443', '.test', '.test'],
    ['xopero.test:8443', 'test', 'test'],
    ['127.0.0.1:8443', '127.0.0.1', '127.0.0.1'],
    ['127.0.0.1:8443', '127.0.0.1:8443', '127.0.0.1:8443'],
    ['127.0.0.1:8443', '127.0.0.1:9443', undefined],
    ['127.0.0.10', '127.0.0.1', undefined],
    ['[::1]:8443', '[::1]', '[::1]'],
    ['[::1]:8443', '::1', '::1'],
    ['[::1]:8443', '[::1]:8443', '[::1]:8443'],
    ['[::1]:8443', '[::1]:9443', undefined],
    // Address ranges (curl 7.86+), for a target given as an address; a name is never in a range.
    ['10.1.2.3', '10.0.0.0/8', '10.0.0.0/8'],
    ['10.1.2.3:8443', '192.168.0.0/16, 10.0.0.0/8', '10.0.0.0/8'],
    ['11.1.2.3', '10.0.0.0/8', undefined],
    ['[fd00::5]:8443', 'fd00::/8', 'fd00::/8'],
    ['[fd00::5]:8443', '[fd00::]/8', '[fd00::]/8'],
    ['[fe80::5]', 'fd00::/8', undefined],
    ['10.1.2.3', '10.0.0.0/33', undefined],
    ['10.1.2.3', '10.0.0.0/x', undefined],
    ['ten.example.com', '10.0.0.0/8', undefined],
    // A trailing dot is the same name.
    ['xopero.example.com', 'example.com.', 'example.com.'],
    ['xopero.example.com.', 'xopero.example.com', 'xopero.example.com'],
    ['[::1]', 'localhost', undefined],
    ['xopero.example.com', 'a.org,b.org , xopero.example.com', 'xopero.example.com'],
    ['xopero.example.com', 'a.org b.org', undefined],
    ['xopero.example.com', '', undefined],
    ['xopero.example.com', ' , ,', undefined],
  ])('%s with NO_PROXY=%j -> %s', (host, noProxy, expected) => {
    expect(noProxyMatch(https(host), noProxy)).toBe(expected);
  });

  test('an IP address is matched whole, never by a domain-name suffix (curl: "0.0.1" does not exclude 10.0.0.1)', () => {
    expect(noProxyMatch(https('10.0.0.1'), '0.0.1')).toBeUndefined();
    expect(noProxyMatch(https('10.0.0.1'), '.0.0.1')).toBeUndefined();
    expect(noProxyMatch(https('192.168.1.1:8443'), '168.1.1')).toBeUndefined();
    expect(noProxyMatch(https('10.0.0.1'), '10.0.0.1')).toBe('10.0.0.1');
  });

  test('the default port of the scheme counts for a host:port entry', () => {
    expect(noProxyMatch(new URL('http://xopero.test/'), 'xopero.test:80')).toBe('xopero.test:80');
    expect(noProxyMatch(new URL('http://xopero.test/'), 'xopero.test:443')).toBeUndefined();
    expect(noProxyMatch(new URL('https://xopero.test/'), 'xopero.test:443')).toBe('xopero.test:443');
  });
});

describe('chooseProxy', () => {
  const target = https('xopero.example.com:8443');

  test('no proxy variable: direct', () => {
    expect(chooseProxy(target, {})).toEqual({});
    expect(chooseProxy(target, { NO_PROXY: '*' })).toEqual({});
  });

  test('HTTPS_PROXY is used for an https:// server, and named as the source', () => {
    const choice = chooseProxy(target, { HTTPS_PROXY: 'http://proxy.corp:3128' });
    expect(choice.url?.href).toBe('http://proxy.corp:3128/');
    expect(choice.source).toBe('HTTPS_PROXY');
    expect(choice.excludedBy).toBeUndefined();
  });

  test('lowercase https_proxy wins over HTTPS_PROXY', () => {
    const choice = chooseProxy(target, { HTTPS_PROXY: 'http://upper:1111', https_proxy: 'http://lower:2222' });
    expect(choice.url?.host).toBe('lower:2222');
    expect(choice.source).toBe('https_proxy');
  });

  test('an empty lowercase variable does not hide the uppercase one', () => {
    const choice = chooseProxy(target, { https_proxy: '', HTTPS_PROXY: 'http://upper:1111' });
    expect(choice.url?.host).toBe('upper:1111');
    expect(choice.source).toBe('HTTPS_PROXY');
  });

  test('lowercase no_proxy wins over NO_PROXY', () => {
    expect(chooseProxy(target, { HTTPS_PROXY: 'http://p:1', no_proxy: 'other.org', NO_PROXY: '*' }).url?.host).toBe('p:1');
    expect(chooseProxy(target, { HTTPS_PROXY: 'http://p:1', no_proxy: '.example.com', NO_PROXY: 'other.org' }).excludedBy).toBe(
      '.example.com',
    );
  });

  test('a bare proxy:3128 without a scheme is taken as http://', () => {
    const choice = chooseProxy(target, { HTTPS_PROXY: 'proxy:3128' });
    expect(choice.url?.protocol).toBe('http:');
    expect(choice.url?.host).toBe('proxy:3128');
  });

  test('a bare user:password@proxy:3128 keeps its credentials', () => {
    const choice = chooseProxy(target, { HTTPS_PROXY: 'user:pw-bare-1234@proxy:3128' });
    expect(choice.url?.host).toBe('proxy:3128');
    expect(choice.url?.username).toBe('user');
    expect(choice.url?.password).toBe('pw-bare-1234');
  });

  test('an https:// proxy is accepted; other schemes are refused with a clear message', () => {
    expect(chooseProxy(target, { HTTPS_PROXY: 'https://proxy:443' }).url?.protocol).toBe('https:');
    expect(() => chooseProxy(target, { HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(/HTTPS_PROXY uses socks5:, which is not supported/);
  });

  test('a password with a bare % (not percent-encoded) is a clear input error naming the variable, not a crash', () => {
    const choose = () => chooseProxy(target, { HTTPS_PROXY: 'http://user:50%off-Pw@proxy:3128' });
    expect(choose).toThrow(XoperoError);
    expect(choose).toThrow(/HTTPS_PROXY/);
    try {
      choose();
    } catch (error) {
      expect((error as Error).message).not.toContain('50%off-Pw');
    }
  });

  test('a password with an unencoded / and @ (the URL would name part of it as the host): refused, without any of it', () => {
    const choose = () => chooseProxy(target, { HTTPS_PROXY: 'http://bob:Tr0ub4dor@HiddenPart/x@127.0.0.1:3128' });
    expect(choose).toThrow("HTTPS_PROXY has an '@' after its host: write an @ in the user name or password as %40 and a / as %2F");
    try {
      choose();
    } catch (error) {
      expect((error as Error).message).not.toMatch(/Tr0ub4dor|HiddenPart|hiddenpart/);
    }
    // Encoded, the same password is taken, with the right host.
    expect(chooseProxy(target, { HTTPS_PROXY: 'http://bob:Tr0ub4dor%40HiddenPart%2Fx@127.0.0.1:3128' }).url?.host).toBe('127.0.0.1:3128');
  });

  test('an http:// server uses HTTP_PROXY only', () => {
    const http = new URL('http://xopero.example.com:8080/');
    expect(chooseProxy(http, { HTTPS_PROXY: 'http://secure:1' })).toEqual({});
    const choice = chooseProxy(http, { HTTPS_PROXY: 'http://secure:1', HTTP_PROXY: 'http://plain:2' });
    expect(choice.url?.host).toBe('plain:2');
    expect(choice.source).toBe('HTTP_PROXY');
    expect(chooseProxy(http, { HTTP_PROXY: 'http://upper:2', http_proxy: 'http://lower:3' }).source).toBe('http_proxy');
  });

  test('an https:// server ignores HTTP_PROXY', () => {
    expect(chooseProxy(target, { HTTP_PROXY: 'http://plain:2', http_proxy: 'http://plain:3' })).toEqual({});
  });

  test('NO_PROXY naming the server: no proxy, and the entry and source are reported', () => {
    const choice = chooseProxy(target, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'localhost,.example.com' });
    expect(choice).toEqual({ source: 'HTTPS_PROXY', excludedBy: '.example.com' });
    expect(choice.url).toBeUndefined();
  });

  test('NO_PROXY not naming the server leaves the proxy in use', () => {
    const choice = chooseProxy(target, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'localhost,127.0.0.1,notexample.com' });
    expect(choice.url?.host).toBe('p:1');
    expect(choice.excludedBy).toBeUndefined();
  });
});

describe('displayProxy', () => {
  test('hides user and password', () => {
    expect(displayProxy(new URL('http://user:p%40ss@127.0.0.1:3128'))).toBe('http://***@127.0.0.1:3128');
    expect(displayProxy(new URL('http://user@proxy:3128'))).toBe('http://***@proxy:3128');
    expect(displayProxy(new URL('http://:secret@proxy:3128'))).toBe('http://***@proxy:3128');
  });

  test('shows a proxy without credentials as it is, without a path', () => {
    expect(displayProxy(new URL('http://127.0.0.1:3128'))).toBe('http://127.0.0.1:3128');
    expect(displayProxy(new URL('https://proxy.corp:8443/some/path'))).toBe('https://proxy.corp:8443');
    expect(displayProxy(new URL('http://proxy.corp'))).toBe('http://proxy.corp');
  });

  test('never contains the password, raw or percent-decoded', () => {
    const shown = displayProxy(new URL('http://bob:s%3Acr%40t-Pw9@proxy:3128'));
    expect(shown).not.toContain('s%3Acr%40t-Pw9');
    expect(shown).not.toContain('s:cr@t-Pw9');
    expect(shown).not.toContain('bob');
  });
});
