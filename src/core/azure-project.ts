/**
 * A whole Azure DevOps project in a backup plan: `azure-project` (an id) with `plan`. mode: ensure attaches it
 * (plans/AttachAzureProject), mode: release detaches it (plans/DetachAzureProject), a dry run says which it
 * would do. It shares nothing with ensureProtection but the sign-in and the lookups: no repository is read,
 * activated or attached.
 *
 * What the API lets us tell, and what it does not:
 * - No call lists Azure DevOps projects, finds one by name, or lists the projects a plan holds. So the project
 *   is given by id, and whether it is already in the plan cannot be read: each run sends the attach (or the
 *   detach), and the server's 200 does not say whether anything changed. `changed` is true when a call was
 *   accepted; check mode is refused in settings, as it could verify nothing.
 * - A plan that includes every repository of the organization (`includeAllRepositories` in
 *   plans/listassignedtoorganization) selects everything, not projects one by one: the project is covered
 *   already, so nothing is sent, and a detach from it is impossible (told in words, nothing sent).
 * - "Works only for plans with individual project selection": the server refuses other plans; the refusal is
 *   explained in words with the server's own code and message.
 */
import { ApiError, describeError } from '../common/errors.js';
import type { Settings } from '../settings/settings.js';
import type { RunContext } from './context.js';
import { findOrganization, findPlan } from './lookup.js';
import { resultHead } from './protect.js';

export type ProjectOutcome = 'attached' | 'detached' | 'would-attach' | 'would-detach' | 'covered' | 'failed';

export interface AzureProjectResult {
  kind: 'azure-project';
  server: string;
  mode: RunContext['settings']['mode'];
  dryRun: boolean;
  organization: { id: string; name: string };
  plan?: { id: string; name: string };
  project: { id: string };
  action: 'attach' | 'detach';
  outcome: ProjectOutcome;
  /** True when an attach or detach was accepted: the API does not say whether the plan held the project before. */
  changed: boolean;
  problems: string[];
}

/** Detach with `mode: release` (the one way to detach), attach otherwise. */
export function projectAction(settings: Settings): 'attach' | 'detach' {
  return settings.operation === 'release' ? 'detach' : 'attach';
}

export async function runAzureProject(context: RunContext): Promise<AzureProjectResult> {
  const { client, settings, log } = context;
  const projectId = settings.azureProject;
  const planWanted = settings.plan;
  // The settings make both required with azure-project; this states it for the compiler.
  if (!projectId || !planWanted) throw new Error('azure-project and plan are required here');
  const action = projectAction(settings);

  const { organization, plan, selectsAll } = await log.group('Find the organization and plan', async () => {
    const organization = findOrganization(await client.listOrganizations(), settings.organization, settings.words);
    log.info(`Organization: ${organization.name} (${organization.id})`);
    // Settings make plan required with azure-project; findPlan fails the run, before anything changes, when it is not found.
    const plan = findPlan(organization, planWanted, settings.words);
    log.info(`Plan: ${plan.name} (${plan.id})`);
    const assigned = await client.listAssignedPlans(organization.id);
    const entry = assigned.find((candidate) => candidate.id.toLowerCase() === plan.id.toLowerCase());
    return { organization, plan, selectsAll: Boolean(entry?.includeAllRepositories) };
  });
  const target = plan;
  const result: AzureProjectResult = {
    kind: 'azure-project',
    ...resultHead(settings, organization, plan),
    project: { id: projectId },
    action,
    outcome: action === 'attach' ? 'would-attach' : 'would-detach',
    changed: false,
    problems: [],
  };

  if (selectsAll) {
    if (action === 'attach') {
      result.outcome = 'covered';
      log.info(
        `Plan ${target.name} includes everything in ${organization.name}: Azure DevOps project ${projectId} is covered already; nothing to attach.`,
      );
    } else {
      result.outcome = 'failed';
      result.problems.push(
        `Plan '${target.name}' includes everything in '${organization.name}' rather than projects selected one by one, so project ${projectId} cannot be detached from it: change the plan's selection in the Xopero ONE console.`,
      );
    }
    return result;
  }
  if (settings.dryRun) {
    log.info(
      `Dry run: would ${action} Azure DevOps project ${projectId} ${action === 'attach' ? 'to' : 'from'} plan ${target.name}; nothing was changed.`,
    );
    return result;
  }

  await log.group(action === 'attach' ? 'Attach the project' : 'Detach the project', async () => {
    try {
      if (action === 'attach') await client.attachAzureProject(target.id, projectId);
      else await client.detachAzureProject(target.id, projectId);
      result.outcome = action === 'attach' ? 'attached' : 'detached';
      result.changed = true;
      log.info(
        `${action === 'attach' ? 'Attached' : 'Detached'} Azure DevOps project ${projectId} ${action === 'attach' ? 'to' : 'from'} plan ${target.name}.`,
      );
    } catch (error) {
      result.outcome = 'failed';
      result.problems.push(refusal(error, action, projectId, target.name, organization.name, settings.words.name('azure-project')));
    }
  });
  return result;
}

/** The server's refusal in words: what the documented limit means, and what to change. */
function refusal(
  error: unknown,
  action: 'attach' | 'detach',
  projectId: string,
  plan: string,
  organization: string,
  input: string,
): string {
  if (!(error instanceof ApiError) || error.status < 400 || error.status >= 500 || [401, 403].includes(error.status)) {
    return describeError(error);
  }
  const said = [error.code, error.serverMessage].filter(Boolean).join(': ');
  const server = said ? ` (server: ${said})` : ` (HTTP ${error.status})`;
  const verb = action === 'attach' ? `attach Azure DevOps project ${projectId} to` : `detach Azure DevOps project ${projectId} from`;
  if (error.status === 404) {
    return `Xopero ONE could not ${verb} plan '${plan}'${server}: check ${input} (the id Xopero ONE gives the project) and that organization '${organization}' has been synchronized since the project was created.`;
  }
  return `Xopero ONE refused to ${verb} plan '${plan}'${server}: the API does this only for plans with individual project selection. Edit plan '${plan}' in the Xopero ONE console to select projects one by one (not all projects, nor by rules), or name a plan that does.`;
}
