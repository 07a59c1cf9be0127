/**
 * What a verified caller may ask for: its owner must be listed for its issuer, its workflow must match when
 * the issuer lists workflows, and the plan must be one its repository's rule allows (the rule's default when
 * the request names none). The repository itself is the token's; nothing in the request can change it.
 */
import { globToRegExp } from '../../core/patterns.js';
import { type IssuerConfig, type PlanRule, ownerKey } from '../../settings/broker-config.js';
import { policyRefusal } from './refusal.js';
import type { Caller } from './verify.js';

/**
 * `acme` admits acme/x and acme/sub/x; `acme/sub` admits acme/sub/x and deeper only. Case is ignored. The most
 * specific listed owner admits; when `ownerIds` pins it, the token's owner must be that owner, with that id.
 */
export function checkOwner(caller: Caller, issuer: IssuerConfig): void {
  const path = caller.repository.toLowerCase();
  const admitting = issuer.owners
    .map(ownerKey)
    .filter((owner) => path.startsWith(`${owner}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (admitting === undefined) {
    throw policyRefusal(
      'owner_not_allowed',
      `The token's repository is not under an owner this broker serves for ${issuer.issuer}: ask its operator to add the owner.`,
    );
  }
  const pinned = issuer.ownerIds && Object.hasOwn(issuer.ownerIds, admitting) ? issuer.ownerIds[admitting] : undefined;
  if (pinned === undefined) return;
  const owner = caller.owner;
  if (!owner || ownerKey(owner.path) !== admitting || owner.id !== pinned) {
    throw policyRefusal(
      'owner_not_allowed',
      `The token's owner does not have the id this broker pins for that name, or the repository is in a subgroup of it (list the subgroup with its own id), for ${issuer.issuer}: ask its operator to check ownerIds.`,
    );
  }
}

/**
 * The workflow must match one of the issuer's patterns, with case: Git refs and paths are case-sensitive, and a
 * branch `MAIN` that branch protection on `main` does not cover must not pass for it. Write the patterns as the
 * CI spells the claim (the audit line's `workflow` shows it).
 */
export function checkWorkflow(caller: Caller, issuer: IssuerConfig): void {
  if (!issuer.workflows) return;
  const workflow = caller.workflow;
  if (!workflow || !issuer.workflows.some((pattern) => globToRegExp(pattern, { ignoreCase: false }).test(workflow))) {
    throw policyRefusal(
      'workflow_not_allowed',
      `The calling workflow ${caller.workflow ? "(the token's job_workflow_ref or ci_config_ref_uri)" : '(none named in the token)'} is not one the broker accepts: run the backup from the required workflow.`,
    );
  }
}

/** The plan to use: the requested one if the repository's rule allows it, else the rule's default. */
export function choosePlan(repository: string, requested: string | undefined, rules: PlanRule[]): string {
  const rule = rules.find((candidate) => matchesAll(candidate.repositories, repository));
  if (!rule) throw policyRefusal('plan_not_allowed', `No plan rule of the broker covers ${repository}: ask its operator to add one.`);
  if (requested === undefined) return rule.default;
  const allowed = rule.allowed.find((plan) => plan.toLowerCase() === requested.toLowerCase());
  if (!allowed)
    throw policyRefusal(
      'plan_not_allowed',
      `${repository} may not ask for the plan it named; allowed: ${rule.allowed.join(', ')} (default ${rule.default}).`,
    );
  return allowed;
}

/** Includes and `!` excludes, as the sweep's patterns: some include matches and no exclude does. */
function matchesAll(patterns: string[], repository: string): boolean {
  const test = (pattern: string) => globToRegExp(pattern).test(repository);
  const includes = patterns.filter((p) => !p.startsWith('!'));
  const excludes = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return includes.some(test) && !excludes.some(test);
}
