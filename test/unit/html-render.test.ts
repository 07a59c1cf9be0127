/**
 * The HTML report's and the badge's pure parts: the badge's share is rounded down and coloured by thresholds,
 * and result files of an earlier version (no last backups, no time written) still give a page that says so.
 */
import { describe, expect, test } from '@jest/globals';
import { endpointBadge } from '../../src/report/badge.js';
import { htmlReport } from '../../src/report/html.js';
import { mergeResults, type ResultDocument } from '../../src/report/merge.js';

/** One unsharded sweep's result document: `protectedCount` unchanged, the rest failed with LI5020. */
function resultDocument(total: number, protectedCount: number, extra: Partial<ResultDocument> = {}): ResultDocument {
  const names = Array.from({ length: total }, (_, i) => `acme/r-${String(i).padStart(6, '0')}`);
  const failed = names.slice(protectedCount);
  return {
    kind: 'sweep',
    formatVersion: 1,
    server: 'https://xopero.example.com',
    mode: 'ensure',
    dryRun: false,
    organization: { id: '11111111-2222-4333-8444-555555555555', name: 'acme' },
    patterns: ['*'],
    synchronization: 'not-needed',
    counts: {
      matched: total,
      alreadyProtected: protectedCount,
      activated: 0,
      attached: 0,
      wouldActivate: 0,
      wouldAttach: 0,
      failed: failed.length,
      stale: 0,
    },
    entries: failed.map((name, i) => ({ repository: name, id: String(i), actions: ['failed'], reason: 'activation: LI5020' })),
    notFound: [],
    changed: false,
    problems: [],
    unchanged: names.slice(0, protectedCount),
    ...extra,
  };
}

const badgeOf = (total: number, protectedCount: number) =>
  endpointBadge(mergeResults([{ file: 'r.json', doc: resultDocument(total, protectedCount) }]));

describe('the badge', () => {
  test.each([
    [10_000, 10_000, '100% protected', 'brightgreen'],
    [10_000, 9_999, '99.9% protected', 'green'],
    [1_000, 992, '99.2% protected', 'green'],
    [1_000, 989, '98.9% protected', 'yellowgreen'],
    [100, 90, '90% protected', 'yellow'],
    [4, 3, '75% protected', 'orange'],
    [3, 2, '66.6% protected', 'red'],
    [1_000, 289, '28.9% protected', 'red'],
  ])('%i repositories, %i protected: %s, %s', (total, protectedCount, message, color) => {
    expect(badgeOf(total, protectedCount)).toEqual({ schemaVersion: 1, label: 'backup', message, color });
  });

  test('no repository matched', () => {
    expect(badgeOf(0, 0)).toEqual({ schemaVersion: 1, label: 'backup', message: 'no repositories', color: 'lightgrey' });
  });
});

describe('the page from result files', () => {
  const rowsOf = (html: string) =>
    JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null') as {
      at: number | null;
      rows: unknown[][];
    };

  test('of an earlier version: last backup and time not known', () => {
    const data = rowsOf(htmlReport(mergeResults([{ file: 'r.json', doc: resultDocument(2, 1) }])));
    expect(data.at).toBeNull();
    expect(data.rows).toEqual([
      ['acme/r-000000', 5, 0, null],
      [
        'acme/r-000001',
        0,
        0,
        null,
        'activation: no free license: every license of this Xopero ONE instance is in use; free one (deactivate a repository you no longer back up) or add licenses, then re-run',
        'LI5020',
      ],
    ]);
  });

  test('with last backups and the time written: epoch seconds, -1 for never', () => {
    const doc = resultDocument(2, 2, {
      writtenAt: '2026-12-06T12:00:00.000Z',
      lastBackups: { 'acme/r-000000': '2026-12-06T10:00:00.000Z', 'acme/r-000001': '' },
    });
    const data = rowsOf(htmlReport(mergeResults([{ file: 'r.json', doc }])));
    expect(data.at).toBe(Date.parse('2026-12-06T12:00:00Z') / 1000);
    expect(data.rows).toEqual([
      ['acme/r-000000', 5, 0, Date.parse('2026-12-06T10:00:00Z') / 1000],
      ['acme/r-000001', 5, 0, -1],
    ]);
  });
});
