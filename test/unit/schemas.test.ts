/** The answer schemas: what passes, what is refused, and what the one-line refusal says. */
import { describe, expect, test } from '@jest/globals';
import {
  MalformedAnswerError,
  activationAnswer,
  assignedPlansPage,
  excerpt,
  loginAnswer,
  organizationsPage,
  parseAnswer,
  repositoriesPage,
} from '../../src/xopero/schemas.js';

const ORGS = '/git/organizations/getmany';
const page = (result: unknown) => JSON.stringify({ currentPage: 1, pageCount: 1, totalEntries: 1, result });
const repo = { id: 'r1', name: 'acme/api', isProtected: false, isRemoved: false, lastBackup: 0, lastSuccessfulBackup: 0, nextBackup: 0 };

function refusal(path: string, text: string, check: Parameters<typeof parseAnswer>[2]): string {
  try {
    parseAnswer(path, text, check);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedAnswerError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('the answer was accepted');
}

describe('documented answers pass, extra fields kept', () => {
  test('each endpoint', () => {
    expect(
      parseAnswer('/account/login', JSON.stringify({ userId: 'u', accessToken: 'eyJhbGciOi.eyJzdWIi.c2lnbmF0' }), loginAnswer).accessToken,
    ).toBe('eyJhbGciOi.eyJzdWIi.c2lnbmF0');
    const orgs = parseAnswer(
      ORGS,
      page([
        { id: 'o1', name: 'acme', driver: 1, plans: [{ id: 'p1', name: 'Nightly', lastStatus: { successes: 1, warnings: 0, errors: 0 } }] },
      ]),
      organizationsPage,
    );
    expect(orgs.result[0]).toMatchObject({ id: 'o1', name: 'acme', driver: 1 });
    const repos = parseAnswer(
      '/git/repositories/getmany',
      page({ synchronizationInProgress: false, repositories: [repo] }),
      repositoriesPage,
    );
    expect(repos.result.repositories).toEqual([repo]);
    const plans = parseAnswer(
      '/plans/listassignedtoorganization',
      page([{ id: 'p1', name: 'n', includeAllRepositories: false, repositoryIds: ['r1'] }]),
      assignedPlansPage,
    );
    expect(plans.result[0].repositoryIds).toEqual(['r1']);
    expect(
      parseAnswer(
        '/git/repositories/activate',
        JSON.stringify({ success: ['r1'], error: [{ id: 'r2', errorCode: 'LI5020' }] }),
        activationAnswer,
      ).success,
    ).toEqual(['r1']);
    expect(parseAnswer('/git/repositories/activate', JSON.stringify({ success: [] }), activationAnswer).error).toBeUndefined();
  });
});

describe('malformed answers are one line naming the endpoint, the place, what was expected and what came', () => {
  test.each([
    [
      'an organization without a name',
      ORGS,
      page([{ id: 'o1' }]),
      organizationsPage,
      /POST \/git\/organizations\/getmany .*result\[0\]\.name: expected a string, got nothing/,
    ],
    ['an organization without an id', ORGS, page([{ name: 'acme' }]), organizationsPage, /result\[0\]\.id: expected an id .*got nothing/],
    ['an id with a line break', ORGS, page([{ id: 'o1\nXOPERO_X=1', name: 'acme' }]), organizationsPage, /result\[0\]\.id: expected an id/],
    ['result: null', ORGS, page(null), organizationsPage, /result: expected a list, got null/],
    ['no pageCount', ORGS, JSON.stringify({ result: [] }), organizationsPage, /pageCount: expected a whole number, got nothing/],
    [
      'a pageCount no organization has (it would be that many requests)',
      ORGS,
      JSON.stringify({ result: [], pageCount: 1e9, totalEntries: 1e11 }),
      organizationsPage,
      /pageCount: expected at most 100000 pages, got a number \(1000000000\)/,
    ],
    [
      'a page without repositories',
      '/git/repositories/getmany',
      page({ synchronizationInProgress: false }),
      repositoriesPage,
      /result\.repositories: expected a list, got nothing/,
    ],
    [
      'a repository flag as a string',
      '/git/repositories/getmany',
      page({ synchronizationInProgress: false, repositories: [{ ...repo, isProtected: 'yes' }] }),
      repositoriesPage,
      /result\.repositories\[0\]\.isProtected: expected true or false, got 'yes'/,
    ],
    [
      // Beyond what a JavaScript date holds: written as ISO 8601 after the changes, it would fail the run there.
      'a next backup in the year 318857',
      '/git/repositories/getmany',
      page({ synchronizationInProgress: false, repositories: [{ ...repo, nextBackup: 1e16 }] }),
      repositoriesPage,
      /result\.repositories\[0\]\.nextBackup: expected a time in epoch milliseconds, got a number \(10000000000000000\)/,
    ],
    [
      'a plan without repositoryIds',
      '/plans/listassignedtoorganization',
      page([{ id: 'p1', includeAllRepositories: false }]),
      assignedPlansPage,
      /result\[0\]\.repositoryIds: expected a list/,
    ],
    ['a login without a token', '/account/login', '{"userId":"u"}', loginAnswer, /accessToken: expected an access token .*got nothing/],
    [
      'a "token" that is a word (it would be masked all over the log)',
      '/account/login',
      '{"accessToken":"Nightly"}',
      loginAnswer,
      /accessToken: expected an access token .*got '\(hidden\)'.*"accessToken":"\*\*\*"/,
    ],
    ['an activation answered {}', '/git/repositories/activate', '{}', activationAnswer, /success: expected a list, got nothing/],
    ['an answer that is a list', '/git/repositories/activate', '[]', activationAnswer, /the answer: expected an object, got a list of 0/],
    ['a body that is not JSON', '/git/repositories/activate', 'OK', activationAnswer, /expected a JSON body, got text: 'OK'/],
    ['an empty body', ORGS, '', organizationsPage, /expected a JSON body, got an empty body/],
  ])('%s', (_name, path, text, check, pattern) => {
    const message = refusal(path, text, check as Parameters<typeof parseAnswer>[2]);
    expect(message).toMatch(pattern);
    expect(message).toContain(`POST ${path}`);
  });

  test("the remedy names server-url the way the host's users give it", () => {
    const named = (serverSetting?: string) => {
      try {
        parseAnswer(ORGS, 'OK', organizationsPage, serverSetting);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(named()).toContain('Check that server-url is the Xopero ONE Management Service');
    expect(named('--server-url / XOPERO_SERVER_URL')).toContain(
      'Check that --server-url / XOPERO_SERVER_URL is the Xopero ONE Management Service',
    );
  });

  test('a faulty entry deep in a long list is shown itself, not the beginning of the answer', () => {
    const orgs = Array.from({ length: 60 }, (_, i) => ({ id: `o${i}`, name: `org-${i}`, plans: [] as object[] }));
    orgs[57].plans = [{ id: 'p1', name: null, isRunning: false }];
    const message = refusal(ORGS, page(orgs), organizationsPage);
    expect(message).toContain('result[57].plans[0].name: expected a string, got null (in: {"id":"p1","name":null,"isRunning":false})');
  });

  test('the excerpt is short, one line, and shows no token or password', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const message = refusal(
      '/account/login',
      JSON.stringify({ accessToken: 42, refreshToken: 'r-secret-value', note: token }),
      loginAnswer,
    );
    expect(message).not.toContain(token);
    expect(message).not.toContain('r-secret-value');
    expect(excerpt('x'.repeat(1000)).length).toBeLessThanOrEqual(161);
    expect(excerpt('a\n\u001b[31mb')).toBe('a\\nb');
  });
});
