/**
 * `npm run demo`: see it work on a fresh clone. Starts the Xopero ONE simulator over HTTPS with a small
 * demo organization, then runs the built action (dist/index.js) the way the GitHub runner does, three times:
 * a new repository (synchronize, wait, activate, attach), the re-run (no change), and a dry run.
 */
import { existsSync } from 'node:fs';
import { ACTION_ENTRY, runAction } from '../testbed/harness.js';
import { Simulator, seedDemo } from '../testbed/simulator/index.js';

const USER = { email: 'admin@example.com', password: 'correct horse battery staple' };

if (!existsSync(ACTION_ENTRY)) {
  console.error('dist/index.js is missing: run `npm run build` first.');
  process.exit(1);
}

/** Bold titles on a terminal only: not when piped or redirected, nor with NO_COLOR set (no-color.org). */
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const bold = (text: string) => (color ? `\u001b[1m${text}\u001b[0m` : text);

const sim = new Simulator({ latencyMs: 20, syncDurationMs: 1500, users: [{ ...USER, roles: ['SystemAdministrator', 'GitManagement'] }] });
seedDemo(sim);
const url = await sim.start();
console.log(`Xopero ONE simulator listening on ${url} (organization 'acme', plans 'Nightly GitHub' and 'Weekly').\n`);

const inputs = { 'server-url': url, ...USER, plan: 'Nightly GitHub' };
const env = { NODE_EXTRA_CA_CERTS: sim.caCertPath };

const stories: Array<[string, Record<string, string>]> = [
  ['1. A repository created minutes ago: unknown to Xopero ONE until a synchronization', {}],
  ['2. The same workflow runs again: nothing to change', {}],
  ['3. A dry run on an unprotected repository (acme/web)', { 'dry-run': 'true' }],
];
let failed = false;
for (const [title, extra] of stories) {
  const repository = title.startsWith('3') ? 'acme/web' : 'acme/new-service';
  sim.resetLog();
  console.log(`${bold(title)}  (repository ${repository})\n`);
  const run = await runAction({ ...inputs, ...extra }, { repository, env });
  // The runner would fold ::group:: lines and hide ::add-mask:: ones; show the log as a reader sees it.
  const log = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::') && !line.startsWith('::endgroup::'))
    .map((line) => line.replace(/^::group::/, '▸ ').replace(/^::(warning|error)::/, '$1: '))
    .join('\n');
  console.log(log.trim());
  console.log(
    `\n  exit code ${run.code}; outputs: changed=${run.outputs.changed}, repository-id=${run.outputs['repository-id'] || '(none)'}`,
  );
  console.log(`  requests: ${sim.requests.length}, of which changing something: ${sim.mutatingRequests().length}`);
  console.log('\n  Job summary:\n');
  console.log(run.summary.trim().replace(/^/gm, '    '));
  console.log('\n');
  failed ||= run.code !== 0;
}
await sim.stop();
process.exit(failed ? 1 : 0);
