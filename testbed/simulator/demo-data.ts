// A small, recognisable dataset for demos and scripts. Fixed ids, so a demo script or a curl command
// written once keeps working across simulator restarts.
import type { Simulator } from './server.js';
import type { RepoInit, SimOrg, SimPlan, SimRepo } from './types.js';

export const DEMO_IDS = {
  acme: '0a000000-0000-4000-8000-000000000001',
  globex: '0a000000-0000-4000-8000-000000000002',
  nightly: '0b000000-0000-4000-8000-000000000001',
  weekly: '0b000000-0000-4000-8000-000000000002',
  globexDaily: '0b000000-0000-4000-8000-000000000003',
  api: '0c000000-0000-4000-8000-000000000001',
  apiGateway: '0c000000-0000-4000-8000-000000000002',
  web: '0c000000-0000-4000-8000-000000000003',
  docs: '0c000000-0000-4000-8000-000000000004',
  oldSite: '0c000000-0000-4000-8000-000000000005',
  newService: '0c000000-0000-4000-8000-000000000006',
  portal: '0c000000-0000-4000-8000-000000000007',
} as const;

export interface DemoData {
  acme: SimOrg;
  globex: SimOrg;
  plans: { nightly: SimPlan; weekly: SimPlan; daily: SimPlan };
  repositories: {
    api: SimRepo;
    apiGateway: SimRepo;
    web: SimRepo;
    docs: SimRepo;
    oldSite: SimRepo;
    newService: SimRepo;
    portal: SimRepo;
  };
}

/**
 * Organization 'acme' (GitHub) with:
 * - plan 'Nightly GitHub' holding acme/api, and plan 'Weekly' with no repositories yet
 *   (so it is missing from /plans/listassignedtoorganization but present in the organization's plans);
 * - acme/api (protected, attached), acme/api-gateway (a near-match for a Name filter on acme/api),
 *   acme/web (unprotected), acme/docs, acme/old-site (removed at the source),
 *   acme/new-service (pending: unknown to Xopero ONE until a sync).
 * Plus organization 'globex' (GitLab) with one repository in plan 'Daily', so listings hold more than one.
 */
export function seedDemo(sim: Simulator): DemoData {
  const hour = 3600 * 1000;
  const now = Date.now();
  const backedUp = { lastBackup: now - 6 * hour, lastSuccessfulBackup: now - 6 * hour, nextBackup: now + 18 * hour };

  const acme = sim.addOrganization({ id: DEMO_IDS.acme, name: 'acme', driver: 1 });
  const repo = (id: string, name: string, extra: Partial<RepoInit> = {}) => sim.addRepository(acme.id, { id, name, ...extra });
  const repositories = {
    api: repo(DEMO_IDS.api, 'acme/api', backedUp),
    apiGateway: repo(DEMO_IDS.apiGateway, 'acme/api-gateway', backedUp),
    web: repo(DEMO_IDS.web, 'acme/web', { isProtected: false }),
    docs: repo(DEMO_IDS.docs, 'acme/docs', backedUp),
    oldSite: repo(DEMO_IDS.oldSite, 'acme/old-site', { isRemoved: true, lastBackup: now - 90 * 24 * hour }),
    newService: repo(DEMO_IDS.newService, 'acme/new-service', { isProtected: false, pendingSync: true }),
  };
  const plans = {
    nightly: sim.addPlan(acme.id, {
      id: DEMO_IDS.nightly,
      name: 'Nightly GitHub',
      repositoryIds: [repositories.api.id],
      lastStatus: { successes: 1, warnings: 0, errors: 0 },
      planFinishedTime: now - 6 * hour,
    }),
    weekly: sim.addPlan(acme.id, { id: DEMO_IDS.weekly, name: 'Weekly' }),
  };

  const globex = sim.addOrganization({ id: DEMO_IDS.globex, name: 'globex', driver: 2 });
  const portal = sim.addRepository(globex.id, { id: DEMO_IDS.portal, name: 'globex/portal', ...backedUp });
  const daily = sim.addPlan(globex.id, { id: DEMO_IDS.globexDaily, name: 'Daily', repositoryIds: [portal.id] });

  return { acme, globex, plans: { ...plans, daily }, repositories: { ...repositories, portal } };
}

const DRIVERS: Record<number, string> = { 1: 'GitHub', 2: 'GitLab', 3: 'Bitbucket', 4: 'Azure DevOps' };

/** What the demo data holds, as `npm run simulator` prints it: read from the seeded records, so it cannot drift. */
export function describeDemo(data: DemoData, nowMs = Date.now()): string[] {
  const plans = Object.values(data.plans);
  const repos = Object.values(data.repositories);
  const lines: string[] = [];
  for (const org of [data.acme, data.globex]) {
    lines.push(`organization ${org.name} (${DRIVERS[org.driver] ?? 'Git'}, id ${org.id})`);
    for (const plan of plans.filter((p) => p.organizationId === org.id)) {
      const members = repos.filter((r) => plan.repositoryIds.includes(r.id)).map((r) => r.name);
      lines.push(`  plan '${plan.name}': ${members.length ? members.join(', ') : 'no repositories yet'}`);
    }
    const own = repos.filter((r) => r.organizationId === org.id);
    const width = Math.max(...own.map((r) => r.name.length));
    for (const repo of own) {
      const state = repo.isRemoved
        ? 'removed at the source (a record with backups kept)'
        : repo.pendingSync
          ? 'not known to Xopero ONE until a synchronization'
          : `${repo.isProtected ? 'license-activated' : 'no license'}, ${repo.lastSuccessfulBackup ? `last backed up ${Math.round((nowMs - repo.lastSuccessfulBackup) / 3_600_000)} h ago` : 'never backed up'}`;
      lines.push(`  ${repo.name.padEnd(width)}  ${state}`);
    }
  }
  return lines;
}
