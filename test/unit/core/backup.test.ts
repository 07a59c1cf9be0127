/** The backup gate on a fixed clock: a backup is stale only when it is older than max-backup-age. */
import { describe, expect, test } from '@jest/globals';
import { humanTime } from '../../../src/common/text.js';
import { backupStatus, staleBackupProblem } from '../../../src/core/backup.js';
import { listChanges } from '../../../src/core/changes.js';
import type { OrganizationPlan, Repository } from '../../../src/xopero/api-types.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const DAY = 24 * 3600;

const repository = (lastSuccessfulBackup: number, fields: Partial<Repository> = {}) =>
  ({ id: 'r1', name: 'acme/api', isProtected: true, lastBackup: 0, lastSuccessfulBackup, nextBackup: 0, ...fields }) as Repository;

describe('the gate at its limit', () => {
  test('a backup exactly max-backup-age old passes; one second older fails', () => {
    const atLimit = backupStatus(repository(NOW - DAY * 1000), undefined, NOW);
    expect(atLimit.ageSeconds).toBe(DAY);
    expect(staleBackupProblem('acme/api', atLimit, DAY)).toBeUndefined();
    const older = backupStatus(repository(NOW - (DAY + 1) * 1000), undefined, NOW);
    expect(older.ageSeconds).toBe(DAY + 1);
    expect(staleBackupProblem('acme/api', older, DAY)).toBe(
      "'acme/api': last successful backup 1 day ago, limit 1 day; no backup is scheduled.",
    );
  });

  test('the change list finds a backup at the limit fresh, and one a second past it stale', () => {
    const repositories = [repository(NOW - DAY * 1000), repository(NOW - (DAY + 1) * 1000, { id: 'r2', name: 'acme/old' })];
    const state = { repositories, attached: () => true, missing: [], namesOnly: false, synchronized: false };
    const list = listChanges(state, { activate: true, sync: 'never', mode: 'ensure', maxBackupAgeSeconds: DAY }, NOW);
    expect(list.changes).toEqual([]);
    expect(list.findings.map((finding) => finding.name)).toEqual(['acme/old']);
  });

  test('a limit of 0 lets only a backup taken this second pass', () => {
    expect(staleBackupProblem('acme/api', backupStatus(repository(NOW), undefined, NOW), 0)).toBeUndefined();
    expect(staleBackupProblem('acme/api', backupStatus(repository(NOW - 1000), undefined, NOW), 0)).toMatch(
      /1 second ago, limit 0 seconds/,
    );
  });
});

describe('backupStatus', () => {
  test('ages are whole seconds, never negative (a server clock ahead of ours)', () => {
    expect(backupStatus(repository(NOW - 1999), undefined, NOW).ageSeconds).toBe(1);
    expect(backupStatus(repository(NOW + 5000), undefined, NOW).ageSeconds).toBe(0);
  });

  test('0 (never) is no time and no age; times are ISO 8601 UTC; the plan as the organization lists it', () => {
    const plan = { id: 'p', name: 'Nightly', lastStatus: { successes: 1, warnings: 0, errors: 0 }, planFinishedTime: NOW, isRunning: 1 };
    const status = backupStatus(
      repository(0, { lastBackup: NOW - 1000, nextBackup: NOW + 3600_000, lastBackupTaskStatus: 3 }),
      plan as unknown as OrganizationPlan,
      NOW,
    );
    expect(status).toEqual({
      lastBackup: '2026-12-03T11:59:59.000Z',
      lastSuccessfulBackup: '',
      nextBackup: '2026-12-03T13:00:00.000Z',
      ageSeconds: undefined,
      lastBackupTaskStatus: 3,
      plan: { lastStatus: { successes: 1, warnings: 0, errors: 0 }, finished: '2026-12-03T12:00:00.000Z', isRunning: true },
    });
    expect(backupStatus(repository(-5), undefined, NOW)).toMatchObject({
      lastSuccessfulBackup: '',
      ageSeconds: undefined,
      plan: undefined,
    });
  });

  test('never backed up: one line with the limit and the next scheduled backup', () => {
    const status = backupStatus(repository(0, { nextBackup: Date.parse('2026-12-04T02:00:00Z') }), undefined, NOW);
    expect(staleBackupProblem('acme/api', status, 7 * DAY)).toBe(
      "'acme/api' has never been backed up successfully (limit 7 days); next backup scheduled 2026-12-04 02:00 UTC.",
    );
    expect(humanTime('2026-12-04T02:00:59.999Z')).toBe('2026-12-04 02:00 UTC');
  });
});
