/**
 * `tsx scripts/bundle.ts`, the first step of `npm run build`: ncc's build of the four bundles, each in the
 * module format that loads it fastest where it runs. ncc's command line takes the format from the entry's
 * package.json (this one says "module", for the sources and the tools); its API takes it as an option.
 *
 * - dist/ (the GitHub Action, `runs.main: dist/index.js`): **CommonJS**. Node 20 starts a CommonJS entry without
 *   its ES module loader (Node 24 loads most of it either way), and each file ncc splits off (the network part,
 *   the core, the report) loads with a synchronous read instead of the loader's resolve, read and link. Measured
 *   against the same code as ES modules, `dist/index.js` alternating, medians of 21-31 runs: main reached 1-3 ms
 *   sooner on Node 24 and 4-9 ms sooner on Node 20, whole run 1-5 ms shorter on Node 24 and 2-10 ms on Node 20
 *   (one series of seven the other way on Node 20; docs/performance.md). dist/package.json says "commonjs", as
 *   the project's own says "module".
 * - dist/cli, dist/report, dist/broker: **ES modules**, as before. The GitLab component imports the CLI's file
 *   from a loader that is itself an ES module (so the loader is up anyway), and the CLI's entry waits at its
 *   top level (`await`), which a CommonJS file cannot.
 *
 * Each build also writes webpack's stats for scripts/licenses.ts, as `ncc build --stats-out` does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface NccOutput {
  code: string;
  assets: Record<string, { source: string | Buffer; permissions: number }>;
  stats: { toJson(): unknown };
}
type Ncc = (entry: string, options: Record<string, unknown>) => Promise<NccOutput>;

const ROOT = join(import.meta.dirname, '..');
const STATS_DIR = join(ROOT, 'node_modules/.cache/xopero-build');
const ncc = createRequire(import.meta.url)('@vercel/ncc') as Ncc;

// undici's fetch code stays out of the bundles that hold undici: src/xopero/undici.ts says why.
const UNDICI_FETCH_BODY = '../web/fetch/body.js';

const BUNDLES = [
  { entry: 'src/index.ts', out: 'dist', esm: false, stats: 'action.json', externals: [UNDICI_FETCH_BODY] },
  { entry: 'src/cli.ts', out: 'dist/cli', esm: true, stats: 'cli.json', externals: [UNDICI_FETCH_BODY] },
  { entry: 'src/report-entry.ts', out: 'dist/report', esm: true, stats: 'report.json', externals: [] },
  { entry: 'src/broker-entry.ts', out: 'dist/broker', esm: true, stats: 'broker.json', externals: [] },
];

mkdirSync(STATS_DIR, { recursive: true });
for (const bundle of BUNDLES) {
  const outDir = join(ROOT, bundle.out);
  const { code, assets, stats } = await ncc(join(ROOT, bundle.entry), {
    esm: bundle.esm,
    filename: 'index.js',
    minify: true,
    externals: bundle.externals,
    quiet: true,
  });
  // ncc adds {"type": "module"} for an ES module build; a CommonJS one must say so too, or Node would take the
  // type from the project's package.json.
  if (!bundle.esm) assets['package.json'] = { source: `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`, permissions: 0o666 };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.js'), code, { mode: code.startsWith('#!') ? 0o777 : 0o666 });
  for (const [name, asset] of Object.entries(assets)) {
    mkdirSync(dirname(join(outDir, name)), { recursive: true });
    writeFileSync(join(outDir, name), asset.source, { mode: asset.permissions });
  }
  writeFileSync(join(STATS_DIR, bundle.stats), JSON.stringify(stats.toJson()));
  console.log(`${bundle.out}/index.js (${bundle.esm ? 'ES module' : 'CommonJS'}): ${Object.keys(assets).length + 1} files`);
}
