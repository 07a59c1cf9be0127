/**
 * `mode: release`: one repository (a decommission pipeline) released from its plans and its license (and
 * removed from Xopero ONE with remove: true). Read, list the changes (release-changes.ts), apply them
 * (release-apply.ts); a dry run lists, check mode (mode: release-check) fails when the list is not empty.
 *
 * This module and reclaim.ts are loaded with a dynamic import() only when asked for (mode: release, reclaim):
 * ncc emits them as separate files, so the protect run neither carries nor evaluates them.
 */
import { XoperoError } from '../common/errors.js';
import type { HostWords } from '../common/words.js';
import type { AssignedPlan, OrganizationPlan, Repository } from '../xopero/api-types.js';
import type { Settings } from '../settings/settings.js';
import type { Log } from './log.js';
import type { RunContext } from './context.js';
import { findOrganization, findPlan, fullRepositoryName, lookupRepository } from './lookup.js';
import { resultHead } from './protect.js';
import { applyReleaseChanges } from './release-apply.js';
import { describeChange, listReleaseChanges, planName, sameId, type ReleaseChange, type ReleaseStep } from './release-changes.js';

export interface ReleaseResult {
  kind: 'release';
  server: string;
  /** ensure: release; check (mode: release-check): change nothing, fail when something would change. */
  mode: Settings['mode'];
  dryRun: boolean;
  organization: { id: string; name: string };
  repository: { id: string; name: string; known: boolean; removedAtSource: boolean };
  plan?: { id: string; name: string };
  /** The changes in list order, with their outcomes ('would' in a dry run or check). */
  steps: ReleaseStep[];
  licensesFreed: number;
  notes: string[];
  changed: boolean;
  problems: string[];
}

export async function releaseRepository(context: RunContext): Promise<ReleaseResult> {
  const { client, settings, log } = context;
  const readOnly = settings.dryRun || settings.mode === 'check';
  const found = await log.group('Find the organization, repository and plans', async () => {
    const organization = findOrganization(await client.listOrganizations(), settings.organization, settings.words);
    log.info(`Organization: ${organization.name} (${organization.id})`);
    // The plan is resolved before anything changes: an unknown plan must fail a run that changed nothing.
    const plan = settings.plan ? findPlan(organization, settings.plan, settings.words) : undefined;
    if (plan) log.info(`Plan: ${plan.name} (${plan.id})`);
    const fullName = fullRepositoryName(settings.repository, organization);
    const [lookup, assigned] = await Promise.all([
      lookupRepository(client, organization, fullName),
      client.listAssignedPlans(organization.id),
    ]);
    return { organization, plan, fullName, assigned, repository: lookup.live ?? lookup.removed };
  });
  const { organization, plan, fullName, assigned, repository } = found;
  const result: ReleaseResult = {
    kind: 'release',
    ...resultHead(settings, organization, plan),
    repository: {
      id: repository?.id ?? '',
      name: repository?.name ?? fullName,
      known: Boolean(repository),
      removedAtSource: Boolean(repository?.isRemoved),
    },
    steps: [],
    licensesFreed: 0,
    notes: [],
    changed: false,
    problems: [],
  };
  if (!repository) {
    // Nothing of that name holds a license or a place in a plan: released already (or never protected).
    log.info(`${fullName} is not known to Xopero ONE in '${organization.name}': nothing to release.`);
    return result;
  }
  log.info(
    `Repository: ${repository.name} (${repository.id}), ${repository.isProtected ? 'holds a license' : 'holds no license'}${repository.isRemoved ? ', removed at the source' : ''}.`,
  );
  const namedPlanNotes =
    plan && repository.isProtected ? checkNamedPlan(repository, plan, assigned, organization.plans ?? [], settings.words) : [];
  const planned = listReleaseChanges([repository], assigned, { onlyPlan: plan, remove: settings.remove, planNames: organization.plans });
  planned.notes.push(...namedPlanNotes);
  result.notes = planned.notes;
  for (const note of planned.notes) log.warning(note);
  if (readOnly) {
    result.steps = planned.changes.map((change) => ({ ...change, outcome: 'would' }));
    const prefix = settings.mode === 'check' ? 'Check' : 'Dry run';
    log.info(
      planned.changes.length
        ? `${prefix}: would ${planned.changes
            .map((c) => describeChange(c, false))
            .join('; ')
            .replaceAll(`${repository.name}: `, '')} (${repository.name}). Nothing was changed.`
        : `${prefix}: nothing to release.`,
    );
    if (settings.mode === 'check' && planned.changes.length > 0) {
      result.problems.push(
        `'${repository.name}' is not released: it ${holdsWhat(planned.changes)} (${settings.words.set('mode', 'release-check')} changes nothing; run with ${settings.words.set('mode', 'release')} to release it).`,
      );
    }
    return result;
  }
  if (planned.changes.length === 0) {
    log.info(
      `Nothing to change: ${repository.name} holds no license${plan ? ` and is not in plan '${plan.name}'` : ' and is in no plan'}.`,
    );
    return result;
  }
  result.steps = await log.group('Release', () => applyReleaseChanges(client, planned.changes));
  logSteps(log, result.steps);
  result.changed = result.steps.some((step) => step.outcome === 'done');
  result.licensesFreed = result.steps.filter((step) => step.action === 'deactivate' && step.outcome === 'done').length;
  for (const step of result.steps.filter((s) => s.outcome === 'failed')) result.problems.push(`${failedWords(step)}: ${step.reason}`);
  return result;
}

function holdsWhat(changes: ReleaseChange[]): string {
  const plans = changes.filter((c) => c.action === 'detach').map((c) => `'${c.plan?.name}'`);
  const parts = [
    changes.some((c) => c.action === 'deactivate') ? 'holds a license' : '',
    plans.length ? `is in plan ${plans.join(', ')}` : '',
    changes.some((c) => c.action === 'remove') ? 'is still in Xopero ONE (remove: true)' : '',
  ].filter(Boolean);
  return parts.join(' and ');
}

/**
 * A named `plan` of a repository that holds a license, against the other plans that list it (a plan that
 * includes all repositories cannot drop one, release-changes.ts notes it: only listed places count). Not in
 * the named plan while others list it: taken for a mistake and refused before anything changes, since releasing
 * would free the license and leave it in those plans, unprotected. In it and in others too: said in a note,
 * since the plan was named. (Without a license nothing is freed: a re-run after a release finds nothing to do.)
 */
function checkNamedPlan(
  repository: Repository,
  plan: { id: string; name: string },
  assigned: AssignedPlan[],
  named: OrganizationPlan[],
  words: HostWords,
): string[] {
  const lists = (entry: AssignedPlan) => entry.repositoryIds.some((id) => sameId(id, repository.id));
  const others = assigned
    .filter((entry) => !sameId(entry.id, plan.id) && !entry.includeAllRepositories && lists(entry))
    .map((entry) => `'${planName(entry, named)}'`);
  if (others.length === 0) return [];
  const inNamed = assigned.some((entry) => sameId(entry.id, plan.id) && (entry.includeAllRepositories || lists(entry)));
  if (!inNamed) {
    throw new XoperoError(
      `'${repository.name}' is not in plan '${plan.name}'; it is in plan ${others.join(', ')}. Releasing it would free its license and leave it there, unprotected: set ${words.name('plan')} to that plan, or leave it empty to release it from every plan. Nothing was changed.`,
    );
  }
  return [
    `'${repository.name}' stays in plan ${others.join(', ')} without a license: it is no longer backed up there. Leave plan empty to release it from every plan.`,
  ];
}

function failedWords(step: ReleaseStep): string {
  const name = `'${step.repository.name}'`;
  if (step.action === 'detach') return `Detaching ${name} from plan '${step.plan?.name}' failed`;
  if (step.action === 'deactivate') return `Deactivating the license of ${name} failed`;
  return `Removing ${name} from Xopero ONE ${step.outcome === 'skipped' ? 'was skipped' : 'failed'}`;
}

function logSteps(log: Log, steps: ReleaseStep[]): void {
  for (const step of steps) {
    if (step.outcome === 'done') log.info(`${describeChange(step, true)}.`);
    else log.warning(`${failedWords(step)}: ${step.reason}`);
  }
}
