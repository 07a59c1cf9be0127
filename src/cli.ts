#!/usr/bin/env node
/** The command line's entry point: `dist/cli/index.js` (the `xopero-one` bin), built from here by ncc. */
import './common/wasm-tiering.js';
import { runCommandLine } from './hosts/cli.js';
import { EXIT_CODES } from './hosts/cancel.js';

const code = await runCommandLine({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
// A cancelled run exits at once: the abandoned core may still sit in a poll delay.
if (Object.values(EXIT_CODES).includes(code)) process.exit(code);
process.exitCode = code;
