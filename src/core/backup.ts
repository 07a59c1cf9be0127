/**
 * Backup status: what the repository record already says about its backups (no extra request), and the
 * freshness gate on it.
 */
import type { OrganizationPlan, PlanStatus, Repository } from '../xopero/api-types.js';
import { formatDuration } from '../settings/duration.js';
import { humanTime } from '../common/text.js';

export interface BackupStatus {
  /** ISO 8601 UTC, or '' for never. */
  lastBackup: string;
  lastSuccessfulBackup: string;
  /** ISO 8601 UTC, or '' when none is scheduled. */
  nextBackup: string;
  /** Whole seconds since the last successful backup, or undefined for never. */
  ageSeconds?: number;
  lastBackupTaskStatus?: number;
  plan?: { lastStatus?: PlanStatus; finished: string; isRunning: boolean };
}

/** ISO 8601 UTC of an epoch-ms time from the server, or '' for none (0 or absent). */
export const isoTime = (epochMs: number | undefined) => (epochMs && epochMs > 0 ? new Date(epochMs).toISOString() : '');

export function backupStatus(repository: Repository, plan: OrganizationPlan | undefined, nowMs: number): BackupStatus {
  const last = repository.lastSuccessfulBackup;
  return {
    lastBackup: isoTime(repository.lastBackup),
    lastSuccessfulBackup: isoTime(last),
    nextBackup: isoTime(repository.nextBackup),
    ageSeconds: last > 0 ? Math.max(0, Math.floor((nowMs - last) / 1000)) : undefined,
    lastBackupTaskStatus: repository.lastBackupTaskStatus,
    plan: plan && { lastStatus: plan.lastStatus, finished: isoTime(plan.planFinishedTime), isRunning: Boolean(plan.isRunning) },
  };
}

/** The gate: undefined when the backup is fresh enough, else the one line that says why not. */
export function staleBackupProblem(name: string, status: BackupStatus, maxAgeSeconds: number): string | undefined {
  const next = status.nextBackup ? `next backup scheduled ${humanTime(status.nextBackup)}` : 'no backup is scheduled';
  const limit = `limit ${formatDuration(maxAgeSeconds)}`;
  if (status.ageSeconds === undefined) {
    return `'${name}' has never been backed up successfully (${limit}); ${next}.`;
  }
  if (status.ageSeconds <= maxAgeSeconds) return undefined;
  return `'${name}': last successful backup ${formatDuration(status.ageSeconds)} ago, ${limit}; ${next}.`;
}
