/**
 * The GitHub archived-repository lister a host hands to the core for `reclaim: archived`. Only this
 * stub is in the main bundle: the lister and octokit (src/hosts/github-archived.ts) load on first use, from a
 * file ncc emits beside the bundle (dist/NNN.index.js, dist/cli/NNN.index.js).
 */
import { XoperoError } from '../common/errors.js';
import type { ArchivedLister } from '../core/reclaim.js';
import type { Settings } from '../settings/settings.js';

export function lazyArchivedLister(settings: Settings, env: Record<string, string | undefined>): ArchivedLister | undefined {
  const token = settings.githubToken;
  if (!token || !settings.reclaim.includes('archived')) return undefined;
  return async (owner) => {
    let lister: typeof import('./github-archived.js');
    try {
      lister = await import('./github-archived.js');
    } catch (error) {
      // The GitLab component runs the pinned CLI file alone, without the files loaded on demand.
      const code = (error as { code?: string }).code ?? 'not found';
      throw new XoperoError(
        `reclaim: archived needs the GitHub API client, a file shipped beside this bundle, which cannot be loaded here (${code}): run the reclaim of archived repositories from the GitHub Action or the npm package's CLI, or use reclaim: removed.`,
      );
    }
    return lister.githubArchivedLister({ token, apiUrl: env.GITHUB_API_URL, env })(owner);
  };
}
