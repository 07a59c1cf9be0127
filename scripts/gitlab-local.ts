/**
 * `npm run gitlab-local`: the GitLab snippet of docs/contributing.md (section "Try it locally", between the
 * `try-gitlab` markers) run by gitlab-ci-local against the server in XOPERO_SERVER_URL, normally
 * `npm run simulator` with its export lines pasted. Nothing else is needed: the snippet includes this clone's
 * template, its `package` is the tarball `npm pack` makes of this clone (no registry), and the project is a
 * throw-away git repository whose origin is gitlab.example.com/acme/new-service (gitlab-ci-local derives
 * CI_PROJECT_PATH and CI_PROJECT_ROOT_NAMESPACE from it), removed afterwards.
 *
 * gitlab-ci-local needs three things to run this job as GitLab does:
 * - `--force-shell-executor`: the job names an image (node:24-alpine); without Docker it runs in this shell;
 * - `--ignore-predefined-vars GITLAB_CI --variable GITLAB_CI=true`: gitlab-ci-local sets GITLAB_CI=false so
 *   pipelines can tell it apart, and the CLI's GitLab defaults (organization and repository from the project)
 *   need what GitLab sets;
 * - the server's CA: NODE_EXTRA_CA_CERTS, passed into the job (the simulator's CA is not in any trust store).
 * The secrets go into the job through gitlab-ci-local's variables file, never on a command line.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** The page holding the "Try it locally" recipes, which the tests run as written. */
export const TRY_LOCALLY_PAGE = 'docs/contributing.md';

/** The yaml block between `<!-- try-gitlab:start -->` and `<!-- try-gitlab:end -->` in docs/contributing.md. */
export function tryGitlabSnippet(page = readFileSync(join(ROOT, TRY_LOCALLY_PAGE), 'utf8')): string {
  const section = /<!-- try-gitlab:start -->\s*```yaml\n([\s\S]*?)```\s*<!-- try-gitlab:end -->/.exec(page);
  if (!section)
    throw new Error(`${TRY_LOCALLY_PAGE} has no \`\`\`yaml block between <!-- try-gitlab:start --> and <!-- try-gitlab:end -->`);
  return section[1];
}

export const GITLAB_CI_LOCAL_FLAGS = ['--force-shell-executor', '--ignore-predefined-vars', 'GITLAB_CI', '--variable', 'GITLAB_CI=true'];

function fail(message: string): never {
  process.stderr.write(`gitlab-local: ${message}\n`);
  process.exit(2);
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

function main(): number {
  const env = process.env;
  if (!env.XOPERO_SERVER_URL) {
    fail('XOPERO_SERVER_URL is not set: start `npm run simulator` in another shell and paste the export lines it prints.');
  }
  if (!env.XOPERO_ACCESS_TOKEN && !(env.XOPERO_EMAIL && env.XOPERO_PASSWORD)) {
    fail('set XOPERO_EMAIL and XOPERO_PASSWORD (or XOPERO_ACCESS_TOKEN): `npm run simulator` prints them.');
  }
  if (!existsSync(join(ROOT, 'dist/cli/index.js'))) fail('dist/cli/index.js is missing: run `npm run build` first.');

  const scratch = mkdtempSync(join(tmpdir(), 'xopero-gitlab-local-'));
  try {
    const quiet = { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
    run('npm', ['pack', '--silent', '--pack-destination', scratch], ROOT, quiet);
    const tarball = join(scratch, readdirSync(scratch).find((name) => name.endsWith('.tgz'))!);

    const project = join(scratch, 'new-service');
    mkdirSync(join(project, 'templates'), { recursive: true });
    copyFileSync(join(ROOT, 'templates/xopero-backup.yml'), join(project, 'templates/xopero-backup.yml'));
    writeFileSync(join(project, '.gitlab-ci.yml'), tryGitlabSnippet());
    const git = (...args: string[]) => run('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.com', ...args], project);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'pipeline');
    git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/new-service.git');
    git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');

    // The project's CI/CD variables, as a GitLab project would have them (a file, so no secret is an argument).
    const variables: Record<string, string> = {
      XOPERO_URL: env.XOPERO_SERVER_URL!,
      // The tarball has no dependencies: npx installs it without the registry.
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    };
    for (const name of ['XOPERO_EMAIL', 'XOPERO_PASSWORD', 'XOPERO_ACCESS_TOKEN', 'NODE_EXTRA_CA_CERTS', 'XOPERO_ALLOW_HTTP']) {
      if (env[name]) variables[name] = env[name]!;
    }
    writeFileSync(join(project, '.gitlab-ci-local-variables.yml'), stringify(variables));

    // A path in the variables file becomes a file variable (a copy named XOPERO_PACKAGE, which npm does not
    // take for a tarball): the package goes on the command line, where it is no secret.
    const args = [...GITLAB_CI_LOCAL_FLAGS, '--variable', `XOPERO_PACKAGE=${tarball}`, ...(env.NO_COLOR ? ['--no-color'] : [])];
    process.stderr.write(`gitlab-local: in ${project}: gitlab-ci-local ${args.join(' ')}\n`);
    const before = new Set(fileVariableDirs());
    try {
      const pipeline = spawnSync(process.execPath, [join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js'), ...args], {
        cwd: project,
        env,
        stdio: 'inherit',
      });
      return pipeline.status ?? 1;
    } finally {
      // gitlab-ci-local 4.73.0 writes file variables to a fixed /tmp/gitlab-ci-local-file-variables-<slug>-<job id>
      // (not TMPDIR) and leaves that directory behind after this job: the ones that appeared during it go.
      for (const left of fileVariableDirs()) if (!before.has(left)) rmSync(join('/tmp', left), { recursive: true, force: true });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function fileVariableDirs(): string[] {
  return existsSync('/tmp') ? readdirSync('/tmp').filter((name) => name.startsWith('gitlab-ci-local-file-variables-')) : [];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
