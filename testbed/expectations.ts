/** Assertions shared by the end-to-end tests. */
import { expect } from '@jest/globals';
import { errorLines, type ActionResult } from './harness.js';

/** A failed step: exit 1, exactly one `::error::` line matching `pattern`, and no stack trace anywhere. */
export function expectOneLineFailure(run: ActionResult, pattern: RegExp): void {
  expect(run.code).toBe(1);
  const errors = errorLines(run.stdout);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
  expect(run.all).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
}
