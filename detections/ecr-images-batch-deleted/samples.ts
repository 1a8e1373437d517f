import { AUTOMATION_ROLE_NAME } from '../../rules/names.js';
import { ecrEvent, roleSession } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// Record shape: https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html; parameter names: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
const source = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html';
const imageIds = [{ imageTag: 'v1.4.2' }, { imageDigest: 'sha256:3f0c2a4c7d1e9b8a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0f9e' }];

export const samples: Detection['samples'] = {
  positive: [{ name: 'engineer deletes two images', source, event: ecrEvent('BatchDeleteImage', { repositoryName: 'payments/api', imageIds }) }],
  negative: [
    { name: 'the automation role deletes approved images', source, event: ecrEvent('BatchDeleteImage', { repositoryName: 'payments/api', imageIds }, { userIdentity: roleSession(AUTOMATION_ROLE_NAME, undefined, 'DeleteStaleEcrImages-0a1b2c') }) },
    { name: 'image pushed', source, event: ecrEvent('PutImage', { repositoryName: 'payments/api', imageTag: 'v1.4.3' }) },
  ],
};
