/**
 * Release checks, run by the release workflow and by the tests:
 *   tsx scripts/release.ts check v1.2.3   the tag, package.json, src/common/version.ts, the GitLab component's default
 *                                         package and CHANGELOG.md all name the same version; in a workflow, package.json's
 *                                         repository is the one it runs in (npm's provenance needs it)
 *   tsx scripts/release.ts notes v1.2.3   prints that version's CHANGELOG section (the release notes)
 *   tsx scripts/release.ts bump 1.2.3     sets that version in package.json, src/common/version.ts, the component's
 *                                         default package and the docs' snippets, and turns CHANGELOG.md's Unreleased
 *                                         section into that version's
 *   tsx scripts/release.ts pin            writes the sha512 of dist/cli/index.js into the component, which runs no
 *                                         other bytes, and into the docs' snippets that check it (sharded merge job);
 *                                         `npm run build` ends with it, so a build and its pin go together
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../testbed/harness.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

export function versionsFound(): Record<string, string | undefined> {
  const pkg = JSON.parse(read('package.json')) as { name: string; version: string };
  const [spec] = parseAllDocuments(read('templates/xopero-backup.yml')).map((doc) => doc.toJS()) as Array<{
    spec: { inputs: Record<string, { default?: string }> };
  }>;
  const componentPackage = String(spec.spec.inputs.package?.default ?? '');
  return {
    'package.json': pkg.version,
    'src/common/version.ts': /VERSION = '([^']+)'/.exec(read('src/common/version.ts'))?.[1],
    'templates/xopero-backup.yml (package default)': componentPackage.startsWith(`${pkg.name}@`)
      ? componentPackage.slice(pkg.name.length + 1)
      : componentPackage,
    'CHANGELOG.md': /^## \[?(\d+\.\d+\.\d+)\]?/m.exec(read('CHANGELOG.md'))?.[1],
  };
}

/**
 * Why npm would refuse to publish this package with provenance from `githubRepository` (owner/name), or
 * undefined. npm compares package.json's repository.url with the repository the signed build ran in and
 * refuses a missing or different one (E422, after the GitHub release is out): so the release checks it first.
 */
export function repositoryProblem(repository: unknown, githubRepository: string): string | undefined {
  const url = typeof repository === 'string' ? repository : (repository as { url?: unknown } | undefined)?.url;
  const expected = `https://github.com/${githubRepository}`;
  // The forms npm reads as that GitHub repository (git+https with or without .git, github:owner/name, owner/name);
  // the case as GitHub gives it, which npm compares.
  const named =
    typeof url === 'string' &&
    [expected, `${expected}.git`, `git+${expected}`, `git+${expected}.git`, `github:${githubRepository}`, githubRepository].includes(url);
  if (named) return undefined;
  return `package.json's repository.url is ${typeof url === 'string' ? `'${url}'` : 'missing'}, and npm publishes with provenance only from the repository it names: set it to git+${expected}.git.`;
}

const TEMPLATE = 'templates/xopero-backup.yml';
const PIN = /const PINNED = "(sha512-[A-Za-z0-9+/]+=*)";/;

/** The digest the component checks the CLI bundle against: npm's integrity format, `sha512-<base64>`. */
export function bundleDigest(bundle: Buffer): string {
  return `sha512-${createHash('sha512').update(bundle).digest('base64')}`;
}

/** The digest pinned in the component's job, or undefined when the template has none. */
export function pinnedDigest(template = read(TEMPLATE)): string | undefined {
  return PIN.exec(template)?.[1];
}

/**
 * A documented job that fetches the CLI itself (the sharded sweep's merge job, docs/sharding.md) checks the same
 * bundle with `sha512sum -c`, which takes hex: this line, with the digest in hex.
 */
const DOC_PIN = /(echo ")([0-9a-f]{128})( {2}package\/dist\/cli\/index\.js" \| sha512sum -c -)/g;

/** The README and docs/*.md, whose snippets may pin the bundle (DOC_PIN). */
export function documentationFiles(): string[] {
  return [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((file) => file.endsWith('.md'))
      .map((file) => `docs/${file}`),
  ];
}

/** Every hex digest the documentation pins, by file. */
export function documentedPins(): Array<{ file: string; digest: string }> {
  return documentationFiles().flatMap((file) => [...read(file).matchAll(DOC_PIN)].map((match) => ({ file, digest: match[2] })));
}

/** Pins the built CLI bundle (dist/cli/index.js) in the component and in the docs' snippets; returns the digest. */
export function pin(): string {
  const bundle = readFileSync(join(ROOT, 'dist/cli/index.js'));
  const digest = bundleDigest(bundle);
  const template = read(TEMPLATE);
  if (!pinnedDigest(template)) throw new Error(`${TEMPLATE} has no 'const PINNED = "sha512-...";' line to update`);
  writeFileSync(join(ROOT, TEMPLATE), template.replace(PIN, `const PINNED = "${digest}";`));
  const hex = createHash('sha512').update(bundle).digest('hex');
  for (const file of documentationFiles()) {
    const text = read(file);
    const pinned = text.replace(DOC_PIN, (_, before: string, _old: string, after: string) => `${before}${hex}${after}`);
    if (pinned !== text) writeFileSync(join(ROOT, file), pinned);
  }
  return digest;
}

export function releaseNotes(version: string): string | undefined {
  const changelog = read('CHANGELOG.md');
  const start = changelog.search(new RegExp(`^## \\[?${version.replace(/\./g, '\\.')}\\]?`, 'm'));
  if (start < 0) return undefined;
  const rest = changelog.slice(start);
  const next = rest.slice(3).search(/^## /m);
  return (next < 0 ? rest : rest.slice(0, next + 3)).trim();
}

/**
 * The changelog's section for a release: what was gathered under `## Unreleased` becomes `## X.Y.Z`, under a
 * new, empty Unreleased section. Without an Unreleased section, a new one is opened for the version.
 */
export function openRelease(changelog: string, version: string): string {
  if (new RegExp(`^## \\[?${version.replace(/\./g, '\\.')}\\]?`, 'm').test(changelog)) return changelog;
  if (/^## Unreleased$/m.test(changelog)) return changelog.replace(/^## Unreleased$/m, `## Unreleased\n\n## ${version}`);
  return changelog.replace(/^## /m, `## ${version}\n\n- (what changed)\n\n## `);
}

export function bump(version: string): void {
  const pkg = JSON.parse(read('package.json')) as { name: string; version: string };
  const old = pkg.version;
  const edit = (path: string, change: (text: string) => string) => writeFileSync(join(ROOT, path), change(read(path)));
  edit('package.json', (text) => text.replace(`"version": "${old}"`, `"version": "${version}"`));
  edit('package-lock.json', (text) =>
    text.replace(new RegExp(`("name": "${pkg.name}",\\s+"version": )"${old.replace(/\./g, '\\.')}"`, 'g'), `$1"${version}"`),
  );
  edit('src/common/version.ts', (text) => text.replace(`VERSION = '${old}'`, `VERSION = '${version}'`));
  edit('templates/xopero-backup.yml', (text) => text.replace(`default: ${pkg.name}@${old}`, `default: ${pkg.name}@${version}`));
  for (const file of documentationFiles()) {
    edit(file, (text) =>
      text.replaceAll(`xopero-backup@${old}`, `xopero-backup@${version}`).replaceAll(`${pkg.name}@${old}`, `${pkg.name}@${version}`),
    );
  }
  edit('CHANGELOG.md', (text) => openRelease(text, version));
}

const isMain = process.argv[1]?.endsWith('release.ts');
if (isMain && process.argv[2] === 'pin') {
  const before = pinnedDigest();
  const digest = pin();
  console.log(digest === before ? `${TEMPLATE} already pins ${digest}` : `${TEMPLATE} now pins dist/cli/index.js: ${digest}`);
} else if (isMain) {
  const [command, tag = ''] = process.argv.slice(2);
  const version = tag.replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    console.error('usage: release.ts check|notes|bump vX.Y.Z, or release.ts pin');
    process.exit(2);
  }
  if (command === 'bump') {
    bump(version);
    console.log(
      `Version ${version} set; write its CHANGELOG.md entry, then build (which pins the new bundle in the component), test and commit.`,
    );
  } else if (command === 'check') {
    const wrong = Object.entries(versionsFound()).filter(([, found]) => found !== version);
    for (const [where, found] of wrong) console.error(`${where} says ${found ?? 'nothing'}, the tag says ${version}.`);
    const unpinned = pinnedDigest() !== bundleDigest(readFileSync(join(ROOT, 'dist/cli/index.js')));
    if (unpinned) console.error(`${TEMPLATE} does not pin this dist/cli/index.js: run npm run build and commit the template.`);
    const pkg = JSON.parse(read('package.json')) as { repository?: unknown };
    const misnamed = process.env.GITHUB_REPOSITORY ? repositoryProblem(pkg.repository, process.env.GITHUB_REPOSITORY) : undefined;
    if (misnamed) console.error(misnamed);
    process.exit(wrong.length > 0 || unpinned || misnamed ? 1 : 0);
  } else if (command === 'notes') {
    const notes = releaseNotes(version);
    if (!notes) {
      console.error(`CHANGELOG.md has no section for ${version}.`);
      process.exit(1);
    }
    console.log(notes);
  } else {
    console.error('usage: release.ts check|notes vX.Y.Z');
    process.exit(2);
  }
}
