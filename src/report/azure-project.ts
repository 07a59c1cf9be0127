/** The Azure DevOps project run in the forms the faces publish: Markdown summary and the CLI's closing lines. */
import { markdownCell, markdownCellText, markdownCode, markdownText } from '../common/text.js';
import type { AzureProjectResult, ProjectOutcome } from '../core/azure-project.js';

const OUTCOME_WORDS: Record<ProjectOutcome, string> = {
  attached: 'attached (the API does not say whether it already was)',
  detached: 'detached (the API does not say whether it still was)',
  'would-attach': 'would attach',
  'would-detach': 'would detach',
  covered: 'covered already: the plan includes everything in the organization',
  failed: 'failed',
};

export function azureProjectMarkdown(result: AzureProjectResult): string {
  const title = result.dryRun ? 'Xopero ONE: Azure DevOps project (dry run)' : 'Xopero ONE: Azure DevOps project';
  const rows: Array<[string, string]> = [
    ['Status', result.problems.length > 0 ? '❌ failed' : result.dryRun ? '⚠️ dry run: nothing was changed' : '✅ done'],
    ['Server', markdownText(result.server)],
    ['Organization', `${markdownText(result.organization.name)} (${markdownCode(result.organization.id)})`],
    ['Plan', result.plan ? `${markdownText(result.plan.name)} (${markdownCode(result.plan.id)})` : 'none'],
    ['Project', markdownCode(result.project.id)],
    [result.action === 'attach' ? 'Attachment' : 'Detachment', OUTCOME_WORDS[result.outcome]],
  ];
  const table = ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${markdownCell(value)} |`)].join('\n');
  const problems = result.problems.map((problem) => `- ${markdownCellText(problem)}`).join('\n');
  return `## ${title}\n\n${table}\n${problems ? `\n**Problems**\n\n${problems}\n` : ''}`;
}

export function azureProjectText(result: AzureProjectResult): string {
  return [
    `Organization: ${result.organization.name} (${result.organization.id})`,
    `Plan:         ${result.plan ? `${result.plan.name} (${result.plan.id})` : 'none'}`,
    `Azure DevOps project: ${result.project.id}; ${result.action}: ${result.outcome}; changed: ${result.changed}`,
    '',
  ].join('\n');
}
