import { ecrEvent, ORG_PEER, OUTSIDE_ACCOUNT, roleSession } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// Record shape: the BatchGetImage example in https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html
// (a read-only call: readOnly true); identity types: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
// (a call from another account may reach the owner's trail as type AWSAccount, without an arn; a service as AWSService).
const source = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html';
const identities = 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html';
const pull = { repositoryName: 'payments/api', registryId: '111122223333', imageIds: [{ imageTag: 'v1.4.2' }], acceptedMediaTypes: ['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json'] };
const read = (userIdentity: Record<string, unknown>, sourceIPAddress?: string) => ecrEvent('BatchGetImage', pull, { userIdentity, readOnly: true, ...(sourceIPAddress ? { sourceIPAddress } : {}) });

export const samples: Detection['samples'] = {
  positive: [
    { name: 'pull from an outside account', source, event: read(roleSession('ci-runner', OUTSIDE_ACCOUNT, 'i-0abc123def4567890')) },
    { name: 'pull from an outside account, recorded as AWSAccount (no arn)', source: identities, event: read({ type: 'AWSAccount', principalId: 'AROAEXAMPLEID:i-0abc123def4567890', accountId: OUTSIDE_ACCOUNT }, 'AWS Internal') },
  ],
  negative: [
    { name: 'pull from an organisation account', source, event: read(roleSession('eks-node', ORG_PEER, 'i-0fedcba9876543210')) },
    { name: 'pull from an organisation account, recorded as AWSAccount (no arn)', source: identities, event: read({ type: 'AWSAccount', principalId: 'AROAEXAMPLEID:i-0fedcba9876543210', accountId: ORG_PEER }, 'AWS Internal') },
    { name: 'pull by an AWS service (AWSService, invokedBy)', source: identities, event: read({ type: 'AWSService', invokedBy: 'lambda.amazonaws.com' }, 'lambda.amazonaws.com') },
    { name: 'pull from the same account', source, event: read(roleSession('eks-node', '111122223333', 'i-0123456789abcdef0')) },
  ],
};
