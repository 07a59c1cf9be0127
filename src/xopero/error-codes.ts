/**
 * Error codes Xopero ONE returns, with what they mean to the person reading the log. The vendor's documentation
 * shows two, without a meaning: LI5020 answering an activation (read here as the license shortage it is shown
 * with) and GT1001 answering a deactivation. The others are this project's reading of the release calls'
 * failures, which the simulator answers the same way; a code not listed here is shown as it came, with no
 * meaning made up for it.
 */
const MEANINGS: Record<string, string> = {
  LI5020:
    'no free license: every license of this Xopero ONE instance is in use; free one (deactivate a repository you no longer back up) or add licenses, then re-run',
  GT1001: 'Xopero ONE does not know this repository id (removed meanwhile?); re-run to look it up again',
  // The release calls' failures (deactivate, detach, remove): not in the vendor's documentation (see above).
  GT1004: 'Xopero ONE does not know this repository (removed meanwhile?); re-run to look it up again',
  PL3004: 'the plan does not exist any more (deleted meanwhile?); re-run, or check plan',
  PL3010: "the repository does not belong to the plan's organization; check organization and plan",
  PL3011: 'the plan includes all repositories of the organization and cannot drop one; change it to individual selection in Xopero ONE',
  AU1403:
    'the account lacks a role this call needs (System Administrator; for licenses and removal also DataRemoveManagement or GitManagement)',
};

/** What the code means in words, or undefined when it is not documented. */
export function errorCodeMeaning(code: string): string | undefined {
  return Object.hasOwn(MEANINGS, code.toUpperCase()) ? MEANINGS[code.toUpperCase()] : undefined;
}

/** "LI5020 (no free license: ...)" or the raw code when its meaning is not documented. */
export function explainErrorCode(code: string): string {
  const meaning = errorCodeMeaning(code);
  return meaning ? `${code} (${meaning})` : `${code} (see the Xopero ONE documentation for this code)`;
}
