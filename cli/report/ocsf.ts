import type { ComplianceType } from '../../rules/kernel/types.js';
import type { Severity } from '../../rules/kernel/severity.js';
import type { Finding } from '../scan.js';
import { remediationCommand, resultSeverity, type ScanReport } from './model.js';
import { resourceArn } from './resource.js';

/**
 * OCSF 1.1.0 Compliance Finding events (class_uid 2003, category Findings), one per result,
 * as a JSON array (the form Prowler writes for `--output-formats json-ocsf`, there with the
 * Detection Finding class). Schema: https://schema.ocsf.io/1.1.0/classes/compliance_finding
 *
 * - `compliance.status_id`: Pass 1, Fail 3; NOT_APPLICABLE is Other 99 with status
 *   "Not Applicable", since OCSF 1.1.0 has no such value.
 * - `type_uid` = class_uid * 100 + activity_id (Create, 1).
 * - `time` and the finding times are epoch milliseconds of the evaluation.
 */
export const OCSF_VERSION = '1.1.0';
export const OCSF_CLASS_UID = 2003;
export const OCSF_CATEGORY_UID = 2;
const ACTIVITY_CREATE = 1;

/** OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
export const OCSF_SEVERITY_ID: Readonly<Record<Severity, number>> = { INFORMATIONAL: 1, LOW: 2, MEDIUM: 3, HIGH: 4, CRITICAL: 5 };
const SEVERITY_CAPTION: Readonly<Record<Severity, string>> = { INFORMATIONAL: 'Informational', LOW: 'Low', MEDIUM: 'Medium', HIGH: 'High', CRITICAL: 'Critical' };

/** compliance.status_id and its caption for each Config outcome. */
export const OCSF_COMPLIANCE_STATUS: Readonly<Record<ComplianceType, { id: number; caption: string }>> = {
  COMPLIANT: { id: 1, caption: 'Pass' },
  NON_COMPLIANT: { id: 3, caption: 'Fail' },
  NOT_APPLICABLE: { id: 99, caption: 'Not Applicable' },
};

function standards(controls: { securityHub: string[]; nist800190: string[]; nist80053: string[] }): string[] {
  return [
    ...(controls.securityHub.length ? ['AWS Foundational Security Best Practices'] : []),
    ...(controls.nist800190.length ? ['NIST SP 800-190'] : []),
    ...(controls.nist80053.length ? ['NIST SP 800-53 Rev. 5'] : []),
  ];
}

/** One result of the report as an OCSF 1.1.0 Compliance Finding event. */
export function toOcsf(report: ScanReport, finding: Finding): Record<string, unknown> {
  const rule = report.rules.find((candidate) => candidate.id === finding.ruleId);
  const controls = rule?.controls ?? { securityHub: [], nist800190: [], nist80053: [] };
  const severity = resultSeverity(report, finding);
  const status = OCSF_COMPLIANCE_STATUS[finding.complianceType];
  const time = Date.parse(report.evaluatedAt);
  const command = remediationCommand(finding);
  return {
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    category_uid: OCSF_CATEGORY_UID,
    category_name: 'Findings',
    class_uid: OCSF_CLASS_UID,
    class_name: 'Compliance Finding',
    type_uid: OCSF_CLASS_UID * 100 + ACTIVITY_CREATE,
    type_name: 'Compliance Finding: Create',
    time,
    severity_id: OCSF_SEVERITY_ID[severity],
    severity: SEVERITY_CAPTION[severity],
    status_id: 1,
    status: 'New',
    message: finding.annotation,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'ecr-guardrails', vendor_name: 'ecr-guardrails', version: report.tool.version },
      event_code: finding.ruleId,
    },
    finding_info: {
      uid: `ecr-guardrails/${finding.accountId}/${finding.region}/${finding.ruleId}/${finding.resourceId}`,
      title: rule?.title ?? finding.ruleId,
      desc: rule?.description ?? finding.ruleId,
      created_time: time,
      types: [finding.resourceType],
    },
    compliance: {
      control: finding.ruleId,
      standards: standards(controls),
      requirements: [...controls.securityHub.map((c) => `Security Hub ${c}`), ...controls.nist800190.map((c) => `NIST SP 800-190 ${c}`), ...controls.nist80053.map((c) => `NIST SP 800-53 ${c}`)],
      status_id: status.id,
      status: status.caption,
      status_detail: finding.annotation,
    },
    resources: [
      {
        uid: resourceArn(finding),
        name: finding.resourceId,
        type: finding.resourceType,
        region: finding.region,
        cloud_partition: finding.partition,
        owner: { account: { uid: finding.accountId, type_id: 10, type: 'AWS Account' } },
      },
    ],
    cloud: { provider: 'AWS', region: finding.region, account: { uid: finding.accountId, type_id: 10, type: 'AWS Account' } },
    ...(finding.remediation
      ? { remediation: { desc: `${finding.remediation.summary}${command ? ` Run: ${command}` : ''}`, references: [finding.remediation.documentName] } }
      : {}),
  };
}

/** Every result as an OCSF Compliance Finding, in a JSON array. */
export function renderOcsf(report: ScanReport): string {
  return `${JSON.stringify(report.results.map((finding) => toOcsf(report, finding)), null, 2)}\n`;
}
