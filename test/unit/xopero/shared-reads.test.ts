/**
 * The shared session's reads (src/xopero/shared-session.ts) on a stand-in client that holds its answers and a
 * clock the test moves: a caller joins a read under way only while it is no older than a cached read may be.
 */
import { describe, expect, test } from '@jest/globals';
import type { Organization } from '../../../src/xopero/api-types.js';
import type { XoperoClient } from '../../../src/xopero/client.js';
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
