/**
 * The transport's spare connection (src/xopero/spare-connection.ts) against the real HTTPS simulator: opened
 * once the first connection is up, taken by the pool when two requests go out together, closed by destroy()
 * when nobody took it. No timing is asserted: the tests wait for what the server sees.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import type { Socket } from 'node:net';
import { connect } from 'node:tls';
import { Timeline } from '../../src/common/timing.js';
import { XoperoClient } from '../../src/xopero/client.js';
import { type Connector, withSpareConnection } from '../../src/xopero/spare-connection.js';
import { createTransport, type Transport } from '../../src/xopero/transport.js';
import { EMAIL, PASSWORD, startWorld, type World } from '../../testbed/fixtures.js';

let world: World | undefined;
let transport: Transport | undefined;

afterEach(async () => {
  await transport?.destroy();
  await world?.sim.stop();
  transport = undefined;
  world = undefined;
});

async function connected(w: World): Promise<{ client: XoperoClient; transport: Transport }> {
  const serverUrl = new URL(w.url);
  const t = createTransport({ serverUrl, caCertificate: w.sim.caCert });
  const client = new XoperoClient({
    serverUrl,
    credentials: { kind: 'password', email: EMAIL, password: PASSWORD },
    transport: t,
    timeline: new Timeline(false),
  });
  return { client, transport: t };
}

/** Until the server has accepted `count` connections (bounded by the test's own timeout, not a clock). */
async function untilConnections(w: World, count: number): Promise<void> {
  while (w.sim.connections < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('spare connection', () => {
  test('opened after the first; two requests sent together use it instead of a third', async () => {
    world = await startWorld();
    const run = await connected(world);
    transport = run.transport;
    await run.client.login();
    expect(world.sim.requests).toHaveLength(1);
    // The spare follows the first connection without any request of its own.
    await untilConnections(world, 2);
    const [organization] = await run.client.listOrganizations();
    await Promise.all([run.client.listRepositories(organization.id), run.client.listAssignedPlans(organization.id)]);
    expect(world.sim.connections).toBe(2);
    const lastTwo = world.sim.requests.slice(-2).map((request) => request.connectionId);
    expect(new Set(lastTwo).size).toBe(2);
  });

  test('not taken: close() ends it, and a connection asked for after that is a new one', async () => {
    world = await startWorld();
    const url = new URL(world.url);
    const sockets: Socket[] = [];
    // Node's own TLS connection, as the direct transport opens them, recording every socket it hands out.
    const recording: Connector = (options, callback) => {
      const socket = connect(options);
      socket.once('secureConnect', () => {
        sockets.push(socket);
        callback(null, socket);
      });
      socket.once('error', (error) => callback(error));
    };
    const spare = withSpareConnection(recording);
    const options = { host: url.hostname, port: Number(url.port), ca: world.sim.caCert };
    const first = await new Promise<Socket>((resolve, reject) =>
      spare.connect(options, (error, socket) => (error ? reject(error) : resolve(socket!))),
    );
    await untilConnections(world, 2);
    while (sockets.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    spare.close();
    while (!sockets[1].destroyed) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(first.destroyed).toBe(false);
    const third = await new Promise<Socket>((resolve, reject) =>
      spare.connect(options, (error, socket) => (error ? reject(error) : resolve(socket!))),
    );
    expect(third).not.toBe(sockets[1]);
    expect(world.sim.connections).toBe(3);
    first.destroy();
    third.destroy();
  });
});
