/**
 * `tsx scripts/licenses.ts OUT_DIR STATS_FILE [OUT_DIR STATS_FILE ...]`, a step of `npm run build`: writes
 * OUT_DIR/licenses.txt, the license of every package whose code is in that folder's bundles, from the
 * webpack stats ncc wrote for the build (scripts/bundle.ts).
 *
 * Why not ncc's own `--license`: its plugin leaves out the packages bundled into the entry file itself (it
 * covers only the files split off beside it), so dist/cli/licenses.txt lacked undici and
 * dist/broker/licenses.txt lacked jose, both MIT code shipped in those files. The stats list every module
 * of every file, so nothing bundled is missed; a bundled package without a license fails the build.
 * The format is ncc's: the package's name, its license's name, the license's text, a blank line.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface StatsModule {
  name?: string;
  nameForCondition?: string;
  /** The output files (chunks) the module is in; empty for a module webpack resolved but emitted nowhere. */
  chunks?: unknown[];
  modules?: StatsModule[];
}

interface BundledPackage {
  name: string;
  license: string;
  text: string;
}

/** The directory of the package that holds a module's file: the part up to the last node_modules/<name>. */
export function packageDirOf(modulePath: string): string | undefined {
  const marker = '/node_modules/';
  const at = modulePath.lastIndexOf(marker);
  if (at < 0) return undefined;
  const rest = modulePath.slice(at + marker.length).split('/');
  const nameParts = rest[0].startsWith('@') ? rest.slice(0, 2) : rest.slice(0, 1);
  return modulePath.slice(0, at + marker.length) + nameParts.join('/');
}

/**
 * The files of the modules that are in an emitted file. A concatenated module lists the modules it joined
 * (they are where it is); nameForCondition is a module's absolute path. A module in no chunk is left out:
 * webpack resolved it (a dynamic import in a library that the build maps away) but wrote it nowhere.
 */
function modulePaths(modules: StatsModule[] | undefined, into: Set<string>, emitted = false): Set<string> {
  for (const module of modules ?? []) {
    const inChunk = emitted || (module.chunks?.length ?? 0) > 0;
    if (!inChunk) continue;
    modulePaths(module.modules, into, true);
    const path = module.nameForCondition ?? module.name;
    if (path) into.add(path.replace(/\\/g, '/'));
  }
  return into;
}

function licenseText(packageDir: string): string | undefined {
  const file = readdirSync(packageDir).find((entry) => /^licen[cs]e(\.(md|txt))?$/i.test(entry));
  return file ? readFileSync(join(packageDir, file), 'utf8').trim() : undefined;
}

function describePackage(packageDir: string): BundledPackage {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string; license?: string };
  const text = licenseText(packageDir);
  if (!manifest.license || !text) {
    throw new Error(`${manifest.name} (${packageDir}) is bundled but has no license ${manifest.license ? 'file' : 'field'}`);
  }
  return { name: manifest.name, license: manifest.license, text };
}

/** Every package bundled according to one build's stats, by name (two copies of one name share one entry). */
export function bundledPackages(stats: { modules?: StatsModule[] }, root: string): BundledPackage[] {
  const dirs = new Set<string>();
  for (const path of modulePaths(stats.modules, new Set())) {
    const dir = packageDirOf(resolve(root, path));
    if (dir && existsSync(join(dir, 'package.json'))) dirs.add(dir);
  }
  const byName = new Map<string, BundledPackage>();
  for (const dir of [...dirs].sort()) {
    const bundled = describePackage(dir);
    if (!byName.has(bundled.name)) byName.set(bundled.name, bundled);
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function licensesFile(packages: BundledPackage[]): string {
  return packages.map((bundled) => `${bundled.name}\n${bundled.license}\n${bundled.text}\n\n`).join('');
}

function main(args: string[]): void {
  if (args.length === 0 || args.length % 2 !== 0) throw new Error('usage: licenses.ts OUT_DIR STATS_FILE [...]');
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  for (let i = 0; i < args.length; i += 2) {
    const [outDir, statsFile] = [resolve(root, args[i]), resolve(root, args[i + 1])];
    const packages = bundledPackages(JSON.parse(readFileSync(statsFile, 'utf8')), root);
    writeFileSync(join(outDir, 'licenses.txt'), licensesFile(packages));
    rmSync(statsFile);
  }
}

// Run as a script (the build), not when imported: compared as real paths, so a checkout under a symlink or in a
// folder with a space in its name still writes the files.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) main(process.argv.slice(2));
