/**
 * The first connection to the server, opened as soon as the settings are known, while the code that will use
 * it (the transport and the client: the action's network part) is still loading.
 *
 * Loading that code takes the main thread 5-10 ms; the TCP and TLS handshakes, on a real network, take two
 * round trips to the server. Started first, the handshakes go on over the network while the code loads, and
 * the first request finds its connection ready or nearly so. The transport takes it as its first connection
 * (spare-connection.ts), exactly as it takes the spare one.
 *
 * The TCP connection is started before node:tls is loaded: loading it (it loads all of node:crypto) takes the
 * thread 6-9 ms on Node 24 and 4-6 ms on Node 20, and the TCP handshake, a round trip, goes on in the kernel
 * meanwhile. TLS then starts over that socket, before the network part loads: its client hello goes out in the
 * next turn of the event loop (src/hosts/run.ts gives it one), not after the compiling. The other order (the
 * network part first, TLS after it) was measured and not kept: docs/performance.md.
 *
 * It is opened the way the direct transport's connector (direct-transport.ts) opens one, with the transport's
 * trust settings: same host, port, server name, ALPN (http/1.1 only), no-delay, the same connect timeout.
 * Only for direct https:// connections: through a proxy each connection is a tunnel the transport opens itself.
 * Any failure (refused, untrusted, timed out) is dropped here: the transport then connects by itself, fails the same way,
 * and the run reports it with the remedy as always.
 */
import { connect as connectTcp, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { connectTimer } from '../common/timing.js';
import { chooseProxy } from './proxy.js';
import { settleConnection, trust } from './trust.js';

export interface EarlyConnectionOptions {
  serverUrl: URL;
  caCertificate?: string;
  env: Record<string, string | undefined>;
}

/** While it waits for the transport, the socket does not crash the process with an unheard 'error' event. */
export const ignoreError = () => undefined;

export function openEarlyConnection({ serverUrl, caCertificate, env }: EarlyConnectionOptions): Promise<TLSSocket | undefined> {
  if (serverUrl.protocol !== 'https:' || chooseProxy(serverUrl, env).url) return Promise.resolve(undefined);
  const host = serverUrl.hostname.startsWith('[') ? serverUrl.hostname.slice(1, -1) : serverUrl.hostname;
  const port = Number(serverUrl.port) || 443;
  const timed = connectTimer(`${host}:${port}`, 'TCP+TLS, opened early');
  // node:net is in this file already (stdout on a pipe loads it anyway); node:tls is not.
  const tcp = connectTcp({ host, port });
  tcp.on('error', ignoreError);
  const connect = (tls: typeof import('node:tls')) =>
    new Promise<TLSSocket | undefined>((resolve) => {
      // Over the TCP socket: TLS starts once it is connected (or at once if it is).
      const socket = tls.connect({
        ...trust(caCertificate),
        socket: tcp,
        host,
        port,
        servername: isIP(host) ? undefined : host,
        ALPNProtocols: ['http/1.1'],
      });
      socket.setKeepAlive(true, 60_000);
      // The same readiness rules as the transport's own connections (trust.ts); a failure is dropped here.
      settleConnection(socket, 'secureConnect', (error) => {
        if (error) {
          tcp.destroy();
          return resolve(undefined);
        }
        timed();
        // Held from here on without keeping the process alive (while it connected it had to, or a run
        // waiting for it would find nothing left to wait on and end), and without crashing it on an error.
        socket.on('error', ignoreError);
        socket.unref();
        resolve(socket);
      });
    });
  // node:net sends the SYN in its next tick (for an address; a name's DNS lookup starts at once, in the thread
  // pool), so TLS is loaded in the tick after that one: loaded here and now, it would hold the SYN back until
  // it is done. Then synchronously where Node hands out built-ins that way (process.getBuiltinModule: Node
  // 20.16 and later): in the ES module bundle this replaced, an import() of node:tls resolved only after the
  // network part's files were in (measured on Node 24: the handshake began 23 ms after main instead of at once).
  // The import() is left for older Node 20 releases.
  return new Promise((resolve) =>
    process.nextTick(() => {
      const tls = process.getBuiltinModule?.('node:tls');
      resolve(tls ? connect(tls) : import('node:tls').then(connect));
    }),
  );
}
