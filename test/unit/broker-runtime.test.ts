import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { BROKER_NODE_OPTIONS } from '../../src/hosts/broker/runtime.js';
import { listenBacklog, maxConnections } from '../../src/hosts/broker/server.js';
import { ROOT } from '../../testbed/harness.js';

/**
 * The node options the broker is measured with (docs/broker-performance.md) are the ones it ships with: the
 * systemd unit and the container image set exactly these in NODE_OPTIONS, and the benchmark starts it with them.
 */
describe("the broker's node options", () => {
  const expected = BROKER_NODE_OPTIONS.join(' ');

  test('the systemd unit sets them', () => {
    const unit = readFileSync(join(ROOT, 'templates/broker/xopero-broker.service'), 'utf8');
    expect(unit.match(/^Environment=NODE_OPTIONS=(.*)$/m)?.[1]).toBe(expected);
  });

  test('the container image sets them, after the install and before the entry point', () => {
    const recipe = readFileSync(join(ROOT, 'templates/broker/Dockerfile'), 'utf8');
    expect(recipe.match(/^ENV NODE_OPTIONS=(.*)$/m)?.[1]).toBe(expected);
    expect(recipe.indexOf('ENV NODE_OPTIONS=')).toBeGreaterThan(recipe.indexOf('npm install'));
    expect(recipe.indexOf('ENV NODE_OPTIONS=')).toBeLessThan(recipe.indexOf('ENTRYPOINT'));
  });

  test('the benchmark starts the broker with them', () => {
    const bench = readFileSync(join(ROOT, 'scripts/bench/broker.ts'), 'utf8');
    expect(bench).toMatch(/TEST_NODE, \.\.\.BROKER_NODE_OPTIONS, /);
  });

  test('node accepts each of them in NODE_OPTIONS', () => {
    // node refuses an option it does not allow in NODE_OPTIONS at start; --check only parses an empty script.
    for (const option of BROKER_NODE_OPTIONS) expect(allowedInNodeOptions(option)).toBe(true);
  });
});

function allowedInNodeOptions(option: string): boolean {
  const name = option.split('=')[0];
  return (process.allowedNodeEnvironmentFlags as Set<string>).has(name);
}

describe("the broker's accept queue", () => {
  test('holds as many connections as the broker takes requests, running and waiting', () => {
    expect(listenBacklog({ maxConcurrent: 32, maxQueued: 1000 })).toBe(1032);
    expect(listenBacklog({ maxConcurrent: 1000, maxQueued: 1000 })).toBe(2000);
  });

  test("is never below node's default (511) nor above what a socket takes (65,535)", () => {
    expect(listenBacklog({ maxConcurrent: 4, maxQueued: 0 })).toBe(511);
    expect(listenBacklog({ maxConcurrent: 10_000, maxQueued: 1_000_000 })).toBe(65_535);
  });
});

describe("the broker's cap on open connections", () => {
  test('twice the requests it takes, running and waiting, and never below 1,024', () => {
    expect(maxConnections({ maxConcurrent: 32, maxQueued: 1000 })).toBe(2064);
    expect(maxConnections({ maxConcurrent: 1000, maxQueued: 1000 })).toBe(4000);
    expect(maxConnections({ maxConcurrent: 4, maxQueued: 0 })).toBe(1024);
  });
});
