/**
 * Shards end to end with mixed-case names and a shard count that is not a power of two: each name is changed by
 * the shard its lower-cased spelling hashes to (README, "Shards"), in the built action (dist/index.js).
 */
import { afterEach, expect, test } from '@jest/globals';
import { fnv1a32, shardOf } from '../../src/core/shard.js';
import { errorLines, runAction } from '../../testbed/harness.js';
import { startWorld, type World } from '../../testbed/fixtures.js';

let world: World | undefined;
afterEach(async () => {
  await world?.sim.stop();
  world = undefined;
});

const NAMES = [
  'Acme/API-Server',
  'acme/Web-App',
  'ACME/Tools',
  'acme/Lib-07',
  'acme/SVC-12',
  'Acme/Data-Lake',
  'acme/Mobile-iOS',
  'acme/README-Site',
];

test('three shards, mixed-case names: each repository in exactly the shard of its lower-cased name', async () => {
  const total = 3;
  // Forgetting to lower-case would move some of these names to another shard.
  expect(NAMES.filter((name) => (fnv1a32(name) % total) + 1 !== shardOf(name.toLowerCase(), total)).length).toBeGreaterThan(1);
  world = await startWorld();
  for (const name of NAMES) world.sim.addRepository(world.orgId, { name, isProtected: false });
  const w = world;
  const shards: string[][] = [];
  let matched = 0;
  for (let index = 1; index <= total; index++) {
    const run = await runAction(
      { ...w.inputs, repositories: '*', shard: `${index}/${total}`, 'dry-run': 'true' },
      { env: { NODE_EXTRA_CA_CERTS: w.sim.caCertPath } },
    );
    expect(errorLines(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.outputs.result);
    matched += result.counts.matched;
    shards.push(result.entries.map((entry: { repository: string }) => entry.repository));
  }
  // acme's 3 fixture repositories and the 8 above, each matched by one shard; all but acme/other (protected and
  // attached already) listed with what would change, by the shard of its lower-cased name.
  expect(matched).toBe(11);
  expect(shards.flat().sort()).toEqual([...NAMES, 'acme/api', 'acme/api-gateway'].sort());
  shards.forEach((names, i) => {
    for (const name of names) expect(shardOf(name.toLowerCase(), total)).toBe(i + 1);
  });
  expect(w.sim.mutatingRequests()).toHaveLength(0);
});
