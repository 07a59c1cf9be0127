/**
 * The command line's grammar: the option table (from which parsing, --help and the CLI's wording of settings
 * all come), the commands, "did you mean" for a mistyped flag, and usage errors. Behaves like the tools users
 * know: `--name value` and `--name=value`, `-h`/`--help`/`help`, `-v`/`--version`/`version`, `--` ends the
 * options, and a value option takes the next argument whatever it looks like (`--max-backup-age -5` reaches
 * the settings, which say what is wrong with -5).
 */
import { closest } from '../common/text.js';
import type { HostWords } from '../common/words.js';

export interface OptionSpec {
  /** The long flag without dashes. */
  flag: string;
  /** A one-letter alias (`h` for `-h`). */
  short?: string;
  /** A switch takes no value (`--dry-run`); a value option does (`--plan NAME`). */
  kind: 'switch' | 'value';
  /** The value's placeholder in --help. */
  value?: string;
  /** The environment variable read when the flag is absent. */
  env?: string;
  /** One line, or more (each a further line of the help's last column). */
  help: string | string[];
}

/** The flags. Add a row here: parsing, the help's aligned columns and the CLI's wording follow. */
export const OPTIONS: OptionSpec[] = [
  { flag: 'server-url', kind: 'value', value: 'URL', env: 'XOPERO_SERVER_URL', help: 'Xopero ONE Management Service address (required)' },
  {
    flag: 'organization',
    kind: 'value',
    value: 'NAME|ID',
    env: 'XOPERO_ORGANIZATION',
    help: ['default: the owner in --repository owner/name;', 'in GitLab CI: CI_PROJECT_ROOT_NAMESPACE'],
  },
  {
    flag: 'repository',
    kind: 'value',
    value: 'PATH',
    env: 'XOPERO_REPOSITORY',
    help: ['owner/name or name; default in GitLab CI: CI_PROJECT_PATH', '(Azure Pipelines, Bitbucket Pipelines: see the README)'],
  },
  {
    flag: 'azure-project',
    kind: 'value',
    value: 'ID',
    env: 'XOPERO_AZURE_PROJECT',
    help: 'attach this Azure DevOps project (its id) to --plan instead',
  },
  {
    flag: 'repositories',
    kind: 'value',
    value: 'PATTERNS',
    env: 'XOPERO_REPOSITORIES',
    help: 'sweep: comma-separated names or globs (*, team/*, !old-*)',
  },
  { flag: 'plan', kind: 'value', value: 'NAME|ID', env: 'XOPERO_PLAN', help: 'backup plan to attach to (empty: none)' },
  {
    flag: 'broker-url',
    kind: 'value',
    value: 'URL',
    env: 'XOPERO_BROKER_URL',
    help: ['ask this broker instead of Xopero ONE (no credential here;', 'identity token from XOPERO_ID_TOKEN; see docs/broker.md)'],
  },
  {
    flag: 'activate',
    kind: 'value',
    value: 'true|false',
    env: 'XOPERO_ACTIVATE',
    help: 'activate the license when missing (default true)',
  },
  { flag: 'no-activate', kind: 'switch', help: 'same as --activate false' },
  { flag: 'sync', kind: 'value', value: 'auto|always|never', env: 'XOPERO_SYNC', help: 'default auto' },
  { flag: 'wait-timeout', kind: 'value', value: 'SECONDS', env: 'XOPERO_WAIT_TIMEOUT', help: 'wait for a synchronization (default 300)' },
  { flag: 'dry-run', kind: 'switch', env: 'XOPERO_DRY_RUN', help: 'change nothing, report what would change' },
  {
    flag: 'mode',
    kind: 'value',
    value: 'MODE',
    env: 'XOPERO_MODE',
    help: [
      'ensure (default); check: change nothing, fail when not protected;',
      'release: detach from plan (or every plan), deactivate the license;',
      'release-check: change nothing, fail when not released',
    ],
  },
  {
    flag: 'remove',
    kind: 'switch',
    env: 'XOPERO_REMOVE',
    help: ['with --mode release: also remove it from Xopero ONE', '(backups are kept)'],
  },
  {
    flag: 'reclaim',
    kind: 'value',
    value: 'removed,archived',
    env: 'XOPERO_RECLAIM',
    help: ['sweep: also release removed / GitHub-archived repositories', '(archived: XOPERO_GITHUB_TOKEN; GITHUB_API_URL honoured)'],
  },
  {
    flag: 'release-limit',
    kind: 'value',
    value: 'N',
    env: 'XOPERO_RELEASE_LIMIT',
    help: 'fail before any change when more would be released (50)',
  },
  {
    flag: 'max-backup-age',
    kind: 'value',
    value: 'AGE',
    env: 'XOPERO_MAX_BACKUP_AGE',
    help: 'fail when the last successful backup is older (36h, 7d)',
  },
  { flag: 'ca-certificate', kind: 'value', value: 'PEM|FILE', env: 'XOPERO_CA_CERTIFICATE', help: 'CA to trust (PEM text or a file path)' },
  { flag: 'allow-http', kind: 'switch', env: 'XOPERO_ALLOW_HTTP', help: 'allow a plain http:// server URL' },
  {
    flag: 'shard',
    kind: 'value',
    value: 'I/N',
    env: 'XOPERO_SHARD',
    help: ["sweep: this job's shard of N (default in GitLab CI", 'with parallel: CI_NODE_INDEX/CI_NODE_TOTAL)'],
  },
  { flag: 'result-file', kind: 'value', value: 'FILE', env: 'XOPERO_RESULT_FILE', help: "write the result document there (for 'report')" },
  {
    flag: 'dotenv',
    kind: 'value',
    value: 'FILE',
    env: 'XOPERO_DOTENV',
    help: ['write XOPERO_* results as a dotenv file', '(default in GitLab CI and Bitbucket Pipelines: xopero.env)'],
  },
  { flag: 'json', kind: 'switch', help: 'print the result as one JSON document on stdout' },
  { flag: 'help', short: 'h', kind: 'switch', help: 'show this help' },
  { flag: 'version', short: 'v', kind: 'switch', help: 'print the version' },
];

/** Read only from the environment: a flag would put them in process lists and shell histories. */
export const SECRET_VARIABLES: Record<string, string> = {
  email: 'XOPERO_EMAIL',
  password: 'XOPERO_PASSWORD',
  'access-token': 'XOPERO_ACCESS_TOKEN',
  'github-token': 'XOPERO_GITHUB_TOKEN',
};

/** The commands; `ensure` is the default. */
export const COMMANDS = ['ensure', 'help', 'version'] as const;
export type Command = (typeof COMMANDS)[number];
/** `report` and `broker` too, for messages: they are dispatched before this parser (each has its own). */
const ALL_COMMANDS = [...COMMANDS, 'report', 'broker'];

/** A usage error: the CLI prints it with "Try 'xopero-one --help'." and exits 2. */
export class UsageError extends Error {}

export interface ParsedCommandLine {
  command: Command;
  /** Flag name -> value; a switch given is 'true' (or the value of `--switch=value`). */
  values: Record<string, string>;
}

const byFlag = new Map(OPTIONS.map((option) => [option.flag, option]));
const byShort = new Map(OPTIONS.flatMap((option) => (option.short ? [[option.short, option] as const] : [])));

export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const values: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = long ? arg.indexOf('=') : -1;
    const name = long ? arg.slice(2, eq === -1 ? undefined : eq) : arg.slice(1);
    const option = long ? byFlag.get(name) : byShort.get(name);
    if (!option) throw unknownOption(arg.slice(0, eq === -1 ? undefined : eq), long ? name : undefined);
    if (option.kind === 'switch') {
      values[option.flag] = eq === -1 ? 'true' : arg.slice(eq + 1);
      continue;
    }
    if (eq !== -1) values[option.flag] = arg.slice(eq + 1);
    else if (i + 1 < argv.length) values[option.flag] = argv[++i];
    else throw new UsageError(`--${option.flag} needs a value (${option.value})`);
  }

  if (values['no-activate'] !== undefined && values.activate !== undefined) {
    throw new UsageError('give --activate or --no-activate, not both');
  }
  if (values.help === 'true') return { command: 'help', values };
  if (values.version === 'true') return { command: 'version', values };
  if (positionals.length === 0) return { command: 'ensure', values };
  const [command, ...rest] = positionals;
  if (!COMMANDS.includes(command as Command)) {
    const guess = closest(command, ALL_COMMANDS);
    throw new UsageError(
      `unknown command '${positionals.join(' ')}'${guess ? ` (did you mean '${guess}'?)` : ''}; the commands are ${ALL_COMMANDS.join(', ')}`,
    );
  }
  if (rest.length > 0) throw new UsageError(`unknown command '${positionals.join(' ')}': '${command}' takes no argument`);
  return { command: command as Command, values };
}

function unknownOption(given: string, longName: string | undefined): UsageError {
  if (longName && SECRET_VARIABLES[longName]) {
    return new UsageError(
      `--${longName} is not accepted: secrets on a command line end up in process lists and logs; set ${SECRET_VARIABLES[longName]} instead`,
    );
  }
  const name = given.replace(/^-+/, '');
  const flags = OPTIONS.map((option) => option.flag);
  const near = closest(name, flags) ?? (name.length >= 3 ? uniquePrefix(name, flags) : undefined);
  return new UsageError(`unknown option '${given}'${near ? ` (did you mean --${near}?)` : ''}`);
}

function uniquePrefix(prefix: string, names: string[]): string | undefined {
  const matches = names.filter((name) => name.startsWith(prefix.toLowerCase()));
  return matches.length === 1 ? matches[0] : undefined;
}

/** The help text, its option columns aligned from the table. */
export function helpText(): string {
  const rows = OPTIONS.map((option) => {
    const flags = [option.short ? `-${option.short}` : '', `--${option.flag}${option.value ? ` ${option.value}` : ''}`]
      .filter(Boolean)
      .join(', ');
    return { flags, env: option.env ?? '', help: Array.isArray(option.help) ? option.help : [option.help] };
  });
  const flagsWidth = Math.max(...rows.map((row) => row.flags.length)) + 2;
  const envWidth = Math.max(...rows.map((row) => row.env.length)) + 2;
  const lines = rows.flatMap((row) => [
    `  ${row.flags.padEnd(flagsWidth)}${row.env.padEnd(envWidth)}${row.help[0]}`.trimEnd(),
    ...row.help.slice(1).map((more) => `  ${''.padEnd(flagsWidth + envWidth)}${more}`),
  ]);
  return [
    'Usage: xopero-one [ensure] [options]',
    '       xopero-one report [--markdown FILE] [--json FILE] [--junit FILE] RESULT-FILE|DIR...',
    '       xopero-one broker --config FILE   (the broker server: docs/broker.md)',
    '       xopero-one help | version',
    '',
    'Puts a repository under backup in Xopero ONE: known (synchronizing the organization when needed),',
    'license-activated and attached to a backup plan. Changes nothing when all of that already holds.',
    '',
    'Options (each also read from the environment variable shown; a flag wins over its variable):',
    ...lines,
    '',
    `Secrets, from the environment only: ${SECRET_VARIABLES.email} and ${SECRET_VARIABLES.password}, or ${SECRET_VARIABLES['access-token']};`,
    `${SECRET_VARIABLES['github-token']} for --reclaim archived.`,
    'Output: the result on stdout (text, or JSON with --json); the log and warnings on stderr. NO_COLOR is honoured.',
    'Exit status: 0 done, 1 failed, 2 usage error, 130/143 cancelled (SIGINT/SIGTERM).',
  ].join('\n');
}

/** The CLI's words for settings: the flag and its variable; a secret by its variable alone. */
export const CLI_WORDS: HostWords = {
  name: (input) => {
    if (SECRET_VARIABLES[input]) return SECRET_VARIABLES[input];
    const option = byFlag.get(input);
    return option?.env ? `--${input} / ${option.env}` : `--${input}`;
  },
  set: (input, value) => {
    if (SECRET_VARIABLES[input]) return `${SECRET_VARIABLES[input]}=${value}`;
    const option = byFlag.get(input);
    const flag = option?.kind === 'switch' && value === 'true' ? `--${input}` : `--${input} ${value}`;
    return option?.env ? `${flag} (or ${option.env}=${value})` : flag;
  },
  inputError: (input, problem) => `${CLI_WORDS.name(input)}: ${problem}`,
  secrets: { credentials: `${SECRET_VARIABLES.email} and ${SECRET_VARIABLES.password}`, token: SECRET_VARIABLES['access-token'] },
};

/** What the command line is given: its arguments, environment and the two streams (tests pass their own). */
export interface CliIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
