/**
 * Which shard a name belongs to, checked against the README's own recipe (FNV-1a-32 of the lower-cased name, mod
 * n, plus 1) written out here again, with shard counts that are not powers of two: for 2, 4, 8, 16 and 32 shards
 * the low bits of FNV-1a do not depend on letter case (bit 0x20), so only other counts show a missing lower-casing.
 */
import { describe, expect, test } from '@jest/globals';
import { shardOf, startsSynchronization } from '../../../src/core/shard.js';
import { MAX_SHARDS, formatShard, parseShard } from '../../../src/settings/shard.js';

/** The README's one-liner, as a user would run it. */
function readmeShard(name: string, total: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name.toLowerCase())) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return (hash % total) + 1;
}
/** The same without lower-casing: what a shard would compute if it forgot to. */
const casedShard = (name: string, total: number) => {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return (hash % total) + 1;
};

const MIXED = ['Acme/API', 'acme/Web-App', 'ACME/Tools', 'Group/SubGroup/Project', 'acme/Ünïcode-Ä', 'Acme/lib-07', 'acme/SVC-12'];

describe('shardOf', () => {
  test('mixed-case names go where their lower-case spelling goes, for 3, 5, 6, 7, 12 and 100 shards', () => {
    for (const total of [3, 5, 6, 7, 12, 100]) {
      for (const name of MIXED) {
        expect(shardOf(name, total)).toBe(readmeShard(name, total));
        expect(shardOf(name, total)).toBe(shardOf(name.toLowerCase(), total));
      }
    }
    // The names are chosen so that forgetting to lower-case moves some of them: the check above can fail.
    expect(MIXED.filter((name) => casedShard(name, 3) !== readmeShard(name, 3)).length).toBeGreaterThan(0);
  });

  test('1-based, within 1..n, and every shard of 3 gets some of 60 names', () => {
    const names = Array.from({ length: 60 }, (_, i) => `Acme/Repo-${i}`);
    const shards = names.map((name) => shardOf(name, 3));
    expect(shards.every((shard) => shard >= 1 && shard <= 3)).toBe(true);
    expect(new Set(shards)).toEqual(new Set([1, 2, 3]));
    expect(names.every((name) => shardOf(name, 1) === 1)).toBe(true);
  });
});

describe('parseShard', () => {
  test('i/n with spaces; empty means no sharding; 1..MAX_SHARDS', () => {
    expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, total: 3 });
    expect(parseShard('')).toBeUndefined();
    expect(parseShard('   ')).toBeUndefined();
    expect(parseShard(`${MAX_SHARDS}/${MAX_SHARDS}`)).toEqual({ index: MAX_SHARDS, total: MAX_SHARDS });
    expect(parseShard('1/1')).toEqual({ index: 1, total: 1 });
    expect(formatShard({ index: 2, total: 3 })).toBe('2/3');
  });

  test.each([
    ['2', /expected i\/n.*got '2'/],
    ['a/b', /expected i\/n/],
    ['1/2/3', /expected i\/n/],
    ['1/0', /at least 1, got '1\/0'/],
    [`1/${MAX_SHARDS + 1}`, new RegExp(`at most ${MAX_SHARDS} shards, got '1/${MAX_SHARDS + 1}'`)],
    ['0/4', /shard numbers start at 1 \(1 to 4\), got '0\/4'/],
    ['5/4', /shard 5 does not exist among 4 shards \(1 to 4\), got '5\/4'/],
  ])("'%s' is refused in one line naming the input", (value, message) => {
    expect(() => parseShard(value, 'shard')).toThrow(message);
    expect(() => parseShard(value, '--shard')).toThrow(/--shard/);
  });

  test('only shard 1, or an unsharded run, starts a synchronization', () => {
    expect(startsSynchronization(undefined)).toBe(true);
    expect(startsSynchronization({ index: 1, total: 3 })).toBe(true);
    expect(startsSynchronization({ index: 2, total: 3 })).toBe(false);
  });
});
