/** The transport's interface (transport.ts builds one; direct-transport.ts and proxy-transport.ts implement it). */
import type { Socket } from 'node:net';
import type { ProxyChoice } from './proxy.js';
import type { Answer, RetryRules } from './retry.js';

export interface TransportOptions {
  serverUrl: URL;
  /** Where HTTPS_PROXY / NO_PROXY are read from (the faces pass process.env). */
  env?: Record<string, string | undefined>;
  /** PEM certificate(s): the only CAs trusted for the server (see trust()). */
  caCertificate?: string;
  /** Called before each retry, so the log says why the run waits. */
  onRetry?: (reason: string, attempt: number, delayMs: number) => void;
  /** The first connection, opened while the code loaded (early-connection.ts); direct connections only. */
  earlyConnection?: Promise<Socket | undefined>;
  /** Test hook: scales every backoff delay (the simulator's tests use tiny delays). */
  retryDelayScale?: number;
  /**
   * Narrower retry rules than RETRY's, for a server where not every failure is safe to repeat (the broker: an
   * answer lost after it consumed the identity token cannot be asked again with the same token).
   */
  retryOn?: RetryRules;
}

export interface TransportRequest {
  /** e.g. https://xopero.example.com:8443 */
  origin: string;
  /** The path with its query, e.g. /api/v1/account/login */
  path: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Longest wait for the answer's headers, and between two parts of its body. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** This request's retry rules, when narrower than the transport's (a changing call: CHANGING_CALL_RETRY). */
  retryOn?: RetryRules;
}

/** The whole answer, whatever its status: a redirect is not followed (the next hop would get the token). */
export type TransportAnswer = Answer;

export interface Transport {
  /** Sends one request, retried as retry.ts says; resolves with the server's answer, whatever its status. */
  send(request: TransportRequest): Promise<TransportAnswer>;
  /** Drops the idle keep-alive connections so the process can exit at once. */
  destroy(): Promise<void>;
  proxy: ProxyChoice;
  /** Whether ca-certificate was given, so the server is trusted only if one of its CAs signed it. */
  caPinned: boolean;
}

/** The parts each implementation provides. */
export type TransportCore = Pick<Transport, 'send' | 'destroy'>;
