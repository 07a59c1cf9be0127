/**
 * A connection that fails before it is ready (src/xopero/trust.ts settleConnection) and how the run says so
 * (src/xopero/http-errors.ts transportError): one line, the cause and what to do.
 */
import { describe, expect, test } from '@jest/globals';
import { Socket } from 'node:net';
import { ENDPOINTS } from '../../../src/xopero/endpoints.js';
import { transportError } from '../../../src/xopero/http-errors.js';
import { RETRY } from '../../../src/xopero/retry.js';
import { settleConnection } from '../../../src/xopero/trust.js';

const URL_ = new URL('https://backup.example.com:8443/api');

describe('a connection closed before it was ready', () => {
  test('fails as Node names a dropped connection (ECONNRESET, retried), and the socket is destroyed', async () => {
    const socket = new Socket();
    const settled = new Promise<{ error: Error | null; handed?: Socket }>((resolve) =>
      settleConnection(socket, 'connect', (error, handed) => resolve({ error, handed })),
    );
    socket.destroy(); // no error: only 'close'
    const { error, handed } = await settled;
    expect(handed).toBeUndefined();
    expect(error).toMatchObject({ message: 'The connection closed before it was ready', code: 'ECONNRESET' });
    expect(RETRY.errorCodes).toContain('ECONNRESET');
    expect(socket.destroyed).toBe(true);
  });

  test('is reported in one line with what to do', () => {
    const error = Object.assign(new Error('The connection closed before it was ready'), { code: 'ECONNRESET' });
    expect(transportError(error, URL_, ENDPOINTS.login, undefined).message).toBe(
      'Cannot reach Xopero ONE: the connection to backup.example.com:8443 failed on POST /account/login (ECONNRESET): re-run; if it persists, check server-url and the network between this runner and the server.',
    );
  });

  test('a failure with no code of its own is named by its message, with the same remedy', () => {
    const line = transportError(new Error('socket hang up'), URL_, ENDPOINTS.organizations, undefined).message;
    expect(line).toBe(
      'Cannot reach Xopero ONE: the connection to backup.example.com:8443 failed on POST /git/organizations/getmany (socket hang up): re-run; if it persists, check server-url and the network between this runner and the server.',
    );
    expect(line).not.toContain('\n');
  });

  test('an http:// address that a TLS listener resets: the hint to use https://', () => {
    const error = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(transportError(error, new URL('http://backup.example.com:8443'), ENDPOINTS.login, undefined).message).toBe(
      'Cannot reach Xopero ONE: the connection to backup.example.com:8443 failed on POST /account/login (ECONNRESET): if backup.example.com:8443 serves TLS, use https:// in server-url; otherwise re-run, and if it persists, check the network between this runner and the server.',
    );
  });
});

describe('a server that accepts the connection and then does not answer', () => {
  // Every attempt waited the whole request timeout (retry.ts retries both codes): the line says so, and what to check.
  test.each([
    ['UND_ERR_HEADERS_TIMEOUT', 'did not answer'],
    ['UND_ERR_BODY_TIMEOUT', 'stopped in the middle of its answer to'],
  ])('%s', (code, what) => {
    expect(RETRY.errorCodes).toContain(code);
    const error = Object.assign(new Error('Headers Timeout Error (30000 ms)'), { code });
    expect(transportError(error, URL_, ENDPOINTS.login, undefined).message).toBe(
      `backup.example.com:8443 accepted the connection but ${what} POST /account/login within 30 s, on every one of 5 attempts: the Management Service is overloaded or hung, or something in front of it (a proxy, a firewall) holds the connection; check server-url and the service, then re-run.`,
    );
  });
});
