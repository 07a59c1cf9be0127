/**
 * The broker benchmark's pipelines (scripts/bench/broker.ts), in a worker thread of their own: each request a
 * separate pipeline's, POSTed at its arrival time on a connection of its own. In a worker, their 1,000 TLS
 * handshakes do not queue up the benchmark's main thread, whose simulator and identity-token issuer stand for
 * servers of their own (Xopero ONE, the CI's issuer) that the broker waits on.
 *
 * `startPipelines` (main thread) starts the worker; this same file, loaded in the worker, answers its messages.
 */
import { connect as netConnect } from 'node:net';
import { type SecureContext, connect as tlsConnect, createSecureContext } from 'node:tls';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

interface PipelinesSetup {
  /** The broker's URL (https:// or, with --plain-http, http://). */
  origin: string;
  /** The CA the broker's certificate is verified against (none for plain HTTP). */
  ca?: string;
}

/** One request's exchange as the pipeline saw it (epoch ms); `error` when no HTTP answer came. */
export interface Exchange {
  sentAt: number;
  answeredAt: number;
  status: number;
  body: string;
  error?: string;
}

interface Burst {
  authorizations: string[];
  offsetsMs: number[];
}

export interface Pipelines {
  /** Sends request i at offsetsMs[i] from now with authorizations[i]; the exchanges in the same order. */
  send(authorizations: string[], offsetsMs: number[]): Promise<Exchange[]>;
  stop(): Promise<void>;
}

export function startPipelines(setup: PipelinesSetup): Pipelines {
  // An eval'd bootstrap registers tsx in the worker, then loads this file there.
  const self = new URL(import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(self)}); })`, {
    eval: true,
    workerData: setup,
  });
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  failed.catch(() => undefined);
  return {
    send: (authorizations, offsetsMs) =>
      Promise.race([
        failed,
        new Promise<Exchange[]>((resolve) => {
          worker.once('message', resolve);
          worker.postMessage({ authorizations, offsetsMs } satisfies Burst);
        }),
      ]),
    stop: async () => {
      await worker.terminate();
    },
  };
}

/**
 * One POST as a pipeline sends it, on a connection of its own that the answer closes (`connection: close`):
 * TLS (verified against the test CA, no session to resume) or plain TCP. Bare HTTP/1.1: the broker answers with
 * content-length and closes, so the answer is the bytes up to the end. The clients' CPU for 1,000 requests in
 * 1 s against a TLS server on this machine (measured): undici with a trust store built per connection and TLS
 * sessions reused 2.2 s, undici with one trust store and no reuse 2.0 s, this 1.3 s.
 */
function postOnce(origin: URL, secureContext: SecureContext | undefined, authorization: string): Promise<Exchange> {
  const body = '{}';
  const request = [
    'POST /v1/protect HTTP/1.1',
    `host: ${origin.host}`,
    'content-type: application/json',
    `authorization: ${authorization}`,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
  const sentAt = Date.now();
  return new Promise((resolve) => {
    const where = { host: origin.hostname, port: Number(origin.port) };
    const socket = secureContext ? tlsConnect({ ...where, secureContext }) : netConnect(where);
    socket.once(secureContext ? 'secureConnect' : 'connect', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const headEnd = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1] ?? 0);
      const answeredAt = Date.now();
      if (headEnd < 0 || status === 0)
        resolve({ sentAt, answeredAt, status: 0, body: '', error: `no HTTP answer: ${JSON.stringify(text.slice(0, 200))}` });
      else resolve({ sentAt, answeredAt, status, body: text.slice(headEnd + 4) });
    });
    socket.on('error', (error) => resolve({ sentAt, answeredAt: Date.now(), status: 0, body: '', error: String(error) }));
  });
}

/** In the worker: each burst's requests at their offsets from the message's arrival, the exchanges back. */
function servePipelines(port: NonNullable<typeof parentPort>, setup: PipelinesSetup): void {
  const origin = new URL(setup.origin);
  const secureContext = setup.ca ? createSecureContext({ ca: setup.ca }) : undefined;
  port.on('message', async ({ authorizations, offsetsMs }: Burst) => {
    const start = Date.now();
    const exchanges = await Promise.all(
      authorizations.map(async (authorization, i) => {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + offsetsMs[i] - Date.now())));
        return postOnce(origin, secureContext, authorization);
      }),
    );
    port.postMessage(exchanges);
  });
}

if (!isMainThread && parentPort) servePipelines(parentPort, workerData as PipelinesSetup);
