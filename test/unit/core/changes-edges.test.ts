/** The change list's edges: name order between spellings, the backup gate only when asked, causes tallied. */
import { expect, test } from '@jest/globals';
import { compareNames, listChanges, tallyCauses } from '../../../src/core/changes.js';
import type { Repository } from '../../../src/xopero/api-types.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const repo = (name: string, lastSuccessfulBackup = 0) =>
  ({ id: `id-${name}`, name, isProtected: true, lastBackup: 0, lastSuccessfulBackup, nextBackup: 0 }) as Repository;
const state = (repositories: Repository[], missing: string[] = []) => ({
  repositories,
  attached: () => true,
  missing,
  namesOnly: true,
  synchronized: false,
});

test('compareNames: case-insensitive first, then upper case before lower, equal names 0', () => {
  expect(compareNames('acme/A', 'acme/a')).toBeLessThan(0);
  expect(compareNames('acme/a', 'acme/A')).toBeGreaterThan(0);
  expect(compareNames('acme/a', 'acme/a')).toBe(0);
  expect(compareNames('acme/a', 'acme/B')).toBeLessThan(0);
  expect(compareNames('acme/B', 'acme/a')).toBeGreaterThan(0);
});

test('no max-backup-age: no finding, even for a repository never backed up', () => {
  expect(listChanges(state([repo('acme/api')]), { activate: true, sync: 'auto', mode: 'ensure' }, NOW).findings).toEqual([]);
});

test('the gate looks at known repositories only: a name a synchronization must bring in first has no finding', () => {
  const list = listChanges(
    state([repo('acme/api')], ['acme/new']),
    { activate: true, sync: 'auto', mode: 'ensure', maxBackupAgeSeconds: 3600 },
    NOW,
  );
  expect(list.changes.map((change) => change.kind)).toEqual(['synchronize', 'activate']);
  expect(list.findings).toEqual([
    {
      kind: 'stale',
      name: 'acme/api',
      repository: repo('acme/api'),
      problem: expect.stringMatching(/^'acme\/api' has never been backed up/),
    },
  ]);
});

test('tallyCauses: most frequent first, ties by name, in one line', () => {
  expect(tallyCauses(['b', 'a', 'b', 'c', 'a', 'b'])).toBe('3 × b; 2 × a; 1 × c');
  expect(tallyCauses(['y', 'x'])).toBe('1 × x; 1 × y');
  expect(tallyCauses([])).toBe('');
});
