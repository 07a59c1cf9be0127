/**
 * Text from the server (organization, plan and repository names, error messages) and from the user (inputs)
 * is neutralized before it reaches a host's log, one function per host; each log adapter passes every line
 * through its function, so nothing the core logs can act on the host.
 *
 * Decision for GitHub: escape line by line instead of wrapping untrusted text in `::stop-commands::<token>`.
 * The runner parses a line as a command when it starts with `::` after leading whitespace (v2 syntax) or holds
 * `##[` anywhere (v1 syntax), and its log viewer formats lines starting with `##[group]`, `##[error]`... A
 * stop-commands block would have to be closed and reopened around each of the action's own commands (groups,
 * masks, annotations), triples every untrusted line, and leaves the viewer's `##[...]` formatting live; escaping
 * is stateless, works line by line, and holds even if the process dies mid-line. The escapes are the runner's
 * own percent-encoding (`%3A`, `%23`), visible and unambiguous in the log.
 */

/** Terminal escape sequences: CSI (ESC [ or the one-byte C1 CSI), OSC (ESC ] ... BEL or ESC \), other ESC pairs. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]?|\u009b[0-?]*[ -/]*[@-~]?|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g;
/**
 * Control characters (C0 but tab, DEL, C1), Unicode line and paragraph separators, and the bidirectional
 * overrides that make a log line read differently from what it holds.
 */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * One line, printable: terminal escapes removed, other control characters shown as `\n`, `\x07`... A line the
 * core logs stays one line in the host's log, whatever a name holds.
 */
export function plainText(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, visible);
}

/**
 * GitHub Actions: `plainText`, then no `##[` anywhere (a v1 command or a log-viewer marker) and no `::` at the
 * start of the line after whitespace (a v2 command). The action's own commands are written by @actions/core,
 * never through this function.
 */
export function githubLogLine(text: string): string {
  const line = plainText(text).replace(/##\[/g, '#%23[');
  return /^\s*::/.test(line) ? line.replace('::', '%3A:') : line;
}

/**
 * GitLab: `plainText`. Its job log acts only on escape sequences: colours, and the collapsible sections
 * `ESC[0Ksection_start:<time>:<name>\r ESC[0K`, which need ESC and CR; both are gone, so no server text can
 * open or close a section.
 */
export function gitlabLogLine(text: string): string {
  return plainText(text);
}

/**
 * The plain CLI may run under any CI: a GitHub `run:` step, Azure Pipelines (`##vso[...]`), TeamCity
 * (`##teamcity[...]`), a terminal. `plainText`, plus the GitHub rules, plus no `##vso[`/`##teamcity[`.
 */
export function cliLogLine(text: string): string {
  return githubLogLine(text).replace(/##(vso|teamcity)\[/gi, '#%23$1[');
}

/**
 * Azure Pipelines: `plainText`, then no `##vso[` anywhere (the agent acts on a logging command wherever a line
 * holds one, in any case) and no `##[` (the log viewer formats `##[group]`, `##[error]`, `##[section]`...): the
 * mark is split as `#%23`, as for GitHub. The host's own commands are written by src/hosts/azure.ts, never through
 * this function; the data they carry passes through it and then through the agent's own escaping.
 */
export function azureLogLine(text: string): string {
  return plainText(text).replace(/##(vso)?\[/gi, '#%23$1[');
}
