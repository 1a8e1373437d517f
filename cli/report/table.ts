import { styleText } from 'node:util';
import type { ComplianceType } from '../../rules/kernel/types.js';
import type { Finding } from '../scan.js';
import { remediationCommand, type ScanReport } from './model.js';

export interface TableOptions {
  /** Terminal width; the reason column wraps to fit. Undefined: no wrapping (pipes, files). */
  width?: number;
  color: boolean;
}

const STATUS_STYLE: Record<ComplianceType, Parameters<typeof styleText>[0]> = {
  NON_COMPLIANT: ['red', 'bold'],
  COMPLIANT: 'green',
  NOT_APPLICABLE: 'dim',
};

function wrap(text: string, width: number | undefined): string[] {
  if (!width || text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.flatMap((l) => (l.length > width ? (l.match(new RegExp(`.{1,${width}}`, 'g')) ?? [l]) : [l]));
}

/** The runbook column; destructive runbooks say they stop for approval. */
function runbookLabel(finding: Finding): string {
  if (!finding.remediation) return '-';
  return finding.remediation.destructive ? `${finding.remediation.runbook} (approval-gated)` : finding.remediation.runbook;
}

function resourceLabel(finding: Finding, multiScope: boolean): string {
  return multiScope ? `${finding.accountId}/${finding.region}/${finding.resourceId}` : finding.resourceId;
}

/** A readable report: one section per rule, findings first, then how to fix them. */
export function renderTable(report: ScanReport, options: TableOptions): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string) => (options.color ? styleText(style, text) : text);
  const multiScope = report.scopes.length > 1;
  const out: string[] = [];
  const accounts = new Set(report.scopes.map((scope) => scope.accountId)).size;
  const regions = new Set(report.scopes.map((scope) => scope.region)).size;
  out.push(paint('bold', `ecr-guardrails ${report.tool.version}: ${report.source.description}`));
  out.push(`Evaluated as of ${report.evaluatedAt.slice(0, 16).replace('T', ' ')} UTC · ${accounts} account(s) · ${regions} region(s) · ${report.rules.length} rule(s)`);

  for (const rule of report.rules) {
    const findings = report.results.filter((finding) => finding.ruleId === rule.id);
    const controls = [...rule.controls.securityHub.map((c) => `Security Hub ${c}`), ...rule.controls.nist800190.map((c) => `NIST 800-190 ${c}`)];
    out.push('', paint('bold', `${rule.id}: ${rule.title}`) + (controls.length ? paint('dim', ` (${controls.join(', ')})`) : ''));
    if (findings.length === 0) {
      out.push('  no resources evaluated');
      continue;
    }
    const statusWidth = 'NOT_APPLICABLE'.length;
    const resourceWidth = Math.min(48, Math.max(8, ...findings.map((f) => resourceLabel(f, multiScope).length)));
    const runbookWidth = Math.max(7, ...findings.map((f) => runbookLabel(f).length));
    const reasonWidth = options.width ? Math.max(30, options.width - 2 - statusWidth - resourceWidth - runbookWidth - 6) : undefined;
    out.push(paint('dim', `  ${'STATUS'.padEnd(statusWidth)}  ${'RESOURCE'.padEnd(resourceWidth)}  ${'RUNBOOK'.padEnd(runbookWidth)}  REASON`));
    for (const finding of findings) {
      const [first = '', ...rest] = wrap(finding.annotation, reasonWidth);
      const status = paint(STATUS_STYLE[finding.complianceType], finding.complianceType.padEnd(statusWidth));
      const runbook = runbookLabel(finding).padEnd(runbookWidth);
      out.push(`  ${status}  ${resourceLabel(finding, multiScope).padEnd(resourceWidth)}  ${runbook}  ${first}`);
      for (const line of rest) out.push(`  ${' '.repeat(statusWidth + resourceWidth + runbookWidth + 6)}${line}`);
    }
  }

  const scopeIssues = report.scopes.some((scope) => scope.status !== 'scanned');
  if (report.scopes.length > 1 || scopeIssues) {
    out.push('', paint('bold', 'Scopes'));
    const scopeStyle: Record<string, Parameters<typeof styleText>[0]> = { scanned: 'green', skipped: 'dim', failed: ['yellow', 'bold'] };
    for (const scope of report.scopes) {
      const status = paint(scopeStyle[scope.status] ?? 'dim', scope.status.padEnd(7));
      out.push(`  ${status}  ${scope.accountId} ${scope.region.padEnd(14)}${scope.reason ? `  ${scope.reason}` : ''}`);
    }
  }

  const { summary } = report;
  out.push(
    '',
    `${paint(summary.NON_COMPLIANT ? ['red', 'bold'] : 'green', `${summary.NON_COMPLIANT} NON_COMPLIANT`)}, ${summary.COMPLIANT} COMPLIANT, ${summary.NOT_APPLICABLE} NOT_APPLICABLE of ${summary.total} evaluated.`,
  );
  const fixes = report.results.filter((finding) => finding.remediation);
  if (fixes.length) {
    // Show a non-destructive fix as the example when there is one.
    const example = (fixes.find((finding) => !finding.remediation?.destructive) ?? fixes[0]) as Finding;
    out.push(
      'Fix a finding by running its runbook (deployed as EcrGuardrails-<RUNBOOK> by the CDK app), e.g.:',
      `  ${remediationCommand(example)}`,
      'Every finding with its ready-to-run command: --format json.',
    );
  }
  return `${out.join('\n')}\n`;
}
