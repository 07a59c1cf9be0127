// Jest for mutation testing (stryker.config.mjs): the unit tests of the pure core and settings only. They start
// no process and no server, so a mutant costs milliseconds. The dist/ check and the TMPDIR check of the full run
// (test/global-setup.ts, test/global-teardown.ts) are left out: Stryker mutates src/ in its sandbox, so dist/
// never matches it there, and these tests create no temporary files.
import base from './jest.config.js';

const { globalSetup, globalTeardown, ...rest } = base;

export default {
  ...rest,
  // Less to crawl at each of the thousand jest starts a run makes.
  roots: ['<rootDir>/src', '<rootDir>/test'],
  // The unit tests that cover the mutated files (stryker.config.mjs, `mutate`). Keep the two lists together.
  testMatch: [
    '<rootDir>/test/core/**/*.test.ts',
    '<rootDir>/test/settings/**/*.test.ts',
    '<rootDir>/test/common/**/*.test.ts',
    '<rootDir>/test/patterns.test.ts',
    '<rootDir>/test/schemas.test.ts',
    '<rootDir>/test/settings.test.ts',
    '<rootDir>/test/neutralize.test.ts',
    '<rootDir>/test/release-plan.test.ts',
  ],
};
