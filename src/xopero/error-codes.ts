/** Error codes Xopero ONE returns inside 200 answers, with what they mean to the person reading the log. */
const MEANINGS: Record<string, string> = {
  LI5020: 'no free license: every license of this Xopero ONE instance is in use; free one (deactivate a repository you no longer back up) or add licenses, then re-run',
  GT1001: 'Xopero ONE does not know this repository id (removed meanwhile?); re-run to look it up again',
};

/** "LI5020 (no free license: ...)" or the raw code when its meaning is not documented. */
export function explainErrorCode(code: string): string {
  const meaning = MEANINGS[code.toUpperCase()];
  return meaning ? `${code} (${meaning})` : `${code} (see the Xopero ONE documentation for this code)`;
}
