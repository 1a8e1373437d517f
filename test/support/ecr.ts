/** Realistic ECR API shapes (DescribeRepositories, ListTagsForResource). */
import type { Repository } from '@aws-sdk/client-ecr';
import { MEMBER_ACCOUNT, REGION } from './config-events.js';

export function ecrRepository(name: string, overrides: Partial<Repository> = {}): Repository {
  return {
    repositoryArn: `arn:aws:ecr:${REGION}:${MEMBER_ACCOUNT}:repository/${name}`,
    registryId: MEMBER_ACCOUNT,
    repositoryName: name,
    repositoryUri: `${MEMBER_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`,
    createdAt: new Date('2024-03-11T08:12:40.000Z'),
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
    ...overrides,
  };
}

/** The CloudFormation-shaped configuration Config records for AWS::ECR::Repository. */
export function ecrRepositoryConfiguration(name: string, extra: Record<string, unknown> = {}) {
  return {
    Arn: `arn:aws:ecr:${REGION}:${MEMBER_ACCOUNT}:repository/${name}`,
    ImageScanningConfiguration: { ScanOnPush: false },
    ImageTagMutability: 'MUTABLE',
    RepositoryName: name,
    LifecyclePolicy: {},
    RepositoryPolicyText: {},
    Tags: [],
    ...extra,
  };
}
