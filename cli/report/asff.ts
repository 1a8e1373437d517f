import type { Finding } from '../scan.js';
import { remediationCommand, resultSeverity, type ScanReport } from './model.js';
import { asffResourceType, resourceArn } from './resource.js';

/**
 * Findings in the AWS Security Finding Format (ASFF), ready for
 * `securityhub:BatchImportFindings` (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html).
 *
 * - NON_COMPLIANT results are `Compliance.Status: FAILED` with the rule's severity;
 *   COMPLIANT results are `PASSED` / INFORMATIONAL, so a re-import after a fix updates the
 *   same finding (the `Id` is stable per rule and resource). NOT_APPLICABLE results are left
 *   out, as Config leaves them out of its Security Hub integration.
 * - `ProductArn` is the account's default product for custom findings
 *   (`arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`).
 * - Strings are kept within the documented limits (API_AwsSecurityFinding): Title 256,
 *   Description 1024, Remediation text 512, ProductFields values 2048.
 */
export const ASFF_SCHEMA_VERSION = '2018-10-08';
export const ASFF_FINDING_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';

/** Documented maximum lengths (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html). */
export const ASFF_LIMITS = { Id: 512, GeneratorId: 512, Title: 256, Description: 1024, RecommendationText: 512, ProductFieldValue: 2048 } as const;

/** The shape `BatchImportFindings` takes; only the members we fill. */
export interface AsffFinding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: string };
  Title: string;
  Description: string;
  Resources: Array<{ Type: string; Id: string; Partition: string; Region: string }>;
  Compliance: { Status: 'PASSED' | 'FAILED'; RelatedRequirements?: string[] };
  Remediation?: { Recommendation: { Text: string } };
  ProductFields: Record<string, string>;
  RecordState: 'ACTIVE';
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 6)} [...]`;
}

/** Stable per rule and resource, so each scan updates the same Security Hub finding. */
export function asffId(finding: Finding): string {
  return clip(`ecr-guardrails/${finding.accountId}/${finding.region}/${finding.ruleId}/${finding.resourceId}`, ASFF_LIMITS.Id);
}

/** One result of the report as an ASFF finding. */
export function toAsff(report: ScanReport, finding: Finding): AsffFinding {
  const rule = report.rules.find((candidate) => candidate.id === finding.ruleId);
  const failed = finding.complianceType === 'NON_COMPLIANT';
  const command = remediationCommand(finding);
  const requirements = [
    ...(rule?.controls.nist80053 ?? []).map((control) => `NIST.800-53.r5 ${control}`),
    ...(rule?.controls.nist800190 ?? []).map((section) => `NIST.800-190 ${section}`),
  ].slice(0, 32);
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffId(finding),
    ProductArn: `arn:${finding.partition}:securityhub:${finding.region}:${finding.accountId}:product/${finding.accountId}/default`,
    GeneratorId: clip(`ecr-guardrails/${finding.ruleId}`, ASFF_LIMITS.GeneratorId),
    AwsAccountId: finding.accountId,
    Types: [ASFF_FINDING_TYPE],
    CreatedAt: report.evaluatedAt,
    UpdatedAt: report.evaluatedAt,
    Severity: { Label: resultSeverity(report, finding) },
    Title: clip(`${finding.ruleId}: ${rule?.title ?? finding.ruleId}${failed ? '' : ' (passed)'}`, ASFF_LIMITS.Title),
    Description: clip(`${finding.resourceId}: ${finding.annotation}`, ASFF_LIMITS.Description),
    Resources: [{ Type: asffResourceType(finding.resourceType), Id: resourceArn(finding), Partition: finding.partition, Region: finding.region }],
    Compliance: { Status: failed ? 'FAILED' : 'PASSED', ...(requirements.length ? { RelatedRequirements: requirements } : {}) },
    ...(finding.remediation
      ? { Remediation: { Recommendation: { Text: clip(`Run SSM Automation ${finding.remediation.documentName}${finding.remediation.destructive ? ' (it stops for approval)' : ''}: ${finding.remediation.summary}`, ASFF_LIMITS.RecommendationText) } } }
      : {}),
    ProductFields: {
      'ecr-guardrails/RuleId': finding.ruleId,
      'ecr-guardrails/ResourceType': finding.resourceType,
      ...(finding.remediation ? { 'ecr-guardrails/Runbook': finding.remediation.documentName } : {}),
      ...(command ? { 'ecr-guardrails/RemediationCommand': clip(command, ASFF_LIMITS.ProductFieldValue) } : {}),
      ...(rule?.controls.securityHub.length ? { 'ecr-guardrails/SecurityHubControls': rule.controls.securityHub.join(',') } : {}),
    },
    RecordState: 'ACTIVE',
  };
}

/** The findings Security Hub takes: NON_COMPLIANT and COMPLIANT results. */
export function asffFindings(report: ScanReport): AsffFinding[] {
  return report.results.filter((finding) => finding.complianceType !== 'NOT_APPLICABLE').map((finding) => toAsff(report, finding));
}

/** A JSON array of findings, as `aws securityhub batch-import-findings --findings file://...` takes. */
export function renderAsff(report: ScanReport): string {
  return `${JSON.stringify(asffFindings(report), null, 2)}\n`;
}
