/**
 * How a host names its settings. The core and the settings speak of inputs by their action names
 * (`server-url`); a message a user reads says what that user typed: `server-url` and `allow-http: true` in
 * the Action, `--server-url` / `XOPERO_SERVER_URL` and `--allow-http` on the command line. Each host passes
 * its vocabulary into the settings, and every remedy that names a setting is worded through it.
 */
export interface HostWords {
  /** The setting as the user gives it: `server-url` (Action), `--server-url / XOPERO_SERVER_URL` (CLI). */
  name(input: string): string;
  /** The setting given a value: `allow-http: true` (Action), `--allow-http (or XOPERO_ALLOW_HTTP=true)` (CLI). */
  set(input: string, value: string): string;
  /** How an InputError reads: `Input 'server-url': is required but empty.` */
  inputError(input: string, problem: string): string;
  /** Where the secrets come from, for remedies that name them. */
  secrets: { credentials: string; token: string };
  /**
   * The broker's callers are not its operator: a failed lookup does not list what its account sees (the other
   * tenants' organizations and plans, their ids). Absent: the user is the account's holder, and is shown them.
   */
  withholdsNames?: boolean;
}

/** The Action's words: inputs of action.yml, `name: value` as a workflow's `with:` block writes them. */
export const ACTION_WORDS: HostWords = {
  name: (input) => input,
  set: (input, value) => `${input}: ${value}`,
  inputError: (input, problem) => `Input '${input}': ${problem}`,
  secrets: { credentials: 'the email and password secrets', token: 'access-token' },
};
