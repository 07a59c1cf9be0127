/**
 * The broker as an operator runs it, for the tests of the broker and of its clients (the CLI, the Action, the
 * GitLab component): `node dist/broker/index.js --config FILE` in front of the simulator, its audit lines
 * read as they arrive, and a configuration file for a fake OIDC issuer (oidc-issuer.ts).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { ROOT, TEST_NODE, baseEnv, runCommand, type TimedResult } from './harness.js';
import { EMAIL, PASSWORD, type World } from './fixtures.js';
import { type FakeIssuer, TEST_OWNER_IDS } from './oidc-issuer.js';
import { DEFAULT_CERT_DIR } from './simulator/index.js';

export const BROKER_ENTRY = join(ROOT, 'dist/broker/index.js');
/**
 * The test brokers' audience: the product's default name (the GitLab component's broker_audience default). A
 * broker's audience is that or its own URL, and a test broker's URL has a port known only once it listens.
 */
export const AUDIENCE = 'xopero-one-broker';

export interface AuditRecord {
  path?: string;
  status: number;
  decision: string;
  code?: string;
  repository?: string;
  plan?: string;
  changed?: boolean;
  xoperoRequests: { total: number; mutating: number };
}

/** A broker process: its URL once it listens, its audit lines as they arrive, its exit. */
export interface BrokerProcess {
  url: string;
  pid: number;
  audit: AuditRecord[];
  stderr: () => string;
  /** Resolves once `count` audit lines have arrived in all. */
  auditLines(count: number): Promise<AuditRecord[]>;
  /**
   * Resolves, with the number of audit lines, once the line of every request answered so far has arrived. The
   * broker writes a request's line before it answers, but this process reads the broker's stdout when its own
   * event loop gets to it: a test holding an answer may not hold its line yet, and a count taken then is short
   * (a test that took the last line, or counted from there, then read the line of the request before). So this
   * sends a request of its own to a path no other request uses, answered 404 and audited with that path; the
   * lines arrive in the order they were written, so once that one is here, every earlier one is too.
   */
  settle(): Promise<number>;
  /** The `count` lines from index `start` on (a count settle() gave), once they have arrived. */
  since(start: number, count: number): Promise<AuditRecord[]>;
  /** Resolves once stderr holds `text`. */
  stderrHas(text: string): Promise<void>;
  exit: Promise<TimedResult>;
}

export function startBroker(args: string[], env: Record<string, string>): Promise<BrokerProcess> {
  const audit: AuditRecord[] = [];
  let stderr = '';
  let stdoutRest = '';
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of waiters) waiter();
  };
  const until = <T>(ready: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = () => {
        const value = ready();
        if (value === undefined) return;
        waiters.delete(check);
        resolve(value);
      };
      waiters.add(check);
      check();
    });
  let pid = 0;
  const exit = runCommand(TEST_NODE, args, env, {
    timeoutMs: 240_000,
    onSpawn: (id) => {
      pid = id;
    },
    onOutput: (stream, text) => {
      if (stream === 'stderr') stderr += text;
      else {
        const lines = (stdoutRest + text).split('\n');
        stdoutRest = lines.pop() ?? '';
        for (const line of lines) audit.push(JSON.parse(line) as AuditRecord);
      }
      changed();
    },
  });
  void exit.then(changed);
  let exited = false;
  void exit.then(() => {
    exited = true;
    changed();
  });
  const listening = until(() => /listening on (\S+)/.exec(stderr)?.[1] ?? (exited ? 'exited' : undefined));
  return listening.then((url) => {
    if (url === 'exited') throw new Error(`the broker did not start: ${stderr}`);
    return {
      url,
      pid,
      audit,
      stderr: () => stderr,
      auditLines: (count) => until(() => (audit.length >= count ? audit.slice(0, count) : undefined)),
      settle: async () => {
        const path = `/settle-${randomUUID()}`;
        await postAndForget(url, path);
        return until(() => (audit.some((line) => line.path === path) ? audit.length : undefined));
      },
      since: (start, count) => until(() => (audit.length >= start + count ? audit.slice(start, start + count) : undefined)),
      stderrHas: (text) => until(() => (stderr.includes(text) ? true : undefined)).then(() => undefined),
      exit,
    };
  });
}

/** POSTs an empty body to `path` of the broker (over TLS: the test CA's certificate) and reads the answer to its end. */
function postAndForget(url: string, path: string): Promise<void> {
  const target = new URL(path, url);
  const send = target.protocol === 'https:' ? https.request : http.request;
  const ca = readFileSync(join(DEFAULT_CERT_DIR, 'ca.crt'));
  return new Promise((resolve, reject) => {
    const request = send(target, { method: 'POST', ca, agent: false }, (response) => {
      response.resume();
      response.once('end', () => resolve());
      response.once('error', reject);
    });
    request.once('error', reject);
    request.end();
  });
}

/** A broker configuration file in `dir`, for the simulator and `issuer` (a GitHub issuer for acme's repositories). */
export function writeBrokerConfig(dir: string, world: World, issuer: FakeIssuer, overrides: Record<string, unknown> = {}): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  const config = {
    listen: { host: '127.0.0.1', port: 0 },
    tls: { certFile: join(DEFAULT_CERT_DIR, 'server.crt'), keyFile: join(DEFAULT_CERT_DIR, 'server.key') },
    audience: AUDIENCE,
    xopero: {
      serverUrl: world.url,
      caCertificateFile: world.sim.caCertPath,
      emailVariable: 'BROKER_XOPERO_EMAIL',
      passwordVariable: 'BROKER_XOPERO_PASSWORD',
    },
    // acme pinned to the id the test CI gives it (oidc-issuer.ts TEST_OWNER_IDS), as an operator would pin it.
    issuers: [{ issuer: issuer.url, kind: 'github', owners: ['acme'], ownerIds: { acme: TEST_OWNER_IDS.acme } }],
    plans: [{ repositories: ['acme/*'], allowed: ['Nightly GitHub', 'Weekly'], default: 'Nightly GitHub' }],
    limits: { perRepository: { requests: 1000, windowSeconds: 60 }, waitTimeoutSeconds: 10 },
    ...overrides,
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** The broker's environment: the credential under the names the config gives, the test CA for the issuer's keys. */
export const brokerEnv = (world: World) =>
  baseEnv({ BROKER_XOPERO_EMAIL: EMAIL, BROKER_XOPERO_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: world.sim.caCertPath });
