/**
 * The core for one repository: read the state, plan the changes (synchronize, activate, attach), apply them.
 * A dry run and check mode stop after planning; nothing here knows which host it runs on.
 */
import type { AssignedPlan, Organization, OrganizationPlan, Repository } from '../xopero/api-types.js';
import { backupStatus, staleBackupProblem, type BackupStatus } from './backup.js';
import type { XoperoClient } from '../xopero/client.js';
import { explainErrorCode } from '../xopero/error-codes.js';
import { XoperoError, describeError } from '../common/errors.js';
import type { Log } from './log.js';
import { findOrganization, findPlan, fullRepositoryName, isAttached, lookupRepository } from './lookup.js';
import type { Settings } from '../settings/settings.js';

export type SynchronizationOutcome = 'not-needed' | 'synchronized' | 'started' | 'would-synchronize';
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

export interface RunContext {
  client: XoperoClient;
  settings: Settings;
  log: Log;
  /** Epoch milliseconds; a parameter so tests can fix the clock. */
  now: () => number;
}

/** Where the organization and the plan are resolved: shared with the sweep. */
export async function resolveOrganizationAndPlan({ client, settings, log }: RunContext): Promise<{ organization: Organization; plan?: OrganizationPlan }> {
  const organization = findOrganization(await client.listOrganizations(), settings.organization);
  log.info(`Organization: ${organization.name} (${organization.id})`);
  // The plan is resolved before anything changes: an unknown plan must fail a run that changed nothing.
  const plan = settings.plan ? findPlan(organization, settings.plan) : undefined;
  if (plan) log.info(`Plan: ${plan.name} (${plan.id})`);
  return { organization, plan };
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
  const { client, settings, log } = context;
  const readOnly = settings.dryRun || settings.mode === 'check';

  await log.group('Sign in', async () => {
    await client.login();
    log.info(settings.credentials.kind === 'token' ? 'Using the given access token.' : `Signed in to ${settings.serverUrl.origin}.`);
  });

  const found = await log.group('Find the organization, repository and plan', async () => {
    const { organization, plan } = await resolveOrganizationAndPlan(context);
    const fullName = fullRepositoryName(settings.repository, organization);
    // The repository and the plan membership are independent reads: one round trip for both.
    const [lookup, assigned] = await Promise.all([
      lookupRepository(client, organization, fullName),
      plan ? client.listAssignedPlans(organization.id) : Promise.resolve<AssignedPlan[]>([]),
    ]);
    log.info(lookup.live ? describeRepository(lookup.live) : `Repository: ${fullName} is not known to Xopero ONE yet.`);
    return { organization, plan, fullName, assigned, ...lookup };
  });
  const { organization, plan, fullName, assigned } = found;

  const result: ProtectResult = {
    kind: 'repository',
    ...resultHead(settings, organization, plan),
    repository: { id: '', name: fullName, known: false, protected: false },
    synchronization: 'not-needed',
    activation: 'skipped',
    attachment: 'skipped',
    changed: false,
    problems: [],
  };

  let repository = found.live;
  if (!repository) {
    const unknown = unknownRepository(context, result, found);
    if (unknown) return unknown;
    repository = await log.group('Synchronize the organization', () =>
      synchronizeUntilKnown(context, organization, fullName, found.synchronizationInProgress),
    );
    result.synchronization = 'synchronized';
    result.changed = true;
  }
  result.repository = { id: repository.id, name: repository.name, known: true, protected: repository.isProtected };
  result.backup = backupStatus(repository, plan, context.now());

  const attached = plan ? isAttached(assigned, plan.id, repository.id) : true;
  result.activation = repository.isProtected ? 'already' : !settings.activate ? 'skipped' : readOnly ? 'would-activate' : 'activated';
  result.attachment = !plan ? 'skipped' : attached ? 'already' : readOnly ? 'would-attach' : 'attached';

  if (!readOnly) {
    await log.group('Apply changes', () => applyChanges(context, result, repository, plan));
    if (settings.sync === 'always' && result.synchronization !== 'synchronized') {
      await client.synchronize(organization.id);
      result.synchronization = 'started';
      log.info(`Started a synchronization of ${organization.name} (sync: always).`);
    }
  }
  if (readOnly && settings.sync === 'always') result.synchronization = 'would-synchronize';
  addGateProblems(context, result);
  // Logged after the gates, so check mode never says "nothing to change" and then fails on the backup age.
  if (readOnly) logPlanned(log, result);
  return result;
}

/** The repository is unknown: decide whether to synchronize, or return the result that ends the run. */
function unknownRepository(
  { settings, log }: RunContext,
  result: ProtectResult,
  found: { fullName: string; removed?: Repository; organization: Organization },
): ProtectResult | undefined {
  const { fullName, organization } = found;
  const removedNote = found.removed ? ' (only a removed record of that name remains, from a repository deleted at the source)' : '';
  if (settings.mode === 'check') {
    result.problems.push(`'${fullName}' is not known to Xopero ONE in organization '${organization.name}'${removedNote}: not protected. Run with ${settings.words.set('mode', 'ensure')} to add it.`);
    return result;
  }
  if (settings.sync === 'never') {
    throw new XoperoError(`Repository '${fullName}' is not known to Xopero ONE in organization '${organization.name}'${removedNote}, and sync is 'never': set ${settings.words.set('sync', 'auto')}, or synchronize the organization in Xopero ONE.`);
  }
  if (settings.dryRun) {
    result.synchronization = 'would-synchronize';
    result.activation = settings.activate ? 'would-activate' : 'skipped';
    result.attachment = result.plan ? 'would-attach' : 'skipped';
    log.info(`Dry run: would synchronize ${organization.name}, then protect ${fullName} once it appears.`);
    logPlanned(log, result);
    return result;
  }
  return undefined;
}

/** Poll delays: the first well under a second (a sync of a small organization is quick), growing to 5 s. */
export const POLL_DELAYS_MS = [250, 500, 1000, 2000, 4000, 5000];

/**
 * Starts a synchronization and polls until the repository appears or wait-timeout passes. A synchronization
 * that was already running may have begun before the repository existed: when it ends without it, the step
 * starts its own. When its own ends without the repository, waiting longer cannot help, so it fails at once.
 */
async function synchronizeUntilKnown(
  { client, settings, log }: RunContext,
  organization: Organization,
  fullName: string,
  alreadyRunning: boolean,
): Promise<Repository> {
  const started = Date.now();
  const deadline = started + settings.waitTimeoutSeconds * 1000;
  let startedOwn = false;
  const startSync = async () => {
    await client.synchronize(organization.id);
    startedOwn = true;
    log.info(`Started a synchronization of ${organization.name}; waiting up to ${settings.waitTimeoutSeconds} s for ${fullName}.`);
  };
  if (!alreadyRunning) await startSync();
  else log.info(`A synchronization of ${organization.name} is already running; waiting for it.`);

  let sawRunning = alreadyRunning;
  let idlePolls = 0;
  for (let poll = 0; ; poll++) {
    const delay = POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)];
    if (Date.now() + delay > deadline) break;
    await sleep(delay);
    const lookup = await lookupRepository(client, organization, fullName);
    if (lookup.live) {
      log.info(`${fullName} appeared after ${((Date.now() - started) / 1000).toFixed(1)} s.`);
      log.info(describeRepository(lookup.live));
      return lookup.live;
    }
    sawRunning ||= lookup.synchronizationInProgress;
    idlePolls = lookup.synchronizationInProgress ? 0 : idlePolls + 1;
    // The server may take a moment to flag a sync as running; two idle polls in a row mean it is over.
    const finished = !lookup.synchronizationInProgress && (sawRunning || idlePolls >= 2);
    if (!finished) continue;
    if (!startedOwn) {
      await startSync();
      sawRunning = false;
      idlePolls = 0;
      continue;
    }
    throw new XoperoError(
      `Synchronization of '${organization.name}' finished, but '${fullName}' is not among its repositories: check the repository name, and that the credentials Xopero ONE uses for '${organization.name}' can see it.`,
    );
  }
  throw new XoperoError(
    `'${fullName}' did not appear in organization '${organization.name}' within ${settings.waitTimeoutSeconds} s (wait-timeout) of synchronizing: raise ${settings.words.name('wait-timeout')} for a large organization, or re-run later.`,
  );
}

/** Activation and attachment are independent: both go out at once, and one failing does not hide the other. */
async function applyChanges({ client, log }: RunContext, result: ProtectResult, repository: Repository, plan: OrganizationPlan | undefined) {
  const activation = result.activation === 'activated' ? activate(client, repository) : Promise.resolve();
  const attachment = result.attachment === 'attached' && plan ? client.attach(plan.id, repository.id) : Promise.resolve();
  const [activated, attached] = await Promise.allSettled([activation, attachment]);

  if (activated.status === 'rejected') {
    result.activation = 'failed';
    result.problems.push(describeError(activated.reason));
  } else if (result.activation === 'activated') {
    result.changed = true;
    result.repository.protected = true;
    log.info(`Activated the license of ${repository.name}.`);
  }
  if (attached.status === 'rejected') {
    result.attachment = 'failed';
    result.problems.push(`Attaching '${repository.name}' to plan '${plan?.name}' failed: ${describeError(attached.reason)}`);
  } else if (result.attachment === 'attached') {
    result.changed = true;
    log.info(`Attached ${repository.name} to plan ${plan?.name}.`);
  }
  if (!result.changed && result.problems.length === 0) log.info('Nothing to change: already protected.');
  if (result.activation === 'skipped' && !repository.isProtected) {
    log.warning(`${repository.name} holds no license and activate is false: Xopero ONE will not back it up until it is activated.`);
  }
}

/** The activate call answers 200 even when it fails: the per-id `error` list is the real answer. */
async function activate(client: XoperoClient, repository: Repository): Promise<void> {
  const response = await client.activate([repository.id]);
  const failure = (response.error ?? []).find((entry) => entry.id.toLowerCase() === repository.id.toLowerCase());
  if (failure) {
    throw new XoperoError(`License activation of '${repository.name}' failed: ${explainErrorCode(failure.errorCode)}.`);
  }
}

function addGateProblems({ settings }: RunContext, result: ProtectResult): void {
  if (settings.mode === 'check') {
    const missing = [
      result.repository.protected ? '' : 'not license-activated',
      result.attachment === 'would-attach' ? `not attached to plan '${result.plan?.name}'` : '',
    ].filter(Boolean);
    if (result.repository.known && missing.length > 0) {
      result.problems.push(`'${result.repository.name}' is ${missing.join(' and ')} (mode: check changes nothing; run with ${settings.words.set('mode', 'ensure')} to fix it).`);
    }
  }
  if (settings.maxBackupAgeSeconds !== undefined && result.backup) {
    const stale = staleBackupProblem(result.repository.name, result.backup, settings.maxBackupAgeSeconds);
    if (stale) result.problems.push(stale);
  }
}

function logPlanned(log: Log, result: ProtectResult): void {
  const planned = [
    result.synchronization === 'would-synchronize' ? 'synchronize the organization' : '',
    result.activation === 'would-activate' ? 'activate the license' : '',
    result.attachment === 'would-attach' ? `attach to plan ${result.plan?.name}` : '',
  ].filter(Boolean);
  const prefix = result.mode === 'check' ? 'Check' : 'Dry run';
  if (planned.length > 0) log.info(`${prefix}: would ${planned.join(', ')}; nothing was changed.`);
  else if (result.problems.length > 0) log.info(`${prefix}: license and plan are in place, but the run fails: ${result.problems.length === 1 ? 'see the problem' : `see the ${result.problems.length} problems`} below.`);
  else log.info(`${prefix}: nothing to change.`);
}

function describeRepository(repository: Repository): string {
  return `Repository: ${repository.name} (${repository.id}), ${repository.isProtected ? 'license-activated' : 'no license'}.`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
