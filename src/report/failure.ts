/**
 * Why a run failed, in one word, for a gate to act on: the `failure` output, XOPERO_FAILURE in the dotenv
 * report, and the CLI's exit status (3 for non-compliant, 1 for error).
 *   ''              passed;
 *   'non-compliant' the run asked and got its answer, and the answer is no: check mode found a repository not
 *                   protected (release-check: not released), or a last successful backup older than
 *                   max-backup-age. Nothing failed along the way.
 *   'error'         the run could not ask or could not finish: bad input, server unreachable, login refused, a
 *                   name not found, a step that failed, a refusal, a cancellation.
 * Told from the results' structure (modes, counts, step outcomes), not from the problems' wording. A run is
 * non-compliant only when every problem it has is accounted for as a finding; anything else is an error, so a
 * problem this code does not know of never passes for "only drift".
 */
import type { RunOutcome } from '../core/run.js';
import type { MergedReport } from './merge.js';

export type FailureKind = '' | 'non-compliant' | 'error';

/** `problems`: the run's, or more when the host added its own (a file it could not write): those are errors. */
export function failureKind(result: RunOutcome['result'], problems: string[] = result.problems): FailureKind {
  if (problems.length === 0) return '';
  return findings(result) === problems.length ? 'non-compliant' : 'error';
}

/** The same for the merged report of a sharded sweep (`xopero-one report`, the report action); src/report/merge.ts verdict. */
export function mergedFailureKind(report: MergedReport): FailureKind {
  if (report.problems.length === 0) return '';
  const check = report.mode === 'check';
  const findings = [
    report.repositories.some((entry) => entry.actions.includes('stale')),
    check && report.counts.wouldActivate + report.counts.wouldAttach > 0,
    check && report.notFound.length > 0,
  ].filter(Boolean).length;
  return findings === report.problems.length ? 'non-compliant' : 'error';
}

/** How many of the result's problems are findings of the check or of the backup-age gate. */
function findings(result: RunOutcome['result']): number {
  // check and release-check, with or without dry-run: the core words its findings the same either way.
  const check = result.mode === 'check';
  switch (result.kind) {
    // Problems: a failed activation or attachment (errors), else check's findings and the stale backup.
    case 'repository':
      return result.activation === 'failed' || result.attachment === 'failed' ? 0 : result.problems.length;
    // release-check's one problem is "not released"; a real release's problems are failed steps.
    case 'release':
      return check ? result.problems.length : 0;
    // One line each (src/core/sweep.ts verdict, src/core/release.ts Reclaim.result), counted where it is a finding.
    case 'sweep':
      return [
        check && result.notFound.length > 0 && result.synchronization !== 'would-synchronize',
        check && result.counts.wouldActivate + result.counts.wouldAttach > 0,
        result.counts.stale > 0,
        check && (result.reclaim?.entries.length ?? 0) > 0,
      ].filter(Boolean).length;
    // An Azure DevOps project's problems are refusals.
    default:
      return 0;
  }
}
