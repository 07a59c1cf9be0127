// Runs the simulator standalone, for trying the CLI, the action and the GitLab component locally:
//   npm run simulator [-- --port N] [--latency MS] [--seed demo|none] [--http] [--json]
// Listens on 127.0.0.1:8443 unless --port (or XOPERO_SIMULATOR_PORT) says otherwise; 0 picks a free port.
// Prints the `export` lines a second shell pastes (its CA for NODE_EXTRA_CA_CERTS, the URL, the demo account)
// and what the demo data holds; with --json, one JSON line ({ url, caCertPath, email, password }) for
// scripts instead. Stops on Ctrl-C (SIGINT) or SIGTERM.
import { parseArgs } from 'node:util';
import { Simulator } from './server.js';
import { describeDemo, seedDemo } from './demo-data.js';

const DEMO_USER = { email: 'admin@example.com', password: 'correct horse battery staple' };
/** A fixed port, so the README's recipes and a local .env can name the address. */
const DEFAULT_PORT = '8443';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.XOPERO_SIMULATOR_PORT || DEFAULT_PORT },
    latency: { type: 'string', default: '0' },
    seed: { type: 'string', default: 'demo' },
    http: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(2);
}

function nonNegativeInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) fail(`--${name} must be a non-negative integer, got ${value}`);
  return number;
}

if (values.seed !== 'demo' && values.seed !== 'none') fail(`--seed must be demo or none, got ${values.seed}`);

const tls = !values.http;
const port = nonNegativeInteger('port', values.port);
const sim = new Simulator({
  tls,
  port,
  latencyMs: nonNegativeInteger('latency', values.latency),
  users: [{ ...DEMO_USER, roles: ['SystemAdministrator', 'GitManagement'] }],
});
const demo = values.seed === 'demo' ? seedDemo(sim) : undefined;
let url: string;
try {
  url = await sim.start();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    fail(`port ${port} is in use (another simulator?): stop it, or pick another with npm run simulator -- --port N`);
  throw error;
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
if (values.json) {
  process.stdout.write(`${JSON.stringify({ url, caCertPath: tls ? sim.caCertPath : null, ...DEMO_USER })}\n`);
} else {
  const exports = [
    ...(tls ? [`export NODE_EXTRA_CA_CERTS=${quote(sim.caCertPath)}`] : [`export XOPERO_ALLOW_HTTP=true`]),
    `export XOPERO_SERVER_URL=${quote(url)}`,
    `export XOPERO_EMAIL=${quote(DEMO_USER.email)}`,
    `export XOPERO_PASSWORD=${quote(DEMO_USER.password)}`,
  ];
  const lines = [
    `Xopero ONE simulator listening on ${url} (Ctrl-C stops it; its state lives in memory).`,
    '',
    `In another shell, paste these lines${tls ? " (the first trusts the simulator's own test CA)" : ''}:`,
    '',
    ...exports,
    '',
    ...(demo ? ['It holds:', ...describeDemo(demo).map((line) => `  ${line}`), ''] : ['It holds no data (--seed none).', '']),
    'Then, for example:',
    "  node dist/cli/index.js --repository acme/web --plan 'Nightly GitHub' --dry-run",
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

const shutdown = () => {
  void sim.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
