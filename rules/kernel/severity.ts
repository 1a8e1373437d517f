/**
 * How serious a NON_COMPLIANT result is, for reports (ASFF, OCSF, SARIF, HTML) and for
 * `scan --fail-on`. A rule may state its severity in `rule.ts`; otherwise it takes the
 * highest severity Security Hub gives to the controls it maps to, so our findings sort next
 * to Security Hub's own. Severities of Security Hub controls, from the Security Hub user
 * guide's control pages:
 * - EC2.55, EC2.56: Medium (https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html)
 * - ECR.1: High; ECR.2, ECR.3: Medium (https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html)
 */
import type { RuleMetadata } from './types.js';

/** ASFF severity labels, lowest first (the same five OCSF and SARIF map to). */
export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SECURITY_HUB_CONTROL_SEVERITY: Readonly<Record<string, Severity>> = {
  'EC2.55': 'MEDIUM',
  'EC2.56': 'MEDIUM',
  'ECR.1': 'HIGH',
  'ECR.2': 'MEDIUM',
  'ECR.3': 'MEDIUM',
};

/** Used when a rule neither states a severity nor maps to a known Security Hub control. */
export const DEFAULT_SEVERITY: Severity = 'MEDIUM';

/** Rank of a severity, INFORMATIONAL lowest. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The severity of a rule's NON_COMPLIANT results. */
export function ruleSeverity(rule: Pick<RuleMetadata<unknown>, 'severity' | 'controls'>): Severity {
  if (rule.severity) return rule.severity;
  const mapped = rule.controls.securityHub.map((control) => SECURITY_HUB_CONTROL_SEVERITY[control]).filter((s): s is Severity => s !== undefined);
  if (mapped.length === 0) return DEFAULT_SEVERITY;
  return mapped.reduce((highest, s) => (severityRank(s) > severityRank(highest) ? s : highest));
}
