/**
 * What the client counts as done, and when it sends a call again (src/xopero/client.ts, retry.ts): a changing
 * call is not repeated after it went unanswered (the server may still be doing it); a call documented as
 * answering `200 OK` alone is confirmed only by an empty or JSON body; page 1's numbers must agree.
 */
import { describe, expect, test } from '@jest/globals';
import { ENDPOINTS } from '../../../src/xopero/endpoints.js';
import { XoperoClient } from '../../../src/xopero/client.js';
import { transportError } from '../../../src/xopero/http-errors.js';
import { CHANGING_CALL_RETRY, FAILURE_CODES, RETRY, retryDelay } from '../../../src/xopero/retry.js';
import type { Transport, TransportRequest } from '../../../src/xopero/transport.js';

const SERVER = new URL('https://backup.example.com:8443');
const failure = (code: string) => ({ error: Object.assign(new Error(code), { code }) });

/** A client over a transport that answers each path as `answers` says, and records what it was asked. */
function clientAnswering(answers: Record<string, { statusCode?: number; text: string | ((page: number) => string) }>) {
  const requests: TransportRequest[] = [];
  const transport = {
    send: async (request: TransportRequest) => {
      requests.push(request);
      const answer = answers[request.path];
      if (!answer) throw new Error(`no answer for ${request.path}`);
      const text = typeof answer.text === 'string' ? answer.text : answer.text((JSON.parse(request.body ?? '{}') as { page: number }).page);
      return { statusCode: answer.statusCode ?? 200, headers: {}, text };
    },
    destroy: async () => undefined,
    proxy: { url: undefined, source: undefined },
    caPinned: false,
  } as unknown as Transport;
  const client = new XoperoClient({ serverUrl: SERVER, credentials: { kind: 'token', token: 'a-token-of-sixteen-chars' }, transport });
  return { client, requests };
}

describe('a changing call that went unanswered', () => {
  test('is not sent again after the headers timeout; any other failure is retried as every call is', () => {
    expect(retryDelay(failure(FAILURE_CODES.headersTimeout), 1, CHANGING_CALL_RETRY)).toBeUndefined();
    expect(retryDelay(failure(FAILURE_CODES.headersTimeout), 1, RETRY)).toBeGreaterThan(0);
    for (const code of [FAILURE_CODES.bodyTimeout, 'ECONNRESET', 'ECONNREFUSED'])
      expect(retryDelay(failure(code), 1, CHANGING_CALL_RETRY)).toBeGreaterThan(0);
    // A status is an answer, a gateway's 504 included (retry.ts says why): retried.
    for (const statusCode of [429, 502, 503, 504]) {
      expect(retryDelay({ answer: { statusCode, headers: {}, text: '' } }, 1, CHANGING_CALL_RETRY)).toBeGreaterThan(0);
    }
  });

  test('says it was sent once, and why, in one line', () => {
    const error = Object.assign(new Error('Headers Timeout Error (30000 ms)'), { code: FAILURE_CODES.headersTimeout });
    expect(transportError(error, SERVER, ENDPOINTS.activate, undefined).message).toBe(
      'backup.example.com:8443 accepted the connection but did not answer POST /git/repositories/activate within 30 s; it was not sent again, as the server may still be carrying it out: check server-url and the service, then re-run in a few minutes (a repeat is safe once the first has finished).',
    );
  });
});

describe('Retry-After', () => {
  test('0, or a date already past, still waits the jittered backoff; a longer one is honoured', () => {
    const answer = (value: string) => ({ answer: { statusCode: 429, headers: { 'retry-after': value }, text: '' } });
    for (const value of ['0', '-5', 'Thu, 01 Jan 1970 00:00:00 GMT']) {
      const delay = retryDelay(answer(value), 1, RETRY) ?? 0;
      expect(delay).toBeGreaterThanOrEqual(RETRY.minTimeoutMs / 2);
      expect(delay).toBeLessThanOrEqual(RETRY.minTimeoutMs);
    }
    expect(retryDelay(answer('2'), 1, RETRY)).toBe(2000);
  });
});

describe('a call documented as answering 200 OK alone', () => {
  test.each([
    ['an empty body', ''],
    ['JSON', '{}'],
    ['JSON true', 'true'],
  ])('%s: done, and counted as a confirmed change', async (_name, text) => {
    const { client } = clientAnswering({ '/plans/attachgitrepository': { text } });
    await client.attach('plan-1', 'repo-1');
    expect(client.progress().changesConfirmed).toBe(1);
  });

  test("a page that is not the API's (a firewall's, with 200): not counted, the run told why, and no call after it", async () => {
    const { client, requests } = clientAnswering({
      '/plans/attachgitrepository': { text: '<html><body>Request blocked by WAF</body></html>' },
      '/git/repositories/sync': { text: '' },
    });
    await expect(client.attach('plan-1', 'repo-1')).rejects.toThrow(
      "Xopero ONE answered POST /plans/attachgitrepository with success but a body that is not the API's (text: '<html><body>Request blocked by WAF</body></html>'): whether that change was made is not known, and no call was made after it. Check that server-url reaches the Xopero ONE Management Service (not a proxy's or a firewall's page), then re-run: the call is safe to repeat.",
    );
    expect(client.progress().changesConfirmed).toBe(0);
    // A call after it is not sent, and says so (not "not known"): a sweep's later repositories read it.
    await expect(client.synchronize('org-1')).rejects.toThrow(
      "Not sent: the run stopped sending after POST /plans/attachgitrepository was answered with a page that is not the API's; check that server-url reaches the Xopero ONE Management Service, then re-run.",
    );
    expect(requests).toHaveLength(1);
  });

  test('an activation, a deactivation or a removal counts as a change only for an id it lists as done', async () => {
    const refused = JSON.stringify({ success: [], error: [{ id: 'repo-1', errorCode: 'LI5020' }] });
    const { client } = clientAnswering({
      '/git/repositories/activate': { text: refused },
      '/git/repositories/deactivate': { text: refused },
      '/git/repositories/remove': { text: JSON.stringify({ succeededIds: [], failedIds: ['repo-1'] }) },
    });
    await client.activate(['repo-1']);
    await client.deactivate(['repo-1']);
    await client.remove('repo-1');
    expect(client.progress().changesConfirmed).toBe(0);
    const { client: done } = clientAnswering({
      '/git/repositories/activate': { text: JSON.stringify({ success: ['repo-1'] }) },
      '/git/repositories/deactivate': { text: JSON.stringify({ success: [{ id: 'repo-1' }] }) },
      '/git/repositories/remove': { text: JSON.stringify({ succeededIds: ['repo-1'] }) },
    });
    await done.activate(['repo-1']);
    await done.deactivate(['repo-1']);
    await done.remove('repo-1');
    expect(done.progress().changesConfirmed).toBe(3);
  });

  test('an activation whose answer is malformed is not counted as a confirmed change either', async () => {
    const { client } = clientAnswering({ '/git/repositories/activate': { text: '<html>blocked</html>' } });
    await expect(client.activate(['repo-1'])).rejects.toThrow(/malformed answer/);
    expect(client.progress().changesConfirmed).toBe(0);
  });
});

describe("page 1's numbers", () => {
  const page = (pageCount: number, totalEntries: number, items: number) => (currentPage: number) =>
    JSON.stringify({
      currentPage,
      pageCount,
      totalEntries,
      result: Array.from({ length: items }, (_, i) => ({ id: `org-${i}`, name: `org-${i}`, plans: [] })),
    });

  test.each([
    [1, 0, 0],
    [0, 0, 0],
    [1, 2, 2],
    [5, 9, 2],
    // A server that does not count (0 beside entries): its pageCount is taken as it is.
    [2, 0, 2],
  ])('pageCount %i, totalEntries %i, %i on page 1: agree, read once', async (pageCount, total, items) => {
    const { client, requests } = clientAnswering({ '/git/organizations/getmany': { text: page(pageCount, total, items) } });
    await expect(client.listOrganizations()).resolves.toBeDefined();
    expect(requests).toHaveLength(Math.max(1, pageCount));
  });

  test('a list that changed between the count and the page disagrees once: page 1 is read again, and that answer taken', async () => {
    let reads = 0;
    const { client, requests } = clientAnswering({
      '/git/organizations/getmany': { text: (current) => (current === 1 && reads++ === 0 ? page(1, 3, 2)(1) : page(1, 2, 2)(current)) },
    });
    expect((await client.listOrganizations()).map((o) => o.name)).toEqual(['org-0', 'org-1']);
    expect(requests).toHaveLength(2);
  });

  test.each([
    [1, 9, 2, 'pageCount: expected 5 (totalEntries 9 at 2 per page), got 1'],
    [20000, 2, 2, 'pageCount: expected 1 (totalEntries 2 at 2 per page), got 20000'],
    [3, 5, 0, 'result: expected the first of the totalEntries 5, got none on page 1 of 3'],
    [3, 0, 0, 'result: expected the first of the totalEntries 0, got none on page 1 of 3'],
  ])(
    'pageCount %i, totalEntries %i, %i on page 1, twice: malformed, before any other page is asked for',
    async (pageCount, total, items, said) => {
      const { client, requests } = clientAnswering({ '/git/organizations/getmany': { text: page(pageCount, total, items) } });
      await expect(client.listOrganizations()).rejects.toThrow(said);
      expect(requests).toHaveLength(2);
      // A malformed answer stops the client: no request after it.
      await expect(client.listOrganizations()).rejects.toThrow(said);
      expect(requests).toHaveLength(2);
    },
  );
});
