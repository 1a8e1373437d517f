/** Realistic ECR responses (shapes as the SDK returns them) for runbook tests. */
import type { Repository } from '@aws-sdk/client-ecr';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-3';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/EcrGuardrailsAutomation`;

export function repository(name: string, overrides: Partial<Repository> = {}): Repository {
  return {
    repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
    registryId: ACCOUNT,
    repositoryName: name,
    repositoryUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`,
    createdAt: new Date('2025-03-14T09:26:53.000Z'),
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfiguration: { encryptionType: 'AES256' },
    ...overrides,
  };
}
