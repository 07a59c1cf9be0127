/** Durations as people write them in workflow files: `90`, `90s`, `15m`, `36h`, `7d`, `1w`, `1d12h`. */
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parses a duration into whole seconds; returns undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (/^\d+$/.test(value)) return Number(value);
  const parts = /^(?:\d+[smhdw])+$/.test(value) ? value.match(/\d+[smhdw]/g) : null;
  if (!parts) return undefined;
  return parts.reduce((sum, part) => sum + Number(part.slice(0, -1)) * UNIT_SECONDS[part.slice(-1)], 0);
}

const WORDS: Array<[number, string]> = [
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** "2 days 3 hours": the two largest non-zero units, which is as precise as a person reads an age. */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  const words: string[] = [];
  for (const [size, unit] of WORDS) {
    const count = Math.floor(rest / size);
    if (count > 0 && words.length < 2) {
      words.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
      rest -= count * size;
    } else if (words.length > 0) {
      break;
    }
  }
  return words.length > 0 ? words.join(' ') : '0 seconds';
}
