export const id = 558;
export const ids = [558];
export const modules = {

/***/ 7151:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ applyReleaseChanges)
/* harmony export */ });
/* unused harmony export DEACTIVATION_BATCH */
/* harmony import */ var _common_cancel_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(551);
/* harmony import */ var _common_concurrency_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6858);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1922);
/* harmony import */ var _xopero_error_codes_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9136);
/* harmony import */ var _apply_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4367);
/* harmony import */ var _release_changes_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7858);
/**
 * Applying a release change list (release-changes.ts): detaches and deactivations at once, then removals, each
 * outcome written at its change's place in the list. The deactivate call answers like the activate call (200,
 * per-id lists): batching and the per-id verdicts are apply.ts's, shared with the protect run.
 *
 * Backups already taken are not deleted: `/git/repositories/remove` is always sent with `removedata: false`,
 * and detach/deactivate stop new backups only (the plan's retention keeps the old ones).
 */






/** Deactivations per call: the same batch size and concurrency as activations, for the same reasons. */
const DEACTIVATION_BATCH = 100;
const DEACTIVATION_CONCURRENCY = 2;
const DETACH_CONCURRENCY = 8;
const REMOVE_CONCURRENCY = 4;
/**
 * Runs the changes: detaches and deactivations at once (independent of each other), then the removals, each
 * only for a repository whose other changes succeeded (a removal comes after deactivation, never instead).
 * Outcomes are recorded at each change's index, so they come back in list order whatever order the answers
 * arrive in. A cancellation ends the run; any other failure is recorded and the rest goes on.
 */
async function applyReleaseChanges(client, changes) {
    const steps = changes.map((change) => ({ ...change, outcome: 'done' }));
    const indexes = (action) => changes.flatMap((change, index) => (change.action === action ? [index] : []));
    const fail = (index, reason) => {
        steps[index].outcome = 'failed';
        steps[index].reason = reason;
    };
    const recorded = (error) => {
        if (error instanceof _common_cancel_js__WEBPACK_IMPORTED_MODULE_0__/* .CancelledError */ .c)
            throw error;
        return explainFailure(error);
    };
    const detaching = (0,_common_concurrency_js__WEBPACK_IMPORTED_MODULE_5__/* .mapConcurrent */ ._)(indexes('detach'), DETACH_CONCURRENCY, async (index) => {
        try {
            const { plan, repository } = changes[index];
            // A detach change always names its plan (listReleaseChanges makes one per plan that lists the repository).
            if (!plan)
                throw new Error(`detach of ${repository.name} without a plan`);
            await client.detach(plan.id, repository.id);
        }
        catch (error) {
            fail(index, recorded(error));
        }
    });
    const batches = (0,_apply_js__WEBPACK_IMPORTED_MODULE_3__/* .inBatches */ .oq)(indexes('deactivate'), DEACTIVATION_BATCH);
    const deactivating = (0,_common_concurrency_js__WEBPACK_IMPORTED_MODULE_5__/* .mapConcurrent */ ._)(batches, DEACTIVATION_CONCURRENCY, async (batch) => {
        try {
            // 200 even when it fails: the per-id lists are the answer; only an id listed under success is freed.
            const ids = batch.map((index) => changes[index].repository.id);
            const answer = await client.deactivate(ids);
            for (const [i, verdict] of (0,_apply_js__WEBPACK_IMPORTED_MODULE_3__/* .idVerdicts */ .ce)(answer, ids).entries()) {
                if (verdict.status === 'failed')
                    fail(batch[i], (0,_xopero_error_codes_js__WEBPACK_IMPORTED_MODULE_2__/* .explainErrorCode */ .p)(verdict.code));
                else if (verdict.status === 'unconfirmed')
                    fail(batch[i], (0,_apply_js__WEBPACK_IMPORTED_MODULE_3__/* .notConfirmed */ .ZP)('deactivated', answer));
            }
        }
        catch (error) {
            const reason = recorded(error);
            for (const index of batch)
                fail(index, reason);
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
    await (0,_common_concurrency_js__WEBPACK_IMPORTED_MODULE_5__/* .mapConcurrent */ ._)(removals, REMOVE_CONCURRENCY, async (index) => {
        try {
            const id = changes[index].repository.id;
            const answer = await client.remove(id);
            const code = removeFailure(answer.errors, answer.failedIds, id);
            // GT1001 after a retried call: the first one removed it. Either way it is gone.
            if (code && code !== 'GT1001')
                fail(index, (0,_xopero_error_codes_js__WEBPACK_IMPORTED_MODULE_2__/* .explainErrorCode */ .p)(code));
            // Removed only when the answer says so, as an activation counts only under `success`.
            else if (!code && !answer.succeededIds.some((removed) => (0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .sameId */ .s)(removed, id)))
                fail(index, "not confirmed: Xopero ONE's answer lists it neither as removed nor as failed; check the repository in Xopero ONE and re-run");
        }
        catch (error) {
            fail(index, recorded(error));
        }
    });
    return steps;
}
function removeFailure(errors, failedIds, id) {
    for (const entry of errors ?? []) {
        if (typeof entry === 'string')
            return entry;
        if (!entry.id || (0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .sameId */ .s)(entry.id, id))
            return entry.errorCode ?? 'unknown';
    }
    return (failedIds ?? []).some((failed) => (0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .sameId */ .s)(failed, id)) ? 'unknown' : undefined;
}
/** The client's one-line message, with the meaning of the server's code where the code is documented here. */
function explainFailure(error) {
    const message = (0,_common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeError */ .Uc)(error);
    if (error instanceof _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ApiError */ .hD && error.code && error.status !== 403) {
        const explained = (0,_xopero_error_codes_js__WEBPACK_IMPORTED_MODULE_2__/* .explainErrorCode */ .p)(error.code);
        if (!explained.includes('see the Xopero ONE documentation'))
            return `${message} ${explained}.`;
    }
    return message;
}


/***/ }),

/***/ 7858:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BJ: () => (/* binding */ listReleaseChanges),
/* harmony export */   RO: () => (/* binding */ listReclaimChanges),
/* harmony export */   V6: () => (/* binding */ planName),
/* harmony export */   s: () => (/* binding */ sameId),
/* harmony export */   uQ: () => (/* binding */ describeChange)
/* harmony export */ });
/* harmony import */ var _changes_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1490);

const byName = (a, b) => (0,_changes_js__WEBPACK_IMPORTED_MODULE_0__/* .compareNames */ .MP)(a.name, b.name);
const sameId = (a, b) => a.toLowerCase() === b.toLowerCase();
/** A plan's name: the membership list carries it; the organization's plan list is the fallback. */
const planName = (plan, named = []) => plan.name || named.find((p) => sameId(p.id, plan.id))?.name || plan.id;
/**
 * The changes that release `targets`: per repository (sorted by name), detach from each plan that lists it
 * (only `onlyPlan` when given), deactivate its license when it holds one, remove it when asked. A plan that
 * includes all repositories cannot drop one (the API detaches only listed repositories): that is a note, and
 * the deactivation still stops its backups.
 */
function listReleaseChanges(targets, assigned, options) {
    const changes = [];
    const notes = [];
    const plans = assigned
        .map((plan) => ({ ...plan, name: planName(plan, options.planNames) }))
        .filter((plan) => !options.onlyPlan || sameId(plan.id, options.onlyPlan.id))
        .sort(byName);
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
function listReclaimChanges(input) {
    const claimed = new Set();
    const claimedNames = new Set();
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
        if (!repo.isRemoved)
            claimedNames.add(repo.name.toLowerCase());
        reasonsById.set(repo.id.toLowerCase(), { repo, reasons });
    }
    const targets = [...reasonsById.values()].map((entry) => entry.repo);
    const list = listReleaseChanges(targets, input.assigned, { remove: false, planNames: input.planNames });
    const changing = new Set(list.changes.map((change) => change.repository.id.toLowerCase()));
    const reasons = new Map([...reasonsById].filter(([id]) => changing.has(id)).map(([id, entry]) => [id, entry.reasons]));
    // Notes only for repositories that are released: an already-free repository in an all-repositories plan is no news.
    list.notes = list.notes.filter((note) => targets.some((repo) => changing.has(repo.id.toLowerCase()) && note.includes(`'${repo.name}'`)));
    return { claimed, claimedNames, reasons, list };
}
/** "acme/svc: detach from plan 'Nightly'", "acme/svc: license deactivated" in a log line. */
function describeChange(change, done) {
    const name = change.repository.name;
    if (change.action === 'detach')
        return `${name}: ${done ? 'detached from' : 'detach from'} plan '${change.plan?.name}'`;
    if (change.action === 'remove')
        return `${name}: ${done ? 'removed from Xopero ONE' : 'remove from Xopero ONE'} (backups kept)`;
    return `${name}: ${done ? 'license deactivated' : 'deactivate the license'}`;
}


/***/ }),

/***/ 2558:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   releaseRepository: () => (/* binding */ releaseRepository)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _lookup_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8865);
/* harmony import */ var _protect_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1036);
/* harmony import */ var _release_apply_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7151);
/* harmony import */ var _release_changes_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7858);
/**
 * `mode: release`: one repository (a decommission pipeline) released from its plans and its license (and
 * removed from Xopero ONE with remove: true). Read, list the changes (release-changes.ts), apply them
 * (release-apply.ts); a dry run lists, check mode (mode: release-check) fails when the list is not empty.
 *
 * This module and reclaim.ts are loaded with a dynamic import() only when asked for (mode: release, reclaim):
 * ncc emits them as separate files, so the protect run neither carries nor evaluates them.
 */





async function releaseRepository(context) {
    const { client, settings, log } = context;
    const readOnly = settings.dryRun || settings.mode === 'check';
    const found = await log.group('Find the organization, repository and plans', async () => {
        const organization = (0,_lookup_js__WEBPACK_IMPORTED_MODULE_1__/* .findOrganization */ .t2)(await client.listOrganizations(), settings.organization, settings.words);
        log.info(`Organization: ${organization.name} (${organization.id})`);
        // The plan is resolved before anything changes: an unknown plan must fail a run that changed nothing.
        const plan = settings.plan ? (0,_lookup_js__WEBPACK_IMPORTED_MODULE_1__/* .findPlan */ .L9)(organization, settings.plan, settings.words) : undefined;
        if (plan)
            log.info(`Plan: ${plan.name} (${plan.id})`);
        const fullName = (0,_lookup_js__WEBPACK_IMPORTED_MODULE_1__/* .fullRepositoryName */ .n6)(settings.repository, organization);
        const [lookup, assigned] = await Promise.all([
            (0,_lookup_js__WEBPACK_IMPORTED_MODULE_1__/* .lookupRepository */ .$0)(client, organization, fullName),
            client.listAssignedPlans(organization.id),
        ]);
        return { organization, plan, fullName, assigned, repository: lookup.live ?? lookup.removed };
    });
    const { organization, plan, fullName, assigned, repository } = found;
    const result = {
        kind: 'release',
        ...(0,_protect_js__WEBPACK_IMPORTED_MODULE_2__/* .resultHead */ .K)(settings, organization, plan),
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
    log.info(`Repository: ${repository.name} (${repository.id}), ${repository.isProtected ? 'holds a license' : 'holds no license'}${repository.isRemoved ? ', removed at the source' : ''}.`);
    const namedPlanNotes = plan && repository.isProtected ? checkNamedPlan(repository, plan, assigned, organization.plans ?? [], settings.words) : [];
    const planned = (0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .listReleaseChanges */ .BJ)([repository], assigned, { onlyPlan: plan, remove: settings.remove, planNames: organization.plans });
    planned.notes.push(...namedPlanNotes);
    result.notes = planned.notes;
    for (const note of planned.notes)
        log.warning(note);
    if (readOnly) {
        result.steps = planned.changes.map((change) => ({ ...change, outcome: 'would' }));
        const prefix = settings.mode === 'check' ? 'Check' : 'Dry run';
        log.info(planned.changes.length
            ? `${prefix}: would ${planned.changes
                .map((c) => (0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .describeChange */ .uQ)(c, false))
                .join('; ')
                .replaceAll(`${repository.name}: `, '')} (${repository.name}). Nothing was changed.`
            : `${prefix}: nothing to release.`);
        if (settings.mode === 'check' && planned.changes.length > 0) {
            result.problems.push(`'${repository.name}' is not released: it ${holdsWhat(planned.changes)} (${settings.words.set('mode', 'release-check')} changes nothing; run with ${settings.words.set('mode', 'release')} to release it).`);
        }
        return result;
    }
    if (planned.changes.length === 0) {
        log.info(`Nothing to change: ${repository.name} holds no license${plan ? ` and is not in plan '${plan.name}'` : ' and is in no plan'}.`);
        return result;
    }
    result.steps = await log.group('Release', () => (0,_release_apply_js__WEBPACK_IMPORTED_MODULE_3__/* .applyReleaseChanges */ .B)(client, planned.changes));
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
/**
 * A named `plan` of a repository that holds a license, against the other plans that list it (a plan that
 * includes all repositories cannot drop one, release-changes.ts notes it: only listed places count). Not in
 * the named plan while others list it: taken for a mistake and refused before anything changes, since releasing
 * would free the license and leave it in those plans, unprotected. In it and in others too: said in a note,
 * since the plan was named. (Without a license nothing is freed: a re-run after a release finds nothing to do.)
 */
function checkNamedPlan(repository, plan, assigned, named, words) {
    const lists = (entry) => entry.repositoryIds.some((id) => (0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .sameId */ .s)(id, repository.id));
    const others = assigned
        .filter((entry) => !(0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .sameId */ .s)(entry.id, plan.id) && !entry.includeAllRepositories && lists(entry))
        .map((entry) => `'${(0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .planName */ .V6)(entry, named)}'`);
    if (others.length === 0)
        return [];
    const inNamed = assigned.some((entry) => (0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .sameId */ .s)(entry.id, plan.id) && (entry.includeAllRepositories || lists(entry)));
    if (!inNamed) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .XoperoError */ .UE(`'${repository.name}' is not in plan '${plan.name}'; it is in plan ${others.join(', ')}. Releasing it would free its license and leave it there, unprotected: set ${words.name('plan')} to that plan, or leave it empty to release it from every plan. Nothing was changed.`);
    }
    return [
        `'${repository.name}' stays in plan ${others.join(', ')} without a license: it is no longer backed up there. Leave plan empty to release it from every plan.`,
    ];
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
            log.info(`${(0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .describeChange */ .uQ)(step, true)}.`);
        else
            log.warning(`${failedWords(step)}: ${step.reason}`);
    }
}


/***/ })

};
