// Jest for mutation testing (stryker.config.mjs): the unit tests of the pure core and settings only. They start
// no process and no server, so a mutant costs milliseconds. The dist/ check and the TMPDIR check of the full run
// (test/global-setup.ts, test/global-teardown.ts) are left out: Stryker mutates src/ in its sandbox, so dist/
// never matches it there, and these tests leave no temporary files (broker-config.test.ts removes its scratch directory).
import base from './jest.config.js';

const { globalSetup, globalTeardown, ...rest } = base;

export default {
  ...rest,
  // Less to crawl at each of the thousand jest starts a run makes.
  roots: ['<rootDir>/src', '<rootDir>/test'],
  // Every unit test (test/unit/: they call functions in-process; docs/testing.md): Stryker runs, per mutant, only
  // those that cover it.
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  // Except the one that checks the built bundles (dist/ is not in Stryker's sandbox, and no mutant of src/ reaches it).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/undici-parts.test.ts'],
};
