/**
 * The shared session's reads (src/xopero/shared-session.ts) on a stand-in client that holds its answers and a
 * clock the test moves: a caller joins a read under way only while it is no older than a cached read may be.
 */
import { describe, expect, test } from '@jest/globals';
import type { Organization, Repository } from '../../../src/xopero/api-types.js';
import type { ActivationById, XoperoClient } from '../../../src/xopero/client.js';
import { READ_MAX_AGE_MS, SharedSession } from '../../../src/xopero/shared-session.js';

/** A client whose organization reads are recorded and answered when the test says so. */
function holdingClient() {
  const answers: Array<(organizations: Organization[]) => void> = [];
  const client = {
    listOrganizations: () => new Promise<Organization[]>((resolve) => answers.push(resolve)),
  } as unknown as XoperoClient;
  return { client, answers };
}

const organization = (name: string) => ({ id: name, name }) as unknown as Organization;

describe('a read under way', () => {
  test('is joined while it is no older than the bound', async () => {
    let now = 1_000_000;
    const { client, answers } = holdingClient();
    const session = new SharedSession({ now: () => now });
    const first = session.organizationsRead(client, 0);
    now += READ_MAX_AGE_MS;
    const second = session.organizationsRead(client, 0);
    expect(answers).toHaveLength(1);
    answers[0]([organization('acme')]);
    expect((await second).seq).toBe((await first).seq);
  });

  test('older than the bound, a new read starts beside it, and its caller gets that one', async () => {
    let now = 1_000_000;
    const { client, answers } = holdingClient();
    const session = new SharedSession({ now: () => now });
    const first = session.organizationsRead(client, 0);
    now += READ_MAX_AGE_MS + 1;
    const second = session.organizationsRead(client, 0);
    expect(answers).toHaveLength(2);
    answers[1]([organization('new')]);
    expect((await second).value.map((o) => o.name)).toEqual(['new']);
    expect((await second).startedAt).toBe(now);
    // The old read, answered last, does not replace the newer one for later callers.
    answers[0]([organization('old')]);
    expect((await first).value.map((o) => o.name)).toEqual(['old']);
    expect((await session.organizationsRead(client, 0)).value.map((o) => o.name)).toEqual(['new']);
    expect(answers).toHaveLength(2);
  });
});

describe('two reads under way', () => {
  /** A client whose listings and activations are answered when the test says so. */
  function listingClient() {
    const listings: Array<(page: { repositories: Repository[]; synchronizationInProgress: boolean }) => void> = [];
    const activations: Array<(answer: ActivationById) => void> = [];
    const called: Array<() => void> = [];
    const client = {
      listRepositories: () => new Promise((resolve) => listings.push(resolve)),
      activate: () =>
        new Promise((resolve) => {
          activations.push(resolve);
          called.shift()?.();
        }),
    } as unknown as XoperoClient;
    // Resolves when the session sends its next activation call (it batches callers first, on a timer).
    const nextActivation = () => new Promise<void>((resolve) => called.push(resolve));
    return { client, listings, activations, nextActivation };
  }
  const unprotected = (id: string) => ({ id, name: `acme/${id}`, isProtected: false }) as unknown as Repository;
  const activated = (...ids: string[]): ActivationById => ({ activated: ids, failed: new Map(), unconfirmed: [] });
  const protectedIds = (listing: { byId: Map<string, Repository> }) =>
    [...listing.byId.values()].filter((repo) => repo.isProtected).map((repo) => repo.id);

  test('the older one, answered last, still gets every change confirmed since it began', async () => {
    let now = 1_000_000;
    const { client, listings, activations, nextActivation } = listingClient();
    const session = new SharedSession({ now: () => now, activationWindowMs: 0 });
    const older = session.listingRead(client, 'org', 0);
    const xSent = nextActivation();
    const x = session.activate(client, ['x']);
    await xSent;
    activations[0](activated('x'));
    await x; // X confirmed while only the older read is under way
    now += READ_MAX_AGE_MS + 1;
    const newer = session.listingRead(client, 'org', 0); // the older read is past the bound: a second one begins
    expect(listings).toHaveLength(2);
    // Begun after X was confirmed, it reads X protected from the server.
    listings[1]({ repositories: [{ ...unprotected('x'), isProtected: true }, unprotected('y')], synchronizationInProgress: false });
    expect(protectedIds((await newer).value)).toEqual(['x']);
    const ySent = nextActivation();
    const y = session.activate(client, ['y']);
    await ySent;
    activations[1](activated('y'));
    await y; // Y confirmed after the newer read has answered, while the older one is still under way
    // Begun before both, it reads neither protected; both changes are applied to it when it arrives.
    listings[0]({ repositories: [unprotected('x'), unprotected('y')], synchronizationInProgress: false });
    expect(protectedIds((await older).value)).toEqual(['x', 'y']);
  });
});
