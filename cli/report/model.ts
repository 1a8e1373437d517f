import type { ComplianceType, ControlMappings } from '../../rules/kernel/types.js';
import type { Finding, RuleRun, ScopeProblem } from '../scan.js';

/** Everything a report format needs; the JSON report is this object as it is. */
export interface ScanReport {
  tool: { name: 'ecr-guardrails'; version: string };
  source: { kind: 'live' | 'snapshot' | 'demo'; description: string };
  /** Evaluation time: the snapshot's collection time, or the start of a live scan. */
  evaluatedAt: string;
  scopes: Array<{ accountId: string; region: string }>;
  rules: Array<{ id: string; title: string; description: string; resourceType: string; controls: ControlMappings; parameters: unknown }>;
  summary: Record<ComplianceType, number> & { total: number };
  results: Finding[];
  problems: ScopeProblem[];
}

const ORDER: Record<ComplianceType, number> = { NON_COMPLIANT: 0, COMPLIANT: 1, NOT_APPLICABLE: 2 };

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
      parameters: params,
    })),
    summary: { total: results.length, NON_COMPLIANT: count('NON_COMPLIANT'), COMPLIANT: count('COMPLIANT'), NOT_APPLICABLE: count('NOT_APPLICABLE') },
    results,
    problems: input.problems,
  };
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
