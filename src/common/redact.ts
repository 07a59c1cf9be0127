/**
 * Every secret the run knows (password, token, proxy credentials) is registered here the moment it exists,
 * and every face passes what it prints through `redact`. On GitHub the runner masks them too (core.setSecret);
 * the CLI and GitLab have no such mask, so this is what keeps them out of logs there.
 */
const secrets = new Set<string>();
const listeners: Array<(secret: string) => void> = [];

/** The GitHub face registers core.setSecret here, so the runner masks each secret as soon as it is known. */
export function onSecret(listener: (secret: string) => void): void {
  listeners.push(listener);
  for (const secret of secrets) listener(secret);
}

export function addSecret(value: string | undefined): void {
  // Very short values would mask ordinary words all over the log; a real secret is longer.
  if (!value || value.length < 4 || secrets.has(value)) return;
  secrets.add(value);
  for (const listener of listeners) listener(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
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
