/**
 * Every secret the run knows (password, token, proxy credentials) is registered here the moment it exists,
 * and every face passes what it prints through `redact`. On GitHub the runner masks them too (core.setSecret);
 * the CLI and GitLab have no such mask, so this is what keeps them out of logs there.
 */
import { markdownCellText, markdownText } from './text.js';

/** Each secret, with the forms it takes once a document escaped it (writtenForms), longest first. */
const secrets = new Map<string, string[]>();
const listeners: Array<(secret: string) => void> = [];

/** The GitHub face registers core.setSecret here, so the runner masks each secret as soon as it is known. */
export function onSecret(listener: (secret: string) => void): void {
  listeners.push(listener);
  for (const secret of secrets.keys()) listener(secret);
}

export function addSecret(value: string | undefined): void {
  // Very short values would mask ordinary words all over the log; a real secret is longer.
  if (!value || value.length < 4 || secrets.has(value)) return;
  secrets.set(value, writtenForms(value));
  for (const listener of listeners) listener(value);
}

export function redact(text: string): string {
  let out = text;
  for (const forms of secrets.values()) for (const form of forms) out = out.split(form).join('***');
  return out;
}

/**
 * A secret as it appears once a document has escaped it: in JSON (the `result` output, result files, --json:
 * `"` and `\` escaped), in the HTML report's data (JSON, and `<` as \u003c) and in Markdown (src/common/text.ts
 * markdownText's backslashes). Redacting a document after it was written must catch these as well.
 */
function writtenForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const markdown = markdownText(secret);
  const forms = [secret, json, json.replace(/</g, '\\u003c'), markdown, markdownCellText(secret)];
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/**
 * `neutralize` between two redactions: a secret is hidden before the neutralizer sees it, and one that an
 * escape the neutralizer inserted split in two (so the first pass missed it) is whole, and hidden, again.
 */
export const redactAround = (neutralize: (text: string) => string, text: string): string => redact(neutralize(redact(text)));

/**
 * A URL as the user wrote it, without what sits between `//` and the last `@` of its first word (user and
 * password): a message that quotes a URL that failed to parse must not quote a password in it.
 */
export const withoutUserInfo = (text: string) => text.replace(/\/\/\S*@/, '//***@');
