/**
 * A burst through the shared session, in this process: many single-repository runs of the core at once, each
 * with its own client over one transport and one sign-in, as the broker runs them. The shared-session tests and
 * `npm run bench:broker -- --in-process` use it.
 */
import { silentLog } from '../src/core/log.js';
import { protectRepository, type ProtectResult } from '../src/core/protect.js';
import { signIn } from '../src/core/sign-in.js';
import { systemClock, type Clock } from '../src/core/synchronize.js';
import { parseSettings, type Credentials } from '../src/settings/settings.js';
import { XoperoClient, type LoginSession } from '../src/xopero/client.js';
import { SharedSession } from '../src/xopero/shared-session.js';
import { createTransport, type Transport } from '../src/xopero/transport.js';
import type { Simulator, SimRepo } from './simulator/index.js';

export const BURST_ORGANIZATION = 'acme';
export const BURST_PLAN = 'Nightly';

/**
 * Organization `acme` with `size` repositories and plan `Nightly`: the first `targets` of them (spread evenly
 * through the list) neither license-activated nor attached, the others both. Add it before `sim.start()`.
 */
export function seedBurstOrganization(sim: Simulator, size: number, targets: number): { targets: SimRepo[]; all: SimRepo[] } {
  const org = sim.addOrganization({ name: BURST_ORGANIZATION });
  const chosen = new Set(Array.from({ length: targets }, (_, k) => Math.floor((k * size) / targets)));
  const all = sim.addRepositories(org.id, size, (i) => ({ isProtected: !chosen.has(i) }));
  const attached = all.filter((_, i) => !chosen.has(i)).map((repo) => repo.id);
  sim.addPlan(org.id, { name: BURST_PLAN, repositoryIds: attached });
  return { targets: all.filter((_, i) => chosen.has(i)), all };
}

export interface BurstClients {
  session: SharedSession;
  serverUrl: URL;
  credentials: Credentials;
  /** A client for one run: its own count and malformed-answer stop, over the shared transport and sign-in. */
  client(): XoperoClient;
  transport: Transport;
}

/**
 * The session and the way to make each run's client against the simulator (its CA trusted), as the broker makes
 * them (src/hosts/broker/xopero.ts): one transport and one sign-in (LoginSession) under every client.
 */
export function burstClients(sim: Simulator, credentials: Credentials, session = new SharedSession()): BurstClients {
  const serverUrl = new URL(sim.url);
  const transport = createTransport({ serverUrl, caCertificate: sim.caCert });
  const signIn: LoginSession = {};
  return {
    session,
    serverUrl,
    credentials,
    transport,
    client: () => new XoperoClient({ serverUrl, credentials, transport, session: signIn }),
  };
}

export interface CallerRun {
  name: string;
  result?: ProtectResult;
  error?: unknown;
  requests: { total: number; mutating: number };
  /** Ms from the start of the burst to this run's answer. */
  answeredAfterMs: number;
}

/** One run of the core for each name, all at once (each as its own caller of the session). */
export async function protectAll(clients: BurstClients, names: string[], clock: Clock = systemClock): Promise<CallerRun[]> {
  const { credentials } = clients;
  const started = performance.now();
  const callers = names.map((name) => {
    const client = clients.client();
    return { name, client, api: clients.session.caller(client) };
  });
  return Promise.all(
    callers.map(async ({ name, client, api }): Promise<CallerRun> => {
      const settings = parseSettings({
        'server-url': String(clients.serverUrl),
        organization: BURST_ORGANIZATION,
        repository: name,
        plan: BURST_PLAN,
        ...(credentials.kind === 'token'
          ? { 'access-token': credentials.token }
          : { email: credentials.email, password: credentials.password }),
      });
      const context = { client: api, settings, log: silentLog, clock };
      try {
        await signIn(context);
        const result = await protectRepository(context);
        return { name, result, requests: { ...client.requestCount }, answeredAfterMs: performance.now() - started };
      } catch (error) {
        return { name, error, requests: { ...client.requestCount }, answeredAfterMs: performance.now() - started };
      }
    }),
  );
}
