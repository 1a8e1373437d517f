/**
 * A repository policy set or deleted. SetRepositoryPolicy (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html):
 * `repositoryName`, `policyText`, `force`; DeleteRepositoryPolicy: `repositoryName`.
 * The severity of a new policy comes from the ecr-repository-access simulation (`policyRisk`:
 * public write CRITICAL, public pull or outside write HIGH, outside pull or an unconfined
 * service principal MEDIUM, nothing outside INFORMATIONAL), which the detection Lambda computes
 * before classifying (detections/kernel/policy-rating.ts); unrated, the policy is HIGH.
 */
import { alertFor, cloudTrailPattern, failed, requestParameters, requiredString } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

export const detection: Detection = {
  id: 'ecr-repository-policy',
  title: 'Repository policy set or deleted',
  severity: 'CRITICAL',
  relatedRule: 'ecr-repository-access',
  pattern: cloudTrailPattern('aws.ecr', 'ecr.amazonaws.com', ['SetRepositoryPolicy', 'DeleteRepositoryPolicy']),
  classify(event, context) {
    if (failed(event)) return undefined;
    const parameters = requestParameters(event);
    const repository = requiredString(event, parameters, 'repositoryName');
    const base = { resourceType: 'AWS::ECR::Repository', resourceId: repository };
    if (event.detail.eventName === 'DeleteRepositoryPolicy') {
      return alertFor(detection, event, { ...base, severity: 'LOW', change: 'repository policy deleted', advice: `Cross-account pulls and pushes granted by the old policy of ${repository} stop working; restore it from source control if that was not intended.` });
    }
    const policyText = requiredString(event, parameters, 'policyText');
    const rated = context.ratePolicy?.(policyText, event.account);
    return alertFor(detection, event, {
      ...base,
      severity: rated ?? 'HIGH',
      change: rated ? `repository policy set (rated ${rated} by ecr-repository-access)` : 'repository policy set (not rated: treat as public until reviewed)',
      advice: `Review the new policy of ${repository} (aws ecr get-repository-policy --repository-name ${repository}); remove any principal outside the organisation and any wildcard principal with write actions.`,
    });
  },
  samples,
};
