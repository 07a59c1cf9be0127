// Runs the simulator standalone for demos:
//   tsx test/simulator/main.ts [--port N] [--latency MS] [--seed demo|none] [--http]
// Prints one JSON line ({ url, caCertPath, email, password }) on stdout once it listens, so a script can
// read it, and stops on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { Simulator } from './server.js';
import { seedDemo } from './demo-data.js';

const DEMO_USER = { email: 'admin@example.com', password: 'correct horse battery staple' };

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    latency: { type: 'string', default: '0' },
    seed: { type: 'string', default: 'demo' },
    http: { type: 'boolean', default: false },
  },
});

function nonNegativeInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return number;
}

if (values.seed !== 'demo' && values.seed !== 'none') throw new Error(`--seed must be demo or none, got ${values.seed}`);

const tls = !values.http;
const sim = new Simulator({
  tls,
  port: nonNegativeInteger('port', values.port),
  latencyMs: nonNegativeInteger('latency', values.latency),
  users: [{ ...DEMO_USER, roles: ['SystemAdministrator', 'GitManagement'] }],
});
if (values.seed === 'demo') seedDemo(sim);
const url = await sim.start();
process.stdout.write(`${JSON.stringify({ url, caCertPath: tls ? sim.caCertPath : null, ...DEMO_USER })}\n`);

const shutdown = () => {
  void sim.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
