/**
 * The sweep's badge: a shields.io "endpoint" JSON document (`--badge FILE`, `badge-file`), for a README badge
 * served from Pages or an artifact: https://img.shields.io/endpoint?url=<where the file is served>.
 */
import type { MergedReport } from './merge.js';

export interface EndpointBadge {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
}

/**
 * Protected: known, licensed and attached after the run (already protected, activated, attached). Failed, stale
 * (no fresh backup) and not-protected ones are not. The share is rounded down to one decimal, so one
 * unprotected repository among thousands never reads 100%.
 */
export function endpointBadge(report: MergedReport): EndpointBadge {
  const total = report.repositories.length;
  if (total === 0) return { schemaVersion: 1, label: 'backup', message: 'no repositories', color: 'lightgrey' };
  const o = report.outcomes;
  const protectedCount = o['already-protected'] + o.activated + o.attached;
  const share = Math.floor((protectedCount * 1000) / total) / 10; // integers first: 289/1000 is 28.9, not 28.8
  return { schemaVersion: 1, label: 'backup', message: `${formatShare(share)}% protected`, color: colourOf(share) };
}

export function badgeJson(report: MergedReport): string {
  return `${JSON.stringify(endpointBadge(report))}\n`;
}

const formatShare = (share: number) => (Number.isInteger(share) ? String(share) : share.toFixed(1));

/** shields.io's named colours, from "all protected" to "a tenth or more unprotected". */
function colourOf(share: number): string {
  if (share >= 100) return 'brightgreen';
  if (share >= 99) return 'green';
  if (share >= 95) return 'yellowgreen';
  if (share >= 90) return 'yellow';
  if (share >= 75) return 'orange';
  return 'red';
}
