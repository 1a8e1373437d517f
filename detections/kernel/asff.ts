/**
 * An alert as a Security Hub finding (ASFF) of the member account it happened in, for
 * `BatchImportFindings` there (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html):
 * the account's default product, the actor and source address, the related rule and the
 * runbook to run. The Id is stable per dedupe key, so a repeat updates the same finding.
 */
import { createHash } from 'node:crypto';
import { ASFF_LIMITS, ASFF_SCHEMA_VERSION, type AsffFinding } from '../../cli/report/asff.js';
import { asffResourceType, resourceArn } from '../../cli/report/resource.js';
import type { Alert } from './types.js';

/** Findings about a change someone made (ASFF types taxonomy: namespace/category). */
export const DETECTION_FINDING_TYPE = 'Unusual Behaviors/User';

export type DetectionFinding = Omit<AsffFinding, 'Compliance'>;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 6)} [...]`);

/** An alert as an ASFF finding for the member account, naming the related rule and runbook. */
export function alertToAsff(alert: Alert, partition: string): DetectionFinding {
  const ref = { partition, region: alert.region, accountId: alert.account, resourceType: alert.resourceType, resourceId: alert.resourceId };
  const digest = createHash('sha256').update(alert.dedupeKey).digest('hex').slice(0, 32);
  const runbook = alert.runbook ? `Run SSM Automation EcrGuardrails-${alert.runbook} if the change was not approved. ` : '';
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: `ecr-guardrails/detections/${alert.account}/${alert.region}/${alert.detectionId}/${digest}`,
    ProductArn: `arn:${partition}:securityhub:${alert.region}:${alert.account}:product/${alert.account}/default`,
    GeneratorId: `ecr-guardrails/detections/${alert.detectionId}`,
    AwsAccountId: alert.account,
    Types: [DETECTION_FINDING_TYPE],
    CreatedAt: alert.time,
    UpdatedAt: alert.time,
    Severity: { Label: alert.severity },
    Title: clip(`${alert.title}: ${alert.change}`, ASFF_LIMITS.Title),
    Description: clip(`${alert.resourceId}: ${alert.change}, by ${alert.actor.arn}${alert.actor.sourceIp ? ` from ${alert.actor.sourceIp}` : ''} at ${alert.time}.`, ASFF_LIMITS.Description),
    Resources: [{ Type: asffResourceType(alert.resourceType), Id: resourceArn(ref), Partition: partition, Region: alert.region }],
    Remediation: { Recommendation: { Text: clip(`${runbook}${alert.advice}`, ASFF_LIMITS.RecommendationText) } },
    ProductFields: Object.fromEntries(
      Object.entries({
        'ecr-guardrails/DetectionId': alert.detectionId,
        'ecr-guardrails/RelatedRule': alert.relatedRule,
        'ecr-guardrails/Runbook': alert.runbook ? `EcrGuardrails-${alert.runbook}` : undefined,
        'ecr-guardrails/Actor': alert.actor.arn,
        'ecr-guardrails/SourceIp': alert.actor.sourceIp,
        'ecr-guardrails/CloudTrailEvent': alert.evidence ? `${alert.evidence.eventName} ${alert.evidence.eventId}` : undefined,
        'ecr-guardrails/Denied': alert.denied,
      })
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([key, value]) => [key, clip(value, ASFF_LIMITS.ProductFieldValue)]),
    ),
    RecordState: 'ACTIVE',
  };
}
