/**
 * Generates the README's input and output tables from their sources of truth, between `<!-- NAME:start -->` and
 * `<!-- NAME:end -->` markers: the action (`action.yml`: inputs, outputs), the report action (`report/action.yml`:
 * report-inputs, report-outputs) and the GitLab component (the `spec:` of `templates/xopero-backup.yml`:
 * component-inputs). `npm run docs` writes them; `npm run docs -- --check` fails when they are stale.
 *
 * Inputs are grouped by use through INPUT_GROUPS. An input it does not name goes under "Other": a new input never
 * breaks the generation, it only waits to be placed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from '../testbed/harness.js';

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string }>;
}

interface ComponentInput {
  description?: string;
  type?: string;
  default?: unknown;
  options?: unknown[];
}

/** One row of an inputs table, whatever its source. */
interface InputRow {
  name: string;
  /** `(required)`, the default in backticks, or empty. */
  fallback: string;
  meaning: string;
}

/**
 * The groups, in table order, and the inputs in each, by their action names (the component's snake_case names
 * are matched with `_` read as `-`). Names of inputs that do not exist yet are harmless: only inputs present in
 * a source are listed.
 */
export const INPUT_GROUPS: ReadonlyArray<{ title: string; inputs: readonly string[] }> = [
  { title: 'Job', inputs: ['as', 'stage', 'image', 'package'] },
  {
    title: 'Server and credentials',
    inputs: ['server-url', 'email', 'password', 'access-token', 'broker-url', 'broker-audience', 'ca-certificate', 'allow-http'],
  },
  {
    title: 'Protect',
    inputs: [
      'organization',
      'repository',
      'plan',
      'activate',
      'sync',
      'wait-timeout',
      'mode',
      'dry-run',
      'max-backup-age',
      'azure-project',
    ],
  },
  { title: 'Sweep', inputs: ['repositories', 'shard', 'results'] },
  { title: 'Release', inputs: ['remove', 'reclaim', 'release-limit', 'github-token'] },
  { title: 'Result files', inputs: ['result-file', 'json-file', 'junit-file', 'markdown-file', 'html-file', 'badge-file'] },
];
export const OTHER_GROUP = 'Other';

const cell = (text: string) =>
  text
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
const code = (text: string) => `\`${text}\``;

function groupOf(name: string): string {
  const actionName = name.replace(/_/g, '-');
  return INPUT_GROUPS.find((group) => group.inputs.includes(actionName))?.title ?? OTHER_GROUP;
}

/**
 * A table of inputs grouped by use: groups in INPUT_GROUPS order, inputs in source order, the group's name in the
 * first column of its first row (a row per group would lengthen the front page by as many lines).
 */
export function groupedInputsTable(rows: InputRow[]): string {
  const titles = [...INPUT_GROUPS.map((group) => group.title), OTHER_GROUP];
  const lines = ['| use | input | default | meaning |', '|---|---|---|---|'];
  for (const title of titles) {
    const members = rows.filter((row) => groupOf(row.name) === title);
    for (const [i, row] of members.entries())
      lines.push(`| ${i === 0 ? `**${title}**` : ''} | ${code(row.name)} | ${cell(row.fallback)} | ${cell(row.meaning)} |`);
  }
  return lines.join('\n');
}

function outputsTable(outputs: Record<string, { description: string }>): string {
  return [
    '| output | meaning |',
    '|---|---|',
    ...Object.entries(outputs).map(([name, output]) => `| ${code(name)} | ${cell(output.description)} |`),
  ].join('\n');
}

function actionInputRows(action: ActionYaml): InputRow[] {
  return Object.entries(action.inputs).map(([name, input]) => ({
    name,
    fallback: input.required ? '(required)' : input.default ? code(input.default) : '',
    meaning: input.description,
  }));
}

/** The component's inputs: GitLab's rules (no default: required; type string unless said), options listed. */
function componentInputRows(spec: Record<string, ComponentInput>): InputRow[] {
  return Object.entries(spec).map(([name, input]) => {
    const hasDefault = input.default !== undefined && input.default !== null;
    const fallback = !hasDefault ? '(required)' : input.default === '' ? '' : code(String(input.default));
    const notes = [
      input.type && input.type !== 'string' ? `${input.type}` : '',
      input.options ? `one of ${input.options.map((option) => code(String(option))).join(', ')}` : '',
    ].filter(Boolean);
    return { name, fallback, meaning: `${notes.length > 0 ? `(${notes.join('; ')}) ` : ''}${input.description ?? ''}` };
  });
}

/** The `spec:` document of the component template (the first of its two YAML documents). */
export function componentSpec(template: string): Record<string, ComponentInput> {
  const [header] = parseAllDocuments(template).map((doc) => doc.toJS()) as Array<{ spec?: { inputs?: Record<string, ComponentInput> } }>;
  const inputs = header?.spec?.inputs;
  if (!inputs) throw new Error('templates/xopero-backup.yml has no spec: inputs: in its first document');
  return inputs;
}

export interface Sources {
  action: string;
  reportAction: string;
  component: string;
}

/** Every generated table, by marker name. */
export function renderTables(sources: Sources): Record<string, string> {
  const action = parse(sources.action) as ActionYaml;
  const report = parse(sources.reportAction) as ActionYaml;
  return {
    inputs: groupedInputsTable(actionInputRows(action)),
    outputs: outputsTable(action.outputs ?? {}),
    'component-inputs': groupedInputsTable(componentInputRows(componentSpec(sources.component))),
    'report-inputs': groupedInputsTable(actionInputRows(report)),
    'report-outputs': outputsTable(report.outputs ?? {}),
  };
}

export function readSources(): Sources {
  const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
  return { action: read('action.yml'), reportAction: read('report/action.yml'), component: read('templates/xopero-backup.yml') };
}

/** Where each table stands: the front page has the action's and the component's; the report action's, used only
 * by a sharded sweep, stands on that page. */
export const TABLE_FILES: Record<string, string> = {
  inputs: 'README.md',
  outputs: 'README.md',
  'component-inputs': 'README.md',
  'report-inputs': 'docs/sharding.md',
  'report-outputs': 'docs/sharding.md',
};

/** `text` (the file `file`) with the tables that stand in it written between their markers. */
export function updateTables(file: string, text: string, tables: Record<string, string>): string {
  let updated = text;
  for (const [key, table] of Object.entries(tables)) {
    if (TABLE_FILES[key] !== file) continue;
    const pattern = new RegExp(`(<!-- ${key}:start -->)[\\s\\S]*?(<!-- ${key}:end -->)`);
    if (!pattern.test(updated)) throw new Error(`${file} has no <!-- ${key}:start --> ... <!-- ${key}:end --> markers`);
    updated = updated.replace(pattern, (_, start: string, end: string) => `${start}\n${table}\n${end}`);
  }
  return updated;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '');
if (isMain) {
  const tables = renderTables(readSources());
  let stale = false;
  for (const file of new Set(Object.values(TABLE_FILES))) {
    const path = join(ROOT, file);
    const text = readFileSync(path, 'utf8');
    const updated = updateTables(file, text, tables);
    if (updated === text) continue;
    if (process.argv.includes('--check')) {
      console.error(`${file}: the tables are stale: run \`npm run docs\`.`);
      stale = true;
    } else {
      writeFileSync(path, updated);
    }
  }
  if (stale) process.exit(1);
}
