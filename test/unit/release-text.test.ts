/** How a release reads in the CLI's plain text and in the job summary's Markdown (src/report/release.ts). */
import { expect, test } from '@jest/globals';
import type { ReleaseResult } from '../../src/core/release.js';
import { releaseMarkdown, releaseText } from '../../src/report/release.js';

const plan = { id: 'p1', name: 'Nightly_GitHub *eu*' };
const result: ReleaseResult = {
  kind: 'release',
  server: 'https://backup.example.com',
  mode: 'ensure',
  dryRun: false,
  organization: { id: 'o1', name: 'acme' },
  repository: { id: 'r1', name: 'acme/my_repo', known: true, removedAtSource: false },
  plan,
  steps: [{ action: 'detach', repository: { id: 'r1', name: 'acme/my_repo' }, plan, outcome: 'done' }],
  licensesFreed: 0,
  notes: [],
  changed: true,
  problems: [],
};

test('plain text shows names as written: no Markdown escapes in the CLI report', () => {
  expect(releaseText(result)).toContain("Release: detached from 'Nightly_GitHub *eu*'; licenses freed: 0; changed: true");
});

test('the Markdown summary escapes them', () => {
  expect(releaseMarkdown(result)).toContain("detached from 'Nightly\\_GitHub \\*eu\\*'");
});
