export const id = 558;
export const ids = [558];
export const modules = {

/***/ 2558:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DEACTIVATION_BATCH: () => (/* binding */ DEACTIVATION_BATCH),
/* harmony export */   applyReclaim: () => (/* binding */ applyReclaim),
/* harmony export */   applyRelease: () => (/* binding */ applyRelease),
/* harmony export */   describeChange: () => (/* binding */ describeChange),
/* harmony export */   planReclaim: () => (/* binding */ planReclaim),
/* harmony export */   planRelease: () => (/* binding */ planRelease),
/* harmony export */   prepareReclaim: () => (/* binding */ prepareReclaim),
/* harmony export */   releaseRepository: () => (/* binding */ releaseRepository),
/* harmony export */   releasedRepositories: () => (/* binding */ releasedRepositories)
/* harmony export */ });
/* harmony import */ var _xopero_client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5694);
/* harmony import */ var _xopero_error_codes_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6755);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1922);
/* harmony import */ var _lookup_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8865);
/* harmony import */ var _protect_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1036);





/** Deactivations per call: the same batch size and concurrency as activations, for the same reasons. */
const DEACTIVATION_BATCH = 100;
const DEACTIVATION_CONCURRENCY = 2;
const DETACH_CONCURRENCY = 8;
const REMOVE_CONCURRENCY = 4;
// ---- planning (pure) ------------------------------------------------------------------------------------
const byName = (a, b) => {
    const x = a.name.toLowerCase();
    const y = b.name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
};
const sameId = (a, b) => a.toLowerCase() === b.toLowerCase();
/**
 * The changes that release `targets`: per repository (sorted by name), detach from each plan that lists it
 * (only `onlyPlan` when given), deactivate its license when it holds one, remove it when asked. A plan that
 * includes all repositories cannot drop one (the API detaches only listed repositories): that is a note, and
 * the deactivation still stops its backups.
 */
function planRelease(targets, assigned, options) {
    const changes = [];
    const notes = [];
    const plans = [...assigned].sort(byName).filter((plan) => !options.onlyPlan || sameId(plan.id, options.onlyPlan.id));
    for (const repo of [...targets].sort(byName)) {
        const repository = { id: repo.id, name: repo.name };
        for (const plan of plans) {
            if (plan.includeAllRepositories) {
                notes.push(`Plan '${plan.name}' includes all repositories of the organization, so it cannot drop '${repo.name}' alone; without a license it is not backed up. To take it off the plan's list, switch the plan to individual selection in Xopero ONE.`);
            }
            else if ((plan.repositoryIds ?? []).some((id) => sameId(id, repo.id))) {
                changes.push({ action: 'detach', repository, plan: { id: plan.id, name: plan.name } });
            }
        }
        if (repo.isProtected)
            changes.push({ action: 'deactivate', repository });
        if (options.remove)
            changes.push({ action: 'remove', repository });
    }
    return { changes, notes };
}
/**
 * The reclaim plan, pure: among repositories matched by the patterns, those Xopero ONE marks removed
 * (`removed`) and those whose full name is in `archived` (lower-cased, `archived`), released from every plan
 * and their license. A repository with nothing to release is claimed (a sweep must not re-protect it) but
 * not listed.
 */
function planReclaim(input) {
    const claimed = new Set();
    const reasonsById = new Map();
    for (const repo of input.repositories) {
        if (!input.matches(repo.name))
            continue;
        const reasons = [];
        if (input.sources.includes('removed') && repo.isRemoved)
            reasons.push('removed');
        if (input.sources.includes('archived') && input.archived?.has(repo.name.toLowerCase()))
            reasons.push('archived');
        if (reasons.length === 0)
            continue;
        claimed.add(repo.id.toLowerCase());
        reasonsById.set(repo.id.toLowerCase(), { repo, reasons });
    }
    const targets = [...reasonsById.values()].map((entry) => entry.repo);
    const plan = planRelease(targets, input.assigned, { remove: false });
    const changing = new Set(plan.changes.map((change) => change.repository.id.toLowerCase()));
    const reasons = new Map([...reasonsById].filter(([id]) => changing.has(id)).map(([id, entry]) => [id, entry.reasons]));
    // Notes only for repositories that are released: an already-free repository in an all-repositories plan is no news.
    plan.notes = plan.notes.filter((note) => targets.some((repo) => changing.has(repo.id.toLowerCase()) && note.includes(`'${repo.name}'`)));
    return { claimed, reasons, plan };
}
/** Repositories the changes release, in list order. */
const releasedRepositories = (changes) => [...new Map(changes.map((c) => [c.repository.id.toLowerCase(), c.repository])).values()];
// ---- applying ---------------------------------------------------------------------------------------------
/**
 * Runs the changes: detaches and deactivations at once (independent of each other), then the removals, each
 * only for a repository whose other changes succeeded (a removal comes after deactivation, never instead).
 * Outcomes are recorded at each change's index.
 */
async function applyRelease(client, changes) {
    const steps = changes.map((change) => ({ ...change, outcome: 'done' }));
    const indexes = (action) => changes.flatMap((change, index) => (change.action === action ? [index] : []));
    const fail = (index, reason) => {
        steps[index].outcome = 'failed';
        steps[index].reason = reason;
    };
    const detaching = (0,_xopero_client_js__WEBPACK_IMPORTED_MODULE_0__/* .mapConcurrent */ ._k)(indexes('detach'), DETACH_CONCURRENCY, async (index) => {
        try {
            await client.detach(changes[index].plan.id, changes[index].repository.id);
        }
        catch (error) {
            fail(index, explainFailure(error));
        }
    });
    const deactivations = indexes('deactivate');
    const batches = [];
    for (let i = 0; i < deactivations.length; i += DEACTIVATION_BATCH)
        batches.push(deactivations.slice(i, i + DEACTIVATION_BATCH));
    const deactivating = (0,_xopero_client_js__WEBPACK_IMPORTED_MODULE_0__/* .mapConcurrent */ ._k)(batches, DEACTIVATION_CONCURRENCY, async (batch) => {
        try {
            // 200 even when it fails: the per-id error list is the answer.
            const response = await client.deactivate(batch.map((index) => changes[index].repository.id));
            const errors = new Map((response.error ?? []).map((e) => [String(e.id).toLowerCase(), e.errorCode]));
            for (const index of batch) {
                const code = errors.get(changes[index].repository.id.toLowerCase());
                if (code)
                    fail(index, (0,_xopero_error_codes_js__WEBPACK_IMPORTED_MODULE_1__/* .explainErrorCode */ .p)(code));
            }
        }
        catch (error) {
            for (const index of batch)
                fail(index, explainFailure(error));
        }
    });
    await Promise.all([detaching, deactivating]);
    const failedRepos = new Set(steps.filter((step) => step.outcome === 'failed').map((step) => step.repository.id.toLowerCase()));
    const removals = indexes('remove').filter((index) => {
        if (!failedRepos.has(changes[index].repository.id.toLowerCase()))
            return true;
        steps[index].outcome = 'skipped';
        steps[index].reason = 'not removed because releasing it failed; re-run once that is fixed';
        return false;
    });
    await (0,_xopero_client_js__WEBPACK_IMPORTED_MODULE_0__/* .mapConcurrent */ ._k)(removals, REMOVE_CONCURRENCY, async (index) => {
        try {
            const response = await client.remove(changes[index].repository.id);
            const code = removeFailure(response.errors, response.failedIds, changes[index].repository.id);
            // GT1001 after a retried call: the first one removed it. Either way it is gone.
            if (code && code !== 'GT1001')
                fail(index, (0,_xopero_error_codes_js__WEBPACK_IMPORTED_MODULE_1__/* .explainErrorCode */ .p)(code));
        }
        catch (error) {
            fail(index, explainFailure(error));
        }
    });
    return steps;
}
function removeFailure(errors, failedIds, id) {
    for (const entry of errors ?? []) {
        if (typeof entry === 'string')
            return entry;
        if (!entry.id || sameId(entry.id, id))
            return entry.errorCode ?? 'unknown';
    }
    return (failedIds ?? []).some((failed) => sameId(failed, id)) ? 'unknown' : undefined;
}
/** The client's one-line message, with the meaning of the server's code where the code is documented here. */
function explainFailure(error) {
    const message = (0,_common_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(error);
    if (error instanceof _common_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ApiError */ .hD && error.code && error.status !== 403) {
        const explained = (0,_xopero_error_codes_js__WEBPACK_IMPORTED_MODULE_1__/* .explainErrorCode */ .p)(error.code);
        if (!explained.includes('see the Xopero ONE documentation'))
            return `${message} ${explained}.`;
    }
    return message;
}
const WORDS = {
    detach: ['detached from', 'detach from'],
    deactivate: ['deactivated the license of', 'deactivate the license of'],
    remove: ['removed from Xopero ONE', 'remove from Xopero ONE'],
};
/** "detach from plan 'Nightly'", "deactivate the license" in a log line. */
function describeChange(change, done) {
    const [past, future] = WORDS[change.action];
    const verb = done ? past : future;
    if (change.action === 'detach')
        return `${change.repository.name}: ${verb} plan '${change.plan?.name}'`;
    if (change.action === 'remove')
        return `${change.repository.name}: ${verb} (backups kept)`;
    return `${change.repository.name}: ${verb === past ? 'license deactivated' : 'deactivate the license'}`;
}
async function releaseRepository(context) {
    const { client, settings, log } = context;
    const readOnly = settings.dryRun || settings.mode === 'check';
    await log.group('Sign in', () => client.login());
    const found = await log.group('Find the organization, repository and plans', async () => {
        const { organization, plan } = await (0,_protect_js__WEBPACK_IMPORTED_MODULE_4__/* .resolveOrganizationAndPlan */ .Sp)(context);
        const fullName = (0,_lookup_js__WEBPACK_IMPORTED_MODULE_3__/* .fullRepositoryName */ .n6)(settings.repository, organization);
        const [lookup, assigned] = await Promise.all([(0,_lookup_js__WEBPACK_IMPORTED_MODULE_3__/* .lookupRepository */ .$0)(client, organization, fullName), client.listAssignedPlans(organization.id)]);
        return { organization, plan, fullName, assigned, repository: lookup.live ?? lookup.removed };
    });
    const { organization, plan, fullName, assigned, repository } = found;
    const result = {
        kind: 'release',
        ...(0,_protect_js__WEBPACK_IMPORTED_MODULE_4__/* .resultHead */ .Kf)(settings, organization, plan),
        repository: { id: repository?.id ?? '', name: repository?.name ?? fullName, known: Boolean(repository), removedAtSource: Boolean(repository?.isRemoved) },
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
    log.info(`Repository: ${repository.name} (${repository.id}), ${repository.isProtected ? 'holds a license' : 'holds no license'}${repository.isRemoved ? ', removed at the source' : ''}.`);
    const planned = planRelease([repository], assigned, { onlyPlan: plan, remove: settings.remove });
    result.notes = planned.notes;
    for (const note of planned.notes)
        log.warning(note);
    if (readOnly) {
        result.steps = planned.changes.map((change) => ({ ...change, outcome: 'would' }));
        const prefix = settings.mode === 'check' ? 'Check' : 'Dry run';
        log.info(planned.changes.length ? `${prefix}: would ${planned.changes.map((c) => describeChange(c, false)).join('; ')}. Nothing was changed.` : `${prefix}: nothing to release.`);
        if (settings.mode === 'check' && planned.changes.length > 0) {
            result.problems.push(`'${repository.name}' is not released: it ${holdsWhat(planned.changes)} (mode: release-check changes nothing; run with mode: release to release it).`);
        }
        return result;
    }
    if (planned.changes.length === 0) {
        log.info(`Nothing to change: ${repository.name} holds no license${plan ? ` and is not in plan '${plan.name}'` : ' and is in no plan'}.`);
        return result;
    }
    result.steps = await log.group('Release', () => applyRelease(client, planned.changes));
    logSteps(log, result.steps);
    result.changed = result.steps.some((step) => step.outcome === 'done');
    result.licensesFreed = result.steps.filter((step) => step.action === 'deactivate' && step.outcome === 'done').length;
    for (const step of result.steps.filter((s) => s.outcome === 'failed'))
        result.problems.push(`${failedWords(step)}: ${step.reason}`);
    return result;
}
function holdsWhat(changes) {
    const plans = changes.filter((c) => c.action === 'detach').map((c) => `'${c.plan?.name}'`);
    const parts = [
        changes.some((c) => c.action === 'deactivate') ? 'holds a license' : '',
        plans.length ? `is in plan ${plans.join(', ')}` : '',
        changes.some((c) => c.action === 'remove') ? 'is still in Xopero ONE (remove: true)' : '',
    ].filter(Boolean);
    return parts.join(' and ');
}
function failedWords(step) {
    const name = `'${step.repository.name}'`;
    if (step.action === 'detach')
        return `Detaching ${name} from plan '${step.plan?.name}' failed`;
    if (step.action === 'deactivate')
        return `Deactivating the license of ${name} failed`;
    return `Removing ${name} from Xopero ONE ${step.outcome === 'skipped' ? 'was skipped' : 'failed'}`;
}
function logSteps(log, steps) {
    for (const step of steps) {
        if (step.outcome === 'done')
            log.info(`${describeChange(step, true)}.`);
        else
            log.warning(`${failedWords(step)}: ${step.reason}`);
    }
}
/**
 * Reads what reclaim needs beyond the sweep's lists (the plans' membership when the sweep had no plan, the
 * archived repositories), plans, and enforces release-limit. Runs before the sweep changes anything, so a
 * run over the limit fails having changed nothing.
 */
async function prepareReclaim(context, read) {
    const { client, settings, log } = context;
    const sources = settings.reclaim;
    const [assigned, archivedNames] = await Promise.all([
        read.plan && read.assigned ? Promise.resolve(read.assigned) : client.listAssignedPlans(read.organization.id),
        sources.includes('archived') ? listArchived(context, read.organization.name) : Promise.resolve(undefined),
    ]);
    const archived = archivedNames && new Set(archivedNames.map((name) => name.toLowerCase()));
    if (archivedNames)
        log.info(`GitHub lists ${archivedNames.length} archived repositories of ${read.organization.name}.`);
    const candidates = planReclaim({ repositories: read.repositories, assigned, matches: read.matches, sources, archived });
    const count = candidates.reasons.size;
    const readOnly = settings.dryRun || settings.mode === 'check';
    if (count > settings.releaseLimit && !readOnly) {
        const licenses = candidates.plan.changes.filter((c) => c.action === 'deactivate').length;
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .XoperoError */ .UE(`Reclaim would release ${count} repositories (${licenses} licenses), more than release-limit (${settings.releaseLimit}); nothing was changed. If that many really are ${sources.join(' or ')}, raise release-limit to ${count}; otherwise check repositories and github-token.`);
    }
    return { candidates, archivedSeen: archivedNames?.length, claims: (id) => candidates.claimed.has(id.toLowerCase()) };
}
async function listArchived({ listArchived: lister }, owner) {
    if (!lister)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .XoperoError */ .UE('reclaim: archived needs the GitHub API, which this host does not offer: run it from the GitHub Action, or from the CLI with XOPERO_GITHUB_TOKEN set.');
    return lister(owner);
}
/** Applies the reclaim plan (or lists it in a dry run / check) and says what was freed. */
async function applyReclaim(context, prepared) {
    const { client, settings, log } = context;
    const readOnly = settings.dryRun || settings.mode === 'check';
    const { plan, reasons } = prepared.candidates;
    const result = {
        sources: settings.reclaim,
        limit: settings.releaseLimit,
        entries: [],
        released: [],
        licensesFreed: 0,
        wouldFree: 0,
        archivedSeen: prepared.archivedSeen,
        notes: plan.notes,
        changed: false,
        problems: [],
    };
    for (const note of plan.notes)
        log.warning(note);
    const steps = readOnly
        ? plan.changes.map((change) => ({ ...change, outcome: 'would' }))
        : plan.changes.length
            ? await log.group('Reclaim licenses', () => applyRelease(client, plan.changes))
            : [];
    const entries = new Map();
    for (const step of steps) {
        const key = step.repository.id.toLowerCase();
        let entry = entries.get(key);
        if (!entry)
            entries.set(key, (entry = { repository: step.repository.name, id: step.repository.id, reasons: reasons.get(key) ?? [], steps: [] }));
        entry.steps.push({ action: step.action, plan: step.plan?.name, outcome: step.outcome, reason: step.reason });
    }
    result.entries = [...entries.values()];
    const deactivations = steps.filter((step) => step.action === 'deactivate');
    result.licensesFreed = deactivations.filter((step) => step.outcome === 'done').length;
    result.wouldFree = readOnly ? deactivations.length : 0;
    result.changed = steps.some((step) => step.outcome === 'done');
    result.released = result.entries.filter((e) => e.steps.every((s) => s.outcome === 'done') && !readOnly).map((e) => e.repository);
    const count = result.entries.length;
    if (readOnly) {
        const prefix = settings.mode === 'check' ? 'Check' : 'Dry run';
        log.info(`${prefix}: reclaim would release ${count} repositories (${result.wouldFree} licenses)${count ? `: ${result.entries.map((e) => e.repository).join(', ')}` : ''}.`);
        if (count > settings.releaseLimit) {
            result.problems.push(`Reclaim would release ${count} repositories, more than release-limit (${settings.releaseLimit}): a real run would stop before changing anything. If that many really are ${result.sources.join(' or ')}, raise release-limit to ${count}.`);
        }
        if (settings.mode === 'check' && count > 0) {
            result.problems.push(`${count} ${result.sources.join(' or ')} repositories still hold a license or a place in a plan; mode: check changes nothing: run with mode: ensure to release them.`);
        }
        return result;
    }
    const failed = result.entries.filter((e) => e.steps.some((s) => s.outcome !== 'done'));
    log.info(`Reclaim: released ${result.released.length} repositories, freed ${result.licensesFreed} licenses${failed.length ? `, ${failed.length} failed` : ''}.`);
    for (const name of result.released)
        log.info(`Released ${name}.`);
    for (const e of failed) {
        const why = e.steps.filter((s) => s.outcome !== 'done').map((s) => `${s.action}${s.plan ? ` from '${s.plan}'` : ''}: ${s.reason}`).join('; ');
        log.warning(`${e.repository}: ${why}`);
    }
    if (failed.length > 0) {
        result.problems.push(`Reclaim could not fully release ${failed.length} of ${count} repositories (${failed.slice(0, 5).map((e) => e.repository).join(', ')}${failed.length > 5 ? ', …' : ''}); the summary says why. The others were released; re-run after fixing the cause.`);
    }
    return result;
}


/***/ })

};
