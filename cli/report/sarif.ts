import { createHash } from 'node:crypto';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from '../scan.js';
import { remediationCommand, type ScanReport } from './model.js';

/**
 * SARIF 2.1.0 for code-scanning tools. Only NON_COMPLIANT results are reported (kind
 * `fail`, level `error`). Code scanning accepts only repository-relative paths as
 * locations, so each cloud resource gets a stable pseudo-path
 * `aws/<account>/<region>/<type>/<id>`; its ARN-like identity travels as a logical location.
 */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** `AWS::ECR::Repository` -> `ecr-repository`. */
function typeSlug(resourceType: string): string {
  return resourceType.replace(/^AWS::/, '').split('::').join('-').toLowerCase();
}

/** The finding's stable pseudo-path `aws/<account>/<region>/<type>/<id>` (code scanning accepts only relative paths). */
export function resourcePath(finding: Finding): string {
  return `aws/${finding.accountId}/${finding.region}/${typeSlug(finding.resourceType)}/${finding.resourceId}`;
}

function fingerprint(finding: Finding): string {
  return createHash('sha256').update([finding.ruleId, finding.accountId, finding.region, finding.resourceType, finding.resourceId].join('\n')).digest('hex');
}

/** The report as a SARIF 2.1.0 log: one result per NON_COMPLIANT finding, each with its runbook command. */
export function renderSarif(report: ScanReport): string {
  const rules: ReportingDescriptor[] = report.rules.map((rule) => ({
    id: rule.id,
    name: rule.id.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(''),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text: `${rule.description} Each result names the SSM Automation runbook that fixes it.` },
    defaultConfiguration: { level: 'error' },
    properties: {
      tags: ['security', 'aws', 'ecr', ...rule.controls.securityHub.map((c) => `securityhub/${c}`), ...rule.controls.nist800190.map((c) => `nist-800-190/${c}`)],
      'security-severity': '7.0',
      resourceType: rule.resourceType,
    },
  }));
  const results: Result[] = report.results
    .filter((finding) => finding.complianceType === 'NON_COMPLIANT')
    .map((finding) => ({
      ruleId: finding.ruleId,
      ruleIndex: report.rules.findIndex((rule) => rule.id === finding.ruleId),
      kind: 'fail',
      level: 'error',
      message: { text: `${finding.resourceId}: ${finding.annotation}` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: resourcePath(finding) } },
          logicalLocations: [
            { name: finding.resourceId, fullyQualifiedName: `${finding.accountId}/${finding.region}/${finding.resourceType}/${finding.resourceId}`, kind: 'resource' },
          ],
        },
      ],
      partialFingerprints: { 'ecrGuardrailsResource/v1': fingerprint(finding) },
      properties: {
        accountId: finding.accountId,
        region: finding.region,
        resourceType: finding.resourceType,
        ...(finding.remediation ? { runbook: finding.remediation.documentName, remediationCommand: remediationCommand(finding) } : {}),
      },
    }));
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ecr-guardrails', version: report.tool.version, semanticVersion: report.tool.version, rules } },
        invocations: [{ executionSuccessful: report.problems.length === 0, endTimeUtc: report.evaluatedAt }],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
