/**
 * A repository deleted. DeleteRepository (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html):
 * `repositoryName`, `force` (true deletes the images it still holds).
 */
import { alertFor, cloudTrailPattern, failed, requestParameters, requiredString } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

export const detection: Detection = {
  id: 'ecr-repository-deleted',
  title: 'Repository deleted',
  severity: 'HIGH',
  pattern: cloudTrailPattern('aws.ecr', 'ecr.amazonaws.com', ['DeleteRepository']),
  classify(event) {
    if (failed(event)) return undefined;
    const parameters = requestParameters(event);
    const repository = requiredString(event, parameters, 'repositoryName');
    const forced = parameters.force === true;
    return alertFor(detection, event, {
      severity: forced ? 'HIGH' : 'MEDIUM',
      resourceType: 'AWS::ECR::Repository',
      resourceId: repository,
      change: forced ? 'repository deleted with its images (force)' : 'repository deleted',
      advice: `Workloads pulling from ${repository} will fail. Confirm the deletion with its owner; images deleted by ECR cannot be recovered, so rebuild and push from source if it was a mistake.`,
    });
  },
  samples,
};
