/**
 * Finding things by name: the organization, the plan, the repository. Names match case-insensitively, as
 * Xopero ONE shows them; ids match exactly. The server is asked to filter, but its answer is checked here.
 */
import type { AssignedPlan, Organization, OrganizationPlan, Repository } from '../xopero/api-types.js';
import type { XoperoApi } from '../xopero/client.js';
import { memberLookup } from '../xopero/plan-members.js';
import { XoperoError } from '../common/errors.js';
import { closest, uniquePrefix } from '../common/text.js';
import type { HostWords } from '../common/words.js';

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const sameId = sameName; // GUIDs: the service prints them lower-case, users may paste them upper-case.

/** `words`: how the host names the inputs these remedies point to (`organization`, `--organization / XOPERO_ORGANIZATION`). */
export function findOrganization(organizations: Organization[], wanted: string, words: HostWords): Organization {
  const byId = organizations.find((org) => sameId(org.id, wanted));
  if (byId) return byId;
  const byName = organizations.filter((org) => sameName(org.name, wanted));
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    if (words.withholdsNames)
      throw new XoperoError(`${byName.length} organizations are named '${wanted}' in Xopero ONE: ${words.name('organization')}.`);
    throw new XoperoError(
      `${byName.length} organizations are named '${wanted}' (ids ${byName.map((org) => org.id).join(', ')}): set ${words.name('organization')} to the id of the one to use.`,
    );
  }
  if (words.withholdsNames) throw new XoperoError(`Organization '${wanted}' not found in Xopero ONE: ${words.name('organization')}.`);
  const names = organizations.map((org) => org.name);
  if (names.length === 0) {
    throw new XoperoError(
      `Organization '${wanted}' not found: the account sees no organizations at all; add the organization in Xopero ONE, or check the account's roles.`,
    );
  }
  throw new XoperoError(
    `Organization '${wanted}' not found${suggest(wanted, names)}; the account sees: ${list(names)}. Set ${words.name('organization')} to one of these names or to its id.`,
  );
}

export function findPlan(organization: Organization, wanted: string, words: HostWords): OrganizationPlan {
  const plans = organization.plans ?? [];
  const byId = plans.find((plan) => sameId(plan.id, wanted));
  if (byId) return byId;
  const byName = plans.filter((plan) => sameName(plan.name, wanted));
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    if (words.withholdsNames)
      throw new XoperoError(`${byName.length} plans of '${organization.name}' are named '${wanted}': ${words.name('plan')}.`);
    throw new XoperoError(
      `${byName.length} plans of '${organization.name}' are named '${wanted}' (ids ${byName.map((plan) => plan.id).join(', ')}): set ${words.name('plan')} to the id of the one to use.`,
    );
  }
  if (words.withholdsNames)
    throw new XoperoError(`Plan '${wanted}' not found in organization '${organization.name}': ${words.name('plan')}.`);
  const names = plans.map((plan) => plan.name);
  if (names.length === 0) {
    throw new XoperoError(
      `Plan '${wanted}' not found: organization '${organization.name}' has no backup plans; create one in Xopero ONE first.`,
    );
  }
  throw new XoperoError(
    `Plan '${wanted}' not found in organization '${organization.name}'${suggest(wanted, names)}; its plans are: ${list(names)}. Set ${words.name('plan')} to one of these names or to its id.`,
  );
}

/** The repository's full path in Xopero ONE: `name` alone lives in the organization. */
export function fullRepositoryName(repository: string, organization: Organization): string {
  return repository.includes('/') ? repository : `${organization.name}/${repository}`;
}

/** A live repository of that exact name wins over removed ones (deleted at the source, backups kept). */
export function pickRepository(repositories: Repository[], fullName: string): { live?: Repository; removed?: Repository } {
  const matches = repositories.filter((repo) => sameName(repo.name, fullName));
  return { live: matches.find((repo) => !repo.isRemoved), removed: matches.find((repo) => repo.isRemoved) };
}

/** One lookup of one repository: the server filters by name, this checks the names and follows pageCount. */
export async function lookupRepository(client: XoperoApi, organization: Organization, fullName: string) {
  const { repositories, synchronizationInProgress } = await client.listRepositories(organization.id, [
    { property: 'Name', operator: 'eq', value: fullName },
  ]);
  return { ...pickRepository(repositories, fullName), synchronizationInProgress };
}

/**
 * A test of plan membership: a repository is attached when the plan lists its id, or the plan includes all
 * repositories. The ids are indexed once per plan object (xopero/plan-members.ts).
 */
export function planMembership(plans: AssignedPlan[], planId: string): (repositoryId: string) => boolean {
  const plan = plans.find((candidate) => sameId(candidate.id, planId));
  if (!plan) return () => false; // A plan with no repositories yet is not listed at all.
  if (plan.includeAllRepositories) return () => true;
  const has = memberLookup(plan);
  return (repositoryId) => has(repositoryId.toLowerCase());
}

export function isAttached(plans: AssignedPlan[], planId: string, repositoryId: string): boolean {
  return planMembership(plans, planId)(repositoryId);
}

function list(names: string[], max = 20): string {
  const shown = names
    .slice(0, max)
    .map((name) => `'${name}'`)
    .join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

function suggest(wanted: string, names: string[]): string {
  // A typo, else the start of a longer name ('Nightly' for 'Nightly GitHub'), when only one name starts so.
  const best = closest(wanted, names) ?? (wanted.length >= 3 ? uniquePrefix(wanted, names) : undefined);
  return best ? ` (did you mean '${best}'?)` : '';
}
