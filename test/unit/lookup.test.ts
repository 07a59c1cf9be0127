import { describe, expect, test } from '@jest/globals';
import type { Organization, Repository } from '../../src/xopero/api-types.js';
import { closest } from '../../src/common/text.js';
import { ACTION_WORDS } from '../../src/common/words.js';
import { findOrganization, findPlan, fullRepositoryName, isAttached, pickRepository } from '../../src/core/lookup.js';

const org = (name: string, id: string, plans: Array<{ id: string; name: string }> = []): Organization => ({ id, name, plans });
const repo = (name: string, id: string, isRemoved = false): Repository => ({
  id,
  name,
  isRemoved,
  isProtected: false,
  lastBackup: 0,
  lastSuccessfulBackup: 0,
  nextBackup: 0,
});

describe('finding things by name', () => {
  const orgs = [org('Acme', 'A1'), org('globex', 'G1'), org('Initech', 'I1')];

  test('organization by name, case-insensitively, or by id', () => {
    expect(findOrganization(orgs, 'acme', ACTION_WORDS).id).toBe('A1');
    expect(findOrganization(orgs, 'g1', ACTION_WORDS).name).toBe('globex');
  });

  test('unknown organization names the visible ones and the closest', () => {
    expect(() => findOrganization(orgs, 'acne', ACTION_WORDS)).toThrow(
      /Organization 'acne' not found \(did you mean 'Acme'\?\); the account sees: 'Acme', 'globex', 'Initech'/,
    );
    expect(() => findOrganization(orgs, 'zzzzzzzz', ACTION_WORDS)).toThrow(/not found; the account sees/);
    expect(() => findOrganization([], 'acme', ACTION_WORDS)).toThrow(/sees no organizations/);
  });

  test("words that withhold names (the broker's callers): no other organization, plan or id is listed", () => {
    const broker = { ...ACTION_WORDS, withholdsNames: true, name: () => "ask the broker's operator" };
    const refusal = (find: () => unknown) => {
      try {
        find();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('found');
    };
    expect(refusal(() => findOrganization(orgs, 'acne', broker))).toBe(
      "Organization 'acne' not found in Xopero ONE: ask the broker's operator.",
    );
    expect(refusal(() => findOrganization([org('acme', 'A1'), org('ACME', 'A2')], 'acme', broker))).toBe(
      "2 organizations are named 'acme' in Xopero ONE: ask the broker's operator.",
    );
    const withPlans = org('acme', 'A1', [
      { id: 'P1', name: 'Nightly' },
      { id: 'P2', name: 'nightly' },
      { id: 'P3', name: 'Secret plan of another team' },
    ]);
    expect(refusal(() => findPlan(withPlans, 'Weekly', broker))).toBe(
      "Plan 'Weekly' not found in organization 'acme': ask the broker's operator.",
    );
    expect(refusal(() => findPlan(withPlans, 'NIGHTLY', broker))).toBe("2 plans of 'acme' are named 'NIGHTLY': ask the broker's operator.");
  });

  test('two organizations with one name: ask for the id', () => {
    expect(() => findOrganization([org('acme', 'A1'), org('ACME', 'A2')], 'acme', ACTION_WORDS)).toThrow(
      /2 organizations are named 'acme' \(ids A1, A2\).*id/,
    );
  });

  test('plan by name or id; unknown lists the plans', () => {
    const acme = org('acme', 'A1', [
      { id: 'P1', name: 'Nightly GitHub' },
      { id: 'P2', name: 'Weekly' },
    ]);
    expect(findPlan(acme, 'nightly github', ACTION_WORDS).id).toBe('P1');
    expect(findPlan(acme, 'p2', ACTION_WORDS).name).toBe('Weekly');
    expect(() => findPlan(acme, 'Nightly', ACTION_WORDS)).toThrow(
      /Plan 'Nightly' not found in organization 'acme'.*'Nightly GitHub', 'Weekly'/,
    );
    expect(() => findPlan(org('acme', 'A1'), 'x', ACTION_WORDS)).toThrow(/has no backup plans/);
  });

  test('repository full name', () => {
    expect(fullRepositoryName('api', org('acme', 'A1'))).toBe('acme/api');
    expect(fullRepositoryName('acme/team-a/api', org('acme', 'A1'))).toBe('acme/team-a/api');
  });

  test('a live repository wins over removed ones; near-matches are not matches', () => {
    const list = [repo('acme/api', 'R0', true), repo('acme/api-gateway', 'R9'), repo('ACME/API', 'R1')];
    expect(pickRepository(list, 'acme/api')).toEqual({ live: list[2], removed: list[0] });
    expect(pickRepository([repo('acme/api-gateway', 'R9')], 'acme/api')).toEqual({ live: undefined, removed: undefined });
  });

  test('attached through repositoryIds or includeAllRepositories; an unlisted plan has none', () => {
    const plans = [
      { id: 'P1', name: 'a', includeAllRepositories: false, repositoryIds: ['r1'] },
      { id: 'P2', name: 'b', includeAllRepositories: true, repositoryIds: [] },
    ];
    expect(isAttached(plans, 'P1', 'R1')).toBe(true);
    expect(isAttached(plans, 'P1', 'R2')).toBe(false);
    expect(isAttached(plans, 'P2', 'R2')).toBe(true);
    expect(isAttached(plans, 'P3', 'R1')).toBe(false);
  });

  test('closest', () => {
    expect(closest('nightly', ['Nightly GitHub', 'nighty'])).toBe('nighty');
    expect(closest('abc', ['xyz'])).toBeUndefined();
  });

  test('a plan named by the start of its name: suggested when only one plan starts so', () => {
    const org = {
      id: 'O1',
      name: 'acme',
      plans: [
        { id: 'P1', name: 'Nightly GitHub' },
        { id: 'P2', name: 'Weekly' },
      ],
    };
    expect(() => findPlan(org, 'nightly', ACTION_WORDS)).toThrow(
      "Plan 'nightly' not found in organization 'acme' (did you mean 'Nightly GitHub'?); its plans are: 'Nightly GitHub', 'Weekly'. Set plan to one of these names or to its id.",
    );
    const two = { ...org, plans: [...org.plans, { id: 'P3', name: 'Nightly GitLab' }] };
    expect(() => findPlan(two, 'Nightly', ACTION_WORDS)).toThrow(/^Plan 'Nightly' not found in organization 'acme'; its plans are:/);
    // Two letters are not a name.
    expect(() => findPlan(org, 'Ni', ACTION_WORDS)).toThrow(/^Plan 'Ni' not found in organization 'acme'; its plans are:/);
  });
});
