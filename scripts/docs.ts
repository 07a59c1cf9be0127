/**
 * Generates the README's input and output tables from action.yml (the source of truth), between the
 * `<!-- inputs:start -->` / `<!-- inputs:end -->` (and outputs) markers. `--check` fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../test/harness.js';

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTables(actionYml: string): { inputs: string; outputs: string } {
  const action = parse(actionYml) as ActionYaml;
  const inputs = [
    '| input | default | meaning |',
    '|---|---|---|',
    ...Object.entries(action.inputs).map(([name, input]) => {
      const fallback = input.required ? '(required)' : input.default ? `\`${input.default}\`` : '';
      return `| \`${name}\` | ${cell(fallback)} | ${cell(input.description)} |`;
    }),
  ].join('\n');
  const outputs = [
    '| output | meaning |',
    '|---|---|',
    ...Object.entries(action.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`),
  ].join('\n');
  return { inputs, outputs };
}

export function updateReadme(readme: string, tables: { inputs: string; outputs: string }): string {
  let text = readme;
  for (const [key, table] of Object.entries(tables)) {
    const pattern = new RegExp(`(<!-- ${key}:start -->)[\\s\\S]*?(<!-- ${key}:end -->)`);
    if (!pattern.test(text)) throw new Error(`README.md has no <!-- ${key}:start --> ... <!-- ${key}:end --> markers`);
    text = text.replace(pattern, (_, start: string, end: string) => `${start}\n${table}\n${end}`);
  }
  return text;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '');
if (isMain) {
  const readmePath = join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const updated = updateReadme(readme, renderTables(readFileSync(join(ROOT, 'action.yml'), 'utf8')));
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('README.md tables are stale: run `npm run docs`.');
      process.exit(1);
    }
  } else {
    writeFileSync(readmePath, updated);
  }
}
