/** Small wording helpers every floor may use: counts, times and near-miss names as a person reads them. */
import { plainText } from './neutralize.js';

/** "1 plan", "2 plans"; "1 repository", "2 repositories" with the plural given. */
export const plural = (count: number, noun: string, nouns = `${noun}s`) => `${count} ${count === 1 ? noun : nouns}`;

/** "2026-11-27 02:00 UTC": what a person reads in a log line. */
export function humanTime(isoTime: string): string {
  return `${isoTime.slice(0, 10)} ${isoTime.slice(11, 16)} UTC`;
}

/** The one candidate that begins with `prefix` (any case), if exactly one does: `--org` for --organization. */
export function uniquePrefix(prefix: string, candidates: string[]): string | undefined {
  const matches = candidates.filter((candidate) => candidate.toLowerCase().startsWith(prefix.toLowerCase()));
  return matches.length === 1 ? matches[0] : undefined;
}

/** The candidate within a few typos of `wanted`, if any. */
export function closest(wanted: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = levenshtein(wanted.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Text made safe for one Markdown table cell: a `|` would end the cell, a line break the row. */
export const markdownCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * Text from the server or the user (names, messages, the server's address) made inert in Markdown, for job
 * summaries and merged reports: whatever could open a link or an image (`[`, `]`), raw HTML or an autolink
 * (`<`, `>`), a code span (a backtick), emphasis (`*`, `_`, `~`), an entity (`&`) or an escape (a backslash)
 * is backslash-escaped, a line break is a space, and any other control character is shown as plainText shows
 * it in a log (`\x1b`): no terminal escape or carriage return reaches the page. A plan named
 * `![x](https://example.com/x.png)` or `<img src=...>` shows as written and loads nothing. `|` is left to
 * markdownCell, which table cells pass through.
 */
export const markdownText = (text: string) => plainText(text.replace(/\r\n|\r|\n/g, ' ')).replace(/[\\`*_~[\]<>&]/g, '\\$&');

/** Server or user text as (part of) one Markdown table cell or list item: markdownText, then markdownCell. */
export const markdownCellText = (text: string) => markdownCell(markdownText(text));

/** Text as one Markdown code span, whatever backticks it holds (a fence longer than its longest run). */
export function markdownCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r\n|\r|\n/g, ' ')}${pad}${fence}`;
}
