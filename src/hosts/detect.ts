/** Which CI the command line runs in, from the variables each one sets in every job. */
import { azureHost } from './azure.js';
import { bitbucketHost } from './bitbucket.js';
import { gitlabHost } from './gitlab.js';
import { plainHost, type Env, type Host } from './host.js';

export function detectHost(env: Env): Host {
  if (env.GITLAB_CI === 'true') return gitlabHost;
  // The agent sets TF_BUILD=True in every job (the name is historical: Team Foundation Build).
  if (env.TF_BUILD?.toLowerCase() === 'true') return azureHost;
  if (env.BITBUCKET_BUILD_NUMBER) return bitbucketHost;
  return plainHost;
}
