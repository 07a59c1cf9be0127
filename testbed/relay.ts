/**
 * A TCP relay to a local server that holds every chunk `delayMs` before passing it on, each way: a network
 * with a round-trip time of 2 x delayMs, for the TLS handshake as for the requests (the simulator's own latency
 * applies per request only). Not for the TCP handshake: the kernel accepts a connection to the relay at once, and
 * a relay in user space cannot hold the SYN (this machine's kernel has no netem queueing discipline either). Used by the action's tests (an early connection still handshaking)
 * and by `npm run bench` (the re-run over a real-world round trip).
 */
import { connect, createServer, type Socket } from 'node:net';

export interface Relay {
  url: string;
  close(): Promise<void>;
}

export async function startSlowRelay(targetPort: number, delayMs: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const pipe = (from: Socket, to: Socket) => {
    from.on('data', (data) => setTimeout(() => to.write(data), delayMs));
    from.on('end', () => setTimeout(() => to.end(), delayMs));
    from.on('error', () => to.destroy());
  };
  const server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = connect(targetPort, '127.0.0.1').setNoDelay(true);
    track(client);
    track(upstream);
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
