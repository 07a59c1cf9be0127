/**
 * One repository: the shared code path (`ensureProtection`) with a selection of one name, and the result,
 * log lines and verdict built from its change list and outcomes.
 */
import { XoperoError } from '../common/errors.js';
import type { Settings } from '../settings/settings.js';
import type { HostWords } from '../common/words.js';
import type { OrganizationPlan, Organization, Repository } from '../xopero/api-types.js';
import { explainErrorCode } from '../xopero/error-codes.js';
import type { Failure, Outcome } from './apply.js';
import { backupStatus, type BackupStatus } from './backup.js';
import type { Change } from './changes.js';
import type { RunContext } from './context.js';
import { ensureProtection, type ProtectionRun, type SynchronizationOutcome } from './ensure.js';
import { fullRepositoryName } from './lookup.js';

export type { RunContext } from './context.js';
export type ActivationOutcome = 'already' | 'activated' | 'would-activate' | 'skipped' | 'failed';
export type AttachmentOutcome = 'already' | 'attached' | 'would-attach' | 'skipped' | 'failed';

export interface ProtectResult {
  kind: 'repository';
  server: string;
  mode: Settings['mode'];
  dryRun: boolean;
  organization: { id: string; name: string };
  repository: { id: string; name: string; known: boolean; protected: boolean };
  plan?: { id: string; name: string };
  synchronization: SynchronizationOutcome;
  activation: ActivationOutcome;
  attachment: AttachmentOutcome;
  backup?: BackupStatus;
  /** Whether this run changed anything in Xopero ONE (the end-of-run sync of `sync: always` is not a change). */
  changed: boolean;
  /** One line each; non-empty means the run failed. */
  problems: string[];
}

/** What every result starts with: where, how, and which organization and plan. */
export function resultHead(settings: Settings, organization: Organization, plan: OrganizationPlan | undefined) {
  return {
    server: settings.serverUrl.origin,
    mode: settings.mode,
    dryRun: settings.dryRun,
    organization: { id: organization.id, name: organization.name },
    plan: plan && { id: plan.id, name: plan.name },
  };
}

export async function protectRepository(context: RunContext): Promise<ProtectResult> {
  let fullName = context.settings.repository;
  const run = await ensureProtection(context, (organization) => {
    // A bare name lives in the organization; its full name is known once the organization is.
    fullName = fullRepositoryName(context.settings.repository, organization);
    return {
      literals: [fullName],
      hasWildcards: false,
      matches: (name) => name.toLowerCase() === fullName.toLowerCase(),
      single: fullName,
    };
  });
  return repositoryResult(context, run, fullName);
}

function repositoryResult({ settings, log, clock }: RunContext, run: ProtectionRun, fullName: string): ProtectResult {
  const { organization, plan, list, outcomes } = run;
  const repository: Repository | undefined = run.state.repositories[0];
  const outcomeOf = (kind: Change['kind']) => {
    const index = list.changes.findIndex((change) => change.kind === kind);
    return index < 0 ? undefined : { change: list.changes[index], outcome: outcomes[index] as Outcome | undefined };
  };
  const activation = outcomeOf('activate');
  const attachment = outcomeOf('attach');
  const failureOf = (step?: { outcome?: Outcome }): Failure | undefined =>
    step?.outcome?.status === 'failed' ? step.outcome.failure : undefined;

  const result: ProtectResult = {
    kind: 'repository',
    ...resultHead(settings, organization, plan),
    repository: repository
      ? { id: repository.id, name: repository.name, known: true, protected: repository.isProtected }
      : { id: '', name: fullName, known: false, protected: false },
    synchronization: run.synchronization,
    activation: stepOutcome(run, activation, repository?.isProtected ?? false, 'activated', 'would-activate') as ActivationOutcome,
    attachment: !plan ? 'skipped' : (stepOutcome(run, attachment, true, 'attached', 'would-attach') as AttachmentOutcome),
    backup: repository ? backupStatus(repository, plan, clock.now()) : undefined,
    changed: run.synchronization === 'synchronized',
    problems: [],
  };
  if (result.activation === 'activated') {
    result.changed = true;
    result.repository.protected = true;
  }
  if (result.attachment === 'attached') result.changed = true;

  if (!repository) {
    const removedNote = run.removed ? ' (only a removed record of that name remains, from a repository deleted at the source)' : '';
    if (settings.mode === 'check') {
      result.problems.push(
        `'${fullName}' is not known to Xopero ONE in organization '${organization.name}'${removedNote}: not protected. Run with ${settings.words.set('mode', 'ensure')} to add it.`,
      );
    } else if (settings.sync === 'never') {
      throw new XoperoError(
        `Repository '${fullName}' is not known to Xopero ONE in organization '${organization.name}'${removedNote}, and sync is 'never': set ${settings.words.set('sync', 'auto')}, or synchronize the organization in Xopero ONE.`,
      );
    } else {
      log.info(`Dry run: would synchronize ${organization.name}, then protect ${fullName} once it appears.`);
    }
  }

  const activationFailure = failureOf(activation);
  const attachmentFailure = failureOf(attachment);
  if (activationFailure) {
    result.problems.push(
      activationFailure.code
        ? `License activation of '${result.repository.name}' failed: ${explainErrorCode(activationFailure.code)}.`
        : activationFailure.message.startsWith('not confirmed')
          ? `License activation of '${result.repository.name}' was ${activationFailure.message}.`
          : `License activation of '${result.repository.name}' failed: ${activationFailure.message}`,
    );
  }
  if (attachmentFailure)
    result.problems.push(`Attaching '${result.repository.name}' to plan '${plan?.name}' failed: ${attachmentFailure.message}`);

  if (run.readOnly) logPlanned(log, result, run.list.findings.length > 0, settings.words);
  else if (repository) logApplied(log, result, repository, settings.words);
  addGateProblems(settings, result, run);
  return result;
}

/** A step's outcome in the result's words: from the list when it holds the step, else from the state. */
function stepOutcome(
  run: ProtectionRun,
  step: { outcome?: Outcome } | undefined,
  alreadyDone: boolean,
  done: string,
  would: string,
): string {
  if (step) return run.readOnly ? would : step.outcome?.status === 'failed' ? 'failed' : done;
  return run.state.repositories[0] && alreadyDone ? 'already' : 'skipped';
}

function logApplied(log: RunContext['log'], result: ProtectResult, repository: Repository, words: HostWords): void {
  if (result.activation === 'activated') log.info(`Activated the license of ${repository.name}.`);
  if (result.attachment === 'attached') log.info(`Attached ${repository.name} to plan ${result.plan?.name}.`);
  if (!result.changed && result.problems.length === 0) log.info('Nothing to change: already protected.');
  if (result.activation === 'skipped' && !repository.isProtected) {
    log.warning(
      `${repository.name} holds no license and activation is off (${words.set('activate', 'false')}): Xopero ONE will not back it up until it is activated.`,
    );
  }
}

function addGateProblems(settings: Settings, result: ProtectResult, run: ProtectionRun): void {
  if (settings.mode === 'check') {
    const missing = [
      result.repository.protected ? '' : 'not license-activated',
      result.attachment === 'would-attach' ? `not attached to plan '${result.plan?.name}'` : '',
    ].filter(Boolean);
    if (result.repository.known && missing.length > 0) {
      result.problems.push(
        `'${result.repository.name}' is ${missing.join(' and ')} (mode: check changes nothing; run with ${settings.words.set('mode', 'ensure')} to fix it).`,
      );
    }
  }
  for (const finding of run.list.findings) result.problems.push(finding.problem);
}

function logPlanned(log: RunContext['log'], result: ProtectResult, gateFailed: boolean, words: HostWords): void {
  const planned = [
    result.synchronization === 'would-synchronize' ? 'synchronize the organization' : '',
    result.activation === 'would-activate' ? 'activate the license' : '',
    result.attachment === 'would-attach' ? `attach to plan ${result.plan?.name}` : '',
  ].filter(Boolean);
  const prefix = result.mode === 'check' ? 'Check' : 'Dry run';
  if (planned.length > 0) log.info(`${prefix}: would ${planned.join(', ')}; nothing was changed.`);
  // Unknown in check mode: the problem line says it is not protected; "nothing would change" would contradict it.
  else if (!result.repository.known) log.info(`${prefix}: ${result.repository.name} is not known to Xopero ONE; nothing was changed.`);
  else
    log.info(
      `${prefix}: nothing would change${gateFailed ? `, but the backup is older than ${words.name('max-backup-age')} (below)` : ''}.`,
    );
}
