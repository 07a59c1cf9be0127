/**
 * The test run's own guards (test/global-setup.ts, test/global-teardown.ts): a dist/ the sources no longer
 * build is refused, and a test that leaves something in the temporary directory fails the run.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAMP_FILE, sourceHash, staleDistReason } from '../../scripts/dist-stamp.mjs';
import { ROOT, baseEnv, runProcess, withTempDir } from '../../testbed/harness.js';

describe('dist/ matches the sources', () => {
  /** A minimal project: what the hash covers. */
  const project = (root: string) => {
    mkdirSync(join(root, 'src/core'), { recursive: true });
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'src/core/run.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'src/index.ts'), "import './core/run.js';\n");
    writeFileSync(join(root, 'tsconfig.json'), '{}\n');
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion": 3}\n');
    writeFileSync(join(root, 'package.json'), '{"scripts": {"build": "ncc build src/index.ts -o dist", "test": "jest"}}\n');
  };

  test('the stamp the build wrote is refused once a source, the lockfile, the tsconfig or the build command changes', () =>
    withTempDir('source-hash-', async (root) => {
      project(root);
      expect(staleDistReason(root)).toBe(
        `${STAMP_FILE} is missing: run 'npm run build' before testing (the end-to-end tests run the built dist/).`,
      );
      const stamp = () => writeFileSync(join(root, STAMP_FILE), `${sourceHash(root)}\n`);
      stamp();
      expect(staleDistReason(root)).toBeUndefined();

      const changes: Array<[string, string]> = [
        ['src/core/run.ts', 'export const a = 2;\n'],
        ['src/core/new.ts', 'export {};\n'],
        ['tsconfig.json', '{"compilerOptions": {}}\n'],
        ['package-lock.json', '{"lockfileVersion": 2}\n'],
        ['package.json', '{"scripts": {"build": "ncc build src/index.ts -o dist --minify", "test": "jest"}}\n'],
      ];
      for (const [file, text] of changes) {
        writeFileSync(join(root, file), text);
        expect([file, staleDistReason(root)]).toEqual([
          file,
          expect.stringMatching(/^dist\/ was built from other sources than src\/ holds now: run 'npm run build'/),
        ]);
        stamp();
        expect([file, staleDistReason(root)]).toEqual([file, undefined]);
      }
      // Another script in package.json is not part of the build.
      writeFileSync(join(root, 'package.json'), '{"scripts": {"build": "ncc build src/index.ts -o dist --minify", "test": "jest --ci"}}\n');
      expect(staleDistReason(root)).toBeUndefined();
    }));
});

describe('the temporary directory', () => {
  test('this run has a TMPDIR of its own', () => {
    expect(process.env.TMPDIR).toMatch(/xopero-test-run-\w+$/);
  });

  test('a test that leaves something behind fails the run, with one line naming what it left', () =>
    withTempDir('nested-jest-', async (dir) => {
      // A jest of its own, with this project's configuration, on a fixture that leaks; its cache in `dir`.
      // (jest.config.js has no types: imported by a name the compiler does not resolve.)
      const configFile: string = '../../jest.config.js';
      const config = ((await import(configFile)) as { default: Record<string, unknown> }).default;
      const nested = {
        ...config,
        rootDir: ROOT,
        cacheDirectory: join(dir, 'cache'),
        testMatch: ['<rootDir>/test/infrastructure/leak.fixture.ts'],
      };
      const run = await runProcess(
        [join(ROOT, 'node_modules/jest/bin/jest.js'), '--config', JSON.stringify(nested), '--ci', '--runInBand'],
        baseEnv({ NODE_OPTIONS: '--experimental-vm-modules' }),
        { timeoutMs: 120_000 },
      );
      expect([run.code, run.stderr]).toEqual([1, expect.stringContaining('Tests:       1 passed, 1 total')]);
      expect(run.stderr).toMatch(
        /^The tests left 2 entries in the temporary directory: left-behind-\w{6}, left-behind\.txt\. Each test must remove what it creates\.$/m,
      );
    }));
});
