/**
 * Starts loading what a run needs only once the answers are in, at the moment its first request is on the wire.
 *
 * From then on the run waits for the server (one round trip at least), and the main thread is idle: code loaded
 * then costs no wall time. Loaded earlier, it would delay the first request; loaded when needed, after the last
 * answer, it would add its load time to the run. undici announces a request whose body has been written on the
 * diagnostics channel below (undici's docs/api/DiagnosticsChannel.md); a run that never gets that far (a refused
 * connection, a cancelled run) loads it when first asked.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

const REQUEST_SENT = 'undici:request:bodySent';

/** `load` once, when the first request has been sent or when the returned function is first called. */
export function loadAfterFirstRequest<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  const start = (): Promise<T> => {
    if (!loading) {
      unsubscribe(REQUEST_SENT, onSent);
      loading = load();
      // Until someone awaits it, a failed load must not be an unhandled rejection (the await reports it).
      loading.catch(() => undefined);
    }
    return loading;
  };
  // The channel calls subscribers synchronously inside undici's write (and unsubscribing there would upset its
  // loop over them): the load, and the unsubscribing, start a turn of the event loop later.
  const onSent = () => {
    setImmediate(start);
  };
  subscribe(REQUEST_SENT, onSent);
  return start;
}
