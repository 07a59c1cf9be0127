/**
 * Draws src/'s imports collapsed to its folders (docs/architecture-imports.md, a Mermaid flowchart): one arrow
 * per pair of folders that import each other, labelled with the number of imports. The files directly in src/
 * (the entry files) are one box, "entry"; a file in a nested folder (src/hosts/broker/) counts for its top folder.
 * `npm run deps:graph` writes it; `npm run deps:graph -- --check` (run by .ci/run) fails when the file is not what
 * the code draws, so the picture cannot go stale. `npm run deps` (dependency-cruiser with
 * .dependency-cruiser.cjs) is the check that fails on an upward import or a circle.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const FLOORS = ['entry', 'hosts', 'report', 'core', 'xopero', 'settings', 'common'];

interface Cruise {
  modules: Array<{ source: string; dependencies: Array<{ resolved: string; dependencyTypes: string[] }> }>;
}

const floorOf = (path: string) => {
  const match = /^src\/(?:([^/]+)\/)?(?:[^/]+\/)*[^/]+$/.exec(path);
  if (!match) return undefined;
  return match[1] ?? 'entry';
};
const entryFiles = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => entry.name)
  .sort();

const json = execFileSync(
  join(ROOT, 'node_modules/.bin/depcruise'),
  ['src', '--config', '.dependency-cruiser.cjs', '--include-only', '^src/', '--output-type', 'json'],
  { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
const cruise = JSON.parse(json) as Cruise;
const edges = new Map<string, number>();
for (const module of cruise.modules) {
  const from = floorOf(module.source);
  for (const dependency of module.dependencies) {
    const to = floorOf(dependency.resolved);
    if (!from || !to || from === to) continue;
    const key = `${from} --> ${to}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
  }
}
const order = (key: string) => key.split(' --> ').map((floor) => FLOORS.indexOf(floor));
const sorted = [...edges].sort(([a], [b]) => {
  const [a1, a2] = order(a);
  const [b1, b2] = order(b);
  return a1 - b1 || a2 - b2;
});
const lines = [
  '# The imports of src/, by folder',
  '',
  'Written by `npm run deps:graph` (dependency-cruiser, collapsed to the folders by scripts/deps-graph.ts); do not edit.',
  '`npm run deps` fails on an import that goes up this stack or on any circle. An arrow is labelled with the number of',
  `import statements it stands for (a nested folder such as hosts/broker/ counts for its top folder); "entry" is`,
  `the files directly in src/: ${entryFiles.join(', ')}.`,
  '',
  '```mermaid',
  'flowchart TD',
  ...FLOORS.map((floor) => `  ${floor}[${floor === 'entry' ? 'entry files' : `${floor}/`}]`),
  ...sorted.map(([key, count]) => `  ${key.replace(' --> ', ` -->|${count}| `)}`),
  '```',
  '',
];
const target = join(ROOT, 'docs/architecture-imports.md');
const drawn = lines.join('\n');
if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== drawn) {
    console.error(`${target} is stale: the imports changed. Run 'npm run deps:graph' and commit it.`);
    process.exit(1);
  }
  console.log(`${target} is up to date: ${sorted.length} folder-to-folder arrows`);
} else {
  writeFileSync(target, drawn);
  console.log(`wrote ${target}: ${sorted.length} folder-to-folder arrows`);
}
