/**
 * Starts loading what a run needs only once the answers are in, at the moment its first request is on the wire.
 *
 * From then on the run waits for the server (one round trip at least), and the main thread is idle: code loaded
 * then costs no wall time. Loaded earlier, it would delay the first request; loaded when needed, after the last
 * answer, it would add its load time to the run. The direct transport announces a request whose body has been
 * written on REQUEST_SENT_CHANNEL; undici (the proxy transport) on its own channel (undici's
 * docs/api/DiagnosticsChannel.md). A run that never gets that far (a refused connection, a cancelled run) loads
 * it when first asked.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** Published by direct-transport.ts when a request's body is on the wire. */
export const REQUEST_SENT_CHANNEL = 'xopero-one:request:sent';
const CHANNELS = [REQUEST_SENT_CHANNEL, 'undici:request:bodySent'];

/** `load` once, when the first request has been sent or when the returned function is first called. */
export function loadAfterFirstRequest<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  const start = (): Promise<T> => {
    if (!loading) {
      cancel();
      // A file of the Action's CommonJS bundle is required synchronously, so a missing or broken one throws here,
      // where this may run inside the channel's setImmediate: as a rejection, the await reports it as any error.
      try {
        loading = load();
      } catch (error) {
        loading = Promise.reject(error);
      }
      // Until someone awaits it, a failed load must not be an unhandled rejection (the await reports it).
      loading.catch(() => undefined);
    }
    return loading;
  };
  const cancel = whenFirstRequestSent(start);
  return start;
}

/**
 * Starts the first request (`send`) and settles a turn after it is on the wire, or when it settles first (a
 * request that never got that far: a refused connection), or when `signal` aborts. Listening starts before
 * `send` is called, so a request written at once is not missed.
 */
export function firstRequestSent(send: () => Promise<unknown>, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const cancel = whenFirstRequestSent(resolve);
    const settled = () => {
      cancel();
      signal?.removeEventListener('abort', settled);
      resolve();
    };
    if (signal?.aborted) return settled();
    signal?.addEventListener('abort', settled, { once: true });
    send().then(settled, settled);
  });
}

/** Calls `callback` once, a turn after a request is on the wire; the returned function cancels it. */
function whenFirstRequestSent(callback: () => void): () => void {
  let called = false;
  const cancel = () => {
    for (const channel of CHANNELS) unsubscribe(channel, onSent);
  };
  // The channel calls subscribers synchronously inside the transport's write (and unsubscribing there would upset
  // its loop over them): the callback, and the unsubscribing, come a turn of the event loop later.
  const onSent = () => {
    setImmediate(() => {
      cancel();
      if (called) return;
      called = true;
      callback();
    });
  };
  for (const channel of CHANNELS) subscribe(channel, onSent);
  return cancel;
}
