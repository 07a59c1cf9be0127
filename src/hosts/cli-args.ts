/**
 * The command line's grammar, for every command: the command table, the option table (from which parsing, each
 * command's --help and the CLI's wording of settings all come), "did you mean" for a mistyped flag, the exit
 * statuses, and usage errors. Parsing is node:util's parseArgs; what it leaves to the caller in its lenient
 * mode (unknown options, a missing value) is checked here so the message names the option and suggests the
 * one meant. Behaves like the tools users know: `--name value` and `--name=value`, `-h`/`--help` and
 * `help COMMAND` on every command, `-v`/`--version`/`version`, `--` ends the options, and a value option takes
 * the next argument whatever it looks like (`--max-backup-age -5` reaches the settings, which say what is
 * wrong with -5; parseArgs' strict mode would refuse it as "ambiguous").
 */
import { parseArgs } from 'node:util';
import { closest, uniquePrefix } from '../common/text.js';
import type { HostWords } from '../common/words.js';

/** A new command: its name here, a row in COMMANDS, its options' rows in OPTIONS, its dispatch in cli.ts. */
export type CommandName = 'ensure' | 'report' | 'broker' | 'help' | 'version';

export interface CommandSpec {
  name: CommandName;
  /** One line in the command list. */
  summary: string;
  /** The usage lines (each after `Usage: ` or its indent). */
  usage: string[];
  /** What it does, a few lines of the help. */
  about: string[];
  /** Whether it takes arguments besides options (report's files, help's command). */
  operands: boolean;
  /** A few command lines, each with a comment line above it. */
  examples?: Array<[comment: string, line: string]>;
  /** Lines after the options (secrets, proxies, where the output goes). */
  notes?: string[];
  /** Its exit statuses, code and meaning. */
  exits?: Array<[code: string, meaning: string]>;
}

/**
 * The exit statuses. "Not compliant" has a code of its own, always (not behind a flag like terraform's
 * -detailed-exitcode): a gate script must tell "the answer is no" from "could not ask", every non-zero status
 * still fails a CI step, and 2 was taken already by usage errors (terraform's drift code).
 */
export const EXIT = { done: 0, error: 1, usage: 2, notCompliant: 3 } as const;
export const EXIT_STATUS_LINES: Array<[code: string, meaning: string]> = [
  ['0', 'done: protected (or released), nothing failed'],
  ['1', 'error: could not run or finish (server unreachable, login refused, a step failed)'],
  ['2', 'usage or input error: nothing was sent to the server'],
  ['3', 'not compliant: check or release-check found something to change, or a backup too old'],
  ['130/143', 'cancelled (SIGINT/SIGTERM)'],
];

/** The commands, in the order the help lists them; `ensure` is the default. Add a row for a new command. */
export const COMMANDS: CommandSpec[] = [
  {
    name: 'ensure',
    summary: 'protect a repository, or sweep an organization (the default command)',
    usage: ['xopero-one [ensure] [options]', 'xopero-one COMMAND [options]'],
    about: [
      'Puts a repository under backup in Xopero ONE: known (synchronizing the organization when needed),',
      'license-activated and attached to a backup plan. Changes nothing when all of that already holds.',
      'With --mode check it changes nothing and exits 3 when something is not so.',
    ],
    operands: false,
    examples: [
      [
        'Protect acme/api (credentials in XOPERO_EMAIL and XOPERO_PASSWORD):',
        'xopero-one --server-url https://backup.example.com --repository acme/api --plan Nightly',
      ],
      ['What would change, changing nothing:', 'xopero-one --repository acme/api --plan Nightly --dry-run'],
      [
        'A gate: exit 3 when not protected or the last backup is older than a day:',
        'xopero-one --repository acme/api --mode check --max-backup-age 1d',
      ],
      [
        "Sweep an organization's team-a repositories, the result as JSON:",
        "xopero-one --organization acme --repositories 'team-a/*' --plan Nightly --json",
      ],
    ],
    notes: [
      'Each option is also read from the environment variable shown; a flag wins over its variable.',
      'Secrets, from the environment only: XOPERO_EMAIL and XOPERO_PASSWORD, or XOPERO_ACCESS_TOKEN;',
      'XOPERO_GITHUB_TOKEN for --reclaim archived.',
      'A proxy: HTTPS_PROXY (HTTP_PROXY for an http:// server) and NO_PROXY.',
      'Output: the result on stdout (text, or JSON with --json); the log and warnings on stderr.',
      'NO_COLOR is honoured; XOPERO_TIMING=1 adds a timing table to stderr.',
    ],
    exits: EXIT_STATUS_LINES,
  },
  {
    name: 'report',
    summary: "merge the result files of a sharded sweep's jobs into one report",
    usage: ['xopero-one report [options] RESULT-FILE|DIR...'],
    about: [
      "Merges the result files of one organization sweep's shards (each written with --result-file) into",
      'one report. A directory stands for the .json files under it. Refuses results of different sweeps,',
      'a shard given twice or missing, and files that are not result documents. Talks to no server.',
    ],
    operands: true,
    examples: [['Merge the shards, a JUnit file for the CI:', 'xopero-one report --junit junit.xml xopero-results/']],
    exits: [
      ['0', 'the merged sweep passed'],
      ['1', 'error: a repository failed, an ensure sweep missed a name, or a refusal (two sweeps, ...)'],
      ['2', 'usage error'],
      ['3', 'not compliant: check mode found repositories unprotected or not found, or old backups'],
    ],
  },
  {
    name: 'broker',
    summary: "run the broker: protects the repository a CI job's identity token names (docs/broker.md)",
    usage: ['xopero-one broker --config FILE'],
    about: [
      "The HTTPS service that holds the Xopero ONE credential, so no pipeline does: it verifies each CI job's",
      'OIDC identity token and protects only the repository the token names. It runs until SIGTERM or SIGINT,',
      'then finishes the requests in flight. One JSON audit line per request on stdout; its log on stderr.',
    ],
    operands: false,
    examples: [['Start it (the credential comes from the variables the file names):', 'xopero-one broker --config broker.json']],
    exits: [
      ['0', 'stopped on SIGTERM or SIGINT'],
      ['1', 'could not start (a bad config, a port in use)'],
      ['2', 'usage error'],
    ],
  },
  {
    name: 'help',
    summary: 'show the help of a command: xopero-one help report',
    usage: ['xopero-one help [COMMAND]'],
    about: ['Shows the help of COMMAND (without one: of the default command, ensure).'],
    operands: true,
  },
  {
    name: 'version',
    summary: 'print the version',
    usage: ['xopero-one version'],
    about: ['Prints the version of xopero-one.'],
    operands: false,
  },
];

/** The help's option groups, in order: what to protect, where, how, output. */
export const GROUPS = {
  what: 'What to protect',
  where: 'Where: the server, credentials, TLS and proxy',
  how: 'How: mode, dry run, synchronization, timeouts, limits',
  output: 'Output',
  general: 'General',
} as const;

export interface OptionSpec {
  /** The long flag without dashes. */
  flag: string;
  /** A one-letter alias (`h` for `-h`). */
  short?: string;
  /** A switch takes no value (`--dry-run`); a value option does (`--plan NAME`). */
  kind: 'switch' | 'value';
  /** The value's placeholder in --help. */
  value?: string;
  /**
   * The environment variable read when the flag is absent, shown in the help (for `ensure`, cli.ts reads
   * XOPERO_<FLAG> for every settings input; a row only names it).
   */
  env?: string;
  /** One paragraph; the help wraps it to fit 100 columns. */
  help: string;
  group: keyof typeof GROUPS;
  /** The commands that take it (default: ensure; 'every': each command, present and future). */
  commands?: CommandName[] | 'every';
}

/**
 * The options of every command. Add a row here: parsing, each command's help (grouped, aligned, wrapped) and
 * the CLI's wording follow. One flag may have a row per command when its meaning differs (--json).
 */
export const OPTIONS: OptionSpec[] = [
  // What to protect
  {
    flag: 'repository',
    kind: 'value',
    value: 'PATH',
    env: 'XOPERO_REPOSITORY',
    group: 'what',
    help: 'owner/name or name; default in GitLab CI: CI_PROJECT_PATH (Azure Pipelines, Bitbucket Pipelines: see the docs)',
  },
  {
    flag: 'organization',
    kind: 'value',
    value: 'NAME|ID',
    env: 'XOPERO_ORGANIZATION',
    group: 'what',
    help: 'default: the owner in --repository owner/name; in GitLab CI: CI_PROJECT_ROOT_NAMESPACE',
  },
  {
    flag: 'repositories',
    kind: 'value',
    value: 'PATTERNS',
    env: 'XOPERO_REPOSITORIES',
    group: 'what',
    help: 'sweep the organization: comma-separated names or globs (*, team/*, !old-*)',
  },
  {
    flag: 'shard',
    kind: 'value',
    value: 'I/N',
    env: 'XOPERO_SHARD',
    group: 'what',
    help: "sweep: this job's shard of N (default in GitLab CI with parallel: CI_NODE_INDEX/CI_NODE_TOTAL)",
  },
  {
    flag: 'azure-project',
    kind: 'value',
    value: 'ID',
    env: 'XOPERO_AZURE_PROJECT',
    group: 'what',
    help: 'attach this Azure DevOps project (its id) to --plan instead',
  },
  {
    flag: 'plan',
    kind: 'value',
    value: 'NAME|ID',
    env: 'XOPERO_PLAN',
    group: 'what',
    help: 'backup plan to attach to, name (any case) or id (empty: none)',
  },
  // Where
  {
    flag: 'broker-url',
    kind: 'value',
    value: 'URL',
    env: 'XOPERO_BROKER_URL',
    group: 'where',
    help:
      'ask this broker instead of Xopero ONE: no credential here; the identity token comes from XOPERO_ID_TOKEN ' +
      '(or BITBUCKET_STEP_OIDC_TOKEN); see docs/broker.md',
  },
  {
    flag: 'server-url',
    kind: 'value',
    value: 'URL',
    env: 'XOPERO_SERVER_URL',
    group: 'where',
    help: 'Xopero ONE Management Service address (required unless --broker-url)',
  },
  {
    flag: 'ca-certificate',
    kind: 'value',
    value: 'PEM|FILE',
    env: 'XOPERO_CA_CERTIFICATE',
    group: 'where',
    help: 'CA to trust (PEM text or a file path); NODE_EXTRA_CA_CERTS works too',
  },
  { flag: 'allow-http', kind: 'switch', env: 'XOPERO_ALLOW_HTTP', group: 'where', help: 'allow a plain http:// server URL' },
  // How
  {
    flag: 'mode',
    kind: 'value',
    value: 'MODE',
    env: 'XOPERO_MODE',
    group: 'how',
    help:
      'ensure (default); check: change nothing, exit 3 when not protected; release: detach from plan ' +
      '(or every plan), deactivate the license; release-check: change nothing, exit 3 when not released',
  },
  { flag: 'dry-run', kind: 'switch', env: 'XOPERO_DRY_RUN', group: 'how', help: 'change nothing, report what would change' },
  {
    flag: 'activate',
    kind: 'value',
    value: 'BOOL',
    env: 'XOPERO_ACTIVATE',
    group: 'how',
    help: 'activate the license when missing: true (default) or false',
  },
  { flag: 'no-activate', kind: 'switch', group: 'how', help: 'same as --activate false' },
  {
    flag: 'sync',
    kind: 'value',
    value: 'WHEN',
    env: 'XOPERO_SYNC',
    group: 'how',
    help: 'synchronize the organization: auto (default), always, never',
  },
  {
    flag: 'wait-timeout',
    kind: 'value',
    value: 'DURATION',
    env: 'XOPERO_WAIT_TIMEOUT',
    group: 'how',
    help: 'how long to wait for a synchronization: seconds or 90s, 5m, 1h (default 300, at most 6h)',
  },
  {
    flag: 'max-backup-age',
    kind: 'value',
    value: 'AGE',
    env: 'XOPERO_MAX_BACKUP_AGE',
    group: 'how',
    help: 'exit 3 when the last successful backup is older (36h, 7d)',
  },
  {
    flag: 'remove',
    kind: 'switch',
    env: 'XOPERO_REMOVE',
    group: 'how',
    help: 'with --mode release: also remove it from Xopero ONE (backups are kept)',
  },
  {
    flag: 'reclaim',
    kind: 'value',
    value: 'SOURCES',
    env: 'XOPERO_RECLAIM',
    group: 'how',
    help:
      'sweep: also release removed and/or GitHub-archived repositories: removed,archived ' +
      '(archived: XOPERO_GITHUB_TOKEN; GITHUB_API_URL honoured)',
  },
  {
    flag: 'release-limit',
    kind: 'value',
    value: 'N',
    env: 'XOPERO_RELEASE_LIMIT',
    group: 'how',
    help: 'fail before any change when more would be released, by all shards together in a sharded sweep (default 50)',
  },
  // Output
  { flag: 'json', kind: 'switch', group: 'output', help: 'print the result as one JSON document on stdout' },
  {
    flag: 'dotenv',
    kind: 'value',
    value: 'FILE',
    env: 'XOPERO_DOTENV',
    group: 'output',
    help: 'write XOPERO_* results as a dotenv file (default in GitLab CI and Bitbucket Pipelines: xopero.env)',
  },
  {
    flag: 'result-file',
    kind: 'value',
    value: 'FILE',
    env: 'XOPERO_RESULT_FILE',
    group: 'output',
    help: "write the result document there (for 'xopero-one report')",
  },
  {
    flag: 'html',
    kind: 'value',
    value: 'FILE',
    env: 'XOPERO_HTML',
    group: 'output',
    help: 'a whole sweep: write one self-contained HTML page there (search, filter, sort every repository)',
  },
  {
    flag: 'badge',
    kind: 'value',
    value: 'FILE',
    env: 'XOPERO_BADGE',
    group: 'output',
    help: 'a whole sweep: write a shields.io endpoint badge (JSON) there: the share of repositories protected',
  },
  // report
  {
    flag: 'markdown',
    kind: 'value',
    value: 'FILE',
    group: 'output',
    commands: ['report'],
    help: 'write the Markdown summary there (default: the GitHub job summary when GITHUB_STEP_SUMMARY is set, else stdout)',
  },
  { flag: 'json', kind: 'value', value: 'FILE', group: 'output', commands: ['report'], help: 'write the merged JSON document there' },
  {
    flag: 'junit',
    kind: 'value',
    value: 'FILE',
    group: 'output',
    commands: ['report'],
    help: 'write JUnit XML there: one test case per repository, failures for failed and stale ones',
  },
  {
    flag: 'html',
    kind: 'value',
    value: 'FILE',
    group: 'output',
    commands: ['report'],
    help: 'write one self-contained HTML page there: search, filter and sort every repository',
  },
  {
    flag: 'badge',
    kind: 'value',
    value: 'FILE',
    group: 'output',
    commands: ['report'],
    help: 'write a shields.io endpoint badge (JSON) there: the share of repositories protected',
  },
  // broker
  {
    flag: 'config',
    kind: 'value',
    value: 'FILE',
    group: 'general',
    commands: ['broker'],
    help: "the broker's JSON configuration (docs/broker.md)",
  },
  // Every command
  { flag: 'help', short: 'h', kind: 'switch', group: 'general', commands: 'every', help: 'show this help' },
  { flag: 'version', short: 'v', kind: 'switch', group: 'general', help: 'print the version' },
];

/** Inputs whose flag is not the input's name: the action's html-file is --html (XOPERO_HTML) here. */
export const FLAG_OF_INPUT: Record<string, string> = { 'html-file': 'html', 'badge-file': 'badge' };
export const flagOfInput = (input: string) => FLAG_OF_INPUT[input] ?? input;

/** Read only from the environment: a flag would put them in process lists and shell histories. */
export const SECRET_VARIABLES: Record<string, string> = {
  email: 'XOPERO_EMAIL',
  password: 'XOPERO_PASSWORD',
  'access-token': 'XOPERO_ACCESS_TOKEN',
  'github-token': 'XOPERO_GITHUB_TOKEN',
};

/** The docs of the command line, at the address the README's workflows use (uses: xopero-one/backup-action). */
export const DOCS_URL = 'https://github.com/xopero-one/backup-action/blob/main/docs/cli.md';
/** Every help line fits this many columns (a test checks each command's help). */
export const HELP_WIDTH = 100;

/** A usage error: the CLI prints it with "Try 'xopero-one ... --help'." and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help the user is pointed to. */
    readonly command: CommandName = 'ensure',
  ) {
    super(message);
  }
}

export interface ParsedCommandLine {
  command: CommandName;
  /** Flag name -> value; a switch given is 'true' (or the value of `--switch=value`). */
  values: Record<string, string>;
  /** Arguments besides options: report's files; for `help`, the command asked about. */
  operands: string[];
  /** For `help`: the command whose help to show. */
  topic?: CommandName;
}

const commandNames = COMMANDS.map((command) => command.name);
const isCommand = (name: string): name is CommandName => commandNames.includes(name as CommandName);
const optionsOf = (command: CommandName) =>
  OPTIONS.filter((option) => option.commands === 'every' || (option.commands ?? ['ensure']).includes(command));
const ensureOptions = new Map(optionsOf('ensure').map((option) => [option.flag, option]));

/** `xopero-one [COMMAND] [options] [operands]`; without a command, ensure. */
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const explicit = argv.length > 0 && isCommand(argv[0]);
  const command: CommandName = explicit ? (argv[0] as CommandName) : 'ensure';
  const args = explicit ? argv.slice(1) : argv;
  const rows = new Map(optionsOf(command).map((option) => [option.flag, option]));
  const { tokens } = parseArgs({
    args,
    options: Object.fromEntries(
      [...rows.values()].map((option) => [
        option.flag,
        { type: option.kind === 'switch' ? ('boolean' as const) : ('string' as const), ...(option.short ? { short: option.short } : {}) },
      ]),
    ),
    allowPositionals: true,
    // Unknown options and missing values are checked below, in this CLI's words; strict mode would also
    // refuse a value that starts with a dash.
    strict: false,
    tokens: true,
  });
  // Help wins over everything else on the line, a mistake included: it is what the user asked for.
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help' && rows.has('help'))) {
    return { command: 'help', values: {}, operands: [], topic: command };
  }
  const values: Record<string, string> = {};
  const operands: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') operands.push(token.value);
    if (token.kind !== 'option') continue;
    const option = rows.get(token.name);
    if (!option) throw unknownOption(token.rawName, command);
    if (option.kind === 'value' && token.value === undefined) {
      throw new UsageError(`--${option.flag} needs a value (${option.value})`, command);
    }
    values[option.flag] = token.value ?? 'true';
  }
  // An option before the command (`xopero-one --json ensure`): the first operand names it.
  if (!explicit && operands.length > 0 && isCommand(operands[0])) {
    const at = tokens.find((token) => token.kind === 'positional')?.index ?? 0;
    return parseCommandLine([operands[0], ...args.slice(0, at), ...args.slice(at + 1)]);
  }
  if (command === 'ensure' && values['no-activate'] !== undefined && values.activate !== undefined) {
    throw new UsageError('give --activate or --no-activate, not both');
  }
  const spec = COMMANDS.find((candidate) => candidate.name === command) as CommandSpec;
  if (operands.length > 0 && !spec.operands) {
    if (explicit) throw new UsageError(`unknown command '${[command, ...operands].join(' ')}': '${command}' takes no argument`, command);
    const guess = closest(operands[0], commandNames);
    throw new UsageError(
      `unknown command '${operands.join(' ')}'${guess ? ` (did you mean '${guess}'?)` : ''}; the commands are ${commandNames.join(', ')}`,
    );
  }
  // After the operands' check: `--version extra` is a mistake to name, not a version to print.
  if (values.version === 'true') return { command: 'version', values, operands: [] };
  if (command === 'help') return { command, values, operands, topic: helpTopic(operands) };
  return { command, values, operands };
}

/** `help`, `help COMMAND`: the command whose help is shown. */
function helpTopic(operands: string[]): CommandName {
  if (operands.length === 0) return 'ensure';
  const [name, ...rest] = operands;
  if (!isCommand(name) || rest.length > 0) {
    const guess = closest(name, commandNames);
    throw new UsageError(
      `no help for '${operands.join(' ')}'${guess && !rest.length ? ` (did you mean '${guess}'?)` : ''}; the commands are ${commandNames.join(', ')}`,
      'help',
    );
  }
  return name;
}

function unknownOption(given: string, command: CommandName): UsageError {
  const name = given.replace(/^-+/, '');
  const long = given.startsWith('--');
  if (long && SECRET_VARIABLES[name]) {
    return new UsageError(
      `--${name} is not accepted: secrets on a command line end up in process lists and logs; set ${SECRET_VARIABLES[name]} instead`,
      command,
    );
  }
  const flags = optionsOf(command).map((option) => option.flag);
  // An input the action names differently (html-file is --html here): what someone moving a step over types.
  const renamed = long && FLAG_OF_INPUT[name] && flags.includes(FLAG_OF_INPUT[name]) ? FLAG_OF_INPUT[name] : undefined;
  const near = long ? (renamed ?? closest(name, flags) ?? (name.length >= 3 ? uniquePrefix(name, flags) : undefined)) : undefined;
  return new UsageError(`unknown option '${given}'${near ? ` (did you mean --${near}?)` : ''}`, command);
}

/** `text` in lines of at most `width` columns, broken at spaces (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/**
 * A command's help: usage, what it does, its commands (for the default command), its options by group (flag,
 * variable and description in aligned columns, descriptions wrapped to HELP_WIDTH), notes, examples, the
 * exit statuses and the docs link.
 */
export function helpText(topic: CommandName = 'ensure'): string {
  const spec = COMMANDS.find((command) => command.name === topic) as CommandSpec;
  const options = optionsOf(topic);
  const flagsOf = (option: OptionSpec) =>
    [option.short ? `-${option.short}` : '', `--${option.flag}${option.value ? ` ${option.value}` : ''}`].filter(Boolean).join(', ');
  const flagsWidth = Math.max(...options.map((option) => flagsOf(option).length)) + 2;
  const envWidth = options.some((option) => option.env) ? Math.max(...options.map((option) => option.env?.length ?? 0)) + 2 : 0;
  const indent = 2 + flagsWidth + envWidth;
  const optionLines = (option: OptionSpec) => {
    const [first, ...more] = wrap(option.help, HELP_WIDTH - indent);
    return [
      `  ${flagsOf(option).padEnd(flagsWidth)}${(option.env ?? '').padEnd(envWidth)}${first}`,
      ...more.map((line) => `${' '.repeat(indent)}${line}`),
    ];
  };
  const groups = (Object.keys(GROUPS) as Array<keyof typeof GROUPS>).flatMap((group) => {
    const rows = options.filter((option) => option.group === group);
    return rows.length ? ['', `${GROUPS[group]}:`, ...rows.flatMap(optionLines)] : [];
  });
  const commandWidth = Math.max(...commandNames.map((name) => name.length)) + 2;
  return [
    ...spec.usage.map((line, i) => `${i === 0 ? 'Usage: ' : '       '}${line}`),
    '',
    ...spec.about,
    ...(topic === 'ensure'
      ? ['', 'Commands:', ...COMMANDS.map((command) => `  ${command.name.padEnd(commandWidth)}${command.summary}`)]
      : []),
    ...groups,
    ...(spec.notes ? ['', ...spec.notes] : []),
    ...(spec.examples ? ['', 'Examples:', ...spec.examples.flatMap(([comment, line]) => [`  # ${comment}`, `  ${line}`])] : []),
    ...(spec.exits ? ['', 'Exit status:', ...spec.exits.map(([code, meaning]) => `  ${code.padEnd(9)}${meaning}`)] : []),
    '',
    `Docs: ${DOCS_URL}`,
  ].join('\n');
}

/** The environment variable an input is read from (XOPERO_SERVER_URL for server-url); a secret's too. */
export function variableOfInput(input: string): string | undefined {
  return SECRET_VARIABLES[input] ?? ensureOptions.get(flagOfInput(input))?.env;
}

/** The CLI's words for settings: the flag and its variable; a secret by its variable alone. */
export const CLI_WORDS: HostWords = {
  name: (input) => {
    if (SECRET_VARIABLES[input]) return SECRET_VARIABLES[input];
    const option = ensureOptions.get(flagOfInput(input));
    return option?.env ? `--${flagOfInput(input)} / ${option.env}` : `--${flagOfInput(input)}`;
  },
  set: (input, value) => {
    if (SECRET_VARIABLES[input]) return `${SECRET_VARIABLES[input]}=${value}`;
    const option = ensureOptions.get(flagOfInput(input));
    const flag = option?.kind === 'switch' && value === 'true' ? `--${flagOfInput(input)}` : `--${flagOfInput(input)} ${value}`;
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
