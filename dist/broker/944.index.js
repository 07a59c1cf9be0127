export const id = 944;
export const ids = [944];
export const modules = {

/***/ 4944:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEACTIVATION_BATCH: () => (/* binding */ DEACTIVATION_BATCH),
  Reclaim: () => (/* binding */ Reclaim),
  applyRelease: () => (/* binding */ applyRelease),
  describeChange: () => (/* binding */ describeChange),
  planReclaim: () => (/* binding */ planReclaim),
  planRelease: () => (/* binding */ planRelease),
  releaseRepository: () => (/* binding */ releaseRepository)
});

// EXTERNAL MODULE: ./src/xopero/client.ts + 3 modules
var xopero_client = __webpack_require__(3446);
// EXTERNAL MODULE: ./src/xopero/error-codes.ts
var error_codes = __webpack_require__(6755);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/cancel.ts
var cancel = __webpack_require__(551);
// EXTERNAL MODULE: ./src/core/changes.ts
var changes = __webpack_require__(1490);
// EXTERNAL MODULE: ./src/core/context.ts
var context = __webpack_require__(8480);
// EXTERNAL MODULE: ./src/core/lookup.ts
var core_lookup = __webpack_require__(8865);
// EXTERNAL MODULE: ./src/core/protect.ts
var protect = __webpack_require__(1036);
// EXTERNAL MODULE: ./src/core/backup.ts
var backup = __webpack_require__(7353);
// EXTERNAL MODULE: ./src/settings/duration.ts
var duration = __webpack_require__(1145);
// EXTERNAL MODULE: ./src/core/sweep.ts
var sweep = __webpack_require__(4115);
;// CONCATENATED MODULE: ./src/report/azure-project.ts
const OUTCOME_WORDS = {
    attached: 'attached (the API does not say whether it already was)',
    detached: 'detached (the API does not say whether it still was)',
    'would-attach': 'would attach',
    'would-detach': 'would detach',
    covered: 'covered already: the plan includes everything in the organization',
    failed: 'failed',
};
const escapeCell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
function azure_project_azureProjectMarkdown(result) {
    const title = result.dryRun ? 'Xopero ONE: Azure DevOps project (dry run)' : 'Xopero ONE: Azure DevOps project';
    const rows = [
        ['Status', result.problems.length > 0 ? '❌ failed' : result.dryRun ? '⚠️ dry run: nothing was changed' : '✅ done'],
        ['Server', result.server],
        ['Organization', `${result.organization.name} (\`${result.organization.id}\`)`],
        ['Plan', result.plan ? `${result.plan.name} (\`${result.plan.id}\`)` : 'none'],
        ['Project', `\`${result.project.id}\``],
        [result.action === 'attach' ? 'Attachment' : 'Detachment', OUTCOME_WORDS[result.outcome]],
    ];
    const table = ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${escapeCell(value)} |`)].join('\n');
    const problems = result.problems.map((problem) => `- ${escapeCell(problem)}`).join('\n');
    return `## ${title}\n\n${table}\n${problems ? `\n**Problems**\n\n${problems}\n` : ''}`;
}
function azure_project_azureProjectText(result) {
    return [
        `Organization: ${result.organization.name} (${result.organization.id})`,
        `Plan:         ${result.plan ? `${result.plan.name} (${result.plan.id})` : 'none'}`,
        `Azure DevOps project: ${result.project.id}; ${result.action}: ${result.outcome}; changed: ${result.changed}`,
        '',
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/report/report.ts
/** The result in the forms the faces publish: output values, a JSON document, a Markdown summary. */




/** [release] The release sections, set by ./release.ts when the release code loads: a protect run never loads them. */
const releaseReport = {};
const release = () => {
    if (!releaseReport.current)
        throw new Error('the release report was not loaded');
    return releaseReport.current;
};
/** Output name -> value, the same names for action outputs and (upper-cased, XOPERO_ prefixed) GitLab dotenv. */
function outputValues({ result, requests }) {
    const backup = result.kind === 'repository' ? result.backup : undefined;
    return {
        'organization-id': result.organization.id,
        'repository-id': result.kind === 'repository' || result.kind === 'release' ? result.repository.id : '', // [release]
        'plan-id': result.plan?.id ?? '',
        changed: String(result.changed),
        'last-backup': backup?.lastBackup ?? '',
        'last-successful-backup': backup?.lastSuccessfulBackup ?? '',
        'next-backup': backup?.nextBackup ?? '',
        'backup-age': backup?.ageSeconds === undefined ? '' : String(backup.ageSeconds),
        // The names of the unchanged repositories go to the result file only (result-file): they make a large sweep's output large.
        result: JSON.stringify({ ...result, ...(result.kind === 'sweep' ? { unchanged: undefined } : {}), requests }),
    };
}
const report_OUTCOME_WORDS = {
    'not-needed': 'not needed',
    synchronized: 'synchronized; the repository appeared',
    started: 'started (sync: always)',
    'would-synchronize': 'would synchronize',
    already: 'already done',
    activated: 'activated',
    attached: 'attached',
    'would-activate': 'would activate',
    'would-attach': 'would attach',
    skipped: 'skipped',
    failed: 'failed',
};
/** A relative time a person reads: "3 hours ago", "in 5 hours". */
function relative(isoTime, nowMs) {
    if (!isoTime)
        return 'never';
    const seconds = Math.round((Date.parse(isoTime) - nowMs) / 1000);
    const words = formatDuration(Math.abs(seconds));
    return `${humanTime(isoTime)} (${seconds >= 0 ? `in ${words}` : `${words} ago`})`;
}
function markdownSummary({ result }, nowMs) {
    if (result.kind === 'azure-project')
        return azureProjectMarkdown(result);
    if (result.kind === 'release')
        return release().releaseMarkdown(result); // [release]
    return result.kind === 'sweep' ? sweepMarkdown(result) : repositoryMarkdown(result, nowMs);
}
function repositoryMarkdown(result, nowMs) {
    const title = result.mode === 'check' ? 'Xopero ONE protection check' : result.dryRun ? 'Xopero ONE backup (dry run)' : 'Xopero ONE backup';
    const rows = [
        ['Status', statusLine(result)],
        ['Server', result.server],
        ['Organization', `${result.organization.name} (\`${result.organization.id}\`)`],
        [
            'Repository',
            result.repository.id ? `${result.repository.name} (\`${result.repository.id}\`)` : `${result.repository.name} (not known yet)`,
        ],
        ['Plan', result.plan ? `${result.plan.name} (\`${result.plan.id}\`)` : 'none requested'],
        ['Synchronization', report_OUTCOME_WORDS[result.synchronization]],
        ['License activation', report_OUTCOME_WORDS[result.activation]],
        ['Plan attachment', report_OUTCOME_WORDS[result.attachment]],
    ];
    if (result.backup) {
        rows.push(['Last successful backup', relative(result.backup.lastSuccessfulBackup, nowMs)]);
        rows.push(['Last backup', relative(result.backup.lastBackup, nowMs)]);
        rows.push(['Next backup', result.backup.nextBackup ? relative(result.backup.nextBackup, nowMs) : 'none scheduled']);
        const plan = result.backup.plan;
        if (plan?.lastStatus) {
            // The plan's counts are over all its repositories, from its last run: a repository attached since (or
            // about to be) was not part of it, which is why "1 succeeded" can stand beside "never" above.
            const { successes, warnings, errors } = plan.lastStatus;
            const finished = plan.finished ? `, finished ${relative(plan.finished, nowMs)}` : '';
            const notIn = result.attachment === 'attached' || result.attachment === 'would-attach' ? '; this repository was not in the plan then' : '';
            rows.push([
                "Plan's last run (all its repositories)",
                `${successes} succeeded, ${warnings} warnings, ${errors} errors${finished}${plan.isRunning ? ' (running now)' : ''}${notIn}`,
            ]);
        }
    }
    const table = ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${report_escapeCell(value)} |`)].join('\n');
    const problems = result.problems.map((problem) => `- ${report_escapeCell(problem)}`).join('\n');
    return `## ${title}\n\n${table}\n${problems ? `\n**Problems**\n\n${problems}\n` : ''}`;
}
function statusLine(result) {
    if (result.problems.length > 0)
        return '❌ failed';
    const pending = !result.repository.known || [result.activation, result.attachment].some((step) => step.startsWith('would-'));
    if (pending)
        return '⚠️ not fully protected yet: the dry run lists what would change';
    if (!result.repository.protected)
        return '⚠️ known, but holds no license (activate: false)';
    return result.changed ? '✅ protected (changed by this run)' : '✅ protected (no change needed)';
}
const report_escapeCell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
function sweepMarkdown(result) {
    const { counts } = result;
    const title = result.mode === 'check'
        ? 'Xopero ONE protection audit'
        : result.dryRun
            ? 'Xopero ONE organization sweep (dry run)'
            : 'Xopero ONE organization sweep';
    const rows = [
        ['Status', result.problems.length > 0 ? '❌ failed' : result.changed ? '✅ done (changes made)' : '✅ done (no change needed)'],
        ['Server', result.server],
        ['Organization', `${result.organization.name} (\`${result.organization.id}\`)`],
        ['Plan', result.plan ? `${result.plan.name} (\`${result.plan.id}\`)` : 'none requested'],
        ['Patterns', result.patterns.map((p) => `\`${p}\``).join(' ')],
        ['Synchronization', report_OUTCOME_WORDS[result.synchronization]],
        ['Matched', String(counts.matched)],
        ['Already protected', String(counts.alreadyProtected)],
        [
            result.dryRun || result.mode === 'check' ? 'Would activate' : 'Activated',
            String(result.dryRun || result.mode === 'check' ? counts.wouldActivate : counts.activated),
        ],
        [
            result.dryRun || result.mode === 'check' ? 'Would attach' : 'Attached',
            String(result.dryRun || result.mode === 'check' ? counts.wouldAttach : counts.attached),
        ],
        ['Failed', String(counts.failed)],
    ];
    if (counts.stale > 0)
        rows.push(['Backup too old or missing', String(counts.stale)]);
    const table = ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${report_escapeCell(value)} |`)].join('\n');
    const listed = result.entries.slice(0, LISTED_ENTRIES);
    const changes = listed.length
        ? [
            '\n| repository | what | why |',
            '|---|---|---|',
            ...listed.map((e) => `| ${report_escapeCell(e.repository)} | ${e.actions.join(', ')} | ${report_escapeCell(e.reason ?? '')} |`),
            result.entries.length > listed.length ? `\n…and ${result.entries.length - listed.length} more.` : '',
        ].join('\n')
        : '';
    const notFound = result.notFound.length ? `\nNot found: ${result.notFound.map(report_escapeCell).join(', ')}\n` : '';
    const problems = result.problems.map((problem) => `- ${report_escapeCell(problem)}`).join('\n');
    const reclaim = result.reclaim ? release().reclaimMarkdown(result.reclaim, result.dryRun || result.mode === 'check') : ''; // [release]
    return `## ${title}\n\n${table}\n${changes}\n${notFound}${reclaim}${problems ? `\n**Problems**\n\n${problems}\n` : ''}`;
}
/** Repositories the CLI's text report names one by one; --json has them all. */
const TEXT_LISTED_ENTRIES = 50;
/** The CLI's closing report: a few plain lines. */
function textReport({ result }, nowMs) {
    if (result.kind === 'azure-project')
        return azureProjectText(result);
    const lines = [`Organization: ${result.organization.name} (${result.organization.id})`];
    if (result.kind === 'sweep') {
        const c = result.counts;
        lines.push(`Plan:         ${result.plan ? `${result.plan.name} (${result.plan.id})` : 'none'}`);
        lines.push(`Matched ${c.matched}: already protected ${c.alreadyProtected}, activated ${c.activated}, attached ${c.attached}, would activate ${c.wouldActivate}, would attach ${c.wouldAttach}, failed ${c.failed}, stale ${c.stale}; changed: ${result.changed}`);
        // The repositories concerned, as the summary lists them: what a dry run or a check found is the point.
        const listed = result.entries.slice(0, TEXT_LISTED_ENTRIES);
        for (const e of listed)
            lines.push(`  ${e.repository}: ${e.actions.join(', ')}${e.reason ? ` (${e.reason})` : ''}`);
        if (result.entries.length > listed.length)
            lines.push(`  …and ${result.entries.length - listed.length} more (--json lists every one).`);
        if (result.notFound.length > 0)
            lines.push(`Not found: ${result.notFound.join(', ')}`);
        if (result.reclaim)
            lines.push(...release().reclaimText(result.reclaim, result.dryRun || result.mode === 'check')); // [release]
        return `${lines.join('\n')}\n`;
    }
    if (result.kind === 'release')
        return `${[...lines, ...release().releaseText(result)].join('\n')}\n`; // [release]
    lines.push(`Repository:   ${result.repository.name}${result.repository.id ? ` (${result.repository.id})` : ' (not known yet)'}`, `Plan:         ${result.plan ? `${result.plan.name} (${result.plan.id})` : 'none'}`, `Synchronization: ${result.synchronization}; activation: ${result.activation}; attachment: ${result.attachment}; changed: ${result.changed}`);
    if (result.backup) {
        const age = result.backup.ageSeconds === undefined ? 'never' : `${formatDuration(result.backup.ageSeconds)} ago`;
        lines.push(`Last successful backup: ${age}; next: ${result.backup.nextBackup ? relative(result.backup.nextBackup, nowMs) : 'none scheduled'}`);
    }
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/report/release.ts

const release_escapeCell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** The summary lists this many released repositories; the rest are counted. */
const LISTED = 300;
function stepWords(step) {
    const what = step.action === 'detach'
        ? `detach from '${step.plan}'`
        : step.action === 'deactivate'
            ? 'deactivate license'
            : 'remove from Xopero ONE';
    return step.outcome === 'done'
        ? what.replace(/^(\w+)/, (verb) => `${verb}${verb.endsWith('e') ? 'd' : 'ed'}`)
        : `${step.outcome === 'would' ? 'would ' : ''}${what}${step.outcome === 'failed' ? ' (failed)' : step.outcome === 'skipped' ? ' (skipped)' : ''}`;
}
function releaseMarkdown(result) {
    const readOnly = result.dryRun || result.mode === 'check';
    const title = result.mode === 'check' ? 'Xopero ONE release check' : result.dryRun ? 'Xopero ONE release (dry run)' : 'Xopero ONE release';
    const pending = result.steps.length > 0 && readOnly;
    const status = result.problems.length > 0
        ? '❌ failed'
        : pending
            ? '⚠️ not released yet: the dry run lists what would change'
            : result.changed
                ? '✅ released (changed by this run)'
                : '✅ nothing holds a license or a plan place (no change needed)';
    const rows = [
        ['Status', status],
        ['Server', result.server],
        ['Organization', `${result.organization.name} (\`${result.organization.id}\`)`],
        [
            'Repository',
            result.repository.known
                ? `${result.repository.name} (\`${result.repository.id}\`)${result.repository.removedAtSource ? ', removed at the source' : ''}`
                : `${result.repository.name} (not known to Xopero ONE)`,
        ],
        ['Plan', result.plan ? `${result.plan.name} (\`${result.plan.id}\`)` : 'every plan that lists it'],
        ['Licenses freed', String(result.licensesFreed)],
        ['Changes', result.steps.length ? result.steps.map((step) => stepWords({ ...step, plan: step.plan?.name })).join('; ') : 'none'],
    ];
    const table = ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${release_escapeCell(value)} |`)].join('\n');
    const notes = result.notes.map((note) => `- ${release_escapeCell(note)}`).join('\n');
    const problems = result.problems.map((problem) => `- ${release_escapeCell(problem)}`).join('\n');
    const kept = "Backups already taken stay in storage under the plan's retention; releasing stops new backups.";
    return `## ${title}\n\n${table}\n\n${kept}\n${notes ? `\n**Notes**\n\n${notes}\n` : ''}${problems ? `\n**Problems**\n\n${problems}\n` : ''}`;
}
/** The sweep summary's reclaim section. */
function reclaimMarkdown(reclaim, readOnly) {
    const lines = [`\n### Reclaim (${reclaim.sources.join(', ')})\n`];
    lines.push(readOnly
        ? `Would release ${reclaim.entries.length} repositories and free ${reclaim.wouldFree} licenses (release-limit ${reclaim.limit}).`
        : `Released ${reclaim.released.length} repositories; freed ${reclaim.licensesFreed} licenses (release-limit ${reclaim.limit}).`);
    const listed = reclaim.entries.slice(0, LISTED);
    if (listed.length) {
        lines.push('', '| repository | why | what |', '|---|---|---|');
        for (const e of listed) {
            const what = e.steps.map((s) => `${stepWords(s)}${s.reason ? `: ${s.reason}` : ''}`).join('; ');
            lines.push(`| ${release_escapeCell(e.repository)} | ${e.reasons.join(', ')} | ${release_escapeCell(what)} |`);
        }
        if (reclaim.entries.length > listed.length)
            lines.push('', `…and ${reclaim.entries.length - listed.length} more.`);
    }
    for (const note of reclaim.notes)
        lines.push('', `- ${release_escapeCell(note)}`);
    return `${lines.join('\n')}\n`;
}
function releaseText(result) {
    return [
        `Repository:   ${result.repository.name}${result.repository.known ? ` (${result.repository.id})` : ' (not known to Xopero ONE)'}`,
        `Plan:         ${result.plan ? `${result.plan.name} (${result.plan.id})` : 'every plan that lists it'}`,
        `Release: ${result.steps.length ? result.steps.map((step) => stepWords({ ...step, plan: step.plan?.name })).join('; ') : 'nothing to change'}; licenses freed: ${result.licensesFreed}; changed: ${result.changed}`,
    ];
}
function reclaimText(reclaim, readOnly) {
    if (readOnly)
        return [
            `Reclaim: would release ${reclaim.entries.length} repositories, free ${reclaim.wouldFree} licenses${reclaim.entries.length ? `: ${reclaim.entries.map((e) => e.repository).join(', ')}` : ''}`,
        ];
    return [
        `Reclaim: released ${reclaim.released.length} repositories, freed ${reclaim.licensesFreed} licenses${reclaim.released.length ? `: ${reclaim.released.join(', ')}` : ''}`,
    ];
}
releaseReport.current = { releaseMarkdown, reclaimMarkdown, releaseText, reclaimText };

;// CONCATENATED MODULE: ./src/core/release.ts








// The summary's and the text report's release sections load with this module (they register themselves).

/** Deactivations per call: the same batch size and concurrency as activations, for the same reasons. */
const DEACTIVATION_BATCH = 100;
const DEACTIVATION_CONCURRENCY = 2;
const DETACH_CONCURRENCY = 8;
const REMOVE_CONCURRENCY = 4;
// ---- planning (pure) ------------------------------------------------------------------------------------
const byName = (a, b) => (0,changes/* compareNames */.MP)(a.name, b.name);
const sameId = (a, b) => a.toLowerCase() === b.toLowerCase();
/** A plan's name: the membership list carries it; the organization's plan list is the fallback. */
const planName = (plan, named = []) => plan.name || named.find((p) => sameId(p.id, plan.id))?.name || plan.id;
/**
 * The changes that release `targets`: per repository (sorted by name), detach from each plan that lists it
 * (only `onlyPlan` when given), deactivate its license when it holds one, remove it when asked. A plan that
 * includes all repositories cannot drop one (the API detaches only listed repositories): that is a note, and
 * the deactivation still stops its backups.
 */
function planRelease(targets, assigned, options) {
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
function planReclaim(input) {
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
    const plan = planRelease(targets, input.assigned, { remove: false, planNames: input.planNames });
    const changing = new Set(plan.changes.map((change) => change.repository.id.toLowerCase()));
    const reasons = new Map([...reasonsById].filter(([id]) => changing.has(id)).map(([id, entry]) => [id, entry.reasons]));
    // Notes only for repositories that are released: an already-free repository in an all-repositories plan is no news.
    plan.notes = plan.notes.filter((note) => targets.some((repo) => changing.has(repo.id.toLowerCase()) && note.includes(`'${repo.name}'`)));
    return { claimed, claimedNames, reasons, plan };
}
// ---- applying ---------------------------------------------------------------------------------------------
/**
 * Runs the changes: detaches and deactivations at once (independent of each other), then the removals, each
 * only for a repository whose other changes succeeded (a removal comes after deactivation, never instead).
 * Outcomes are recorded at each change's index, so they come back in list order whatever order the answers
 * arrive in. A cancellation ends the run; any other failure is recorded and the rest goes on.
 */
async function applyRelease(client, changes) {
    const steps = changes.map((change) => ({ ...change, outcome: 'done' }));
    const indexes = (action) => changes.flatMap((change, index) => (change.action === action ? [index] : []));
    const fail = (index, reason) => {
        steps[index].outcome = 'failed';
        steps[index].reason = reason;
    };
    const recorded = (error) => {
        if (error instanceof cancel/* CancelledError */.c)
            throw error;
        return explainFailure(error);
    };
    const detaching = (0,xopero_client/* mapConcurrent */._k)(indexes('detach'), DETACH_CONCURRENCY, async (index) => {
        try {
            const { plan, repository } = changes[index];
            // A detach change always names its plan (planRelease makes one per plan that lists the repository).
            if (!plan)
                throw new Error(`detach of ${repository.name} without a plan`);
            await client.detach(plan.id, repository.id);
        }
        catch (error) {
            fail(index, recorded(error));
        }
    });
    const deactivations = indexes('deactivate');
    const batches = [];
    for (let i = 0; i < deactivations.length; i += DEACTIVATION_BATCH)
        batches.push(deactivations.slice(i, i + DEACTIVATION_BATCH));
    const deactivating = (0,xopero_client/* mapConcurrent */._k)(batches, DEACTIVATION_CONCURRENCY, async (batch) => {
        try {
            // 200 even when it fails: the per-id lists are the answer; only an id listed under success is freed.
            const answer = await client.deactivate(batch.map((index) => changes[index].repository.id));
            const freed = new Set(answer.activated.map((id) => id.toLowerCase()));
            const codes = new Map([...answer.failed].map(([id, code]) => [id.toLowerCase(), code]));
            for (const index of batch) {
                const id = changes[index].repository.id.toLowerCase();
                const code = codes.get(id);
                if (code)
                    fail(index, (0,error_codes/* explainErrorCode */.p)(code));
                else if (!freed.has(id))
                    fail(index, "not confirmed: Xopero ONE's answer lists it neither as deactivated nor as failed; check the repository in Xopero ONE and re-run");
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
    await (0,xopero_client/* mapConcurrent */._k)(removals, REMOVE_CONCURRENCY, async (index) => {
        try {
            const answer = await client.remove(changes[index].repository.id);
            const code = removeFailure(answer.errors, answer.failedIds, changes[index].repository.id);
            // GT1001 after a retried call: the first one removed it. Either way it is gone.
            if (code && code !== 'GT1001')
                fail(index, (0,error_codes/* explainErrorCode */.p)(code));
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
        if (!entry.id || sameId(entry.id, id))
            return entry.errorCode ?? 'unknown';
    }
    return (failedIds ?? []).some((failed) => sameId(failed, id)) ? 'unknown' : undefined;
}
/** The client's one-line message, with the meaning of the server's code where the code is documented here. */
function explainFailure(error) {
    const message = (0,errors/* describeError */.Uc)(error);
    if (error instanceof errors/* ApiError */.hD && error.code && error.status !== 403) {
        const explained = (0,error_codes/* explainErrorCode */.p)(error.code);
        if (!explained.includes('see the Xopero ONE documentation'))
            return `${message} ${explained}.`;
    }
    return message;
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
async function releaseRepository(context) {
    const { client, settings, log } = context;
    const readOnly = settings.dryRun || settings.mode === 'check';
    await log.group('Sign in', async () => {
        await client.login();
        log.info(settings.credentials.kind === 'token' ? 'Using the given access token.' : `Signed in to ${settings.serverUrl.origin}.`);
    });
    const found = await log.group('Find the organization, repository and plans', async () => {
        const organization = (0,core_lookup/* findOrganization */.t2)(await client.listOrganizations(), settings.organization);
        log.info(`Organization: ${organization.name} (${organization.id})`);
        // The plan is resolved before anything changes: an unknown plan must fail a run that changed nothing.
        const plan = settings.plan ? (0,core_lookup/* findPlan */.L9)(organization, settings.plan) : undefined;
        if (plan)
            log.info(`Plan: ${plan.name} (${plan.id})`);
        const fullName = (0,core_lookup/* fullRepositoryName */.n6)(settings.repository, organization);
        const [lookup, assigned] = await Promise.all([
            (0,core_lookup/* lookupRepository */.$0)(client, organization, fullName),
            client.listAssignedPlans(organization.id),
        ]);
        return { organization, plan, fullName, assigned, repository: lookup.live ?? lookup.removed };
    });
    const { organization, plan, fullName, assigned, repository } = found;
    const result = {
        kind: 'release',
        ...(0,protect/* resultHead */.K)(settings, organization, plan),
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
    const planned = planRelease([repository], assigned, { onlyPlan: plan, remove: settings.remove, planNames: organization.plans });
    result.notes = planned.notes;
    for (const note of planned.notes)
        log.warning(note);
    if (readOnly) {
        result.steps = planned.changes.map((change) => ({ ...change, outcome: 'would' }));
        const prefix = settings.mode === 'check' ? 'Check' : 'Dry run';
        log.info(planned.changes.length
            ? `${prefix}: would ${planned.changes.map((c) => describeChange(c, false)).join('; ')}. Nothing was changed.`
            : `${prefix}: nothing to release.`);
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
 * Reclaim inside a sweep. `select` runs where the sweep resolves its selection (the organization and plan are
 * found, nothing is changed yet): it reads what reclaim needs (every repository, removed ones included, the
 * plans' membership, the archived repositories), plans, enforces release-limit, and narrows the sweep's
 * selection so the sweep does not protect what reclaim owns. The selection's `beforeChanges` releases, before
 * the sweep's own changes, so freed licenses serve its activations. `result()` says what was (or would be) done.
 */
class Reclaim {
    context;
    candidates;
    archivedSeen;
    steps;
    constructor(context) {
        this.context = context;
    }
    async select(organization, base) {
        const { client, settings, log } = this.context;
        const sources = settings.reclaim;
        const [{ repositories }, assigned, archivedNames] = await Promise.all([
            client.listRepositories(organization.id),
            client.listAssignedPlans(organization.id),
            sources.includes('archived') ? this.listArchived(organization.name) : Promise.resolve(undefined),
        ]);
        const archived = archivedNames && new Set(archivedNames.map((name) => name.toLowerCase()));
        if (archivedNames)
            log.info(`GitHub lists ${(0,context/* plural */.L)(archivedNames.length, 'archived repository', 'archived repositories')} of ${organization.name}.`);
        const candidates = planReclaim({ repositories, assigned, matches: base.matches, sources, archived, planNames: organization.plans });
        this.candidates = candidates;
        this.archivedSeen = archivedNames?.length;
        const count = candidates.reasons.size;
        const licenses = candidates.plan.changes.filter((c) => c.action === 'deactivate').length;
        log.info(`Reclaim (${sources.join(', ')}): ${(0,context/* plural */.L)(count, 'repository', 'repositories')} to release, ${(0,context/* plural */.L)(licenses, 'license')} to free.`);
        const readOnly = settings.dryRun || settings.mode === 'check';
        if (count > settings.releaseLimit && !readOnly) {
            throw new errors/* XoperoError */.UE(`Reclaim would release ${count} repositories (${licenses} licenses), more than release-limit (${settings.releaseLimit}); nothing was changed. If that many really are ${sources.join(' or ')}, raise release-limit to ${count}; otherwise check repositories and github-token.`);
        }
        const claimed = candidates.claimedNames;
        return {
            ...base,
            literals: base.literals.filter((name) => !claimed.has(name.toLowerCase())),
            matches: (fullName) => base.matches(fullName) && !claimed.has(fullName.toLowerCase()),
            beforeChanges: () => this.apply(),
        };
    }
    async listArchived(owner) {
        const lister = this.context.listArchived;
        if (!lister)
            throw new errors/* XoperoError */.UE('reclaim: archived needs the GitHub API, which this host does not offer: run it from the GitHub Action, or from the CLI with XOPERO_GITHUB_TOKEN set.');
        return lister(owner);
    }
    async apply() {
        const changes = this.candidates?.plan.changes ?? [];
        this.steps = changes.length ? await this.context.log.group('Reclaim licenses', () => applyRelease(this.context.client, changes)) : [];
    }
    /** What reclaim did (or, in a dry run or check, would do); problems make the sweep fail. */
    result() {
        const { settings, log } = this.context;
        const readOnly = settings.dryRun || settings.mode === 'check';
        const plan = this.candidates?.plan ?? { changes: [], notes: [] };
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
            notes: plan.notes,
            changed: false,
            problems: [],
        };
        for (const note of plan.notes)
            log.warning(note);
        const steps = readOnly || !this.steps ? plan.changes.map((change) => ({ ...change, outcome: 'would' })) : this.steps;
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
        // The plan lists repositories by name already; sorted again so the order never depends on anything else.
        result.entries = [...entries.values()].sort((a, b) => (0,changes/* compareNames */.MP)(a.repository, b.repository));
        const deactivations = steps.filter((step) => step.action === 'deactivate');
        result.licensesFreed = deactivations.filter((step) => step.outcome === 'done').length;
        result.wouldFree = readOnly ? deactivations.length : 0;
        result.changed = steps.some((step) => step.outcome === 'done');
        result.released = readOnly ? [] : result.entries.filter((e) => e.steps.every((s) => s.outcome === 'done')).map((e) => e.repository);
        const count = result.entries.length;
        const what = result.sources.join(' or ');
        if (readOnly) {
            const prefix = settings.mode === 'check' ? 'Check' : 'Dry run';
            log.info(`${prefix}: reclaim would release ${(0,context/* plural */.L)(count, 'repository', 'repositories')} (${(0,context/* plural */.L)(result.wouldFree, 'license')})${count ? `: ${result.entries.map((e) => e.repository).join(', ')}` : ''}.`);
            if (count > settings.releaseLimit) {
                result.problems.push(`Reclaim would release ${count} repositories, more than release-limit (${settings.releaseLimit}): a real run would stop before changing anything. If that many really are ${what}, raise release-limit to ${count}.`);
            }
            if (settings.mode === 'check' && count > 0) {
                result.problems.push(`${count} ${what} repositories still hold a license or a place in a plan; mode: check changes nothing: run with mode: ensure to release them.`);
            }
            return result;
        }
        const failed = result.entries.filter((e) => e.steps.some((s) => s.outcome !== 'done'));
        log.info(`Reclaim: released ${(0,context/* plural */.L)(result.released.length, 'repository', 'repositories')}, freed ${(0,context/* plural */.L)(result.licensesFreed, 'license')}${failed.length ? `, ${failed.length} failed` : ''}.`);
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


/***/ })

};
