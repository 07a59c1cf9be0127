/** Small statistics for the benchmark: order statistics and the critical path of a request log. */

export function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Linear-interpolated quantile (q in 0..1) of a non-empty sample; NaN for an empty one. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const position = (s.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return s[low] + (s[high] - s[low]) * (position - low);
}

export const median = (values: number[]): number => quantile(values, 0.5);

export interface Spread {
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: number[]): Spread {
  return {
    median: median(values),
    p10: quantile(values, 0.1),
    p90: quantile(values, 0.9),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
    n: values.length,
  };
}

export interface Interval {
  startedAt: number;
  endedAt: number;
}

/**
 * Round trips on the critical path: the longest chain of requests in which each one starts after the
 * previous one ended. Requests that overlap in time cannot both be on one chain, so they count once.
 */
export function criticalPath(requests: Interval[]): number {
  const items = [...requests]
    .map((r) => ({ startedAt: r.startedAt, endedAt: r.endedAt > 0 ? r.endedAt : r.startedAt }))
    .sort((a, b) => a.startedAt - b.startedAt || a.endedAt - b.endedAt);
  const depth: number[] = [];
  let longest = 0;
  for (let i = 0; i < items.length; i++) {
    let d = 1;
    for (let j = 0; j < i; j++) {
      if (items[j].endedAt <= items[i].startedAt) d = Math.max(d, depth[j] + 1);
    }
    depth[i] = d;
    longest = Math.max(longest, d);
  }
  return longest;
}

/** "4" when every run agrees, "4–5" otherwise. */
export function range(values: number[]): string {
  if (values.length === 0) return '-';
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? String(low) : `${low}–${high}`;
}

/** A benchmark target: what was asked, what was measured, whether it holds (undefined: not measured). */
export interface Target {
  name: string;
  target: string;
  value: string;
  met: boolean | undefined;
}

/** "[MET ] name   target ...   measured ..." lines and a count, as both reports print them. */
export function targetLines(targets: Target[], what = 'targets'): string[] {
  const lines = targets.map((t) => {
    const mark = t.met === undefined ? 'n/a ' : t.met ? 'MET ' : 'MISS';
    return `  [${mark}] ${t.name.padEnd(40)} target ${t.target.padEnd(16)} measured ${t.value}`;
  });
  const missed = targets.filter((t) => t.met === false).length;
  const unknown = targets.filter((t) => t.met === undefined).length;
  lines.push(
    `  ${targets.length - missed - unknown} of ${targets.length} ${what} met${missed ? `, ${missed} missed` : ''}${unknown ? `, ${unknown} not measured` : ''}.`,
  );
  return lines;
}
