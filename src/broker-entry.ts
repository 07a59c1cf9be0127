/**
 * The broker's entry point: `dist/broker/index.js`, built from here by ncc, run as
 * `node dist/broker/index.js --config FILE` or through the CLI's `xopero-one broker --config FILE`, which loads
 * this file at run time (so the CLI bundle the GitLab component pins does not carry the server).
 */
import { exitWhenFlushed } from './common/exit.js';
import { runBrokerCommand } from './hosts/broker/command.js';

process.exitCode = await runBrokerCommand(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
// Stopped: the server is closed and every connection destroyed; nothing is left to wait for.
exitWhenFlushed();
