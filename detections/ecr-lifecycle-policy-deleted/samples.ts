import { ecrEvent } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// Record shape: https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html; parameter names: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteLifecyclePolicy.html
const source = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html';

export const samples: Detection['samples'] = {
  positive: [{ name: 'lifecycle policy deleted', source, event: ecrEvent('DeleteLifecyclePolicy', { repositoryName: 'payments/api' }) }],
  negative: [
    { name: 'lifecycle policy put', source, event: ecrEvent('PutLifecyclePolicy', { repositoryName: 'payments/api', lifecyclePolicyText: '{"rules":[]}' }) },
    { name: 'deletion refused', source, event: ecrEvent('DeleteLifecyclePolicy', { repositoryName: 'payments/api' }, { errorCode: 'LifecyclePolicyNotFoundException' }) },
  ],
};
