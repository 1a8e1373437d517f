import { ecrEvent } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// Record shape: https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html; parameter names: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html
const source = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html';

export const samples: Detection['samples'] = {
  positive: [
    { name: 'set to MUTABLE', source, event: ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' }, { responseElements: { registryId: '111122223333', repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' } }) },
    { name: 'set to MUTABLE by the root user', source, event: ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' }, { userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: 'ASIAEXAMPLEKEYID' } }) },
    { name: 'MUTABLE attempt denied (AccessDeniedException): reported as an attempt, LOW', source, event: ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' }, { errorCode: 'AccessDeniedException' }) },
    { name: 'set to MUTABLE_WITH_EXCLUSION', source, event: ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'MUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }] }) },
  ],
  negative: [
    { name: 'set to IMMUTABLE', source, event: ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'IMMUTABLE' }) },
    { name: 'MUTABLE refused for a missing repository', source, event: ecrEvent('PutImageTagMutability', { repositoryName: 'payments/api', imageTagMutability: 'MUTABLE' }, { errorCode: 'RepositoryNotFoundException' }) },
    { name: 'another API', source, event: ecrEvent('DescribeRepositories', { repositoryNames: ['payments/api'] }) },
  ],
};
