/**
 * [release] The GitHub archived-repository lister a host hands to the core for `reclaim: archived`. Only this
 * stub is in the main bundle: the lister and octokit (src/hosts/github-archived.ts) load on first use.
 */
import type { ArchivedLister } from '../core/release.js';
import type { Settings } from '../settings/settings.js';

export function lazyArchivedLister(settings: Settings, env: Record<string, string | undefined>): ArchivedLister | undefined {
  const token = settings.githubToken;
  if (!token || !settings.reclaim.includes('archived')) return undefined;
  return async (owner) => {
    const { githubArchivedLister } = await import('./github-archived.js');
    return githubArchivedLister({ token, apiUrl: env.GITHUB_API_URL, env })(owner);
  };
}
