/**
 * A repository's lifecycle policy deleted: images accumulate again. DeleteLifecyclePolicy
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteLifecyclePolicy.html): `repositoryName`.
 */
import { alertFor, cloudTrailPattern, failed, requestParameters, requiredString } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

export const detection: Detection = {
  id: 'ecr-lifecycle-policy-deleted',
  title: 'Lifecycle policy deleted',
  severity: 'MEDIUM',
  relatedRule: 'ecr-stale-images',
  runbook: 'ApplyEcrLifecyclePolicy',
  pattern: cloudTrailPattern('aws.ecr', 'ecr.amazonaws.com', ['DeleteLifecyclePolicy']),
  classify(event) {
    if (failed(event)) return undefined;
    const repository = requiredString(event, requestParameters(event), 'repositoryName');
    return alertFor(detection, event, {
      severity: 'MEDIUM',
      resourceType: 'AWS::ECR::Repository',
      resourceId: repository,
      change: 'lifecycle policy deleted',
      advice: `Stale and vulnerable images in ${repository} are no longer expired. Run EcrGuardrails-ApplyEcrLifecyclePolicy for the repository unless the deletion was approved.`,
    });
  },
  samples,
};
