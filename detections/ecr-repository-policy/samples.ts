import { ecrEvent, OUTSIDE_ACCOUNT } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// Record shape: https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html; parameter names: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html
const source = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html';
const publicPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'AllowPull', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }] });
const externalPush = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:root` }, Action: ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'] }] });

export const samples: Detection['samples'] = {
  positive: [
    { name: 'public pull policy set', source, event: ecrEvent('SetRepositoryPolicy', { repositoryName: 'payments/api', policyText: publicPolicy, force: false }) },
    { name: 'external push policy set', source, event: ecrEvent('SetRepositoryPolicy', { repositoryName: 'payments/api', policyText: externalPush }) },
    { name: 'public policy attempt denied (AccessDenied): reported as an attempt, not as set', source, event: ecrEvent('SetRepositoryPolicy', { repositoryName: 'payments/api', policyText: publicPolicy }, { errorCode: 'AccessDenied' }) },
    { name: 'policy deleted', source, event: ecrEvent('DeleteRepositoryPolicy', { repositoryName: 'payments/api' }) },
  ],
  negative: [
    { name: 'policy set refused (invalid policy)', source, event: ecrEvent('SetRepositoryPolicy', { repositoryName: 'payments/api', policyText: publicPolicy }, { errorCode: 'InvalidParameterException' }) },
    { name: 'policy read', source, event: ecrEvent('GetRepositoryPolicy', { repositoryName: 'payments/api' }) },
  ],
};
