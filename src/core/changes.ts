/**
 * The change list: what a run would change, as a value. A pure function of what was read (organization,
 * plan, plan membership, repositories) and the settings, so it is tested with plain tables and no server.
 * "Change list", not "plan": in Xopero ONE a plan is a backup plan.
 *
 * Order is part of the value: a synchronization that must come first, then the repositories sorted by name
 * (case-insensitive, then exact), each repository's activation before its attachment, then a synchronization
 * that may come last. Everything built from the list (log, summary, outputs) inherits that order, so two
 * runs over the same state say the same thing in the same words.
 */
import type { OrganizationPlan, Repository } from '../xopero/api-types.js';
import { backupStatus, staleBackupProblem } from './backup.js';

export type Change =
  /** `wait`: synchronize first and wait for it; otherwise started last and not waited for (sync: always). */
  | { kind: 'synchronize'; wait: boolean }
  /** `repository` is undefined for a name the organization does not know yet (a dry run before a sync). */
  | { kind: 'activate'; name: string; repository?: Repository }
  | { kind: 'attach'; name: string; repository?: Repository; plan: OrganizationPlan };

/** What the backup gate found: not a change, but part of the verdict. */
export interface Finding {
  kind: 'stale';
  name: string;
  repository: Repository;
  problem: string;
}

export interface ChangeList {
  changes: Change[];
  findings: Finding[];
}

/** What was read, reduced to what the change list depends on. */
export interface ObservedState {
  plan?: OrganizationPlan;
  /** The selected live repositories (unique). Any order: the list sorts them. */
  repositories: Repository[];
  attached: (repositoryId: string) => boolean;
  /** Names the user gave without a wildcard that the organization does not know (yet). */
  missing: string[];
  /** Whether every selected name was given without a wildcard (one repository, or a list of names). */
  namesOnly: boolean;
  /** Whether this state was read after a synchronization of this run. */
  synchronized: boolean;
}

export interface ChangeSettings {
  activate: boolean;
  sync: 'auto' | 'always' | 'never';
  mode: 'ensure' | 'check';
  maxBackupAgeSeconds?: number;
}

/** Case-insensitive, then exact: `Acme/api` and `acme/api` keep a fixed order too. */
export function compareNames(a: string, b: string): number {
  const lower = a.toLowerCase().localeCompare(b.toLowerCase(), 'en');
  if (lower !== 0) return lower;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `3 × cause; 1 × other`: how often each cause occurs, most frequent first, then by name (a fixed order). */
export function tallyCauses(causes: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const cause of causes) counts.set(cause, (counts.get(cause) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, n], [b, m]) => m - n || compareNames(a, b))
    .map(([cause, n]) => `${n} × ${cause}`)
    .join('; ');
}

export function listChanges(state: ObservedState, settings: ChangeSettings, nowMs: number): ChangeList {
  const changes: Change[] = [];
  const { plan } = state;
  const canSync = settings.sync !== 'never' && settings.mode === 'ensure' && !state.synchronized;
  // With wildcards a synchronization can bring in new matches, so sync: always waits for it before reading
  // on; when every name is known, it only refreshes the list for next time and is not waited for.
  const syncFirst = canSync && (state.missing.length > 0 || (settings.sync === 'always' && !state.namesOnly));
  const syncLast = canSync && !syncFirst && settings.sync === 'always';
  if (syncFirst) changes.push({ kind: 'synchronize', wait: true });

  const targets: Array<{ name: string; repository?: Repository }> = [
    ...state.repositories.map((repository) => ({ name: repository.name, repository })),
    // A name not known yet is listed only where a synchronization would bring it in first.
    ...(syncFirst ? state.missing.map((name) => ({ name })) : []),
  ].sort((a, b) => compareNames(a.name, b.name));

  for (const { name, repository } of targets) {
    if (settings.activate && !repository?.isProtected) changes.push({ kind: 'activate', name, repository });
    if (plan && !(repository && state.attached(repository.id))) changes.push({ kind: 'attach', name, repository, plan });
  }
  if (syncLast) changes.push({ kind: 'synchronize', wait: false });

  const findings: Finding[] = [];
  if (settings.maxBackupAgeSeconds !== undefined) {
    for (const { name, repository } of targets) {
      if (!repository) continue;
      const problem = staleBackupProblem(name, backupStatus(repository, plan, nowMs), settings.maxBackupAgeSeconds);
      if (problem) findings.push({ kind: 'stale', name, repository, problem });
    }
  }
  return { changes, findings };
}
