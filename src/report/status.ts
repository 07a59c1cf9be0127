/**
 * A sweep's status line, the same in a job's summary and in the merged report of its shards. A dry run that
 * found work to do is not "no change needed": nothing was changed because it was a dry run, not because all
 * was in place.
 */
export function sweepStatus(failed: string | undefined, changed: boolean, wouldChange: boolean): string {
  if (failed !== undefined) return failed ? `❌ failed: ${failed}` : '❌ failed';
  if (wouldChange) return '⚠️ not fully protected yet: the dry run lists what would change';
  return changed ? '✅ done (changes made)' : '✅ done (no change needed)';
}
