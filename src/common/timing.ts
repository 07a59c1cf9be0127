/**
 * Where a run's time goes (XOPERO_TIMING=1): process start to main, the first connection, each request,
 * and the end. Everything is relative to the process's own start (performance.timeOrigin).
 */
import { channel, subscribe } from 'node:diagnostics_channel';

/** A connection set up by this product's own connectors (direct-transport.ts, early-connection.ts). */
export interface ConnectTiming {
  host: string;
  startMs: number;
  endMs: number;
  what: string;
}
export const CONNECT_CHANNEL = channel('xopero-one:connect');

/** Called when a connection is ready; times it only when a Timeline listens (performance loads perf_hooks). */
export function connectTimer(host: string, what: string): () => void {
  if (!CONNECT_CHANNEL.hasSubscribers) return () => undefined;
  const startMs = performance.now();
  return () => CONNECT_CHANNEL.publish({ host, startMs, endMs: performance.now(), what } satisfies ConnectTiming);
}

export interface TimingEntry {
  label: string;
  startMs: number;
  endMs: number;
}

export class Timeline {
  readonly entries: TimingEntry[] = [];
  /** By host (with port): undici passes a new connectParams object to each of the two events. */
  private connectStarts = new Map<string, number>();

  constructor(readonly enabled: boolean) {
    if (!enabled) return;
    this.mark('load (process start to main)', 0);
    // undici (the proxy transport) and this product's connectors report connection set-up (TCP + TLS) on these
    // channels; subscribe only when asked to.
    const key = (message: unknown) => (message as { connectParams: { host?: string } }).connectParams.host ?? '';
    subscribe('undici:client:beforeConnect', (message) => {
      this.connectStarts.set(key(message), performance.now());
    });
    subscribe('undici:client:connected', (message) => {
      const start = this.connectStarts.get(key(message));
      if (start !== undefined) this.add(`connect ${key(message)} (TCP+TLS)`, start, performance.now());
    });
    CONNECT_CHANNEL.subscribe((message) => {
      const { host, startMs, endMs, what } = message as ConnectTiming;
      this.add(`connect ${host} (${what})`, startMs, endMs);
    });
  }

  /**
   * 0 when disabled: the global `performance` loads node:perf_hooks on first use, which a run without
   * XOPERO_TIMING does not need before its first request (measured a few ms of start-up).
   */
  now(): number {
    return this.enabled ? performance.now() : 0;
  }

  mark(label: string, startMs: number): void {
    if (this.enabled) this.add(label, startMs, performance.now());
  }

  add(label: string, startMs: number, endMs: number): void {
    if (this.enabled) this.entries.push({ label, startMs, endMs });
  }

  /** Lines such as "  312.4 ms  +41.0 ms  POST /git/organizations/getmany", sorted by start. */
  format(): string[] {
    return [...this.entries]
      .sort((a, b) => a.startMs - b.startMs)
      .map((e) => `${e.endMs.toFixed(1).padStart(8)} ms ${`+${(e.endMs - e.startMs).toFixed(1)}`.padStart(9)} ms  ${e.label}`);
  }
}
