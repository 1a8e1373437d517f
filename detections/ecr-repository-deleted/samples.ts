import { ecrEvent } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// Record shape: https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html; parameter names: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html
const source = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html';

export const samples: Detection['samples'] = {
  positive: [
    { name: 'forced deletion', source, event: ecrEvent('DeleteRepository', { repositoryName: 'payments/api', force: true }) },
    { name: 'empty repository deleted', source, event: ecrEvent('DeleteRepository', { repositoryName: 'payments/old' }) },
  ],
  negative: [
    { name: 'deletion refused (not empty)', source, event: ecrEvent('DeleteRepository', { repositoryName: 'payments/api' }, { errorCode: 'RepositoryNotEmptyException' }) },
    { name: 'repository created', source, event: ecrEvent('CreateRepository', { repositoryName: 'payments/api' }) },
  ],
};
