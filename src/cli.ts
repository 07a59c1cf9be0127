#!/usr/bin/env node
/** The command line's entry point: `dist/cli/index.js` (the `xopero-one` bin), built from here by ncc. */
import './common/wasm-tiering.js';
import { exitWhenFlushed } from './common/exit.js';
import { runCommandLine } from './hosts/cli.js';
import { EXIT_CODES } from './hosts/signals.js';
// The GitLab component runs this one pinned file alone, without the files ncc emits beside it: the release
// code (mode: release, reclaim) is bundled into it here (its report sections are, by report.ts's eager
// import); only octokit (reclaim: archived) stays apart.
import './core/release.js';
import './core/reclaim.js';

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
