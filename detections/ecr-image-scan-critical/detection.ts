/**
 * A basic scan completed with critical findings. Not CloudTrail: ECR's own "ECR Image Scan"
 * event (https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html) with
 * `scan-status`, `repository-name`, `image-digest`, `image-tags`, `finding-severity-counts`.
 */
import { alertFor, DetectionEventError } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

export const detection: Detection = {
  id: 'ecr-image-scan-critical',
  title: 'Pushed image has critical vulnerabilities',
  severity: 'HIGH',
  relatedRule: 'ecr-image-scanning',
  pattern: { source: ['aws.ecr'], 'detail-type': ['ECR Image Scan'], detail: { 'scan-status': ['COMPLETE'], 'finding-severity-counts': { CRITICAL: [{ numeric: ['>', 0] }] } } },
  classify(event) {
    const detail = event.detail;
    const counts = detail['finding-severity-counts'] as Record<string, unknown> | undefined;
    const critical = counts?.CRITICAL;
    if (detail['scan-status'] !== 'COMPLETE' || typeof critical !== 'number' || critical <= 0) return undefined;
    const repository = detail['repository-name'];
    if (typeof repository !== 'string') throw new DetectionEventError(`Event ${event.id}: detail.repository-name is missing; expected an "ECR Image Scan" event.`);
    const tags = Array.isArray(detail['image-tags']) && detail['image-tags'].length > 0 ? (detail['image-tags'] as string[]).join(', ') : 'untagged';
    return alertFor(detection, event, {
      actor: { arn: 'ecr.amazonaws.com' },
      severity: 'HIGH',
      resourceType: 'AWS::ECR::Repository',
      resourceId: repository,
      change: `image ${String(detail['image-digest'])} (${tags}) has ${critical} critical finding(s)`,
      advice: `Do not deploy this image; see the findings (aws ecr describe-image-scan-findings --repository-name ${repository} --image-id imageDigest=${String(detail['image-digest'])}) and rebuild with fixed packages.`,
    });
  },
  samples,
};
