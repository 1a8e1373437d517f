/**
 * An image pulled by a principal of another account that is not in the organisation.
 * BatchGetImage is the manifest read of every pull (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html);
 * in the registry owner's trail, `userIdentity.accountId` is the caller's account (a call from
 * another account may be recorded as type `AWSAccount`, with no arn). It is a read-only
 * management event: EventBridge delivers those only to rules in the state
 * ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html).
 * A pull by an AWS service (`AWSService`, invokedBy, no account: e.g. Lambda fetching a
 * function's image) acts under a service-principal grant of the repository policy, which the
 * ecr-repository-access rule rates; it is not attributed to an outside account here.
 */
import { actorOf, alertFor, cloudTrailPattern, failed, inOrganization, requestParameters, requiredString } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

export const detection: Detection = {
  id: 'ecr-image-pulled-outside-org',
  title: 'Image pulled from outside the organisation',
  severity: 'HIGH',
  relatedRule: 'ecr-repository-access',
  readOnlyEvents: true,
  // Every pull is a BatchGetImage: only other accounts' are forwarded (kernel/forwarding.ts).
  callersFromOtherAccounts: true,
  pattern: cloudTrailPattern('aws.ecr', 'ecr.amazonaws.com', ['BatchGetImage']),
  classify(event, context) {
    if (failed(event)) return undefined;
    const actor = actorOf(event);
    if (actor.identityType === 'AWSService' && actor.accountId === undefined) return undefined;
    if (actor.accountId === event.account || inOrganization(actor.accountId, context)) return undefined;
    const repository = requiredString(event, requestParameters(event), 'repositoryName');
    const known = context.organizationAccounts !== undefined && actor.accountId !== undefined;
    return alertFor(detection, event, {
      actor,
      severity: known ? 'HIGH' : 'MEDIUM',
      resourceType: 'AWS::ECR::Repository',
      resourceId: repository,
      change: `image pulled by account ${actor.accountId ?? 'unknown'}${known ? ', outside the organisation' : ' (not verified against the organisation)'}`,
      advice: `Find the policy statement that lets ${actor.accountId ?? 'this caller'} pull from ${repository} (repository and registry policies) and remove it unless the account is an approved consumer.`,
    });
  },
  samples,
};
