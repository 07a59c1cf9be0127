/**
 * What an error answer of the server becomes (src/xopero/http-errors.ts): the shapes ASP.NET services answer
 * with, word for word.
 */
import { describe, expect, test } from '@jest/globals';
import { ENDPOINTS } from '../../../src/xopero/endpoints.js';
import { httpError } from '../../../src/xopero/http-errors.js';

const url = new URL('https://backup.example.com/plans/attachgitrepository');
const attach = ENDPOINTS.attach;
const answer = (status: number, body: unknown) => httpError(status, {}, JSON.stringify(body), url, attach);

describe("the server's own words in the line", () => {
  test("a validation answer names its fields (ASP.NET's ValidationProblemDetails), at most three", () => {
    const error = answer(400, {
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      errors: { PlanId: ['The PlanId field is required.', 'second'], RepositoryId: ['Not a GUID.'] },
    });
    expect(error.message).toBe(
      'Xopero ONE answered POST /plans/attachgitrepository with HTTP 400 (server: One or more validation errors occurred. (PlanId: The PlanId field is required.; RepositoryId: Not a GUID.)): check the inputs it was given against Xopero ONE.',
    );
    const many = answer(400, { title: 'Invalid.', Errors: { a: ['1'], b: ['2'], c: ['3'], d: ['4'], e: [] } });
    expect(many.message).toContain('(server: Invalid. (a: 1; b: 2; c: 3; and 1 more))');
  });

  test('an errors entry that is no map of messages adds nothing; a code and message stay as they were', () => {
    expect(answer(400, { title: 'Bad.', errors: ['x'] }).message).toContain('(server: Bad.):');
    expect(answer(400, { title: 'Bad.', errors: { a: [1], b: 'text' } }).message).toContain('(server: Bad.):');
    expect(answer(409, { errorCode: 'PL1009', message: 'Already attached.' }).message).toBe(
      'Xopero ONE answered POST /plans/attachgitrepository with HTTP 409 (server: PL1009: Already attached.): check the inputs it was given against Xopero ONE.',
    );
    // Field errors alone still say something.
    expect(answer(400, { errors: { Name: ['Too long.'] } }).message).toContain('(server: (Name: Too long.)):');
  });
});
