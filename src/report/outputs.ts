/** The merged report's files: JSON, JUnit XML, Markdown, HTML, badge; shared by the CLI's `report` and the report action. */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { badgeJson } from './badge.js';
import { htmlReport } from './html.js';
import { junitXml } from './junit.js';
import { ReportError, expandInputs, loadResult, mergeResults, type MergedReport } from './merge.js';
import { mergedMarkdown } from './merged-markdown.js';

export function buildReport(paths: string[]): MergedReport {
  return mergeResults(expandInputs(paths).map(loadResult));
}

export function reportJson(report: MergedReport): string {
  return `${JSON.stringify(report, null, 1)}\n`;
}

/** Writes a report file, or says in one line which one could not be written. */
export function writeReportFile(path: string, text: string, what: string, append = false): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (append) appendFileSync(path, text);
    else writeFileSync(path, text);
  } catch (error) {
    throw new ReportError(
      `Cannot write the ${what} '${path}' (${(error as NodeJS.ErrnoException).code ?? 'error'}): give a writable path.`,
    );
  }
}

export { badgeJson, htmlReport, junitXml, mergedMarkdown };
