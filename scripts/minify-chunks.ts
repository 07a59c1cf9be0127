/**
 * `tsx scripts/minify-chunks.ts`, a step of `npm run build`, after ncc: three rewrites of the bundles' files that
 * make them load faster, checked by whole-run wall time (`npm run bench`).
 *
 * 1. Minifies the files ncc emits beside each entry (dist/NNN.index.js, dist/cli/NNN.index.js). `ncc --minify`
 *    minifies only the entry file; the others stay as webpack writes them, with its comments and one statement
 *    per line, and the action's network part and report load in every run (the network part: 528 -> 353 KB).
 *    Whitespace and syntax only, as ncc's own minifying renames no function or class either: names stay what
 *    the source calls them (in a stack trace, for instance).
 *
 * 2. Writes each module of a bundle as `id:(function(module,exports,require){...})` instead of an arrow
 *    function. V8 parses a function it expects to run later only lightly, then parses it again in full when it
 *    runs; a function expression in parentheses is V8's sign of one about to run, which it compiles in one pass
 *    (v8.dev/blog/preparser, "PIFE"). A bundle's modules are functions that run once each, most of them at load.
 *    Measured, medians of 30 alternating access-token re-runs: 301 -> 286 ms on Node 20; no change on Node 24
 *    (255 ms either way). The module functions take no `this` and no `arguments` (webpack writes arrow functions
 *    only for such modules), so the two forms behave the same.
 *
 * 3. Leaves no character outside ASCII in any of them, the entries included: esbuild writes each as an escape
 *    (its `charset: 'ascii'`, the default, said here on purpose), so the entries (which ncc has minified already)
 *    go through the same esbuild pass as the files beside them. Node hands V8 a file's source as one string, one
 *    byte per character only while every character is below U+0100: the job summary's ❌ and ⏹️ alone made all
 *    of dist/index.js two bytes per character, 38 KB more to allocate and to keep before the first request (and
 *    441 KB more for dist/cli/index.js). Measured on Node 24, 41 alternating re-runs: the young generation held
 *    38 KB less when node:tls began to load, "network code loaded" 17.8 -> 17.1 ms, the whole run 193.1 -> 191.0
 *    ms (docs/performance.md). esbuild leaves a tagged template's text and a regular expression as written (an
 *    escape would change them); a test fails on a bundle file that is not ASCII, should one ever hold such a
 *    character.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const CHUNK = /^\d+\.index\.js$/;

for (const dir of ['dist', 'dist/cli', 'dist/report']) {
  // The Action's bundle is CommonJS, the others ES modules (scripts/bundle.ts); each dir's package.json says which.
  const format = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')).type === 'module' ? 'esm' : 'cjs';
  for (const file of readdirSync(join(ROOT, dir)).filter((name) => name === 'index.js' || CHUNK.test(name))) {
    const path = join(ROOT, dir, file);
    writeFileSync(path, eagerModules(minify(readFileSync(path, 'utf8'), format), path));
  }
}

function minify(code: string, format: 'esm' | 'cjs'): string {
  return transformSync(code, {
    format,
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    charset: 'ascii',
    legalComments: 'none', // ncc writes the licenses to licenses.txt beside the bundle
  }).code;
}

/**
 * The module table: an object literal of numeric ids to functions, bound to a variable (webpack's and ncc's), or
 * in a CommonJS file ncc splits off, assigned to `exports.modules`.
 */
function isModuleTable(node: ts.Node): node is ts.ObjectLiteralExpression {
  return (
    ts.isObjectLiteralExpression(node) &&
    (ts.isVariableDeclaration(node.parent) || (ts.isBinaryExpression(node.parent) && node.parent.left.getText() === 'exports.modules')) &&
    node.properties.length > 0 &&
    node.properties.every((property) => ts.isPropertyAssignment(property) && ts.isNumericLiteral(property.name))
  );
}

function eagerModules(code: string, path: string): string {
  const source = ts.createSourceFile(path, code, ts.ScriptTarget.Latest, true);
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (!isModuleTable(node)) {
      ts.forEachChild(node, visit);
      return;
    }
    for (const property of node.properties as ts.NodeArray<ts.PropertyAssignment>) {
      let factory = property.initializer;
      while (ts.isParenthesizedExpression(factory)) factory = factory.expression;
      if (!ts.isArrowFunction(factory) || !ts.isBlock(factory.body)) continue;
      const parameters = factory.parameters.map((parameter) => parameter.getText(source)).join(',');
      edits.push({ start: factory.getStart(source), end: factory.body.getStart(source) + 1, text: `(function(${parameters}){` });
      edits.push({ start: factory.body.getEnd(), end: factory.body.getEnd(), text: ')' });
    }
  };
  visit(source);
  if (edits.length === 0) throw new Error(`${path}: no module table found (has ncc's output changed?)`);
  for (const { start, end, text } of edits.sort((a, b) => b.start - a.start)) code = code.slice(0, start) + text + code.slice(end);
  return code;
}
