/** Durations as written in workflow files, parsed exactly: the whole text or nothing. */
import { describe, expect, test } from '@jest/globals';
import { formatDuration, parseDuration } from '../../../src/settings/duration.js';

describe('parseDuration', () => {
  test('spaces around and upper case are accepted; units add up', () => {
    expect(parseDuration(' 2H ')).toBe(7200);
    expect(parseDuration('\t1d12h\n')).toBe(129600);
    expect(parseDuration(' 90 ')).toBe(90);
    expect(parseDuration('1w1d1h1m1s')).toBe(604800 + 86400 + 3600 + 60 + 1);
  });

  test.each(['1dx', '1d2', 'x1d', '1 d', '1d 2h', '', 'd', '-1d', '1.5h'])("'%s' is not a duration", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

test('formatDuration: the two largest units, rounded, never negative', () => {
  expect(formatDuration(2 * 86400 + 3 * 3600 + 59)).toBe('2 days 3 hours');
  expect(formatDuration(86400 + 59)).toBe('1 day');
  expect(formatDuration(-5)).toBe('0 seconds');
  expect(formatDuration(0.6)).toBe('1 second');
});
