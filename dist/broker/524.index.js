export const id = 524;
export const ids = [524];
export const modules = {

/***/ 1524:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Reclaim: () => (/* binding */ Reclaim)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _common_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2450);
/* harmony import */ var _changes_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1490);
/* harmony import */ var _release_apply_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7151);
/* harmony import */ var _release_changes_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7858);
/**
 * Reclaim in a sweep (`reclaim: removed, archived`): repositories Xopero ONE marks removed, and archived
 * repositories of the GitHub organization, released from every plan and their license before the sweep's own
 * changes, so freed licenses serve its activations. Only repositories matched by `repositories`.
 */





/**
 * Reclaim inside a sweep. `select` runs where the sweep resolves its selection (the organization and plan are
 * found, nothing is changed yet): it reads what reclaim needs (every repository, removed ones included, the
 * plans' membership, the archived repositories), plans, enforces release-limit, and narrows the sweep's
 * selection so the sweep does not protect what reclaim owns. The selection's `beforeChanges` releases, before
 * the sweep's own changes, so freed licenses serve its activations. `result()` says what was (or would be) done.
 */
class Reclaim {
    context;
    candidates;
    /** In a shard: what the whole sweep (every shard's share) releases, the count release-limit applies to. */
    sweepTotal;
    archivedSeen;
    steps;
    constructor(context) {
        this.context = context;
    }
    /**
     * `wholeSweep` matches every shard's repositories (the patterns without the shard's share): release-limit is
     * the sweep's, not each shard's. Every shard reads the whole list anyway, so each counts what all of them
     * together would release and refuses on that count; n shards cannot release n times the limit.
     */
    async select(organization, base, wholeSweep) {
        const { client, settings, log } = this.context;
        const sources = settings.reclaim;
        const [{ repositories }, assigned, archivedNames] = await Promise.all([
            client.listRepositories(organization.id),
            client.listAssignedPlans(organization.id),
            sources.includes('archived') ? this.listArchived(organization.name) : Promise.resolve(undefined),
        ]);
        const archived = archivedNames && new Set(archivedNames.map((name) => name.toLowerCase()));
        if (archivedNames)
            log.info(`GitHub lists ${(0,_common_text_js__WEBPACK_IMPORTED_MODULE_1__/* .plural */ .LS)(archivedNames.length, 'archived repository', 'archived repositories')} of ${organization.name}.`);
        const candidates = (0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .listReclaimChanges */ .RO)({
            repositories,
            assigned,
            matches: base.matches,
            sources,
            archived,
            planNames: organization.plans,
        });
        this.candidates = candidates;
        this.archivedSeen = archivedNames?.length;
        const count = candidates.reasons.size;
        const licenses = candidates.list.changes.filter((c) => c.action === 'deactivate').length;
        log.info(`Reclaim (${sources.join(', ')}): ${(0,_common_text_js__WEBPACK_IMPORTED_MODULE_1__/* .plural */ .LS)(count, 'repository', 'repositories')} to release, ${(0,_common_text_js__WEBPACK_IMPORTED_MODULE_1__/* .plural */ .LS)(licenses, 'license')} to free.`);
        const shards = base.shard?.shard.total;
        if (shards && wholeSweep) {
            const sweep = (0,_release_changes_js__WEBPACK_IMPORTED_MODULE_4__/* .listReclaimChanges */ .RO)({ repositories, assigned, matches: wholeSweep, sources, archived, planNames: organization.plans });
            this.sweepTotal = { count: sweep.reasons.size, shards };
            log.info(`Reclaim: the sweep's ${shards} shards together release ${(0,_common_text_js__WEBPACK_IMPORTED_MODULE_1__/* .plural */ .LS)(sweep.reasons.size, 'repository', 'repositories')}.`);
        }
        const readOnly = settings.dryRun || settings.mode === 'check';
        const limited = this.sweepTotal?.count ?? count;
        if (limited > settings.releaseLimit && !readOnly) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .XoperoError */ .UE(`Reclaim would release ${this.releaseCount(count, licenses)}, more than ${settings.words.name('release-limit')} (${settings.releaseLimit}); nothing was changed. If that many really are ${sources.join(' or ')}, raise ${settings.words.name('release-limit')} to ${limited}; otherwise check ${settings.words.name('repositories')}${sources.includes('archived') ? ` and ${settings.words.name('github-token')}` : ''}.`);
        }
        const claimed = candidates.claimedNames;
        return {
            ...base,
            literals: base.literals.filter((name) => !claimed.has(name.toLowerCase())),
            matches: (fullName) => base.matches(fullName) && !claimed.has(fullName.toLowerCase()),
            beforeChanges: () => this.apply(),
        };
    }
    /**
     * "3 repositories (3 licenses)", or in a shard "7 repositories across the sweep's 3 shards (1 in this one, 1
     * license)"; without `licenses`, the counts of repositories alone.
     */
    releaseCount(count, licenses) {
        const freed = licenses === undefined ? '' : (0,_common_text_js__WEBPACK_IMPORTED_MODULE_1__/* .plural */ .LS)(licenses, 'license');
        if (!this.sweepTotal)
            return `${count} repositories${freed ? ` (${freed})` : ''}`;
        return `${this.sweepTotal.count} repositories across the sweep's ${this.sweepTotal.shards} shards (${count} in this one${freed ? `, ${freed}` : ''})`;
    }
    async listArchived(owner) {
        const lister = this.context.listArchived;
        if (!lister)
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .XoperoError */ .UE('reclaim: archived needs the GitHub API, which this host does not offer: run it from the GitHub Action, or from the CLI with XOPERO_GITHUB_TOKEN set.');
        return lister(owner);
    }
    async apply() {
        const changes = this.candidates?.list.changes ?? [];
        this.steps = changes.length
            ? await this.context.log.group('Reclaim licenses', () => (0,_release_apply_js__WEBPACK_IMPORTED_MODULE_3__/* .applyReleaseChanges */ .B)(this.context.client, changes))
            : [];
    }
    /** What reclaim did (or, in a dry run or check, would do); problems make the sweep fail. */
    result() {
        const { settings, log } = this.context;
        const readOnly = settings.dryRun || settings.mode === 'check';
        const list = this.candidates?.list ?? { changes: [], notes: [] };
        const reasons = this.candidates?.reasons ?? new Map();
        const result = {
            sources: settings.reclaim,
            limit: settings.releaseLimit,
            claimed: this.candidates?.claimed.size ?? 0,
            entries: [],
            released: [],
            licensesFreed: 0,
            wouldFree: 0,
            archivedSeen: this.archivedSeen,
            notes: list.notes,
            changed: false,
            problems: [],
        };
        for (const note of list.notes)
            log.warning(note);
        const steps = readOnly || !this.steps ? list.changes.map((change) => ({ ...change, outcome: 'would' })) : this.steps;
        const entries = new Map();
        for (const step of steps) {
            const key = step.repository.id.toLowerCase();
            let entry = entries.get(key);
            if (!entry) {
                entry = { repository: step.repository.name, id: step.repository.id, reasons: reasons.get(key) ?? [], steps: [] };
                entries.set(key, entry);
            }
            entry.steps.push({ action: step.action, plan: step.plan?.name, outcome: step.outcome, reason: step.reason });
        }
        // The change list names repositories in order already; sorted again so the order never depends on anything else.
        result.entries = [...entries.values()].sort((a, b) => (0,_changes_js__WEBPACK_IMPORTED_MODULE_2__/* .compareNames */ .MP)(a.repository, b.repository));
        const deactivations = steps.filter((step) => step.action === 'deactivate');
        result.licensesFreed = deactivations.filter((step) => step.outcome === 'done').length;
        result.wouldFree = readOnly ? deactivations.length : 0;
        result.changed = steps.some((step) => step.outcome === 'done');
        result.released = readOnly ? [] : result.entries.filter((e) => e.steps.every((s) => s.outcome === 'done')).map((e) => e.repository);
        const count = result.entries.length;
        const what = result.sources.join(' or ');
        if (readOnly) {
            const prefix = settings.mode === 'check' ? 'Check' : 'Dry run';
            log.info(`${prefix}: reclaim would release ${(0,_common_text_js__WEBPACK_IMPORTED_MODULE_1__/* .plural */ .LS)(count, 'repository', 'repositories')} (${(0,_common_text_js__WEBPACK_IMPORTED_MODULE_1__/* .plural */ .LS)(result.wouldFree, 'license')})${count ? `: ${result.entries.map((e) => e.repository).join(', ')}` : ''}.`);
            const limited = this.sweepTotal?.count ?? count;
            if (limited > settings.releaseLimit) {
                result.problems.push(`Reclaim would release ${this.releaseCount(count)}, more than ${settings.words.name('release-limit')} (${settings.releaseLimit}): a real run would stop before changing anything. If that many really are ${what}, raise ${settings.words.name('release-limit')} to ${limited}.`);
            }
            if (settings.mode === 'check' && count > 0) {
                result.problems.push(`${count} ${what} repositories still hold a license or a place in a plan; mode: check changes nothing: run with mode: ensure to release them.`);
            }
            return result;
        }
        const failed = result.entries.filter((e) => e.steps.some((s) => s.outcome !== 'done'));
        log.info(`Reclaim: released ${(0,_common_text_js__WEBPACK_IMPORTED_MODULE_1__/* .plural */ .LS)(result.released.length, 'repository', 'repositories')}, freed ${(0,_common_text_js__WEBPACK_IMPORTED_MODULE_1__/* .plural */ .LS)(result.licensesFreed, 'license')}${failed.length ? `, ${failed.length} failed` : ''}.`);
        for (const name of result.released)
            log.info(`Released ${name}.`);
        for (const e of failed) {
            const why = e.steps
                .filter((s) => s.outcome !== 'done')
                .map((s) => `${s.action}${s.plan ? ` from '${s.plan}'` : ''}: ${s.reason}`)
                .join('; ');
            log.warning(`${e.repository}: ${why}`);
        }
        if (failed.length > 0) {
            result.problems.push(`Reclaim could not fully release ${failed.length} of ${count} repositories (${failed
                .slice(0, 5)
                .map((e) => e.repository)
                .join(', ')}${failed.length > 5 ? ', …' : ''}); the summary says why. The others were released; re-run after fixing the cause.`);
        }
        return result;
    }
}


/***/ }),

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


/***/ })

};
