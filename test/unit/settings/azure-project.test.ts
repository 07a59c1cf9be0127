/** The azure-project input, through parseSettings: what it accepts, and the combinations refused before any request. */
import { describe, expect, test } from '@jest/globals';
import { parseSettings, type RawInputs } from '../../../src/settings/settings.js';
import { CLI_WORDS } from '../../../src/hosts/cli-args.js';
import { VALID_INPUTS, refusal as refusalOf } from './helpers.js';

const PROJECT = '0F8FAD5B-D9CB-469F-A165-70867728950E';
const valid: RawInputs = {
  ...VALID_INPUTS,
  plan: 'Azure nightly',
  'azure-project': PROJECT,
};

const refusal = (overrides: RawInputs, words?: typeof CLI_WORDS) => refusalOf({ ...valid, ...overrides }, words);

describe('azure-project', () => {
  test('a project id, lower-cased; the repository is not the subject (no owner check); empty: none', () => {
    const settings = parseSettings({ ...valid, organization: 'other-org', mode: 'ensure' });
    expect(settings.azureProject).toBe(PROJECT.toLowerCase());
    expect(settings.organization).toBe('other-org');
    expect(parseSettings({ ...valid, 'azure-project': '' }).azureProject).toBeUndefined();
    expect(parseSettings({ ...valid, 'azure-project': '  ', plan: '' }).azureProject).toBeUndefined();
    expect(parseSettings({ ...valid, mode: 'release' }).azureProject).toBe(PROJECT.toLowerCase());
  });

  test.each([
    [
      { 'azure-project': 'My Project' },
      'azure-project',
      /^Input 'azure-project': 'My Project' is not a project id \(a GUID such as .*copy its id from the Xopero ONE console\.$/,
    ],
    [{ 'azure-project': `${PROJECT}0` }, 'azure-project', /is not a project id/],
    [{ 'azure-project': `x${PROJECT}` }, 'azure-project', /is not a project id/],
    [
      { plan: '' },
      'plan',
      /^Input 'plan': is required with azure-project: name the plan the project joins \(or, with mode: release, leaves\)\.$/,
    ],
    [{ plan: '   ' }, 'plan', /is required with azure-project/],
    [{ repositories: '*' }, 'azure-project', /^Input 'azure-project': give azure-project or repositories, not both\.$/],
    [{ mode: 'check' }, 'mode', /^Input 'mode': check cannot verify an Azure DevOps project: .*Use mode: ensure to attach it\.$/],
    [{ mode: 'CHECK' }, 'mode', /^Input 'mode': check cannot verify/],
    [{ mode: 'release-check' }, 'mode', /^Input 'mode': release-check cannot verify an Azure DevOps project/],
    [
      { 'max-backup-age': '1d' },
      'max-backup-age',
      /^Input 'max-backup-age': gates one repository's backup; it does not apply to azure-project\.$/,
    ],
  ])('%j is refused, naming %s', (overrides, input, message) => {
    const failure = refusal(overrides as RawInputs);
    expect(failure.input).toBe(input);
    expect(failure.message).toMatch(message as RegExp);
  });

  test('blank repositories and max-backup-age are not given; a plan never given is missing', () => {
    expect(parseSettings({ ...valid, repositories: '  ' }).azureProject).toBe(PROJECT.toLowerCase());
    expect(parseSettings({ ...valid, 'max-backup-age': ' \n ' }).azureProject).toBe(PROJECT.toLowerCase());
    const withoutPlan = { ...valid };
    delete withoutPlan.plan;
    expect(() => parseSettings(withoutPlan)).toThrow("Input 'plan': is required with azure-project");
  });

  test("the CLI's words in the remedies", () => {
    expect(refusal({ plan: '' }, CLI_WORDS).message).toMatch(/--azure-project/);
    expect(refusal({ mode: 'check' }, CLI_WORDS).message).toMatch(/--mode ensure/);
  });
});
