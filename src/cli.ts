#!/usr/bin/env node
/** The command line's entry point: `dist/cli/index.js` (the `xopero-one` bin), built from here by ncc. */
// The proxy transport (undici) is in this one file too, unlike the Action's files: the GitLab component runs
// the file alone (see below). It comes first: it sets V8's WebAssembly flag after loading the built-ins it
// needs (wasm-tiering.ts says why the order matters).
import './xopero/proxy-transport.js';
import { exitWhenFlushed } from './common/exit.js';
import { runCommandLine } from './hosts/cli.js';
import { EXIT_CODES } from './hosts/signals.js';
// The GitLab component runs this one pinned file alone, without the files ncc emits beside it: the core (which
// core/run.ts loads while the login is answered) and the release code (mode: release, reclaim) are bundled into
// it here (the report sections are, by report.ts's eager import); only octokit (reclaim: archived) stays apart.
import './core/run-with-client.js';
import './core/release.js';
import './core/reclaim.js';
import './core/sweep.js';
import './core/azure-project.js';

// `xopero-one broker`: the server is its own bundle (dist/broker/index.js beside dist/cli/), loaded from a path
// found at run time from this script's own path (process.argv[1], through the bin's symlink): ncc's asset
// relocator copies whatever a path built on import.meta.url names into dist/cli/, and this file, which the
// GitLab component pins, must not carry the server. It reads process.argv and runs until stopped.
if (process.argv[2] === 'broker') {
  const { realpathSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  const { pathToFileURL } = await import('node:url');
  const brokerEntry = pathToFileURL(join(dirname(dirname(realpathSync(process.argv[1] ?? ''))), 'broker', 'index.js')).href;
  // Settles once the broker has stopped; it then ends the process itself.
  await import(/* webpackIgnore: true */ brokerEntry);
} else {
  await runCli();
}

async function runCli(): Promise<void> {
  const code = await runCommandLine({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
  // A cancelled run exits at once: the abandoned core may still sit in a poll delay.
  if (Object.values(EXIT_CODES).includes(code)) process.exit(code);
  process.exitCode = code;
  exitWhenFlushed();
}
