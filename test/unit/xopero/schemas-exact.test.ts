/**
 * The answer schemas to the letter: whole messages (the place, what came, the excerpt and where it is taken
 * from), the excerpt's limits and what it hides, the checks at their edges (pageCount, non-finite numbers, an
 * array or null where an object belongs), and the remove answer. Written for the mutants of
 * src/xopero/schemas.ts that test/unit/schemas.test.ts lets live (docs/mutation-testing.md).
 */
import { describe, expect, test } from '@jest/globals';
import {
  MAX_PAGES,
  MalformedAnswerError,
  activationAnswer,
  activationId,
  excerpt,
  loginAnswer,
  organizationsPage,
  parseAnswer,
  removeAnswer,
  repositoriesPage,
} from '../../../src/xopero/schemas.js';

const ORGS = '/git/organizations/getmany';
const REPOS = '/git/repositories/getmany';
const LOGIN = '/account/login';
const REMOVE = '/git/repositories/remove';
const TAIL =
  "; no changing call was made after it. Check that server-url is the Xopero ONE Management Service (not a proxy's page) and that its version matches the API this action uses.";
/** The whole message for `path`, with `middle` between the fixed beginning and the fixed remedy. */
const malformed = (path: string, middle: string) => `Xopero ONE answered POST ${path} with a malformed answer: ${middle}${TAIL}`;

const page = (result: unknown, pageCount: unknown = 1) => JSON.stringify({ currentPage: 1, pageCount, totalEntries: 1, result });
const repo = { id: 'r1', name: 'acme/api', isProtected: false, isRemoved: false, lastBackup: 0, lastSuccessfulBackup: 0, nextBackup: 0 };
const repos = (entry: object) => page({ synchronizationInProgress: false, repositories: [entry] });

function refusal(path: string, text: string, check: Parameters<typeof parseAnswer>[2]): string {
  try {
    parseAnswer(path, text, check);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedAnswerError);
    return (error as Error).message;
  }
  throw new Error('the answer was accepted');
}

describe('whole messages', () => {
  test.each<[string, string, string, Parameters<typeof parseAnswer>[2], string]>([
    ['a body that is not JSON: no place, the text', LOGIN, 'OK', loginAnswer, "expected a JSON body, got text: 'OK'"],
    ['a body of blanks is empty', LOGIN, '  \n ', loginAnswer, 'expected a JSON body, got an empty body'],
    [
      'a field of the answer itself: the answer began',
      LOGIN,
      '{"userId":"u"}',
      loginAnswer,
      'accessToken: expected an access token (16 or more token characters), got nothing (the answer began: {"userId":"u"})',
    ],
    [
      'a field of an entry: the entry itself',
      ORGS,
      page([{ id: 'o1' }]),
      organizationsPage,
      'result[0].name: expected a string, got nothing (in: {"id":"o1"})',
    ],
    [
      'an empty id',
      ORGS,
      page([{ id: '', name: 'acme' }]),
      organizationsPage,
      `result[0].id: expected an id (letters, digits, '.', '_', ':' or '-'), got '' (empty) (in: {"id":"","name":"acme"})`,
    ],
    [
      'an id that is a number',
      ORGS,
      page([{ id: 7, name: 'acme' }]),
      organizationsPage,
      `result[0].id: expected an id (letters, digits, '.', '_', ':' or '-'), got a number (7) (in: {"id":7,"name":"acme"})`,
    ],
    [
      'an id with a space inside',
      ORGS,
      page([{ id: 'o 1', name: 'acme' }]),
      organizationsPage,
      `result[0].id: expected an id (letters, digits, '.', '_', ':' or '-'), got 'o 1' (in: {"id":"o 1","name":"acme"})`,
    ],
    [
      'an id that would be shell in a sourced dotenv file',
      ORGS,
      page([{ id: 'r1;touch${IFS}x', name: 'acme' }]),
      organizationsPage,
      `result[0].id: expected an id (letters, digits, '.', '_', ':' or '-'), got 'r1;touch\${IFS}x' (in: {"id":"r1;touch\${IFS}x","name":"acme"})`,
    ],
    [
      'a name that is an object',
      ORGS,
      page([{ id: 'o1', name: {} }]),
      organizationsPage,
      'result[0].name: expected a string, got an object (in: {"id":"o1","name":{}})',
    ],
    [
      'a name that is a number',
      ORGS,
      page([{ id: 'o1', name: 5 }]),
      organizationsPage,
      'result[0].name: expected a string, got a number (5) (in: {"id":"o1","name":5})',
    ],
    [
      'a name that is true',
      ORGS,
      page([{ id: 'o1', name: true }]),
      organizationsPage,
      'result[0].name: expected a string, got a boolean (true) (in: {"id":"o1","name":true})',
    ],
    [
      'a plan status that is a number',
      ORGS,
      page([{ id: 'o1', name: 'acme', plans: [{ id: 'p1', name: 'n', lastStatus: 3 }] }]),
      organizationsPage,
      'result[0].plans[0].lastStatus: expected an object, got a number (3) (in: {"id":"p1","name":"n","lastStatus":3})',
    ],
    [
      'a list where an object belongs',
      REPOS,
      page([]),
      repositoriesPage,
      'result: expected an object, got a list of 0 (the answer began: {"currentPage":1,"pageCount":1,"totalEntries":1,"result":[]})',
    ],
    ['an answer that is a number', LOGIN, '42', loginAnswer, 'the answer: expected an object, got a number (42) (the answer began: 42)'],
    ['an answer that is null', LOGIN, 'null', loginAnswer, 'the answer: expected an object, got null (the answer began: null)'],
    [
      'a number too large to be finite',
      REPOS,
      // JSON.parse reads 1e999 as Infinity: the one way an answer brings a number that is not finite.
      repos({ ...repo, lastBackup: 0 }).replace('"lastBackup":0', '"lastBackup":1e999'),
      repositoriesPage,
      'result.repositories[0].lastBackup: expected a time in epoch milliseconds, got a number (Infinity) (in: {"id":"r1","name":"acme/api","isProtected":false,"isRemoved":false,"lastBackup":null,"lastSuccessfulBackup":0,"nextBackup":0})',
    ],
    [
      'a plan status count too large to be finite',
      ORGS,
      page([{ id: 'o1', name: 'acme', plans: [{ id: 'p1', name: 'n', lastStatus: { successes: 0, warnings: 0, errors: 0 } }] }]).replace(
        '"successes":0',
        '"successes":1e999',
      ),
      organizationsPage,
      'result[0].plans[0].lastStatus.successes: expected a number, got a number (Infinity) (in: {"successes":null,"warnings":0,"errors":0})',
    ],
    [
      'a number given as text',
      REPOS,
      repos({ ...repo, nextBackup: '0' }),
      repositoriesPage,
      `result.repositories[0].nextBackup: expected a time in epoch milliseconds, got '0' (in: {"id":"r1","name":"acme/api","isProtected":false,"isRemoved":false,"lastBackup":0,"lastSuccessfulBackup":0,"nextBackup":"0"})`,
    ],
    [
      'a negative pageCount',
      ORGS,
      page([], -1),
      organizationsPage,
      'pageCount: expected a whole number, got a number (-1) (the answer began: {"currentPage":1,"pageCount":-1,"totalEntries":1,"result":[]})',
    ],
    [
      'a fractional pageCount',
      ORGS,
      page([], 1.5),
      organizationsPage,
      'pageCount: expected a whole number, got a number (1.5) (the answer began: {"currentPage":1,"pageCount":1.5,"totalEntries":1,"result":[]})',
    ],
    [
      'a pageCount given as text',
      ORGS,
      page([], '1'),
      organizationsPage,
      `pageCount: expected a whole number, got '1' (the answer began: {"currentPage":1,"pageCount":"1","totalEntries":1,"result":[]})`,
    ],
    [
      'an access token that is null',
      LOGIN,
      '{"accessToken":null}',
      loginAnswer,
      'accessToken: expected an access token (16 or more token characters), got null (the answer began: {"accessToken":null})',
    ],
    [
      'an access token that is a long number',
      LOGIN,
      '{"accessToken":12345678901234567}',
      loginAnswer,
      'accessToken: expected an access token (16 or more token characters), got \'(hidden)\' (the answer began: {"accessToken":12345678901234567})',
    ],
  ])('%s', (_name, path, text, check, middle) => {
    expect(refusal(path, text, check)).toBe(malformed(path, middle));
  });

  test('a text value is shown whole up to 60 characters in "got", then cut', () => {
    const sixty = 'n'.repeat(60);
    expect(refusal(REPOS, repos({ ...repo, isRemoved: sixty }), repositoriesPage)).toContain(
      `isRemoved: expected true or false, got '${sixty}' (in: `,
    );
    expect(refusal(REPOS, repos({ ...repo, isRemoved: `${sixty}n` }), repositoriesPage)).toContain(
      `isRemoved: expected true or false, got '${sixty}…' (in: `,
    );
    expect(refusal(ORGS, page([{ id: 'o1', name: 'acme', plans: 1234567 }]), organizationsPage)).toContain(
      'result[0].plans: expected a list, got a number (1234567) (in: ',
    );
  });

  test("the remedy names the host's server setting", () => {
    expect(() => parseAnswer(LOGIN, 'OK', loginAnswer, '--server-url / XOPERO_SERVER_URL')).toThrow(
      "Xopero ONE answered POST /account/login with a malformed answer: expected a JSON body, got text: 'OK'; no changing call was made after it. Check that --server-url / XOPERO_SERVER_URL is the Xopero ONE Management Service",
    );
  });
});

describe('what passes at the edges', () => {
  test('pageCount 0 (an empty list) and MAX_PAGES (the most; one more is refused), optional fields absent, the largest finite number', () => {
    expect(parseAnswer(ORGS, page([], 0), organizationsPage).pageCount).toBe(0);
    expect(parseAnswer(ORGS, page([], MAX_PAGES), organizationsPage).pageCount).toBe(MAX_PAGES);
    expect(() => parseAnswer(ORGS, page([], MAX_PAGES + 1), organizationsPage)).toThrow(`pageCount: expected at most ${MAX_PAGES} pages`);
    expect(parseAnswer(ORGS, page([{ id: 'o1', name: '' }]), organizationsPage).result[0].name).toBe('');
    const max = Number.MAX_VALUE;
    const status = { successes: max, warnings: 0, errors: 0 };
    const withStatus = page([{ id: 'o1', name: 'acme', plans: [{ id: 'p1', name: 'n', lastStatus: status }] }]);
    expect(parseAnswer(ORGS, withStatus, organizationsPage).result[0].plans?.[0].lastStatus?.successes).toBe(max);
  });

  test('a time: within what a JavaScript date holds (8.64e15 ms either way of 1970), one more is refused', () => {
    for (const time of [8.64e15, -8.64e15, 0]) {
      expect(parseAnswer(REPOS, repos({ ...repo, nextBackup: time }), repositoriesPage).result.repositories[0].nextBackup).toBe(time);
    }
    for (const time of [8.64e15 + 1, -8.64e15 - 1]) {
      expect(() => parseAnswer(REPOS, repos({ ...repo, nextBackup: time }), repositoriesPage)).toThrow(
        'nextBackup: expected a time in epoch milliseconds',
      );
    }
  });
});

describe('the excerpt', () => {
  test('at most 160 characters, then an ellipsis; exactly 160 are kept whole', () => {
    expect(excerpt('x'.repeat(160))).toBe('x'.repeat(160));
    expect(excerpt('x'.repeat(161))).toBe(`${'x'.repeat(160)}…`);
    expect(excerpt('abc', 2)).toBe('ab…');
    expect(excerpt('ab', 2)).toBe('ab');
  });

  test('trimmed, one line', () => {
    expect(excerpt('  \n a b \n ')).toBe('a b');
  });

  test('a JWT-shaped value is replaced whole', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(excerpt(`before ${jwt} after`)).toBe('before *** after');
    expect(excerpt('a.b.c and version 1.2.3 stay')).toBe('a.b.c and version 1.2.3 stay');
    expect(excerpt('abcdefgh.abcdefgh.abcdefg')).toBe('abcdefgh.abcdefgh.abcdefg');
  });

  test('token and password fields are hidden however the JSON is spaced', () => {
    expect(excerpt('{"password" : "hunter2-secret", "n": 1}')).toBe('{"password" : "***", "n": 1}');
    expect(excerpt('{"token":  "tok-secret"}')).toBe('{"token":  "***"}');
    expect(excerpt('{"access_token":"a-secret","refresh_token":"r-secret","secret":"s-secret"}')).toBe(
      '{"access_token":"***","refresh_token":"***","secret":"***"}',
    );
    expect(excerpt('{"accessToken":"a\\"b-secret","refreshToken":"c"}')).toBe('{"accessToken":"***","refreshToken":"***"}');
  });
});

describe('the remove answer', () => {
  test('ids, failed ids, and errors as objects or bare codes pass', () => {
    const answer = parseAnswer(
      REMOVE,
      JSON.stringify({ succeededIds: ['r1'], failedIds: ['r2', 'r3'], errors: ['LI5020', { id: 'r3', errorCode: 'RE1001' }, {}] }),
      removeAnswer,
    );
    expect(answer).toEqual({ succeededIds: ['r1'], failedIds: ['r2', 'r3'], errors: ['LI5020', { id: 'r3', errorCode: 'RE1001' }, {}] });
    expect(parseAnswer(REMOVE, '{"succeededIds":[]}', removeAnswer)).toEqual({ succeededIds: [] });
  });

  test.each<[string, unknown, string]>([
    ['no succeededIds', { failedIds: [] }, 'succeededIds: expected a list, got nothing (the answer began: {"failedIds":[]})'],
    [
      'a failed id that is a number',
      { succeededIds: [], failedIds: [4] },
      'failedIds[0]: expected a string, got a number (4) (the answer began: {"succeededIds":[],"failedIds":[4]})',
    ],
    [
      'an error entry that is a number',
      { succeededIds: [], errors: [5] },
      'errors[0]: expected an object, got a number (5) (the answer began: {"succeededIds":[],"errors":[5]})',
    ],
    [
      'an error entry whose id is a number',
      { succeededIds: [], errors: ['LI5020', { id: 9 }] },
      'errors[1].id: expected a string, got a number (9) (in: {"id":9})',
    ],
    [
      'an error entry whose code is a number',
      { succeededIds: [], errors: [{ errorCode: 7 }] },
      'errors[0].errorCode: expected a string, got a number (7) (in: {"errorCode":7})',
    ],
  ])('%s is refused', (_name, body, middle) => {
    expect(refusal(REMOVE, JSON.stringify(body), removeAnswer)).toBe(malformed(REMOVE, middle));
  });

  test('the activation answer: an error entry without a code', () => {
    expect(refusal('/git/repositories/activate', '{"success":[],"error":[{"id":"r1"}]}', activationAnswer)).toBe(
      malformed('/git/repositories/activate', 'error[0].errorCode: expected a string, got nothing (in: {"id":"r1"})'),
    );
  });
});

describe('null where a field is optional: read as absent (ASP.NET writes an unset value as null)', () => {
  test('a plan that never ran, an organization without plans, a repository without a task status', () => {
    const orgs = parseAnswer(
      ORGS,
      page([
        {
          id: 'o1',
          name: 'acme',
          apiUrl: null,
          plans: [{ id: 'p1', name: 'n', lastStatus: null, planFinishedTime: null, isRunning: null }],
        },
        { id: 'o2', name: 'globex', plans: null },
      ]),
      organizationsPage,
    );
    expect(orgs.result[0].plans).toEqual([{ id: 'p1', name: 'n' }]);
    expect('lastStatus' in (orgs.result[0].plans?.[0] ?? {})).toBe(false);
    expect(orgs.result[0]).toMatchObject({ apiUrl: null }); // not checked: passes as it came
    expect('plans' in orgs.result[1]).toBe(false);
    const repositories = parseAnswer(REPOS, repos({ ...repo, lastBackupTaskStatus: null }), repositoriesPage);
    expect('lastBackupTaskStatus' in repositories.result.repositories[0]).toBe(false);
  });

  test('an activation answer whose error list is null; a remove answer whose failed ids and errors are null', () => {
    expect(parseAnswer('/git/repositories/activate', '{"success":["r1"],"error":null}', activationAnswer)).toEqual({ success: ['r1'] });
    expect(parseAnswer(REMOVE, '{"succeededIds":["r1"],"failedIds":null,"errors":null}', removeAnswer)).toEqual({ succeededIds: ['r1'] });
  });

  test('null is still refused where a field is required', () => {
    expect(refusal('/git/repositories/activate', '{"success":null}', activationAnswer)).toBe(
      malformed('/git/repositories/activate', 'success: expected a list, got null (the answer began: {"success":null})'),
    );
  });
});

describe('the activation answer lists successes as ids or as { id } objects', () => {
  test('both are read', () => {
    expect(parseAnswer('/git/repositories/activate', '{"success":["r1",{"id":"r2"}],"error":[]}', activationAnswer).success).toEqual([
      'r1',
      { id: 'r2' },
    ]);
  });

  test('activationId reads either form', () => {
    expect(activationId('r1')).toBe('r1');
    expect(activationId({ id: 'r2' })).toBe('r2');
  });

  test('an object without a string id is refused', () => {
    expect(refusal('/git/repositories/activate', '{"success":[{"repositoryId":"r2"}]}', activationAnswer)).toBe(
      malformed('/git/repositories/activate', 'success[0].id: expected a string, got nothing (in: {"repositoryId":"r2"})'),
    );
  });
});

test('a value of another type is described by its type and its text', () => {
  expect(() => parseAnswer('/git/organizations/getmany', '{"pageCount": true, "result": []}', organizationsPage)).toThrow(
    /: pageCount: expected a whole number, got a boolean \(true\) \(the answer began:/,
  );
});
