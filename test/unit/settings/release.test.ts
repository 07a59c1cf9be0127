/**
 * The release inputs (src/settings/release.ts) through parseSettings, to the letter: the whole refusals, the
 * switches' spellings, reclaim's order and repeats, release-limit's digits only. Written for the mutants the
 * broader tests in test/unit/release-plan.test.ts let live (docs/mutation-testing.md).
 */
import { describe, expect, test } from '@jest/globals';
import type { InputError } from '../../../src/common/errors.js';
import { CLI_WORDS } from '../../../src/hosts/cli-args.js';
import { parseSettings, type RawInputs } from '../../../src/settings/settings.js';
import { refusal as refusalOf } from './helpers.js';

const valid: RawInputs = {
  'server-url': 'https://backup.example.com',
  'access-token': 'tok-release-1',
  organization: 'acme',
  repository: 'acme/api',
};
const sweep: RawInputs = { repositories: '*' };
const parse = (overrides: RawInputs) => parseSettings({ ...valid, ...overrides });

const refusal = (overrides: RawInputs) => refusalOf({ ...valid, ...overrides });

describe('release settings to the letter', () => {
  test.each<[RawInputs, string, string]>([
    [{ mode: 'release', remove: 'maybe' }, 'remove', "Input 'remove': expected true or false, got 'maybe'."],
    [{ mode: 'audit' }, 'mode', "Input 'mode': expected one of ensure, check, release, release-check, got 'audit'."],
    [{ remove: 'yes' }, 'remove', "Input 'remove': applies only to mode: release (it removes the released repository from Xopero ONE)."],
    [
      { ...sweep, mode: 'release-check' },
      'mode',
      "Input 'mode': release works on one repository (repository); to release many, run a sweep (repositories) with reclaim.",
    ],
    [
      { reclaim: 'removed' },
      'reclaim',
      "Input 'reclaim': works in an organization sweep: set repositories to the patterns whose repositories may be released (e.g. *).",
    ],
    [
      { ...sweep, reclaim: 'removed, deleted' },
      'reclaim',
      "Input 'reclaim': expected removed, archived, or both (comma-separated), got 'deleted'.",
    ],
    [
      { ...sweep, reclaim: 'removed\narchived' },
      'github-token',
      "Input 'github-token': is empty, but reclaim: archived reads the archived repositories from the GitHub API: pass a token that can read the organization's repositories.",
    ],
    [{ 'release-limit': '12x' }, 'release-limit', "Input 'release-limit': expected a whole number of repositories (e.g. 50), got '12x'."],
    [{ 'release-limit': 'x12' }, 'release-limit', "Input 'release-limit': expected a whole number of repositories (e.g. 50), got 'x12'."],
    [{ 'release-limit': '5a' }, 'release-limit', "Input 'release-limit': expected a whole number of repositories (e.g. 50), got '5a'."],
    [{ 'release-limit': '1.5' }, 'release-limit', "Input 'release-limit': expected a whole number of repositories (e.g. 50), got '1.5'."],
  ])('%j is refused', (overrides, input, message) => {
    expect(refusal(overrides)).toEqual({ input, message });
  });

  test('on the command line the refusals name its flags and variables, not the action inputs', () => {
    const cli = (overrides: RawInputs) => {
      try {
        parseSettings({ ...valid, ...overrides }, CLI_WORDS);
      } catch (error) {
        return CLI_WORDS.inputError((error as InputError).input, (error as InputError).problem);
      }
      throw new Error('not refused');
    };
    expect(cli({ remove: 'yes' })).toBe(
      '--remove / XOPERO_REMOVE: applies only to --mode release (or XOPERO_MODE=release) (it removes the released repository from Xopero ONE).',
    );
    expect(cli({ ...sweep, mode: 'release' })).toBe(
      '--mode / XOPERO_MODE: release works on one repository (--repository / XOPERO_REPOSITORY); to release many, run a sweep (--repositories / XOPERO_REPOSITORIES) with --reclaim / XOPERO_RECLAIM.',
    );
    expect(cli({ reclaim: 'removed' })).toBe(
      '--reclaim / XOPERO_RECLAIM: works in an organization sweep: set --repositories / XOPERO_REPOSITORIES to the patterns whose repositories may be released (e.g. *).',
    );
    expect(cli({ ...sweep, reclaim: 'archived' })).toBe(
      "XOPERO_GITHUB_TOKEN: is empty, but --reclaim archived (or XOPERO_RECLAIM=archived) reads the archived repositories from the GitHub API: pass a token that can read the organization's repositories.",
    );
  });

  test('remove: the spellings of true and false, any case', () => {
    for (const no of ['false', 'No', 'OFF', '0', '']) expect(parse({ remove: no }).remove).toBe(false);
    for (const yes of ['true', 'Yes', 'ON', '1']) expect(parse({ mode: 'release', remove: yes }).remove).toBe(true);
    expect(parse({ mode: 'RELEASE', remove: 'no' })).toMatchObject({ operation: 'release', mode: 'ensure', remove: false });
  });

  test('reclaim: sorted, each source once, blank parts and case ignored', () => {
    const reclaim = (value: string) => parse({ ...sweep, reclaim: value, 'github-token': 'ghs_reclaim' }).reclaim;
    expect(reclaim('removed, archived')).toEqual(['archived', 'removed']);
    expect(reclaim('Removed,\n removed ,, \n')).toEqual(['removed']);
    expect(reclaim('ARCHIVED\nremoved\narchived')).toEqual(['archived', 'removed']);
    expect(reclaim('')).toEqual([]);
  });

  test('release-limit: digits only, any number of them', () => {
    expect(parse({ 'release-limit': '12' }).releaseLimit).toBe(12);
    expect(parse({ 'release-limit': '250' }).releaseLimit).toBe(250);
    expect(parse({ 'release-limit': '' }).releaseLimit).toBe(50);
  });
});
