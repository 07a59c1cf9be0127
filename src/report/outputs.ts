/** The merged report's files: JSON, JUnit XML, Markdown, HTML, badge; shared by the CLI's `report` and the report action. */
import { appendFileSync, writeFileSync } from 'node:fs';
import { redact } from '../common/redact.js';
import { makeParentDirectories } from '../common/writable.js';
import { badgeJson } from './badge.js';
import { htmlReport } from './html.js';
import { junitXml } from './junit.js';
import { ReportError, expandInputs, loadResult, mergeResults, type MergedReport } from './merge.js';
import { mergedLine, mergedMarkdown } from './merged-markdown.js';

export function buildReport(paths: string[]): MergedReport {
  return mergeResults(expandInputs(paths).map(loadResult));
}

export function reportJson(report: MergedReport): string {
  return `${JSON.stringify(report, null, 1)}\n`;
}

/** Writes a report file, or says in one line which one could not be written. */
export function writeReportFile(path: string, text: string, what: string, append = false): void {
  try {
    makeParentDirectories(path);
    if (append) appendFileSync(path, text);
    else writeFileSync(path, text);
  } catch (error) {
    throw new ReportError(
      `Cannot write the ${what} '${path}' (${(error as NodeJS.ErrnoException).code ?? 'error'}): give a writable path.`,
    );
  }
}

/** The files a merge writes, by path, and how a message names each one (the CLI's option or the action's input). */
export interface ReportFiles {
  json?: string;
  junit?: string;
  markdown?: string;
  /** One self-contained HTML page (src/report/html.ts). */
  html?: string;
  /** A shields.io endpoint badge (src/report/badge.ts). */
  badge?: string;
}
export type ReportFileNames = Record<keyof ReportFiles, string>;

/**
 * The one merge both faces run (the CLI's `report`, the report action): the shards' result documents merged,
 * the JSON, JUnit, Markdown, HTML and badge files asked for written, and the Markdown and the closing line returned for the
 * face to publish its way. Markdown is redacted (the CLI may have secrets registered; the action has none).
 */
export function mergeReport(
  paths: string[],
  files: ReportFiles,
  names: ReportFileNames,
): { report: MergedReport; markdown: string; line: string } {
  const report = buildReport(paths);
  if (files.json) writeReportFile(files.json, reportJson(report), names.json);
  if (files.junit) writeReportFile(files.junit, junitXml(report), names.junit);
  if (files.html) writeReportFile(files.html, htmlReport(report), names.html);
  if (files.badge) writeReportFile(files.badge, badgeJson(report), names.badge);
  const markdown = redact(mergedMarkdown(report));
  if (files.markdown) writeReportFile(files.markdown, markdown, names.markdown);
  return { report, markdown, line: mergedLine(report) };
}
