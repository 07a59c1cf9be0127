/**
 * The broker's in-memory state: the replay cache, the per-repository rate limit and the run slots. All of it
 * is per process. Behind a load balancer each copy keeps its own: see docs/broker.md for what that means
 * (a replay reaches another copy unseen unless routing is sticky by token or the copies share a store; rate
 * limits multiply by the number of copies).
 */
import { Refusal } from './refusal.js';

/** Tokens already used, each kept until it expires (the token's exp plus the clock skew). */
export class ReplayCache {
  private readonly seen = new Map<string, number>();
  private sweptAt = 0;

  has(key: string, now = Date.now()): boolean {
    const expiresAt = this.seen.get(key);
    return expiresAt !== undefined && expiresAt > now;
  }

  /** Records the token as used. Expired entries are dropped at most once a second, as a side effect. */
  add(key: string, expiresAtMs: number, now = Date.now()): void {
    this.seen.set(key, expiresAtMs);
    if (now - this.sweptAt < 1000) return;
    this.sweptAt = now;
    for (const [entry, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(entry);
  }

  get size(): number {
    return this.seen.size;
  }
}

/** At most `requests` per repository in any `windowSeconds` (a sliding log of accepted requests). */
export class RepositoryRateLimit {
  private readonly log = new Map<string, number[]>();

  constructor(private readonly limit: { requests: number; windowSeconds: number }) {}

  /** Counts the request, or refuses it with 429 and the seconds until a slot frees. */
  take(repository: string, now = Date.now()): void {
    const key = repository.toLowerCase();
    const windowMs = this.limit.windowSeconds * 1000;
    const times = (this.log.get(key) ?? []).filter((time) => time > now - windowMs);
    if (times.length >= this.limit.requests) {
      this.log.set(key, times);
      const retryAfter = Math.max(1, Math.ceil(((times[0] ?? now) + windowMs - now) / 1000));
      throw new Refusal(
        429,
        'rate_limited',
        `${repository} asked more than ${this.limit.requests} times in ${this.limit.windowSeconds} s: retry after ${retryAfter} s.`,
        retryAfter,
      );
    }
    times.push(now);
    this.log.set(key, times);
    if (this.log.size > 10_000) this.forgetIdle(now - windowMs);
  }

  private forgetIdle(before: number): void {
    for (const [key, times] of this.log) if ((times.at(-1) ?? 0) <= before) this.log.delete(key);
  }
}

/** At most `concurrent` runs at once; up to `queued` more wait in arrival order; beyond that, 503. */
export class RunSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: { concurrent: number; queued: number }) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit.concurrent) {
      if (this.waiting.length >= this.limit.queued) {
        throw new Refusal(503, 'overloaded', 'The broker is busy with other runs: retry in a few seconds.', 5);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter (the count stays), or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  get busy(): number {
    return this.running + this.waiting.length;
  }
}
