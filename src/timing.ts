/**
 * Where a run's time goes (XOPERO_TIMING=1): process start to main, the first connection, each request,
 * and the end. Everything is relative to the process's own start (performance.timeOrigin).
 */
import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

export interface TimingEntry {
  label: string;
  startMs: number;
  endMs: number;
}

export class Timeline {
  readonly entries: TimingEntry[] = [];
  private connectStarts = new Map<unknown, number>();

  constructor(readonly enabled: boolean) {
    if (!enabled) return;
    this.mark('load (process start to main)', 0);
    // undici reports connection set-up (TCP + TLS) on these channels; subscribe only when asked to.
    subscribe('undici:client:beforeConnect', (message) => {
      this.connectStarts.set((message as { connectParams: unknown }).connectParams, performance.now());
    });
    subscribe('undici:client:connected', (message) => {
      const { connectParams } = message as { connectParams: { host?: string } };
      const start = this.connectStarts.get(connectParams);
      if (start !== undefined) this.add(`connect ${connectParams.host ?? ''} (TCP+TLS)`, start, performance.now());
    });
  }

  now(): number {
    return performance.now();
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
