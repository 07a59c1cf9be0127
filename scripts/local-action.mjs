#!/usr/bin/env node
/**
 * `npm run local-action [-- ENV_FILE]`: runs the action from source under GitHub's @github/local-action,
 * with the inputs of ENV_FILE (default: .env if present, else .env.example, which points at
 * `npm run simulator`). Safe from any folder:
 * - local-action stubs the @actions/core that `npm ls` finds in the folder it starts in, so it always starts
 *   here, at the project's root (started elsewhere, it stubbed its own copy and the action's printed
 *   `::add-mask::` lines with the secrets; the action no longer prints those outside a GitHub runner either);
 * - Node reads NODE_EXTRA_CA_CERTS once, at start, so a value in the env file is passed to the process
 *   environment here (resolved against the project root) instead of arriving too late.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const given = process.argv[2];
const envFile = given
  ? resolve(process.env.INIT_CWD ?? process.cwd(), given)
  : existsSync(join(root, '.env'))
    ? join(root, '.env')
    : join(root, '.env.example');
if (!existsSync(envFile)) {
  console.error(`local-action: no env file at ${envFile}`);
  process.exit(2);
}

const env = { ...process.env };
for (const line of readFileSync(envFile, 'utf8').split('\n')) {
  const match = /^\s*(?:export\s+)?NODE_EXTRA_CA_CERTS\s*=\s*(['"]?)(.*)\1\s*$/.exec(line);
  if (match?.[2] && !process.env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = resolve(root, match[2]);
}

const bin = join(root, 'node_modules/@github/local-action/bin/local-action.js');
if (!existsSync(bin)) {
  console.error('local-action: @github/local-action is not installed: run npm ci first.');
  process.exit(2);
}
const run = spawnSync(process.execPath, [bin, '.', 'src/main.ts', envFile], { cwd: root, env, stdio: 'inherit' });
process.exit(run.status ?? 1);
