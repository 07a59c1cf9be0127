/**
 * Every secret the run knows (password, token, proxy credentials) is registered here the moment it exists,
 * and every face passes what it prints through `redact`. On GitHub the runner masks them too (core.setSecret);
 * the CLI and GitLab have no such mask, so this is what keeps them out of logs there.
 */
import { plainText } from './neutralize.js';
import { markdownCellText, markdownText } from './text.js';

/** Each secret, with the forms it takes once a document escaped it (writtenForms). */
const secrets = new Map<string, string[]>();
/**
 * Every form of every secret, longest first: a secret inside a longer one (a password that is part of a token)
 * must not be replaced first, or the longer one is left in pieces no form matches.
 */
let allForms: string[] = [];
const listeners: Array<(secret: string) => void> = [];

const MIN_SECRET_LENGTH = 4;

/** The GitHub face registers core.setSecret here, so the runner masks each secret as soon as it is known. */
export function onSecret(listener: (secret: string) => void): void {
  listeners.push(listener);
  for (const secret of secrets.keys()) listener(secret);
}

export function addSecret(value: string | undefined): void {
  // Very short values would mask ordinary words all over the log; a real secret is longer.
  if (!value || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.set(value, writtenForms(value));
  allForms = [...new Set([...secrets.values()].flat())].sort((a, b) => b.length - a.length);
  for (const listener of listeners) listener(value);
}

export function redact(text: string): string {
  let out = text;
  for (const form of allForms) out = out.split(form).join('***');
  return out;
}

/**
 * A secret as it appears once a document has escaped it: in JSON (the `result` output, result files, --json:
 * `"` and `\` escaped), in the HTML report's data (JSON, and `<` as \u003c) and in Markdown (src/common/text.ts
 * markdownText's backslashes); as a log line shows it (plainText: terminal escapes dropped, control characters
 * spelled out); as a server's JSON may echo it (.NET escapes `<>&'+` and all but printable ASCII as \uXXXX); and
 * as an HTML error page echoes it (`&amp;`, `&lt;`, `&gt;`, `&quot;`, and `&#39;` or `&#x27;`), raw or inside the
 * JSON it quotes; and percent-encoded, as a query string or a form body is. Redacting a document after it was
 * written must catch these as well.
 */
function writtenForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const markdown = markdownText(secret);
  // Trimmed too: a stored secret with a stray line end ("pw\n") is echoed by a server without it.
  const forms = [secret, secret.trim(), json, json.replace(/</g, '\\u003c'), markdown, markdownCellText(secret), plainText(secret)];
  for (const apostrophe of ['&#39;', '&#x27;']) {
    const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": apostrophe };
    const html = (text: string) => text.replace(/[&<>"']/g, (char) => entities[char]);
    forms.push(html(secret), html(json));
  }
  // As a query string or a form body echoes it (an error page quoting the request): percent-encoded, a space also
  // as `+`, the hex in either case.
  const percent = encodeURIComponent(secret);
  forms.push(
    percent,
    percent.replace(/%20/g, '+'),
    percent.replace(/%[0-9A-F]{2}/g, (encoded) => encoded.toLowerCase()),
  );
  for (const hex of [(code: number) => code.toString(16).toUpperCase(), (code: number) => code.toString(16)]) {
    const dotnetEscape = (char: string) => (char === '\\' ? '\\\\' : `\\u${hex(char.charCodeAt(0)).padStart(4, '0')}`);
    forms.push(secret.replace(/[\\"<>&'+`]|[^\x20-\x7e]/g, dotnetEscape));
  }
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/**
 * `redact`, except where one of `kept` stands: text a caller sent that an answer to that caller echoes (the
 * broker's answers name the token's repository). Masked there, it would tell the caller that what it sent equals
 * a secret; kept as sent, it tells nothing the caller did not know. A secret anywhere else is masked as ever.
 */
export function redactKeeping(text: string, kept: Array<string | undefined>): string {
  const values = [...new Set(kept.filter((value): value is string => Boolean(value && value.length >= MIN_SECRET_LENGTH)))];
  if (values.length === 0) return redact(text);
  const spans = (needle: string) => {
    const found: Array<[number, number]> = [];
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) found.push([at, at + needle.length]);
    return found;
  };
  const keptSpans = values.flatMap(spans);
  // Every occurrence of every form of every secret, unless it lies wholly inside a kept span: a secret that
  // contains the kept text, or overlaps its end, is masked as by redact.
  const masked = allForms
    .flatMap(spans)
    .filter(([from, to]) => !keptSpans.some(([keptFrom, keptTo]) => keptFrom <= from && to <= keptTo))
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let at = 0;
  for (const [from, to] of masked) {
    if (to <= at) continue;
    if (from >= at) out += `${text.slice(at, from)}***`;
    at = to;
  }
  return out + text.slice(at);
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
