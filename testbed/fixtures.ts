/** A simulator with the organization most stories start from, and the credentials to reach it. */
import { Simulator, type SimulatorOptions } from './simulator/index.js';

export const EMAIL = 'ci-bot@example.com';
export const PASSWORD = 'S3cret-pass-for-tests!';

export interface World {
  sim: Simulator;
  url: string;
  orgId: string;
  nightlyId: string;
  inputs: Record<string, string>;
}

/**
 * Organization `acme` with plans `Nightly GitHub` (holding acme/other) and `Weekly` (no repositories yet),
 * and repositories: acme/api (known, unprotected), acme/other (protected, attached), acme/api-gateway (a
 * near-match of acme/api, so a sloppy name filter returns it too).
 */
export async function startWorld(options: SimulatorOptions = {}): Promise<World> {
  const sim = new Simulator({
    syncDurationMs: 300,
    users: [
      { email: EMAIL, password: PASSWORD, roles: ['SystemAdministrator', 'GitManagement'] },
      { email: 'reader@example.com', password: PASSWORD, roles: ['SystemAdministrator'] },
    ],
    ...options,
  });
  const org = sim.addOrganization({ name: 'acme' });
  const other = sim.addRepository(org.id, { name: 'acme/other', isProtected: true });
  sim.addRepository(org.id, { name: 'acme/api', isProtected: false });
  sim.addRepository(org.id, { name: 'acme/api-gateway', isProtected: false });
  const nightly = sim.addPlan(org.id, { name: 'Nightly GitHub', repositoryIds: [other.id] });
  sim.addPlan(org.id, { name: 'Weekly' });
  sim.addOrganization({ name: 'globex' });
  const url = await sim.start();
  return {
    sim,
    url,
    orgId: org.id,
    nightlyId: nightly.id,
    inputs: { 'server-url': url, email: EMAIL, password: PASSWORD, plan: 'Nightly GitHub' },
  };
}

/** Paths of the requests the simulator saw, in order. */
export const paths = (sim: Simulator) => sim.requests.map((request) => request.path);
export const count = (sim: Simulator, path: string) => sim.requests.filter((request) => request.path === path).length;

/**
 * Holds the next request to each of `paths` until all of them have arrived, then answers them: requests sent
 * together overlap in the request log whatever the machine's load, with no duration to bet on. Requests sent
 * one after the other cannot all arrive, so the first is answered after `limitMs` alone, and does not overlap
 * the next: the caller's overlap assertion then fails, rather than the test hanging.
 */
export function holdTogether(sim: Simulator, paths: string[], limitMs = 30_000): void {
  let arrived = 0;
  let release = () => {};
  const all = new Promise<void>((resolve) => (release = resolve));
  const limit = setTimeout(() => release(), limitMs);
  limit.unref();
  for (const path of paths) {
    sim.addFault({
      path,
      hold: () => {
        arrived += 1;
        if (arrived === paths.length) {
          clearTimeout(limit);
          release();
        }
        return all;
      },
    });
  }
}
