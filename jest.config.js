// Jest runs the TypeScript tests as native ES modules (the project is ESM: @actions/core 3 is ESM-only).
// `npm test` sets NODE_OPTIONS=--experimental-vm-modules, which jest needs for ESM.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'test/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Stryker's sandbox (npm run mutation) holds a copy of the project while it runs.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  // dist/ must match src/, and the run gets its own TMPDIR that must be empty at the end: see the two files.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
};
