/**
 * One spare connection to the server, opened while the first request waits for its answer.
 *
 * A run's lookups go out in sequence except one step: the repository lookup and the plan membership are sent
 * together (protect.ts), so the pool opens a second connection right then, and its TCP + TLS set-up (3.5-31 ms
 * measured) sits on the run's critical path. Opened ahead, in the time the first request waits for the server
 * anyway, it is ready when the pool asks for it. It costs nothing in requests (still 4, 3 with a token), and
 * at most one connection the run does not use when it stops before that step (a failed login, say).
 *
 * Only for direct connections: through a proxy each connection is a CONNECT tunnel, which the proxy may count,
 * log or refuse; there the pool opens tunnels as needed.
 *
 * The action's first connection may come ready-made (early-connection.ts, opened while the code loads): it is
 * handed out first, like a spare, and the spare is opened once it has been taken.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { ignoreError as ignore } from './early-connection.js';

/** Opens a connection with Node's connection options and hands it over once it is ready (or the failure). */
export type Connector = (options: ConnectionOptions, callback: (error: Error | null, socket?: Socket) => void) => void;

export interface SpareConnector {
  connect: Connector;
  /** Closes the spare if nobody took it (transport.destroy() calls it). */
  close(): void;
}

export function withSpareConnection(connect: Connector, early?: Promise<Socket | undefined>): SpareConnector {
  let spare: Promise<Socket | undefined> | undefined = early;
  let opened = false;
  let closed = false;
  // While held, the spare must neither keep the process alive nor crash it with an unheard 'error' event
  // (`ignore`, shared with the early connection, which is held the same way).

  // Started a turn of the event loop later: the pool writes the first request on the connection it was just
  // handed in this turn, and starting a TLS connection costs the thread 2-3 ms (Node 20 and 24, measured) that
  // the first request should not wait for. A connection asked for meanwhile waits for this one.
  const openSpare = (options: ConnectionOptions) => {
    spare = new Promise((resolve) => {
      setImmediate(() => {
        if (closed) return resolve(undefined);
        connectNow(options, resolve);
      });
    });
  };

  const connectNow = (options: ConnectionOptions, resolve: (socket: Socket | undefined) => void) =>
    connect({ ...options }, (error, socket) => {
      if (error || !socket) return resolve(undefined);
      if (closed) {
        socket.destroy();
        return resolve(undefined);
      }
      socket.on('error', ignore);
      socket.unref();
      resolve(socket);
    });

  // After the first connection is up and its request is on its way: one spare, once per run.
  const openSpareOnce = (options: ConnectionOptions) => {
    if (opened || closed) return;
    opened = true;
    openSpare(options);
  };

  const connector: Connector = (options, callback) => {
    const pending = spare;
    if (pending) {
      spare = undefined;
      void pending.then((socket) => {
        if (!socket || socket.destroyed || !socket.writable || socket.readableEnded) {
          socket?.destroy();
          connectThenSpare(options, callback);
          return;
        }
        socket.off('error', ignore);
        socket.ref();
        callback(null, socket);
        openSpareOnce(options);
      });
      return;
    }
    connectThenSpare(options, callback);
  };

  const connectThenSpare: Connector = (options, callback) => {
    connect(options, (...result) => {
      callback(...result);
      if (!result[0]) openSpareOnce(options);
    });
  };

  return {
    connect: connector,
    close: () => {
      closed = true;
      void spare?.then((socket) => socket?.destroy());
      spare = undefined;
    },
  };
}
