/**
 * The CI job's OIDC identity token for the broker (issue #25), as the command line's hosts find it: in a
 * variable of the job. GitLab has no variable of its own (a job names its tokens: the CI/CD component's
 * `id_tokens: XOPERO_ID_TOKEN`), Bitbucket sets BITBUCKET_STEP_OIDC_TOKEN in a step with `oidc: true`, any
 * other CI can put one in XOPERO_ID_TOKEN. The first found wins, and is masked the moment it is read.
 */
import { XoperoError } from '../common/errors.js';
import { addSecret } from '../common/redact.js';
import type { HostWords } from '../common/words.js';

/** What a host is given to obtain its token (Host.idToken in host.ts). */
export interface IdTokenRequest {
  /** Asks the broker which audience it expects (GET /.well-known/xopero-broker): for hosts that choose it at run time. */
  audience: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  words: HostWords;
}

/** The part of a Host the broker's operation uses (broker-client.ts, askBroker). */
export interface IdTokenHost {
  readonly name: string;
  idToken?(request: IdTokenRequest): Promise<string>;
}

/** Where the identity token is read from, first found wins. */
export const ID_TOKEN_VARIABLES = ['XOPERO_ID_TOKEN', 'BITBUCKET_STEP_OIDC_TOKEN'] as const;

/** The token, or one line in the host's words: `remedy` says how that CI gives a job its token. */
export function idTokenFromEnvironment(env: NodeJS.ProcessEnv, words: HostWords, remedy: string): string {
  for (const name of ID_TOKEN_VARIABLES) {
    const token = env[name]?.trim();
    if (token) {
      addSecret(token);
      return token;
    }
  }
  throw new XoperoError(`${words.name('broker-url')} is set but this job has no identity token: ${remedy}`);
}
