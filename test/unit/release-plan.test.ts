/** Planning releases (pure): which detaches, deactivations and removals, in which order; and the release settings. */
import { describe, expect, test } from '@jest/globals';
import { listReclaimChanges, listReleaseChanges } from '../../src/core/release-changes.js';
import type { AssignedPlan, Repository } from '../../src/xopero/api-types.js';
import { compilePatterns } from '../../src/core/patterns.js';
import { InputError } from '../../src/common/errors.js';
import { parseSettings, type RawInputs } from '../../src/settings/settings.js';

const repo = (name: string, init: Partial<Repository> = {}): Repository => ({
  id: `id-${name}`,
  name: `acme/${name}`,
  lastBackup: 0,
  lastSuccessfulBackup: 0,
  nextBackup: 0,
  isProtected: true,
  isRemoved: false,
  ...init,
});
const plan = (name: string, repos: Repository[], includeAllRepositories = false): AssignedPlan => ({
  id: `plan-${name}`,
  name,
  includeAllRepositories,
  repositoryIds: repos.map((r) => r.id.toUpperCase()), // ids compare case-insensitively
});
const summary = (changes: ReturnType<typeof listReleaseChanges>['changes']) =>
  changes.map((c) => `${c.action} ${c.repository.name}${c.plan ? ` ${c.plan.name}` : ''}`);

describe('listReleaseChanges', () => {
  const svc = repo('svc');
  const other = repo('other');
  const assigned = [plan('Weekly', [svc]), plan('Nightly', [svc, other]), plan('All', [], true)];

  test('every plan that lists it (sorted by name), then the license; nothing of any other repository', () => {
    const { changes, notes } = listReleaseChanges([svc], assigned, { remove: false });
    expect(summary(changes)).toEqual(['detach acme/svc Nightly', 'detach acme/svc Weekly', 'deactivate acme/svc']);
    expect(notes).toEqual([expect.stringMatching(/^Plan 'All' includes all repositories .* cannot drop 'acme\/svc' alone/)]);
  });

  test('only the named plan; remove last and only when asked', () => {
    const { changes, notes } = listReleaseChanges([svc], assigned, { onlyPlan: { id: 'PLAN-WEEKLY', name: 'Weekly' }, remove: true });
    expect(summary(changes)).toEqual(['detach acme/svc Weekly', 'deactivate acme/svc', 'remove acme/svc']);
    expect(notes).toEqual([]);
  });

  test('released already: no change', () => {
    expect(listReleaseChanges([repo('svc', { isProtected: false })], [plan('Nightly', [other])], { remove: false }).changes).toEqual([]);
  });
});

describe('listReclaimChanges', () => {
  const patterns = compilePatterns(['*', '!keep-*'], 'acme');
  const repositories = [
    repo('zeta-removed', { isRemoved: true }),
    repo('Alpha-archived'),
    repo('alpha-archived-2', { isProtected: false }),
    repo('both', { isRemoved: true }),
    repo('free-removed', { isRemoved: true, isProtected: false }),
    repo('keep-removed', { isRemoved: true }),
    repo('live'),
  ];
  const assigned = [plan('Nightly', repositories)];
  const archived = new Set(['acme/alpha-archived', 'acme/alpha-archived-2', 'acme/both', 'acme/keep-removed']);

  test('removed and archived, matched by the patterns, sorted by name (case-insensitive); a repository once', () => {
    const {
      list: planned,
      reasons,
      claimed,
    } = listReclaimChanges({ repositories, assigned, matches: patterns.matches, sources: ['archived', 'removed'], archived });
    expect(summary(planned.changes)).toEqual([
      'detach acme/Alpha-archived Nightly',
      'deactivate acme/Alpha-archived',
      'detach acme/alpha-archived-2 Nightly',
      'detach acme/both Nightly',
      'deactivate acme/both',
      'detach acme/free-removed Nightly',
      'detach acme/zeta-removed Nightly',
      'deactivate acme/zeta-removed',
    ]);
    expect(reasons.get('id-both')).toEqual(['removed', 'archived']);
    expect(claimed.has('id-keep-removed')).toBe(false);
    expect(claimed.has('id-live')).toBe(false);
  });

  test('one source at a time', () => {
    const removedOnly = listReclaimChanges({ repositories, assigned: [], matches: patterns.matches, sources: ['removed'] });
    expect(summary(removedOnly.list.changes)).toEqual(['deactivate acme/both', 'deactivate acme/zeta-removed']);
    // An archived repository that holds nothing is claimed (the sweep leaves it alone) but not released.
    const archivedOnly = listReclaimChanges({ repositories, assigned: [], matches: patterns.matches, sources: ['archived'], archived });
    expect(summary(archivedOnly.list.changes)).toEqual(['deactivate acme/Alpha-archived', 'deactivate acme/both']);
    expect(archivedOnly.claimed.has('id-alpha-archived-2')).toBe(true);
    expect(archivedOnly.reasons.has('id-alpha-archived-2')).toBe(false);
  });
});

describe('release settings', () => {
  const valid: RawInputs = {
    'server-url': 'https://backup.example.com',
    'access-token': 'tok-1',
    organization: 'acme',
    repository: 'acme/api',
  };
  const parse = (raw: RawInputs) => parseSettings({ ...valid, ...raw });
  const rejects = (raw: RawInputs, input: string, message: RegExp) => {
    let error: unknown;
    try {
      parse(raw);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as Error).message).toMatch(message);
  };

  test('defaults: protect, no reclaim, limit 50', () => {
    expect(parse({})).toMatchObject({ operation: 'protect', mode: 'ensure', remove: false, reclaim: [], releaseLimit: 50 });
  });

  test('mode: release and release-check', () => {
    expect(parse({ mode: 'release', remove: 'true' })).toMatchObject({ operation: 'release', mode: 'ensure', remove: true });
    expect(parse({ mode: 'Release-Check' })).toMatchObject({ operation: 'release', mode: 'check' });
  });

  test('reclaim: removed, archived or both; archived needs a GitHub token', () => {
    expect(parse({ repositories: '*', reclaim: 'archived, removed', 'github-token': 'ghs_x' }).reclaim).toEqual(['archived', 'removed']);
    rejects({ repositories: '*', reclaim: 'deleted' }, 'reclaim', /expected removed, archived, or both/);
    rejects({ repositories: '*', reclaim: 'archived' }, 'github-token', /reclaim: archived reads the archived repositories/);
    rejects({ reclaim: 'removed' }, 'reclaim', /works in an organization sweep/);
  });

  test('combinations that would be ignored are refused', () => {
    rejects({ remove: 'true' }, 'remove', /applies only to mode: release/);
    rejects({ mode: 'release', repositories: '*' }, 'mode', /release works on one repository/);
    rejects({ 'release-limit': '-1' }, 'release-limit', /expected a whole number/);
    expect(parse({ 'release-limit': '0' }).releaseLimit).toBe(0);
  });
});
