/**
 * A TCP relay to a local server that holds every chunk `delayMs` before passing it on, each way: a network
 * with a round-trip time of 2 x delayMs, for the TCP and TLS handshakes as for the requests (the simulator's
 * own latency applies per request only).
 *
 * The TCP handshake cannot be held as such: the kernel accepts a connection to the relay at once (and this
 * machine's kernel has no netem queueing discipline to delay loopback). So it is modelled: the client's
 * connection counts as usable one round trip after the relay accepted it (its SYN would have gone there and
 * the SYN-ACK back), and nothing the client sends is passed on before that, plus the one-way delay. A client
 * that connects early and sends later (the action's early connection) gets the overlap it would get on a
 * real network; one that sends at once on a fresh connection (curl) pays the round trip.
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
  /** Passes on what `from` sends, each part `delayMs` after it came but never before `usableAt` + `delayMs`. */
  const pipe = (from: Socket, to: Socket, usableAt = 0) => {
    // Parts held to the same moment leave in the order they came (timers due at once run in order).
    const later = (send: () => void) => setTimeout(send, Math.max(0, usableAt - Date.now()) + delayMs);
    from.on('data', (data) => later(() => to.write(data)));
    from.on('end', () => later(() => to.end()));
    from.on('error', () => to.destroy());
  };
  const server = createServer((client) => {
    // The modelled TCP handshake: the SYN to the server and the SYN-ACK back.
    const usableAt = Date.now() + 2 * delayMs;
    client.setNoDelay(true);
    const upstream = connect(targetPort, '127.0.0.1').setNoDelay(true);
    track(client);
    track(upstream);
    pipe(client, upstream, usableAt);
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
