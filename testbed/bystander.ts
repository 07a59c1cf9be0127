/**
 * A second loopback HTTPS server that only counts what reaches it: the target of a redirect a client must not
 * follow. It serves the simulator's test certificate, so a client that trusts the simulator would trust it
 * too: nothing but the client's own choice keeps a request (and its bearer token) from arriving.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ensureCertificates } from './simulator/index.js';

export interface Bystander {
  /** https://127.0.0.1:PORT */
  url: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** Requests received so far, with the Authorization header each carried. */
  requests: Array<{ method: string; path: string; authorization?: string }>;
  stop(): Promise<void>;
}

export async function startBystander(): Promise<Bystander> {
  const { key, cert } = await ensureCertificates();
  const server = createServer({ key, cert }, (req, res) => {
    bystander.requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  server.on('connection', () => (bystander.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const bystander: Bystander = {
    url: `https://127.0.0.1:${port}`,
    connections: 0,
    requests: [],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return bystander;
}
