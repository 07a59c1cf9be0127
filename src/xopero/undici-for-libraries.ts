/**
 * What the bare specifier 'undici' means inside the bundles (tsconfig.json `paths`, which ncc applies to every
 * import, the libraries' included). @actions/http-client, under @actions/core and @actions/github, imports
 * ProxyAgent from it for getAgentDispatcher(): a fetch dispatcher through a proxy, which nothing in this product
 * asks @actions/http-client for. Evaluating undici there would make every run's report (loaded while the first
 * request waits: @actions/core) compile undici's modules and its WebAssembly parser for nothing.
 *
 * So this ProxyAgent builds the real one (undici.ts, a file of its own beside the bundle) when first
 * constructed, and hands it what it is asked to dispatch once it is there. A property set on it (the library
 * sets `options` to turn off certificate checks only when asked to ignore TLS errors, which this product never
 * does) does not reach the real agent.
 */
import type { Dispatcher, ProxyAgent as RealProxyAgent } from 'undici/types/index.js';

export class ProxyAgent {
  readonly #real: Promise<Dispatcher>;

  constructor(options: RealProxyAgent.Options | string) {
    this.#real = import('./undici.js').then((undici) => new undici.ProxyAgent(options));
    this.#real.catch(() => undefined);
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    this.#real.then(
      (real) => real.dispatch(options, handler),
      (error: Error) => handler.onError?.(error),
    );
    return true;
  }

  close(): Promise<void> {
    return this.#real.then((real) => real.close());
  }

  destroy(error?: Error): Promise<void> {
    return this.#real.then((real) => real.destroy(error ?? null));
  }
}
