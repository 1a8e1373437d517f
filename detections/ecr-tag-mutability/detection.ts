/**
 * Tags of a repository set to a mutable mode: an existing tag can now be moved to another
 * image. PutImageTagMutability (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html):
 * `repositoryName`, `imageTagMutability` (MUTABLE | IMMUTABLE | MUTABLE_WITH_EXCLUSION | IMMUTABLE_WITH_EXCLUSION).
 */
import { alertFor, cloudTrailPattern, failed, requestParameters, requiredString } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

const IMMUTABLE_MODES = ['IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION'];

export const detection: Detection = {
  id: 'ecr-tag-mutability',
  title: 'Repository tags made mutable',
  severity: 'MEDIUM',
  relatedRule: 'ecr-tag-immutability',
  runbook: 'EnableEcrTagImmutability',
  pattern: cloudTrailPattern('aws.ecr', 'ecr.amazonaws.com', ['PutImageTagMutability'], { imageTagMutability: [{ 'anything-but': IMMUTABLE_MODES }] }),
  classify(event) {
    if (failed(event)) return undefined;
    const parameters = requestParameters(event);
    const mode = requiredString(event, parameters, 'imageTagMutability');
    if (IMMUTABLE_MODES.includes(mode)) return undefined;
    const repository = requiredString(event, parameters, 'repositoryName');
    return alertFor(detection, event, {
      severity: 'MEDIUM',
      resourceType: 'AWS::ECR::Repository',
      resourceId: repository,
      change: `tag mutability set to ${mode}`,
      advice: `Any tag in ${repository} can now be moved to a different image. If the change was not approved, run EcrGuardrails-EnableEcrTagImmutability for the repository.`,
    });
  },
  samples,
};
