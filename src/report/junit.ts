/**
 * JUnit XML of a merged sweep report: one test case per matched repository, a failure for each failed or
 * stale one (and, in mode check, each not fully protected one), for GitLab's artifacts:reports:junit and the
 * JUnit reporters GitHub users run. One test suite per shard, so a failure points at the job that had it.
 */
import type { MergedReport, ReportEntry } from './merge.js';

/** XML 1.0 text: the five special characters escaped, characters XML cannot carry at all dropped. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function failureOf(entry: ReportEntry, report: MergedReport): { type: string; message: string } | undefined {
  if (entry.outcome === 'failed') return { type: 'failed', message: entry.reason ?? 'failed' };
  if (entry.outcome === 'stale') return { type: 'stale', message: entry.reason ?? 'no successful backup within max-backup-age' };
  if (entry.outcome === 'not-protected' && report.mode === 'check')
    return { type: 'not-protected', message: `not fully protected: ${entry.actions.join(', ')}` };
  return undefined;
}

export function junitXml(report: MergedReport): string {
  const org = report.organization.name;
  const suites = new Map<string, ReportEntry[]>();
  for (const entry of report.repositories) {
    const list = suites.get(entry.shard) ?? [];
    list.push(entry);
    suites.set(entry.shard, list);
  }
  const shardNames = [...suites.keys()].sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0]));
  const lines: string[] = [];
  let failures = 0;
  let skipped = 0;
  for (const shard of shardNames) {
    const entries = suites.get(shard) ?? [];
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    for (const entry of entries) {
      const open = `    <testcase classname="${xmlEscape(org)}" name="${xmlEscape(entry.repository)}" time="0"`;
      const failure = failureOf(entry, report);
      if (failure) {
        suiteFailures += 1;
        cases.push(
          `${open}>\n      <failure type="${failure.type}" message="${xmlEscape(failure.message)}">${xmlEscape(`${entry.repository}: ${failure.message}`)}</failure>\n    </testcase>`,
        );
      } else if (entry.outcome === 'not-protected') {
        suiteSkipped += 1;
        cases.push(`${open}>\n      <skipped message="${xmlEscape(`dry run: ${entry.actions.join(', ')}`)}"/>\n    </testcase>`);
      } else {
        cases.push(`${open}/>`);
      }
    }
    failures += suiteFailures;
    skipped += suiteSkipped;
    const name = shard ? `${org} shard ${shard}` : org;
    lines.push(
      `  <testsuite name="${xmlEscape(name)}" tests="${entries.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}" time="0">`,
      ...cases,
      '  </testsuite>',
    );
  }
  const notFound = report.notFound.length > 0 && !(report.dryRun && report.mode === 'ensure') ? report.notFound : [];
  if (notFound.length > 0) {
    failures += notFound.length;
    lines.push(
      `  <testsuite name="${xmlEscape(`${org} not found`)}" tests="${notFound.length}" failures="${notFound.length}" errors="0" skipped="0" time="0">`,
    );
    for (const name of notFound) {
      lines.push(
        `    <testcase classname="${xmlEscape(org)}" name="${xmlEscape(name)}" time="0">\n      <failure type="not-found" message="not found in the organization">${xmlEscape(`${name}: not found in organization ${org}`)}</failure>\n    </testcase>`,
      );
    }
    lines.push('  </testsuite>');
  }
  const tests = report.repositories.length + notFound.length;
  const title = `Xopero ONE sweep of ${org}${report.plan ? ` (plan ${report.plan.name})` : ''}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(title)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
    ...lines,
    '</testsuites>',
    '',
  ].join('\n');
}
