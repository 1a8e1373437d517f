import { ecrEvent, ORG_PEER, OUTSIDE_ACCOUNT, roleSession } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// Record shape: the BatchGetImage example in https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html
const source = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html';
const pull = { repositoryName: 'payments/api', registryId: '111122223333', imageIds: [{ imageTag: 'v1.4.2' }], acceptedMediaTypes: ['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json'] };

export const samples: Detection['samples'] = {
  positive: [{ name: 'pull from an outside account', source, event: ecrEvent('BatchGetImage', pull, { userIdentity: roleSession('ci-runner', OUTSIDE_ACCOUNT, 'i-0abc123def4567890') }) }],
  negative: [
    { name: 'pull from an organisation account', source, event: ecrEvent('BatchGetImage', pull, { userIdentity: roleSession('eks-node', ORG_PEER, 'i-0fedcba9876543210') }) },
    { name: 'pull from the same account', source, event: ecrEvent('BatchGetImage', pull) },
  ],
};
