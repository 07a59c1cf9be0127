/**
 * `tsx scripts/minify-chunks.ts`, a step of `npm run build`: minifies the files ncc emits beside each bundle
 * (dist/NNN.index.js, dist/cli/NNN.index.js). `ncc --minify` minifies only the entry file; the others stay as
 * webpack writes them, with its comments and one statement per line. Three of them (the network part and the
 * report of the action) load in every run of the action, and their size is load time: measured, the network
 * part went from 528 to 353 KB. Whitespace and syntax only, as ncc's own minifying does not rename either:
 * names stay what the source calls them (function and class names, for instance, in a stack trace).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');

for (const dir of ['dist', 'dist/cli', 'dist/report']) {
  for (const file of readdirSync(join(ROOT, dir)).filter((name) => /^\d+\.index\.js$/.test(name))) {
    const path = join(ROOT, dir, file);
    const { code } = transformSync(readFileSync(path, 'utf8'), {
      format: 'esm',
      target: 'node20',
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: 'none', // ncc writes the licenses to licenses.txt beside the bundle
    });
    writeFileSync(path, code);
  }
}
