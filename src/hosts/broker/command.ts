/**
 * `xopero-one broker --config FILE`: reads and checks the config, starts the server, writes one audit line per
 * request on stdout and its own log on stderr, and stops gracefully on SIGTERM or SIGINT (stops accepting,
 * finishes the requests in flight, exits 0).
 */
import { describeError } from '../../common/errors.js';
import { VERSION } from '../../common/version.js';
import { loadBrokerConfig } from '../../settings/broker-config.js';
import { EXIT, type ParsedCommandLine, helpText, parseCommandLine } from '../cli-args.js';
import { startBroker, type BrokerIo } from './server.js';

/** Resolves with the exit code once the broker has stopped (or failed to start). */
export async function runBrokerCommand(argv: string[], io: BrokerIo): Promise<number> {
  // The same parser and help as every other command (cli-args.ts: its option table has the broker's rows).
  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(argv[0] === 'broker' ? argv : ['broker', ...argv]);
  } catch (error) {
    io.stderr(`xopero-one broker: ${(error as Error).message}\nTry 'xopero-one broker --help'.\n`);
    return EXIT.usage;
  }
  if (parsed.command === 'help') {
    io.stdout(`${helpText('broker')}\n`);
    return EXIT.done;
  }
  const file = parsed.values.config;
  if (!file) {
    io.stderr("xopero-one broker: --config FILE is required.\nTry 'xopero-one broker --help'.\n");
    return EXIT.usage;
  }
  let broker: Awaited<ReturnType<typeof startBroker>>;
  try {
    const config = loadBrokerConfig(file, io.env);
    broker = await startBroker(config, io);
    io.stderr(
      `xopero-one broker ${VERSION}: listening on ${broker.url} (audience ${config.audience}; issuers ${config.issuers.map((issuer) => issuer.issuer).join(', ')})\n`,
    );
  } catch (error) {
    io.stderr(`xopero-one broker: ${describeError(error)}\n`);
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  io.stderr(`xopero-one broker: ${signal}: stopping (no new requests; finishing those in flight)\n`);
  await broker.stop();
  io.stderr('xopero-one broker: stopped\n');
  return 0;
}
