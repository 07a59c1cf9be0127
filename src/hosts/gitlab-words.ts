/**
 * How the CLI names settings when the GitLab CI/CD component runs it (templates/xopero-backup.yml sets
 * XOPERO_COMPONENT=1): by the component's inputs, as the user wrote them in the include (`Input 'wait_timeout':
 * ...`, `set sync: auto`), and by the CI/CD variable for what is not an input (the secrets, XOPERO_CA_CERTIFICATE).
 * The command line's own words (`--wait-timeout / XOPERO_WAIT_TIMEOUT`) would send the user looking for a flag
 * the job's script writes, not they.
 */
import type { HostWords } from '../common/words.js';
import { INPUT_NAMES } from '../settings/inputs.js';
import { CLI_WORDS, variableOfInput } from './cli-args.js';

/**
 * The component's inputs that are the CLI's settings, by the action's name for each: every input but the
 * secrets and CA (CI/CD variables there) and the Azure DevOps project (not a GitLab setting). A test checks the
 * set against the component's spec.
 */
const NOT_COMPONENT_INPUTS: readonly string[] = ['email', 'password', 'access-token', 'github-token', 'ca-certificate', 'azure-project'];
export const COMPONENT_INPUTS: ReadonlySet<string> = new Set(INPUT_NAMES.filter((name) => !NOT_COMPONENT_INPUTS.includes(name)));

const inputName = (input: string) => (COMPONENT_INPUTS.has(input) ? input.replace(/-/g, '_') : undefined);

export const COMPONENT_WORDS: HostWords = {
  name: (input) => inputName(input) ?? variableOfInput(input) ?? CLI_WORDS.name(input),
  set: (input, value) => {
    const name = inputName(input);
    if (name) return `${name}: ${value}`;
    const variable = variableOfInput(input);
    return variable ? `${variable}=${value}` : CLI_WORDS.set(input, value);
  },
  inputError: (input, problem) => {
    const name = inputName(input);
    return name ? `Input '${name}': ${problem}` : `${COMPONENT_WORDS.name(input)}: ${problem}`;
  },
  secrets: CLI_WORDS.secrets,
};
