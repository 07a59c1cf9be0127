/**
 * The GitHub Actions job's OIDC identity token (issue #25), from the runner: @actions/core's getIDToken asks
 * ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN for a token minted for the broker's
 * audience. Loaded only for a run through the broker, so @actions/core stays out of dist/index.js's
 * every-run path.
 */
import { getIDToken } from '@actions/core';
import { XoperoError, describeError } from '../common/errors.js';
import { addSecret } from '../common/redact.js';
import type { IdTokenRequest } from './id-token.js';

export async function githubIdToken({ audience, env, words }: IdTokenRequest): Promise<string> {
  // The runner sets both variables only for a job with `permissions: id-token: write`: checked before
  // anything is asked, so a job without it makes no request at all, not even for the broker's audience.
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new XoperoError(
      `${words.name('broker-url')} is set but this job may not ask GitHub for an identity token: add \`permissions: id-token: write\` to the job.`,
    );
  }
  // The runner masks its request token itself; registered here too, so no line of ours can carry it.
  addSecret(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  const wanted = await audience();
  let token: string;
  try {
    // getIDToken masks the token (::add-mask::) the moment it has it, before returning it.
    token = await getIDToken(wanted);
  } catch (error) {
    // Its message spans lines ("Failed to get ID Token. \n Error Code : 401 ..."): one line here.
    const cause = describeError(error).replace(/\s+/g, ' ').trim();
    throw new XoperoError(`GitHub gave this job no identity token for the broker's audience '${wanted}': ${cause}; re-run the job.`);
  }
  addSecret(token);
  return token;
}
