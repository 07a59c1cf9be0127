/** The change list as a value: plain tables in, an ordered list out, no server. */
import { describe, expect, test } from '@jest/globals';
import { compareNames, listChanges, type ChangeSettings, type ObservedState } from '../../../src/core/changes.js';
import type { OrganizationPlan, Repository } from '../../../src/xopero/api-types.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const HOUR = 3600_000;
const plan: OrganizationPlan = { id: 'p1', name: 'Nightly' } as OrganizationPlan;

function repo(name: string, fields: Partial<Repository> = {}): Repository {
  return {
    id: `id-${name}`,
    name,
    isProtected: false,
    isRemoved: false,
    lastSuccessfulBackup: 0,
    lastBackup: 0,
    nextBackup: 0,
    ...fields,
  } as Repository;
}

function state(repositories: Repository[], fields: Partial<ObservedState> = {}): ObservedState {
  const attachedIds = new Set(repositories.filter((r) => r.name.includes('attached')).map((r) => r.id));
  return { plan, repositories, attached: (id) => attachedIds.has(id), missing: [], namesOnly: false, synchronized: false, ...fields };
}

const ensure: ChangeSettings = { activate: true, sync: 'auto', mode: 'ensure' };
/** The list in a compact form: "kind name" per change. */
const compact = (list: ReturnType<typeof listChanges>) =>
  list.changes.map((change) =>
    change.kind === 'synchronize' ? `synchronize${change.wait ? '' : ' (last)'}` : `${change.kind} ${change.name}`,
  );

describe('listChanges', () => {
  test('repositories by name (case-insensitive, then exact), activation before attachment', () => {
    const list = listChanges(state([repo('acme/b'), repo('acme/A'), repo('acme/a'), repo('acme/C', { isProtected: true })]), ensure, NOW);
    expect(compact(list)).toEqual([
      'activate acme/A',
      'attach acme/A',
      'activate acme/a',
      'attach acme/a',
      'activate acme/b',
      'attach acme/b',
      'attach acme/C',
    ]);
  });

  test('the same state in any order gives the same list', () => {
    const repos = Array.from({ length: 50 }, (_, i) => repo(`acme/r-${(i * 37) % 50}`, { isProtected: i % 3 === 0 }));
    const shuffled = [...repos].reverse();
    expect(compact(listChanges(state(shuffled), ensure, NOW))).toEqual(compact(listChanges(state(repos), ensure, NOW)));
  });

  test.each([
    ['nothing to do when protected and attached', [repo('acme/attached-1', { isProtected: true })], ensure, []],
    ['no activation when activate is false', [repo('acme/x')], { ...ensure, activate: false }, ['attach acme/x']],
    ['no attachment without a plan', [repo('acme/x')], ensure, ['activate acme/x']],
  ] as const)('%s', (_title, repositories, settings, expected) => {
    const noPlan = _title.includes('without a plan');
    const list = listChanges(state([...repositories], noPlan ? { plan: undefined } : {}), settings, NOW);
    expect(compact(list)).toEqual(expected);
  });

  test.each([
    // missing names, sync, mode, names only, synchronized already -> expected list
    [['acme/new'], 'auto', 'ensure', true, false, ['synchronize', 'activate acme/new', 'attach acme/new']],
    [['acme/new'], 'never', 'ensure', true, false, []],
    [['acme/new'], 'auto', 'check', true, false, []],
    [['acme/new'], 'auto', 'ensure', true, true, []],
    [[], 'always', 'ensure', true, false, ['synchronize (last)']],
    [[], 'always', 'ensure', false, false, ['synchronize']],
    [[], 'always', 'check', false, false, []],
    [[], 'auto', 'ensure', false, false, []],
  ] as const)('missing %j, sync %s, mode %s, names only %s, after a sync %s', (missing, sync, mode, namesOnly, synchronized, expected) => {
    const list = listChanges(state([], { missing: [...missing], namesOnly, synchronized }), { ...ensure, sync, mode }, NOW);
    expect(compact(list)).toEqual(expected);
  });

  test('an unknown name is listed in name order among the known ones, without a repository', () => {
    const list = listChanges(state([repo('acme/c'), repo('acme/a')], { missing: ['acme/b'] }), ensure, NOW);
    expect(compact(list)).toEqual([
      'synchronize',
      'activate acme/a',
      'attach acme/a',
      'activate acme/b',
      'attach acme/b',
      'activate acme/c',
      'attach acme/c',
    ]);
    expect(list.changes.find((change) => change.kind !== 'synchronize' && change.name === 'acme/b')).toMatchObject({
      repository: undefined,
    });
  });

  test('the backup gate: stale and never-backed-up repositories are findings, in name order', () => {
    const repositories = [
      repo('acme/fresh', { isProtected: true, lastSuccessfulBackup: NOW - 2 * HOUR }),
      repo('acme/stale', { isProtected: true, lastSuccessfulBackup: NOW - 50 * HOUR }),
      repo('acme/Never', { isProtected: true }),
    ];
    const list = listChanges(state(repositories, { plan: undefined }), { ...ensure, maxBackupAgeSeconds: 24 * 3600 }, NOW);
    expect(list.changes).toEqual([]);
    expect(list.findings.map((finding) => finding.name)).toEqual(['acme/Never', 'acme/stale']);
    expect(list.findings[1].problem).toMatch(/last successful backup 2 days 2 hours ago, limit 1 day/);
  });
});

describe('compareNames', () => {
  test('case-insensitive first, then exact, so the order is total', () => {
    expect(['b', 'B', 'a', 'A', 'a-1'].sort(compareNames)).toEqual(['A', 'a', 'a-1', 'B', 'b']);
  });
});
