/**
 * A server that sends its answer a byte at a time (src/xopero/direct-transport.ts): Node's request timeout is the
 * socket's idle time, which every byte restarts, so the headers and the body each have a deadline of their own.
 * Each attempt must end within the timeout however the bytes trickle; the retries then end the call.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { ForwardProxy } from '../../testbed/proxy/forward-proxy.js';
import { createTransport } from '../../src/xopero/transport.js';

let server: net.Server | undefined;
const sockets = new Set<net.Socket>();
let proxy: ForwardProxy | undefined;
afterEach(async () => {
  // A server closes once its connections have ended: the dripping ones are ended here.
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await proxy?.stop();
  proxy = undefined;
});

/**
 * Answers every request on its connection by writing `head`, then one byte of `rest` every 40 ms (or, with
 * `repeat`, the whole of `rest` every 40 ms for ever: an interim 1xx answer that never ends).
 */
async function trickling(head: string, rest: string, repeat = false): Promise<{ url: URL; requests: () => number }> {
  let requests = 0;
  server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      requests += 1;
      socket.write(head);
      let at = 0;
      const drip = setInterval(() => {
        if (socket.destroyed || (!repeat && at >= rest.length)) return clearInterval(drip);
        socket.write(repeat ? rest : rest[at++]);
      }, 40);
      socket.once('close', () => clearInterval(drip));
    });
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', () => resolve()));
  const { port } = listening.address() as net.AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}`), requests: () => requests };
}

async function send(url: URL, timeoutMs: number, env: Record<string, string> = {}) {
  const transport = createTransport({ serverUrl: url, env, retryDelayScale: 0.001 });
  try {
    return await transport.send({ origin: url.origin, path: '/git/organizations/getmany', method: 'POST', body: '{}', timeoutMs });
  } finally {
    await transport.destroy();
  }
}

describe('an answer a byte at a time', () => {
  // 400 bytes at 40 ms are 16 s an attempt: an idle timer of 2 s never fires, the deadline does (2 s: long enough
  // that a busy machine's stall before the headers are parsed does not turn the body's case into the headers').
  const slowly = 'x'.repeat(400);

  test('headers: every attempt ends within the timeout after the request was sent (UND_ERR_HEADERS_TIMEOUT)', async () => {
    const server = await trickling('HTTP/1.1 200 OK\r\n', `x-slow: ${slowly}\r\n\r\n`);
    await expect(send(server.url, 2_000)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(server.requests()).toBe(5);
  }, 60_000);

  test('body: every attempt, headers and body, ends within the timeout after the request was sent (UND_ERR_BODY_TIMEOUT)', async () => {
    const server = await trickling(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${slowly.length}\r\n\r\n`, slowly);
    await expect(send(server.url, 2_000)).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
    expect(server.requests()).toBe(5);
  }, 60_000);

  test('through a proxy (undici): the body has its deadline too, not only a gap between two parts', async () => {
    const server = await trickling(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${slowly.length}\r\n\r\n`, slowly);
    proxy = new ForwardProxy();
    const proxyUrl = await proxy.start();
    await expect(send(server.url, 2_000, { HTTP_PROXY: proxyUrl })).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
    // Five attempts, each through the proxy (undici's ProxyAgent tunnels an http:// target too).
    expect(server.requests()).toBe(5);
    expect(proxy.tunnels).toBeGreaterThanOrEqual(5);
  }, 60_000);

  test("'102 Processing' again and again: each attempt still ends at the deadline, directly and through a proxy", async () => {
    const server = await trickling('', 'HTTP/1.1 102 Processing\r\n\r\n', true);
    await expect(send(server.url, 2_000)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(server.requests()).toBe(5);
    // undici's own headersTimeout starts again at every 1xx answer: the proxy transport's deadline does not.
    proxy = new ForwardProxy();
    const proxyUrl = await proxy.start();
    await expect(send(server.url, 2_000, { HTTP_PROXY: proxyUrl })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(server.requests()).toBe(10);
  }, 90_000);

  test('an answer that comes in time is taken, bytes apart or not', async () => {
    const server = await trickling('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n', 'done');
    await expect(send(server.url, 5_000)).resolves.toMatchObject({ statusCode: 200, text: 'done' });
  });
});
