/**
 * The inputs of releasing licenses (issue 16): `mode: release` / `release-check`, `remove`, `reclaim`,
 * `release-limit`, `github-token`. Parsed here, beside settings.ts, so the protect inputs stay where they were.
 */
import { InputError } from '../common/errors.js';
import { ACTION_WORDS, type HostWords } from '../common/words.js';
import type { RunMode } from './inputs.js';

/** What reclaim in a sweep releases: repositories Xopero ONE marks removed, archived ones of the GitHub organization. */
export type ReclaimSource = 'removed' | 'archived';

export interface ReleaseSettings {
  /**
   * protect (the default) or release (`mode: release`, or `mode: release-check`: then `mode` is 'check').
   * `mode` keeps its meaning for both: ensure changes, check only fails when something would change.
   */
  operation: 'protect' | 'release';
  /** mode: release also removes the repository from Xopero ONE (after deactivating it). */
  remove: boolean;
  /** Sweep only: what to release besides protecting; empty: nothing. */
  reclaim: ReclaimSource[];
  /** A run that would release more repositories than this fails before changing anything. */
  releaseLimit: number;
  /** Token for the GitHub REST API (reclaim: archived). Masked as soon as it is read; never logged. */
  githubToken?: string;
}

export const RELEASE_LIMIT = 50;
const TRUE = ['true', 'yes', 'on', '1'];
const FALSE = ['false', 'no', 'off', '0'];

/** `mode` and the release inputs; `get` gives an input's trimmed text. Combinations that would be ignored are refused. */
export function parseReleaseSettings(
  get: (name: 'mode' | 'remove' | 'reclaim' | 'release-limit' | 'github-token') => string,
  sweep: boolean,
  words: HostWords = ACTION_WORDS,
): ReleaseSettings & { mode: RunMode } {
  const settings = {
    ...parseMode(get('mode')),
    remove: parseSwitch(get('remove')),
    reclaim: parseReclaim(get('reclaim')),
    releaseLimit: parseReleaseLimit(get('release-limit')),
    githubToken: get('github-token') || undefined,
  };
  if (settings.operation === 'release' && sweep) {
    throw new InputError(
      'mode',
      `release works on one repository (${words.name('repository')}); to release many, run a sweep (${words.name('repositories')}) with ${words.name('reclaim')}.`,
    );
  }
  if (settings.remove && settings.operation !== 'release') {
    throw new InputError('remove', `applies only to ${words.set('mode', 'release')} (it removes the released repository from Xopero ONE).`);
  }
  if (settings.reclaim.length > 0 && !sweep) {
    throw new InputError(
      'reclaim',
      `works in an organization sweep: set ${words.name('repositories')} to the patterns whose repositories may be released (e.g. *).`,
    );
  }
  if (settings.reclaim.includes('archived') && !settings.githubToken) {
    throw new InputError(
      'github-token',
      `is empty, but ${words.set('reclaim', 'archived')} reads the archived repositories from the GitHub API: pass a token that can read the organization's repositories.`,
    );
  }
  return settings;
}

/** `mode`: ensure, check, release (detach, deactivate) or release-check (fail when release would change something). */
function parseMode(value: string): { mode: RunMode; operation: ReleaseSettings['operation'] } {
  const choices = ['ensure', 'check', 'release', 'release-check'];
  const mode = (value || 'ensure').toLowerCase();
  if (!choices.includes(mode)) throw new InputError('mode', `expected one of ${choices.join(', ')}, got '${value}'.`);
  if (mode === 'release') return { mode: 'ensure', operation: 'release' };
  if (mode === 'release-check') return { mode: 'check', operation: 'release' };
  return { mode: mode as RunMode, operation: 'protect' };
}

function parseSwitch(value: string): boolean {
  if (!value || FALSE.includes(value.toLowerCase())) return false;
  if (TRUE.includes(value.toLowerCase())) return true;
  throw new InputError('remove', `expected true or false, got '${value}'.`);
}

function parseReclaim(value: string): ReclaimSource[] {
  const parts = value
    .split(/[\n,]/)
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  for (const part of parts) {
    if (part !== 'removed' && part !== 'archived') {
      throw new InputError('reclaim', `expected removed, archived, or both (comma-separated), got '${part}'.`);
    }
  }
  return [...new Set(parts as ReclaimSource[])].sort();
}

function parseReleaseLimit(value: string): number {
  if (!value) return RELEASE_LIMIT;
  if (!/^\d+$/.test(value)) throw new InputError('release-limit', `expected a whole number of repositories (e.g. 50), got '${value}'.`);
  return Number(value);
}
