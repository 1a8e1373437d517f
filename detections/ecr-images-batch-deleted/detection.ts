/**
 * Images deleted by anyone but the runbooks' automation role. BatchDeleteImage
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html):
 * `repositoryName`, `imageIds[]` of `imageDigest` / `imageTag`. Lifecycle-policy expiry is not
 * an API call and does not appear here.
 */
import { actorOf, alertFor, cloudTrailPattern, failed, requestParameters, requiredString } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

export const detection: Detection = {
  id: 'ecr-images-batch-deleted',
  title: 'Images deleted outside the automation',
  severity: 'MEDIUM',
  relatedRule: 'ecr-stale-images',
  pattern: cloudTrailPattern('aws.ecr', 'ecr.amazonaws.com', ['BatchDeleteImage']),
  classify(event, context) {
    if (failed(event)) return undefined;
    const actor = actorOf(event);
    if (actor.roleName === context.automationRoleName && actor.accountId === event.account) return undefined;
    const parameters = requestParameters(event);
    const repository = requiredString(event, parameters, 'repositoryName');
    const ids = Array.isArray(parameters.imageIds) ? (parameters.imageIds as { imageDigest?: string; imageTag?: string }[]) : [];
    const names = ids.map((id) => id.imageTag ?? id.imageDigest ?? '?');
    return alertFor(detection, event, {
      actor,
      severity: 'MEDIUM',
      resourceType: 'AWS::ECR::Repository',
      resourceId: repository,
      change: `${ids.length} image(s) deleted: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}`,
      advice: `Images were deleted from ${repository} outside the approved runbook (EcrGuardrails-DeleteStaleEcrImages). Check with the actor that no running workload used them.`,
    });
  },
  samples,
};
