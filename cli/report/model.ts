import { ruleSeverity, type Severity } from '../../rules/kernel/severity.js';
import type { ComplianceType, ControlMappings } from '../../rules/kernel/types.js';
import type { Finding, RuleRun, ScopeProblem } from '../scan.js';

/** Everything a report format needs; the JSON report is this object as it is. */
export interface ScanReport {
  tool: { name: 'ecr-guardrails'; version: string };
  source: { kind: 'live' | 'snapshot' | 'demo'; description: string };
  /** Evaluation time: the snapshot's collection time, or the start of a live scan. */
  evaluatedAt: string;
  /** Every account and region the scan meant to cover, with what became of it. */
  scopes: ScopeStatus[];
  rules: Array<{ id: string; title: string; description: string; resourceType: string; controls: ControlMappings; severity: Severity; parameters: unknown }>;
  summary: Record<ComplianceType, number> & { total: number };
  results: Finding[];
  problems: ScopeProblem[];
}

/** One account/region of a scan: scanned, skipped on purpose (why) or failed (why). */
export interface ScopeStatus {
  accountId: string;
  region: string;
  status: 'scanned' | 'skipped' | 'failed';
  reason?: string;
}

const ORDER: Record<ComplianceType, number> = { NON_COMPLIANT: 0, COMPLIANT: 1, NOT_APPLICABLE: 2 };

/** Builds the report every format renders: results sorted by rule, status (NON_COMPLIANT first), account, region and resource, with counts. */
export function buildReport(input: {
  version: string;
  source: ScanReport['source'];
  evaluatedAt: string;
  scopes: ScanReport['scopes'];
  runs: RuleRun[];
  findings: Finding[];
  problems: ScopeProblem[];
}): ScanReport {
  const results = [...input.findings].sort(
    (a, b) =>
      a.ruleId.localeCompare(b.ruleId) ||
      ORDER[a.complianceType] - ORDER[b.complianceType] ||
      a.accountId.localeCompare(b.accountId) ||
      a.region.localeCompare(b.region) ||
      a.resourceId.localeCompare(b.resourceId),
  );
  const count = (type: ComplianceType) => results.filter((finding) => finding.complianceType === type).length;
  return {
    tool: { name: 'ecr-guardrails', version: input.version },
    source: input.source,
    evaluatedAt: input.evaluatedAt,
    scopes: input.scopes,
    rules: input.runs.map(({ rule, params }) => ({
      id: rule.id,
      title: rule.title,
      description: rule.description,
      resourceType: rule.resourceType,
      controls: rule.controls,
      severity: ruleSeverity(rule),
      parameters: params,
    })),
    summary: { total: results.length, NON_COMPLIANT: count('NON_COMPLIANT'), COMPLIANT: count('COMPLIANT'), NOT_APPLICABLE: count('NOT_APPLICABLE') },
    results,
    problems: input.problems,
  };
}

/**
 * The severity of one result: the rule's severity when NON_COMPLIANT, INFORMATIONAL for
 * results that pass or do not apply.
 */
export function resultSeverity(report: Pick<ScanReport, 'rules'>, finding: Finding): Severity {
  if (finding.complianceType !== 'NON_COMPLIANT') return 'INFORMATIONAL';
  return report.rules.find((rule) => rule.id === finding.ruleId)?.severity ?? 'MEDIUM';
}

/** The shell command that runs a finding's runbook, ready to paste. */
export function remediationCommand(finding: Finding): string | undefined {
  const remediation = finding.remediation;
  if (!remediation) return undefined;
  const parameters = Object.entries(remediation.parameters)
    .map(([name, value]) => `${name}=${value.includes(',') ? `'${value}'` : value}`)
    .join(',');
  return `aws ssm start-automation-execution --region ${finding.region} --document-name ${remediation.documentName} --parameters ${parameters}`;
}
