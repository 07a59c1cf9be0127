/**
 * `xopero-one broker --config FILE`: reads and checks the config, starts the server, writes one audit line per
 * request on stdout and its own log on stderr, and stops gracefully on SIGTERM or SIGINT (stops accepting,
 * finishes the requests in flight, exits 0).
 */
import { describeError } from '../../common/errors.js';
import { VERSION } from '../../common/version.js';
import { loadBrokerConfig } from '../../settings/broker-config.js';
import { startBroker, type BrokerIo } from './server.js';

const USAGE = 'Usage: xopero-one broker --config FILE (JSON; see docs/broker.md)';

/** Resolves with the exit code once the broker has stopped (or failed to start). */
export async function runBrokerCommand(argv: string[], io: BrokerIo): Promise<number> {
  const args = argv[0] === 'broker' ? argv.slice(1) : argv;
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const at = args.findIndex((arg) => arg === '--config' || arg.startsWith('--config='));
  const file = at === -1 ? undefined : args[at].startsWith('--config=') ? args[at].slice('--config='.length) : args[at + 1];
  const rest = args.filter((_, i) => i !== at && !(i === at + 1 && !args[at].includes('=')));
  if (!file || rest.length > 0) {
    io.stderr(`xopero-one broker: ${file ? `unknown argument '${rest[0]}'` : '--config FILE is required'}\n${USAGE}\n`);
    return 2;
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
