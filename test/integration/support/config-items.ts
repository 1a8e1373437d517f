/**
 * Configuration items built from the emulator's state the way AWS Config records them
 * (property lists: awslabs/aws-config-resource-schema, config/properties/resource-types/):
 * ECR repositories CloudFormation-shaped with only the recorded properties (no tag-mutability
 * exclusion filters: recorded items may lack newer fields), VPCs EC2-API-shaped in camelCase.
 */
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand, GetLifecyclePolicyCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import type { ItemOptions } from '../../support/config-events.js';
import type { Clients } from './emulator.js';

async function ecrRepositoryItem(clients: Clients, name: string): Promise<ItemOptions> {
  const repository = (await clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories![0]!;
  const tags = (await clients.ecr.send(new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn! }))).tags ?? [];
  const policy = await clients.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name })).catch(() => undefined);
  return {
    resourceType: 'AWS::ECR::Repository',
    resourceId: name,
    resourceName: name,
    arn: repository.repositoryArn!,
    accountId: repository.registryId!,
    configuration: {
      Arn: repository.repositoryArn,
      RepositoryName: name,
      ImageTagMutability: repository.imageTagMutability,
      ImageScanningConfiguration: { ScanOnPush: repository.imageScanningConfiguration?.scanOnPush ?? false },
      ...(policy ? { LifecyclePolicy: { LifecyclePolicyText: policy.lifecyclePolicyText, RegistryId: policy.registryId } } : {}),
      Tags: tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })),
    },
    tags: Object.fromEntries(tags.map((tag) => [tag.Key!, tag.Value ?? ''])),
  };
}

async function vpcItem(clients: Clients, vpcId: string, region: string): Promise<ItemOptions> {
  const vpc = (await clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!;
  return {
    resourceType: 'AWS::EC2::VPC',
    resourceId: vpcId,
    arn: `arn:aws:ec2:${region}:${vpc.OwnerId}:vpc/${vpcId}`,
    accountId: vpc.OwnerId!,
    configuration: {
      cidrBlock: vpc.CidrBlock,
      cidrBlockAssociationSet: (vpc.CidrBlockAssociationSet ?? []).map((a) => ({ associationId: a.AssociationId, cidrBlock: a.CidrBlock, cidrBlockState: { state: a.CidrBlockState?.State } })),
      dhcpOptionsId: vpc.DhcpOptionsId,
      instanceTenancy: vpc.InstanceTenancy,
      ipv6CidrBlockAssociationSet: [],
      isDefault: vpc.IsDefault,
      ownerId: vpc.OwnerId,
      state: { value: vpc.State },
      vpcId,
      tags: (vpc.Tags ?? []).map((tag) => ({ key: tag.Key, value: tag.Value })),
    },
    tags: Object.fromEntries((vpc.Tags ?? []).map((tag) => [tag.Key!, tag.Value ?? ''])),
  };
}

/** The item Config would record for this resource now; an unknown type fails loudly. */
export async function recordedItem(clients: Clients, resourceType: string, resourceId: string, region: string): Promise<ItemOptions> {
  switch (resourceType) {
    case 'AWS::ECR::Repository':
      return ecrRepositoryItem(clients, resourceId);
    case 'AWS::EC2::VPC':
      return vpcItem(clients, resourceId, region);
    default:
      throw new Error(`test/integration/support/config-items.ts cannot build a configuration item for ${resourceType} yet: add a builder`);
  }
}
