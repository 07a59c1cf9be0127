/** The `azure-project` input (issue 18), beside settings.ts so the other inputs stay where they were. */
import { InputError } from '../common/errors.js';
import type { RawInputs } from './inputs.js';
import { ACTION_WORDS, type HostWords } from '../common/words.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An Azure DevOps project is given by id: the documented API has no call that lists projects or finds one by
 * name. What it can do with one is narrow, so the combinations it cannot honour are refused here, before any
 * request. `mode` is the raw text: check and release-check (the release modes) both ask for a verification the
 * API cannot give. Every setting a remedy names is worded the host's way (`words`: `mode: ensure` in the Action,
 * `--mode ensure (or XOPERO_MODE=ensure)` on the command line).
 */
export function parseAzureProject(value: string, mode: string, raw: RawInputs, words: HostWords = ACTION_WORDS): string | undefined {
  if (!value) return undefined;
  const lowerMode = mode.toLowerCase();
  if (!GUID.test(value)) {
    throw new InputError(
      'azure-project',
      `'${value}' is not a project id (a GUID such as 0f8fad5b-d9cb-469f-a165-70867728950e); the Xopero ONE API has no way to find a project by name, so copy its id from the Xopero ONE console.`,
    );
  }
  if (!(raw.plan ?? '').trim())
    throw new InputError(
      'plan',
      `is required with ${words.name('azure-project')}: name the plan the project joins (or, with ${words.set('mode', 'release')}, leaves).`,
    );
  if ((raw.repositories ?? '').trim())
    throw new InputError('azure-project', `give ${words.name('azure-project')} or ${words.name('repositories')}, not both.`);
  if (lowerMode === 'check' || lowerMode === 'release-check') {
    throw new InputError(
      'mode',
      `${lowerMode} cannot verify an Azure DevOps project: the Xopero ONE API has no call that lists a plan's projects. Use ${words.set('mode', 'ensure')} to attach it.`,
    );
  }
  if ((raw['max-backup-age'] ?? '').trim())
    throw new InputError('max-backup-age', `gates one repository's backup; it does not apply to ${words.name('azure-project')}.`);
  return value.toLowerCase();
}
