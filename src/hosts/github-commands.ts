/**
 * What the GitHub face needs of the runner before the answers arrive: its inputs (INPUT_* variables) and the
 * workflow commands of its log (lines, groups, warnings, errors, masks), written exactly as @actions/core writes
 * them (its command.ts: `::name::message`, the message escaped so it stays one line). @actions/core itself,
 * with its HTTP client, exec and io modules (node:https, node:child_process), is needed only for what comes
 * after the answers (outputs with their file-command delimiters, the job summary): github.ts evaluates it
 * while the requests are in flight, and a run that fails on its inputs never evaluates it.
 */
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

/** @actions/core's getInput: INPUT_ and the name upper-cased, spaces as underscores; trimmed unless asked not to. */
export function getInput(name: string, options: { trimWhitespace: boolean }): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
  return options.trimWhitespace ? value.trim() : value;
}

/** @actions/core's escapeData: a command's message stays on one line. */
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

const command = (name: string, message: string) => process.stdout.write(`::${name}::${escapeData(message)}${EOL}`);

export const info = (line: string) => process.stdout.write(`${line}${EOL}`);
export const warning = (line: string) => command('warning', line);
export const error = (line: string) => command('error', line);
export const setSecret = (secret: string) => command('add-mask', secret);
export const startGroup = (title: string) => command('group', title);
export const endGroup = () => command('endgroup', '');

/**
 * A one-line output known before the answers (the failure of a run that never got them), without loading
 * @actions/core: a `name=value` line in GITHUB_OUTPUT, the file command's plain form (the runner reads both
 * it and @actions/core's heredoc form). Only for values this code writes itself, never one with a line break.
 */
export function setPlainOutput(name: string, value: string): void {
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${name}=${value}${EOL}`);
}

/**
 * Appends to the job summary as @actions/core's summary.write() does (the file the runner names), for a run
 * that stopped before its report: that run does not load @actions/core for one paragraph (start-up stays small).
 */
export function appendSummary(markdown: string): void {
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}${EOL}`);
}

/** @actions/core's setFailed: an error annotation, and exit status 1. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}
