/**
 * The run's first step, "Sign in": the login with email and password (nothing to send with an access token),
 * and what the log says of it. core/run.ts takes it before the rest of the core has loaded, so the step is open
 * while the first request is out (a cancellation then names it); the broker's runs take it in runWithClient.
 */
import type { RunContext } from './context.js';

/** Signs in; `alongside` (the rest of the core loading) is waited for inside the step, and its value returned. */
export function signIn<T = undefined>(
  { client, settings, log }: Pick<RunContext, 'client' | 'settings' | 'log'>,
  alongside: Promise<T> = Promise.resolve(undefined as T),
): Promise<T> {
  return log.group('Sign in', async () => {
    await client.login();
    const value = await alongside;
    log.info(settings.credentials.kind === 'token' ? 'Using the given access token.' : `Signed in to ${settings.serverUrl.origin}.`);
    return value;
  });
}
