/**
 * One JSON line per request on stdout, for the operator's log pipeline: who asked (issuer, subject), for what
 * (repository, ref, workflow, plan, mode), what the broker decided, and what it cost in Xopero ONE requests.
 * Never a token or a secret: the line is built from named fields only (no header, no body is copied), and
 * passes through `redact` as a last guard.
 */
import { redact } from '../../common/redact.js';

export interface AuditLine {
  time: string;
  id: string;
  method: string;
  path: string;
  remote?: string;
  status: number;
  /** ran: the core ran (its result may still hold problems); refused: 4xx or 503; failed: the core could not finish. */
  decision: 'ran' | 'refused' | 'failed';
  code?: string;
  issuer?: string;
  subject?: string;
  repository?: string;
  ref?: string;
  workflow?: string;
  plan?: string;
  mode?: string;
  dryRun?: boolean;
  changed?: boolean;
  problems?: number;
  /** Requests this one made to Xopero ONE (0 for every refusal). */
  xoperoRequests: { total: number; mutating: number };
  durationMs: number;
}

export function auditLine(line: AuditLine): string {
  return `${redact(JSON.stringify(line))}\n`;
}
