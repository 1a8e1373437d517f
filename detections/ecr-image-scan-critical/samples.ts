import { SAMPLE_ACCOUNT, SAMPLE_REGION } from '../kernel/samples.js';
import type { Detection, EventBridgeEvent } from '../kernel/types.js';

// The "Event for a completed image scan" example of https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html
const source = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html';
const scan = (counts: Record<string, number>, status = 'COMPLETE'): EventBridgeEvent => ({
  version: '0',
  id: '85fc3613-e913-7fc4-a80c-a3753e4aa9ae',
  'detail-type': 'ECR Image Scan',
  source: 'aws.ecr',
  account: SAMPLE_ACCOUNT,
  time: '2026-11-28T10:04:12Z',
  region: SAMPLE_REGION,
  resources: [`arn:aws:ecr:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:repository/payments/api`],
  detail: { 'scan-status': status, 'repository-name': 'payments/api', 'finding-severity-counts': counts, 'image-digest': 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234', 'image-tags': ['v1.4.3'] },
});

export const samples: Detection['samples'] = {
  positive: [{ name: 'scan with 10 critical findings', source, event: scan({ CRITICAL: 10, MEDIUM: 9 }) }],
  negative: [
    { name: 'scan with medium findings only', source, event: scan({ MEDIUM: 9, LOW: 3 }) },
    { name: 'failed scan', source, event: scan({}, 'FAILED') },
  ],
};
