/**
 * The outcome chart: a Mermaid pie of the matched repositories, each in one slice (the most telling of what
 * happened to it: failed, stale, not protected, activated, attached, already protected). A pie, not a bar
 * chart: every Mermaid that GitHub and GitLab render draws `pie`; `xychart-beta` is recent and still beta.
 */
import { OUTCOME_LABELS, type MergedReport, type Outcome } from './merge.js';

const ORDER: Outcome[] = ['already-protected', 'activated', 'attached', 'not-protected', 'stale', 'failed'];

export function outcomePie(report: MergedReport): string | undefined {
  const slices = ORDER.filter((outcome) => report.outcomes[outcome] > 0);
  if (slices.length === 0) return undefined;
  // Labels are fixed words; the title carries the organization's name without the quotes Mermaid would choke
  // on, line breaks, or backticks (three would close the code fence and leave the rest to Markdown).
  const title = `${report.repositories.length} repositories of ${report.organization.name}`.replace(/["`\r\n]/g, ' ');
  return [
    '```mermaid',
    `pie showData title ${title}`,
    ...slices.map((outcome) => `    "${OUTCOME_LABELS[outcome]}" : ${report.outcomes[outcome]}`),
    '```',
  ].join('\n');
}
