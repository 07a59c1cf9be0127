/**
 * Asking the broker instead of running the core: what the run driver (run.ts, chooseOperation) loads when
 * `broker-url` is set, as it loads local-run.ts otherwise (the Action in a file of its own, beside
 * dist/index.js; the command line has it in its file). It
 * sends the CI job's identity token (only in the Authorization header) and the body the protocol allows (mode,
 * dryRun, plan), and returns the broker's RunOutcome, which the host renders exactly as a local run's (report,
 * outputs, summary, dotenv, exit code). A refusal becomes one line with the broker's code.
 *
 * Transport: the product's (TLS verification on, ca-certificate honoured, HTTPS_PROXY/NO_PROXY). Retries
 * only where the broker did nothing with the token: 429 and 503 (it records a token as used only when the core
 * starts) and connection failures before the request was sent. An answer lost after the core ran is not
 * repeated: the broker would refuse the same token again (token_replayed), and the run changed nothing twice.
 */
import { CancelledError } from '../common/cancel.js';
import { XoperoError, noteChangesBeforeStop } from '../common/errors.js';
import { addSecret } from '../common/redact.js';
import type { RunOptions, RunOutcome } from '../core/run.js';
import type { IdTokenHost } from './id-token.js';
import {
  acceptableBrokerAudience,
  DEFAULT_BROKER_AUDIENCE,
  ownBrokerAudience,
  type BrokerClientSettings,
} from '../settings/broker-client.js';

// The settings of a broker run are parsed from this part too: the Action's start-up file does not carry them.
export { parseBrokerClientSettings } from '../settings/broker-client.js';
import type { HostWords } from '../common/words.js';
import type { ProtectResult } from '../core/protect.js';
import { transportError } from '../xopero/http-errors.js';
import { SAFE_ID } from '../xopero/schemas.js';
import { FAILURE_CODES } from '../xopero/retry.js';
import { createTransport, type Transport } from '../xopero/transport.js';

/** The whole run through the broker may take the core's synchronization wait and more; the broker bounds it itself. */
const BROKER_ANSWER_TIMEOUT_MS = 15 * 60_000;
const PROTECT_PATH = '/v1/protect';

/** A refusal or failure the broker reported: one line, with its code. */
export class BrokerRefusal extends XoperoError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The run driver's broker operation (run.ts, chooseOperation): the host's identity token first (a job that
 * cannot have one stops there, before any request), then the broker's RunOutcome.
 */
export async function askBroker(
  { host, env, words }: { host: IdTokenHost; env: NodeJS.ProcessEnv; words: HostWords },
  settings: BrokerClientSettings,
  { log, signal }: Pick<RunOptions, 'log' | 'signal'>,
): Promise<RunOutcome> {
  if (!host.idToken) throw new XoperoError(`${words.name('broker-url')} is set, but ${host.name} gives this run no identity token.`);
  const audience = () => fetchBrokerAudience(settings, { env, signal });
  const idToken = await host.idToken({ audience, env, words });
  return runThroughBroker(settings, idToken, {
    env,
    signal,
    onRetry: (reason, attempt, delayMs) =>
      log.warning(`Retrying the broker after ${reason} (retry ${attempt}, in ${(delayMs / 1000).toFixed(1)} s).`),
  });
}

export interface BrokerRunOptions {
  /** HTTPS_PROXY / NO_PROXY are read from here. */
  env?: Record<string, string | undefined>;
  /** Aborts the wait (the host's SIGINT/SIGTERM); the broker finishes what it started. */
  signal?: AbortSignal;
  onRetry?: (reason: string, attempt: number, delayMs: number) => void;
}

export async function runThroughBroker(
  settings: BrokerClientSettings,
  idToken: string,
  options: BrokerRunOptions = {},
): Promise<RunOutcome> {
  addSecret(idToken);
  const transport = createTransport({
    serverUrl: settings.brokerUrl,
    env: options.env ?? {},
    caCertificate: settings.caCertificate,
    onRetry: options.onRetry,
    retryOn: { statusCodes: [429, 503], errorCodes: ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'] },
  });
  const url = new URL(`${settings.brokerUrl.href.replace(/\/+$/, '')}${PROTECT_PATH}`);
  const body = { mode: settings.mode, dryRun: settings.dryRun, ...(settings.plan ? { plan: settings.plan } : {}) };
  try {
    let answer: { statusCode: number; text: string };
    try {
      answer = await transport.send({
        origin: url.origin,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${idToken}` },
        body: JSON.stringify(body),
        timeoutMs: BROKER_ANSWER_TIMEOUT_MS,
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw new CancelledError({ total: 0, mutating: 0 }, 0);
      throw brokerTransportError(error, url, transport.proxy, transport.caPinned, settings.words);
    }
    return readAnswer(answer.statusCode, answer.text, settings.brokerUrl, settings.words);
  } finally {
    transport.destroy().catch(() => undefined);
  }
}

/**
 * The audience the broker expects (`GET /.well-known/xopero-broker`), for hosts that choose the token's audience at
 * run time (the GitHub Action: getIDToken(audience)). A GET that changes nothing: retried like any read.
 */
export async function fetchBrokerAudience(
  settings: BrokerClientSettings,
  options: Pick<BrokerRunOptions, 'env' | 'signal'> = {},
): Promise<string> {
  const transport = createTransport({ serverUrl: settings.brokerUrl, env: options.env ?? {}, caCertificate: settings.caCertificate });
  const url = new URL(`${settings.brokerUrl.href.replace(/\/+$/, '')}/.well-known/xopero-broker`);
  try {
    let answer: { statusCode: number; text: string };
    try {
      answer = await transport.send({
        origin: url.origin,
        path: url.pathname,
        method: 'GET',
        timeoutMs: BROKER_ANSWER_TIMEOUT_MS,
        signal: options.signal,
      });
    } catch (error) {
      throw brokerTransportError(error, url, transport.proxy, transport.caPinned, settings.words);
    }
    let audience: unknown;
    try {
      audience = (JSON.parse(answer.text) as { audience?: unknown }).audience;
    } catch {
      audience = undefined;
    }
    if (answer.statusCode !== 200 || typeof audience !== 'string' || !audience) {
      throw new BrokerRefusal(
        answer.statusCode,
        'no_audience',
        `${url.origin} did not name its audience at ${url.pathname} (HTTP ${answer.statusCode}): is ${settings.words.name('broker-url')} the broker's address?`,
      );
    }
    if (!acceptableBrokerAudience(audience, settings.brokerUrl)) {
      const own = ownBrokerAudience(settings.brokerUrl);
      throw new BrokerRefusal(
        answer.statusCode,
        'audience_not_allowed',
        `${url.origin} names '${audience.slice(0, 200)}' as its audience; a token is asked only for the broker's own URL (${own}) or ${DEFAULT_BROKER_AUDIENCE}, so that none is good for another service: set the broker's audience to ${own}.`,
      );
    }
    return audience;
  } finally {
    transport.destroy().catch(() => undefined);
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const WORD = /^[a-z-]{1,40}$/;

/**
 * The first field of the broker's outcome that is not what a broker gives, or undefined. Checked as a server's
 * answer is (src/xopero/schemas.ts): its ids, times, numbers and words go into outputs that workflows put into
 * `run:` scripts and into the dotenv file Bitbucket steps `source`, where `;`, `$(...)` or a line break in a
 * value would be shell. Names and problems only reach logs and summaries, which neutralize them.
 */
function unsafeField(outcome: RunOutcome): string | undefined {
  const result = outcome.result as Partial<ProtectResult>;
  const checks: Array<[string, boolean]> = [
    ['kind', result.kind === 'repository'],
    ['organization.id', typeof result.organization?.id === 'string' && SAFE_ID.test(result.organization.id)],
    ['organization.name', typeof result.organization?.name === 'string'],
    ['repository.id', typeof result.repository?.id === 'string' && (result.repository.id === '' || SAFE_ID.test(result.repository.id))],
    ['repository.name', typeof result.repository?.name === 'string'],
    ['plan.id', result.plan === undefined || (typeof result.plan.id === 'string' && SAFE_ID.test(result.plan.id))],
    ['changed', typeof result.changed === 'boolean'],
    ['problems', Array.isArray(result.problems) && result.problems.every((problem) => typeof problem === 'string')],
    ...(['synchronization', 'activation', 'attachment', 'mode'] as const).map((name): [string, boolean] => [
      name,
      typeof result[name] === 'string' && WORD.test(result[name] as string),
    ]),
    ...(['lastBackup', 'lastSuccessfulBackup', 'nextBackup'] as const).map((name): [string, boolean] => {
      const value = result.backup?.[name];
      return [`backup.${name}`, result.backup === undefined || (typeof value === 'string' && (value === '' || ISO_TIME.test(value)))];
    }),
    [
      'backup.ageSeconds',
      result.backup?.ageSeconds === undefined || (Number.isSafeInteger(result.backup.ageSeconds) && result.backup.ageSeconds >= 0),
    ],
    ['requests', Number.isSafeInteger(outcome.requests?.total) && Number.isSafeInteger(outcome.requests?.mutating)],
  ];
  return checks.find(([, ok]) => !ok)?.[0];
}

/** 200 with the outcome, or the broker's error document as one line. */
function readAnswer(status: number, text: string, brokerUrl: URL, words: HostWords): RunOutcome {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new BrokerRefusal(
      status,
      'not_json',
      `${brokerUrl.origin} answered HTTP ${status} with something other than JSON: is the broker URL right (not a proxy's or a login page)?`,
    );
  }
  if (status === 200) {
    const outcome = (document as { outcome?: RunOutcome }).outcome;
    if (
      !outcome ||
      typeof outcome.result !== 'object' ||
      !Array.isArray(outcome.result?.problems) ||
      typeof outcome.requests?.total !== 'number'
    ) {
      throw new BrokerRefusal(
        status,
        'malformed_answer',
        `${brokerUrl.origin} answered 200 without a run outcome: is it a Xopero ONE broker of this version?`,
      );
    }
    const unsafe = unsafeField(outcome);
    if (unsafe) {
      throw new BrokerRefusal(
        status,
        'malformed_answer',
        `${brokerUrl.origin} answered with a run outcome whose ${unsafe} is not what a broker gives: nothing of it was published; check that ${words.name('broker-url')} names a Xopero ONE broker of this version.`,
      );
    }
    return outcome;
  }
  const error = (document as { error?: { code?: unknown; message?: unknown; changesConfirmed?: unknown } }).error;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  const message = typeof error?.message === 'string' ? error.message.split('\n')[0] : `HTTP ${status}`;
  const refusal = new BrokerRefusal(status, code, `The broker refused the run (${code}, HTTP ${status}): ${message}`);
  // The core ran there and stopped after a change (xopero_failed): published as a local run's stop would be.
  const changes = error?.changesConfirmed;
  if (typeof changes === 'number' && Number.isSafeInteger(changes)) noteChangesBeforeStop(refusal, changes);
  throw refusal;
}

/**
 * The product's transport errors, naming the broker and its setting instead of Xopero ONE's. A timeout is the
 * broker's own case: its answer may take the whole run (BROKER_ANSWER_TIMEOUT_MS) and is never retried (the run
 * may have gone on there), unlike the 30 s and five attempts of a Xopero ONE request.
 */
export function brokerTransportError(
  error: unknown,
  url: URL,
  proxy: Transport['proxy'] | undefined,
  caPinned: boolean,
  words: HostWords,
): XoperoError {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === FAILURE_CODES.headersTimeout || code === FAILURE_CODES.bodyTimeout) {
    return new XoperoError(
      `The broker at ${url.host} accepted the connection but did not answer within ${BROKER_ANSWER_TIMEOUT_MS / 60_000} minutes (not retried: the run may have gone on there): check the broker's log, then re-run; a re-run changes nothing that is already done.`,
    );
  }
  const brokerWords: HostWords = { ...words, name: (input) => words.name(input === 'server-url' ? 'broker-url' : input) };
  const endpoint = { path: PROTECT_PATH, authenticated: false, mutating: true, retrySafe: 'see the file comment' };
  const message = transportError(error, url, endpoint, proxy, caPinned, brokerWords)
    .message.replace(/Xopero ONE/g, 'the broker')
    .replace('the Management Service is running', 'the broker is running');
  return new XoperoError(message);
}
