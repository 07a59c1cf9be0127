export const id = 115;
export const ids = [115];
export const modules = {

/***/ 4115:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   sweepOrganization: () => (/* binding */ sweepOrganization),
/* harmony export */   sweepResult: () => (/* binding */ sweepResult)
/* harmony export */ });
/* harmony import */ var _xopero_error_codes_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9136);
/* harmony import */ var _backup_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7353);
/* harmony import */ var _changes_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1490);
/* harmony import */ var _common_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2450);
/* harmony import */ var _ensure_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7577);
/* harmony import */ var _patterns_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(8132);
/* harmony import */ var _protect_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(1036);
/* harmony import */ var _shard_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9499);
/* harmony import */ var _settings_shard_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(6321);









/** Failures named one by one in the log (the first by name); the summary lists more. */
const LOGGED_FAILURES = 20;
async function sweepOrganization(context) {
    const { settings, log } = context;
    const patterns = settings.repositories ?? [];
    const startedAt = context.clock.now(); // shards 2..n wait for a synchronization started since about then
    // Loaded only with reclaim: it lists its changes (and checks release-limit) before any change, and releases first.
    // It wraps this shard's selection: a shard reclaims only repositories of its own share, and checks release-limit
    // against the whole sweep's (every shard's) count.
    const reclaim = settings.reclaim.length > 0 ? new (await __webpack_require__.e(/* import() */ 524).then(__webpack_require__.bind(__webpack_require__, 1524))).Reclaim(context) : undefined;
    const run = await (0,_ensure_js__WEBPACK_IMPORTED_MODULE_4__/* .ensureProtection */ .e)(context, (organization) => {
        const wholeSweep = (0,_patterns_js__WEBPACK_IMPORTED_MODULE_8__/* .compilePatterns */ .x)(patterns, organization.name);
        const selection = (0,_shard_js__WEBPACK_IMPORTED_MODULE_6__/* .shardSelection */ .PE)(wholeSweep, settings.shard, startedAt);
        return reclaim ? reclaim.select(organization, selection, wholeSweep.matches) : selection;
    });
    const result = sweepResult(settings, run, patterns);
    if (reclaim)
        addReclaim(result, reclaim.result());
    const { counts } = result;
    log.info(`${counts.matched} of ${(0,_common_text_js__WEBPACK_IMPORTED_MODULE_3__/* .plural */ .LS)(run.readCount, 'repository', 'repositories')} of ${run.organization.name} match ${patterns.join(', ')}${settings.shard ? ` and belong to shard ${(0,_settings_shard_js__WEBPACK_IMPORTED_MODULE_7__/* .formatShard */ ._D)(settings.shard)}` : ''}.`);
    if (run.readOnly) {
        log.info(`${settings.mode === 'check' ? 'Check' : 'Dry run'}: would activate ${counts.wouldActivate} and attach ${counts.wouldAttach}; nothing was changed.`);
        if (result.synchronization === 'would-synchronize' && result.notFound.length > 0) {
            log.info(`Would synchronize ${run.organization.name} to find: ${result.notFound.join(', ')}.`);
        }
    }
    else {
        const failed = result.entries.filter((entry) => entry.actions.includes('failed'));
        for (const entry of failed.slice(0, LOGGED_FAILURES))
            log.warning(`${entry.repository}: ${entry.reason}`);
        if (failed.length > LOGGED_FAILURES)
            log.warning(`…and ${failed.length - LOGGED_FAILURES} more failures (see the summary).`);
        if (counts.matched > 0)
            log.info(`Done: activated ${counts.activated}, attached ${counts.attached}, failed ${counts.failed}.`);
    }
    return result;
}
/** The reclaim's part of the sweep's result and verdict. */
function addReclaim(result, reclaim) {
    result.reclaim = reclaim;
    result.changed ||= reclaim.changed;
    // Patterns that match only repositories reclaim owns (old-*, all archived) matched something: not a problem.
    if (reclaim.claimed > 0 && result.counts.matched === 0)
        result.problems = result.problems.filter((problem) => !problem.startsWith('No repository of '));
    result.problems.push(...reclaim.problems);
}
/** The result of a sweep, a pure function of the run: the same state and inputs give the same document. */
function sweepResult(settings, run, patterns) {
    const { organization, plan, state, list, outcomes } = run;
    const result = {
        kind: 'sweep',
        formatVersion: _shard_js__WEBPACK_IMPORTED_MODULE_6__/* .RESULT_FORMAT_VERSION */ .v7,
        ...(settings.shard ? { shard: settings.shard } : {}),
        ...(0,_protect_js__WEBPACK_IMPORTED_MODULE_5__/* .resultHead */ .K)(settings, organization, plan),
        patterns,
        synchronization: run.synchronization,
        counts: {
            matched: state.repositories.length,
            alreadyProtected: 0,
            activated: 0,
            attached: 0,
            wouldActivate: 0,
            wouldAttach: 0,
            failed: 0,
            stale: 0,
        },
        entries: [],
        notFound: [],
        changed: run.synchronizationFoundRepositories,
        problems: [],
        unchanged: [],
    };
    const attached = plan ? state.attached : () => true;
    result.counts.alreadyProtected = state.repositories.filter((repo) => repo.isProtected && attached(repo.id)).length;
    // Names still unknown: after a synchronization of this run, or where none ran (check mode, sync: never).
    result.notFound = [...state.missing];
    const entries = new Map();
    const entryOf = (name, id) => {
        let entry = entries.get(name);
        if (!entry) {
            entry = { repository: name, id, actions: [], failures: [] };
            entries.set(name, entry);
        }
        return entry;
    };
    list.changes.forEach((change, index) => {
        if (change.kind === 'synchronize')
            return;
        const entry = entryOf(change.name, change.repository?.id ?? '');
        const outcome = outcomes[index];
        const verb = change.kind === 'activate' ? 'activated' : 'attached';
        if (run.readOnly) {
            entry.actions.push(change.kind === 'activate' ? 'would-activate' : 'would-attach');
            result.counts[change.kind === 'activate' ? 'wouldActivate' : 'wouldAttach'] += 1;
        }
        else if (outcome?.status === 'failed') {
            entry.failures.push(outcome.failure);
        }
        else {
            entry.actions.push(verb);
            result.counts[verb] += 1;
        }
    });
    for (const finding of list.findings)
        entryOf(finding.name, finding.repository.id).stale = finding.problem;
    result.entries = [...entries.values()]
        .sort((a, b) => (0,_changes_js__WEBPACK_IMPORTED_MODULE_2__/* .compareNames */ .MP)(a.repository, b.repository))
        .map(({ failures, stale, ...entry }) => {
        if (failures.length > 0)
            entry.actions.push('failed');
        if (stale)
            entry.actions.push('stale');
        const reasons = [...failures.map((failure) => `${failure.step}: ${failure.code ?? failure.message}`), ...(stale ? [stale] : [])];
        return reasons.length > 0 ? { ...entry, reason: reasons.join('; ') } : entry;
    });
    result.unchanged = state.repositories
        .filter((repo) => !entries.has(repo.name))
        .map((repo) => repo.name)
        .sort(_changes_js__WEBPACK_IMPORTED_MODULE_2__/* .compareNames */ .MP);
    // By name, like every list of the result: the server's listing order must not change the document.
    result.lastBackups = Object.fromEntries(state.repositories
        .map((repo) => [repo.name, (0,_backup_js__WEBPACK_IMPORTED_MODULE_1__/* .isoTime */ .Ly)(repo.lastSuccessfulBackup)])
        .sort(([a], [b]) => (0,_changes_js__WEBPACK_IMPORTED_MODULE_2__/* .compareNames */ .MP)(a, b)));
    result.counts.failed = [...entries.values()].filter((entry) => entry.failures.length > 0).length;
    result.counts.stale = list.findings.length;
    result.changed ||= result.counts.activated + result.counts.attached > 0;
    result.problems = verdict(settings, result, [...entries.values()].flatMap((entry) => entry.failures));
    return result;
}
/**
 * The run's verdict in a few lines: what was not found, how many failed and why (grouped by cause, from the
 * structured failures), what check mode found missing, how many backups are too old. Causes are ordered by
 * count, then by their text.
 */
function verdict(settings, result, failures) {
    const problems = [];
    const { counts, organization } = result;
    // A dry run would synchronize first, so a name it cannot see yet is not a failure there.
    if (result.notFound.length > 0 && result.synchronization !== 'would-synchronize') {
        const remedy = settings.mode === 'check'
            ? 'check the names; mode: check does not synchronize, so a repository created since the last synchronization is not known yet'
            : settings.sync === 'never'
                ? `check the names, or set ${settings.words.set('sync', 'auto')} so a synchronization can find new repositories`
                : `a synchronization ran and did not find them: check the names, and that the credentials Xopero ONE uses for '${organization.name}' can see them`;
        problems.push(`Not found in organization '${organization.name}': ${result.notFound.join(', ')}; ${remedy}.`);
    }
    // A shard with none of its own is no failure (its share may be empty); the merged report (xopero-one report) judges the whole sweep.
    if (counts.matched === 0 && result.notFound.length === 0 && !(result.shard && result.shard.total > 1)) {
        problems.push(`No repository of '${organization.name}' matches ${result.patterns.join(', ')}: check the patterns (they match paths inside the organization, e.g. team-a/*, or full paths such as ${organization.name}/api).`);
    }
    if (failures.length > 0) {
        const why = (0,_changes_js__WEBPACK_IMPORTED_MODULE_2__/* .tallyCauses */ .NA)(failures.map((failure) => failure.step === 'activation' && failure.code
            ? `activation ${(0,_xopero_error_codes_js__WEBPACK_IMPORTED_MODULE_0__/* .explainErrorCode */ .p)(failure.code)}`
            : `${failure.step}: ${failure.message.replace(/'[^']*'/g, "'…'").replace(/\.$/, '')}`));
        problems.push(`${counts.failed} of ${counts.matched} repositories failed: ${why}. The others were done; re-run after fixing the cause.`);
    }
    if (result.mode === 'check' && counts.wouldActivate + counts.wouldAttach > 0) {
        const unprotected = result.entries.filter((entry) => entry.actions.some((action) => action.startsWith('would-'))).length;
        const parts = [
            `${counts.wouldActivate} without a license`,
            ...(result.plan ? [`${counts.wouldAttach} not attached to plan '${result.plan.name}'`] : []),
        ];
        problems.push(`${unprotected} of ${counts.matched} repositories are not fully protected (${parts.join(', ')}); mode: check changes nothing: run with ${settings.words.set('mode', 'ensure')} to fix them.`);
    }
    if (counts.stale > 0) {
        problems.push(`${counts.stale} of ${counts.matched} repositories have no successful backup within the limit; the report lists them.`);
    }
    return problems;
}


/***/ })

};
