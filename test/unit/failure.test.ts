/**
 * The failure kind of a result (src/report/failure.ts): what the `failure` output, XOPERO_FAILURE and the
 * CLI's exit status 3 vs 1 say. Many cases, told from the result's structure: a table of results, no server.
 * The end-to-end tests (cli, action, sweep, release, hosts) run the common ones through the shipped bundles.
 */
import { describe, expect, test } from '@jest/globals';
import type { RunOutcome } from '../../src/core/run.js';
import { failureKind } from '../../src/report/failure.js';

type Result = RunOutcome['result'];
const head = { server: 'https://backup.example.com', organization: { id: 'o', name: 'acme' }, changed: false };

function repository(mode: 'ensure' | 'check', fields: Record<string, unknown>): Result {
  return {
    kind: 'repository',
    ...head,
    mode,
    dryRun: false,
    activation: 'already',
    attachment: 'already',
    problems: [],
    ...fields,
  } as unknown as Result;
}

function sweep(mode: 'ensure' | 'check', counts: Record<string, number>, fields: Record<string, unknown> = {}): Result {
  const allCounts = { matched: 10, alreadyProtected: 0, activated: 0, attached: 0, wouldActivate: 0, wouldAttach: 0, failed: 0, stale: 0 };
  return {
    kind: 'sweep',
    ...head,
    mode,
    dryRun: false,
    synchronization: 'not-needed',
    counts: { ...allCounts, ...counts },
    notFound: [],
    problems: [],
    ...fields,
  } as unknown as Result;
}

describe('one repository', () => {
  test.each([
    ['passed', repository('ensure', {}), ''],
    ['check: not activated', repository('check', { activation: 'would-activate', problems: ['not activated'] }), 'non-compliant'],
    ['check: unknown to Xopero ONE', repository('check', { problems: ['not known'] }), 'non-compliant'],
    ['ensure: a stale backup (max-backup-age)', repository('ensure', { problems: ['older than 1 day'] }), 'non-compliant'],
    ['activation failed', repository('ensure', { activation: 'failed', problems: ['LI5020'] }), 'error'],
    [
      'activation failed beside a stale backup',
      repository('ensure', { activation: 'failed', problems: ['LI5020', 'older than 1 day'] }),
      'error',
    ],
    ['attachment failed', repository('ensure', { attachment: 'failed', problems: ['PL0001'] }), 'error'],
  ])('%s', (_name, result, kind) => {
    expect(failureKind(result)).toBe(kind);
  });

  test('a problem the host adds (a file it could not write) makes a finding an error', () => {
    const result = repository('check', { activation: 'would-activate', problems: ['not activated'] });
    expect(failureKind(result, [...result.problems, "Cannot write the result file 'x'"])).toBe('error');
  });
});

describe('a sweep', () => {
  test.each([
    ['passed', sweep('ensure', {}), ''],
    ['check: some not protected', sweep('check', { wouldActivate: 3 }, { problems: ['3 of 10 not fully protected'] }), 'non-compliant'],
    [
      'check: not protected and stale',
      sweep('check', { wouldAttach: 1, stale: 2 }, { problems: ['1 of 10 not fully protected', '2 of 10 stale'] }),
      'non-compliant',
    ],
    [
      'check with dry-run: the same findings',
      sweep('check', { wouldActivate: 3 }, { dryRun: true, problems: ['3 of 10 not fully protected'] }),
      'non-compliant',
    ],
    ['check: a name not known', sweep('check', {}, { notFound: ['acme/ghost'], problems: ['Not found: acme/ghost'] }), 'non-compliant'],
    ['ensure: a name a synchronization did not find', sweep('ensure', {}, { notFound: ['acme/ghost'], problems: ['Not found'] }), 'error'],
    ['ensure: some failed', sweep('ensure', { failed: 2 }, { problems: ['2 of 10 failed'] }), 'error'],
    ['ensure: failed and stale', sweep('ensure', { failed: 1, stale: 1 }, { problems: ['1 failed', '1 stale'] }), 'error'],
    ['patterns that match nothing', sweep('ensure', { matched: 0 }, { problems: ['No repository matches'] }), 'error'],
    [
      'check with reclaim: repositories still hold licenses',
      sweep('check', {}, { reclaim: { entries: [{}, {}], limit: 50 }, problems: ['2 still hold a license'] }),
      'non-compliant',
    ],
    [
      'check with reclaim over release-limit',
      sweep('check', {}, { reclaim: { entries: [{}, {}], limit: 1 }, problems: ['more than release-limit', '2 still hold a license'] }),
      'error',
    ],
  ])('%s', (_name, result, kind) => {
    expect(failureKind(result)).toBe(kind);
  });
});

describe('release and Azure DevOps projects', () => {
  const release = (mode: 'ensure' | 'check', problems: string[]) =>
    ({ kind: 'release', ...head, mode, dryRun: false, steps: [], problems }) as unknown as Result;
  test.each([
    ['release-check: not released', release('check', ["'acme/svc' is not released"]), 'non-compliant'],
    ['release: a step failed', release('ensure', ['Deactivating failed'])],
    [
      'an Azure DevOps project refused',
      { kind: 'azure-project', ...head, mode: 'ensure', dryRun: false, problems: ['refused'] } as unknown as Result,
    ],
  ])('%s', (_name, result, kind = 'error') => {
    expect(failureKind(result)).toBe(kind);
  });
});
