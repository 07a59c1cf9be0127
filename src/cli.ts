#!/usr/bin/env node
/** The command line's entry point: `dist/cli/index.js` (the `xopero-one` bin), built from here by ncc. */
import './common/wasm-tiering.js';
import { runCommandLine } from './hosts/cli.js';

process.exitCode = await runCommandLine({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
