/**
 * Merging the result documents of one sweep (one per shard, or the single job's) into one report: the
 * documents are read, checked to belong together (same server, organization, plan, patterns, mode and number
 * of shards, every shard exactly once), and their repositories combined in a stable order (`compareNames`:
 * name case-insensitively, then exactly), whatever order the files were given in.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XoperoError } from '../common/errors.js';
import { compareNames, tallyCauses } from '../core/changes.js';
import { RESULT_FORMAT_VERSION, shardOf } from '../core/shard.js';
import { formatShard, type Shard } from '../settings/shard.js';
import type { SweepEntry, SweepResult } from '../core/sweep.js';
import { explainErrorCode } from '../xopero/error-codes.js';

/** A report refusal or an unreadable input: one line, exit 1. */
export class ReportError extends XoperoError {}

export interface ResultDocument extends SweepResult {
  requests?: { total: number; mutating: number };
  /** When the result file was written (ISO 8601); absent in files of older versions. */
  writtenAt?: string;
}

export interface LoadedResult {
  file: string;
  doc: ResultDocument;
}

/** How one repository ended, for the chart: each repository in exactly one slice, the most telling one. */
export type Outcome = 'failed' | 'stale' | 'not-protected' | 'activated' | 'attached' | 'already-protected';

export const OUTCOME_LABELS: Record<Outcome, string> = {
  failed: 'failed',
  stale: 'stale',
  'not-protected': 'not protected (would change)',
  activated: 'activated',
  attached: 'attached',
  'already-protected': 'already protected',
};

export interface ReportEntry extends Omit<SweepEntry, 'id'> {
  id?: string;
  /** The shard whose result named it (`i/n`), or '' for an unsharded sweep. */
  shard: string;
  outcome: Outcome;
  /** Its last successful backup (ISO 8601, '' never); absent when the result file did not say (older versions). */
  lastSuccessfulBackup?: string;
}

export interface MergedReport {
  kind: 'sweep-report';
  formatVersion: number;
  server: string;
  mode: 'ensure' | 'check';
  dryRun: boolean;
  organization: { id: string; name: string };
  plan?: { id: string; name: string };
  patterns: string[];
  /** Number of shards merged (1 for an unsharded sweep). */
  shards: number;
  /** When the last shard's result file was written (ISO 8601); absent when none said. */
  finishedAt?: string;
  /** [release] Repositories reclaim released, over all shards. */
  released: number;
  counts: SweepResult['counts'];
  outcomes: Record<Outcome, number>;
  changed: boolean;
  /** Every matched repository, one entry each, in name order. */
  repositories: ReportEntry[];
  notFound: string[];
  perShard: Array<{
    shard: string;
    file: string;
    counts: SweepResult['counts'];
    changed: boolean;
    synchronization: string;
    requests?: { total: number; mutating: number };
    problems: string[];
  }>;
  requests: { total: number; mutating: number };
  /** Why the merged run fails; empty: it passes. The first line counts the failed repositories. */
  problems: string[];
}

/** Files as given; a directory stands for the .json files under it (an artifact download's layout). */
export function expandInputs(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      throw new ReportError(
        `Cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? 'error'}): give the result files written with result-file, or a directory holding them.`,
      );
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const found = readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json'))
      .map((name) => join(path, name))
      .filter((file) => statSync(file).isFile())
      .sort();
    if (found.length === 0)
      throw new ReportError(`The directory '${path}' holds no .json result file: did the shards' result files (result-file) reach it?`);
    files.push(...found);
  }
  return files;
}

export function loadResult(file: string): LoadedResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ReportError(
      `Cannot read '${file}' (${(error as NodeJS.ErrnoException).code ?? 'error'}): give the result files written with result-file.`,
    );
  }
  return { file, doc: parseResultDocument(file, text) };
}

export function parseResultDocument(file: string, text: string): ResultDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ReportError(`'${file}' is not a result document (not JSON): give the files written with result-file.`);
  }
  const d = doc as Omit<Partial<ResultDocument>, 'kind'> & { kind?: string };
  if (typeof d !== 'object' || d === null || Array.isArray(d)) {
    throw new ReportError(`'${file}' is not a result document: give the files written with result-file.`);
  }
  // What a run writes when it stops before its result, or is cancelled (result-file.ts, writeStoppedResultFile).
  const stopped = doc as { kind?: unknown; cancelled?: unknown; signal?: unknown; problems?: unknown };
  if (stopped.kind === undefined && Array.isArray(stopped.problems)) {
    const why = typeof stopped.problems[0] === 'string' ? `: ${stopped.problems[0]}` : '';
    const how = stopped.cancelled === true ? `was cancelled (${String(stopped.signal)})` : 'stopped before it had a result';
    throw new ReportError(`'${file}' is from a run that ${how}${why.replace(/\.?$/, '')}. Run that job again, then the report.`);
  }
  if (d.kind === 'repository') {
    throw new ReportError(`'${file}' is the result of a single-repository run; report merges the results of a sweep (repositories set).`);
  }
  if (
    d.kind !== 'sweep' ||
    typeof d.formatVersion !== 'number' ||
    typeof d.organization?.id !== 'string' ||
    !Array.isArray(d.patterns) ||
    !Array.isArray(d.entries) ||
    typeof d.counts !== 'object'
  ) {
    throw new ReportError(
      `'${file}' is not a result document of a sweep: give the files written with result-file by xopero-one (a version with shards).`,
    );
  }
  if (d.formatVersion > RESULT_FORMAT_VERSION) {
    throw new ReportError(
      `'${file}' has result format ${d.formatVersion}, newer than this xopero-one reads (${RESULT_FORMAT_VERSION}): run the report with the version that ran the sweep.`,
    );
  }
  return { ...d, unchanged: Array.isArray(d.unchanged) ? d.unchanged : [] } as ResultDocument;
}

const shardOfDoc = (doc: ResultDocument): Shard => doc.shard ?? { index: 1, total: 1 };

/** The first way two documents belong to different sweeps, or undefined when they are of one sweep. */
function difference(a: ResultDocument, b: ResultDocument): string | undefined {
  if (a.organization.id.toLowerCase() !== b.organization.id.toLowerCase())
    return `organization '${a.organization.name}' vs '${b.organization.name}'`;
  if (a.server !== b.server) return `server ${a.server} vs ${b.server}`;
  if ((a.plan?.id ?? '').toLowerCase() !== (b.plan?.id ?? '').toLowerCase())
    return `plan '${a.plan?.name ?? 'none'}' vs '${b.plan?.name ?? 'none'}'`;
  if (a.patterns.join('\n') !== b.patterns.join('\n')) return `repositories '${a.patterns.join(', ')}' vs '${b.patterns.join(', ')}'`;
  if (a.mode !== b.mode || a.dryRun !== b.dryRun) return `mode ${describeMode(a)} vs ${describeMode(b)}`;
  if (shardOfDoc(a).total !== shardOfDoc(b).total) return `${shardOfDoc(a).total} vs ${shardOfDoc(b).total} shards`;
  return undefined;
}

const describeMode = (doc: ResultDocument) => `${doc.mode}${doc.dryRun ? ' (dry run)' : ''}`;

/** Checks the documents belong together, then combines them. Each refusal is one line. */
export function mergeResults(results: LoadedResult[]): MergedReport {
  if (results.length === 0)
    throw new ReportError('No result files given: name the files (or directories) the shards wrote with result-file.');
  const first = results[0];
  for (const other of results.slice(1)) {
    const why = difference(first.doc, other.doc);
    if (why)
      throw new ReportError(
        `'${first.file}' and '${other.file}' are results of different sweeps (${why}): merge the results of one sweep only.`,
      );
  }
  const total = shardOfDoc(first.doc).total;
  const byShard = new Map<number, LoadedResult>();
  for (const result of results) {
    const { index } = shardOfDoc(result.doc);
    const seen = byShard.get(index);
    if (seen)
      throw new ReportError(`Shard ${index}/${total} is given twice ('${seen.file}' and '${result.file}'): give each shard's result once.`);
    byShard.set(index, result);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((index) => !byShard.has(index));
  if (missing.length > 0) {
    const names = missing.map((index) => `${index}/${total}`);
    throw new ReportError(
      `Missing the result of shard${missing.length > 1 ? 's' : ''} ${names.join(', ')} (got ${byShard.size} of ${total}): every shard's result file is needed; check ${missing.length > 1 ? 'those jobs' : 'that job'} wrote and uploaded it.`,
    );
  }
  const ordered = [...byShard.entries()].sort(([a], [b]) => a - b).map(([, result]) => result);
  return combine(ordered);
}

function combine(results: LoadedResult[]): MergedReport {
  const head = results[0].doc;
  const counts = { matched: 0, alreadyProtected: 0, activated: 0, attached: 0, wouldActivate: 0, wouldAttach: 0, failed: 0, stale: 0 };
  const requests = { total: 0, mutating: 0 };
  const repositories: ReportEntry[] = [];
  const notFound = new Map<string, string>();
  for (const { doc } of results) {
    const shard = doc.shard ? formatShard(doc.shard) : '';
    for (const key of Object.keys(counts) as Array<keyof typeof counts>) counts[key] += Number(doc.counts[key] ?? 0);
    requests.total += doc.requests?.total ?? 0;
    requests.mutating += doc.requests?.mutating ?? 0;
    const last = (name: string) =>
      doc.lastBackups && Object.hasOwn(doc.lastBackups, name) ? { lastSuccessfulBackup: doc.lastBackups[name] } : {};
    for (const entry of doc.entries) repositories.push({ ...entry, shard, outcome: outcomeOf(entry.actions), ...last(entry.repository) });
    for (const name of doc.unchanged)
      repositories.push({ repository: name, actions: [], shard, outcome: 'already-protected', ...last(name) });
    // Every shard reads the whole organization, so each names the same missing names; each name counts in its own shard.
    for (const name of doc.notFound ?? [])
      if (!doc.shard || shardOf(name, doc.shard.total) === doc.shard.index) notFound.set(name.toLowerCase(), name);
  }
  repositories.sort((a, b) => compareNames(a.repository, b.repository));
  const outcomes: Record<Outcome, number> = { failed: 0, stale: 0, 'not-protected': 0, activated: 0, attached: 0, 'already-protected': 0 };
  for (const entry of repositories) outcomes[entry.outcome] += 1;
  const finishedAt = results
    .map(({ doc }) => doc.writtenAt ?? '')
    .sort()
    .pop();
  const report: MergedReport = {
    kind: 'sweep-report',
    formatVersion: RESULT_FORMAT_VERSION,
    server: head.server,
    mode: head.mode,
    dryRun: head.dryRun,
    organization: head.organization,
    ...(head.plan ? { plan: head.plan } : {}),
    patterns: head.patterns,
    shards: results.length,
    ...(finishedAt ? { finishedAt } : {}),
    released: results.reduce((sum, { doc }) => sum + (doc.reclaim?.released.length ?? 0), 0),
    counts,
    outcomes,
    changed: results.some(({ doc }) => doc.changed),
    repositories,
    notFound: [...notFound.values()].sort(compareNames),
    perShard: results.map(({ file, doc }) => ({
      shard: doc.shard ? formatShard(doc.shard) : '1/1',
      file,
      counts: doc.counts,
      changed: doc.changed,
      synchronization: doc.synchronization,
      requests: doc.requests,
      problems: doc.problems ?? [],
    })),
    requests,
    problems: [],
  };
  report.problems = verdict(report);
  return report;
}

function outcomeOf(actions: string[]): Outcome {
  if (actions.includes('failed')) return 'failed';
  if (actions.includes('stale')) return 'stale';
  if (actions.some((action) => action.startsWith('would-') || action === 'missing')) return 'not-protected';
  if (actions.includes('activated')) return 'activated';
  if (actions.includes('attached')) return 'attached';
  return 'already-protected';
}

/** The merged run's verdict, as the shards give theirs; the first line counts the failed repositories. */
function verdict(report: MergedReport): string[] {
  const problems: string[] = [];
  const { counts } = report;
  const failed = report.repositories.filter((entry) => entry.outcome === 'failed' || entry.actions.includes('failed'));
  if (failed.length > 0) {
    const causes = failed.flatMap((entry) =>
      (entry.reason ?? '')
        .split('; ')
        .filter((part) => part.startsWith('activation') || part.startsWith('attachment'))
        .map((part) => {
          const code = /activation: ([A-Z]{2}\d{4})$/.exec(part);
          return code ? `activation ${explainErrorCode(code[1])}` : part.replace(/'[^']*'/g, "'…'");
        }),
    );
    const why = tallyCauses(causes);
    problems.push(
      `${failed.length} of ${counts.matched} repositories failed${report.shards > 1 ? ` across ${report.shards} shards` : ''}${why ? `: ${why}` : ''}; the report lists them.`,
    );
  }
  const stale = report.repositories.filter((entry) => entry.actions.includes('stale')).length;
  if (stale > 0)
    problems.push(`${stale} of ${counts.matched} repositories have no successful backup within the limit; the report lists them.`);
  if (report.mode === 'check' && counts.wouldActivate + counts.wouldAttach > 0) {
    problems.push(
      `${report.outcomes['not-protected']} of ${counts.matched} repositories are not fully protected; mode: check changes nothing: run with mode: ensure to fix them.`,
    );
  }
  if (report.notFound.length > 0 && !(report.dryRun && report.mode === 'ensure')) {
    problems.push(`Not found in organization '${report.organization.name}': ${report.notFound.join(', ')}.`);
  }
  // What a single job's verdict says; a shard alone cannot say it, as its share may be empty.
  if (counts.matched === 0 && report.notFound.length === 0) {
    problems.push(
      `No repository of '${report.organization.name}' matches ${report.patterns.join(', ')}${report.shards > 1 ? ` in any of the ${report.shards} shards` : ''}: check the patterns.`,
    );
  }
  return problems;
}
