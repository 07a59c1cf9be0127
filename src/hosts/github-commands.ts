/**
 * What the GitHub face needs of the runner before the first answers arrive: its inputs (INPUT_* variables) and
 * a few workflow commands on stdout (log lines, groups, warnings, errors, masks), written exactly as
 * @actions/core writes them. @actions/core itself, with its HTTP client, exec and io modules (~120 KB,
 * node:https and node:child_process), is needed only for what comes after the answers (outputs with their
 * file-command delimiters, the job summary): github.ts loads it while the requests are in flight instead of
 * before the first one leaves, and a run that fails on its inputs never loads it.
 */
import { EOL } from 'node:os';

/** @actions/core's getInput: INPUT_ + the name upper-cased, spaces as underscores; trimmed unless asked not to. */
export function getInput(name: string, options: { trimWhitespace: boolean }): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
  return options.trimWhitespace ? value.trim() : value;
}

/** @actions/core's escapeData: a command's message stays on one line. */
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

const command = (name: string, message: string) => process.stdout.write(`::${name}::${escapeData(message)}${EOL}`);

export const info = (line: string) => process.stdout.write(`${line}${EOL}`);
export const warning = (line: string) => command('warning', line);
export const setSecret = (secret: string) => command('add-mask', secret);
export const error = (line: string) => command('error', line);

/** @actions/core's setFailed: an error annotation and exit status 1. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

export async function group<T>(title: string, work: () => Promise<T>): Promise<T> {
  command('group', title);
  try {
    return await work();
  } finally {
    command('endgroup', '');
  }
}
