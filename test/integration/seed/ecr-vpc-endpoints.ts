/**
 * ecr-vpc-endpoints cases with the rule's defaults (ecr.api, ecr.dkr and s3 required, AZ
 * coverage not required, centralised endpoints accepted, VPCs without workloads not applicable,
 * no trusted DNS servers).
 * What a pull needs: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 * Centralised endpoints through a private hosted zone:
 * https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html
 */
import {
  AssociateDhcpOptionsCommand,
  AssociateRouteTableCommand,
  CreateDhcpOptionsCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeVpcsCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { unique } from '../support/emulator.js';
import type { GroundTruth, RuleSeed, SeedContext } from './types.js';

interface Vpc {
  vpcId: string;
  subnetId: string;
  routeTableId: string;
  cidr: string;
}

async function vpcWithSubnet(ctx: SeedContext, second: number, dns: boolean): Promise<Vpc> {
  const { ec2 } = ctx.clients;
  const cidr = `10.${second}.0.0/16`;
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  if (dns) {
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true } }));
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  }
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.${second}.1.0/24`, AvailabilityZone: `${ctx.region}a` }))).Subnet!.SubnetId!;
  const routeTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }));
  return { vpcId, subnetId, routeTableId, cidr };
}

/** A workload: a network interface of our own in the subnet (an instance's or a task's). */
async function addWorkload(ctx: SeedContext, vpc: Vpc): Promise<void> {
  await ctx.clients.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: vpc.subnetId, Description: 'app server' }));
}

async function securityGroup(ctx: SeedContext, vpc: Vpc, https: boolean): Promise<string> {
  const { ec2 } = ctx.clients;
  const groupId = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc.vpcId, GroupName: unique('endpoints'), Description: 'ECR endpoints' }))).GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [https ? { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: vpc.cidr }] } : { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: vpc.cidr }] }],
    }),
  );
  return groupId;
}

async function interfaceEndpoint(ctx: SeedContext, vpc: Vpc, service: string, groupId: string, region = ctx.region): Promise<void> {
  await ctx.clients.ec2.send(
    new CreateVpcEndpointCommand({
      VpcId: vpc.vpcId,
      VpcEndpointType: 'Interface',
      ServiceName: `com.amazonaws.${region}.${service}`,
      SubnetIds: [vpc.subnetId],
      SecurityGroupIds: [groupId],
      PrivateDnsEnabled: true,
    }),
  );
}

async function s3Gateway(ctx: SeedContext, vpc: Vpc): Promise<void> {
  await ctx.clients.ec2.send(
    new CreateVpcEndpointCommand({ VpcId: vpc.vpcId, VpcEndpointType: 'Gateway', ServiceName: `com.amazonaws.${ctx.region}.s3`, RouteTableIds: [vpc.routeTableId] }),
  );
}

export const seed: RuleSeed = {
  ruleId: 'ecr-vpc-endpoints',
  async seed(ctx) {
    const truth: GroundTruth = {};
    const defaults = await ctx.clients.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    for (const vpc of defaults.Vpcs ?? []) truth[vpc.VpcId!] = { complianceType: 'NOT_APPLICABLE', case: 'the default VPC the emulator creates, no workloads' };

    const covered = await vpcWithSubnet(ctx, 11, true);
    await addWorkload(ctx, covered);
    const https = await securityGroup(ctx, covered, true);
    await interfaceEndpoint(ctx, covered, 'ecr.api', https);
    await interfaceEndpoint(ctx, covered, 'ecr.dkr', https);
    await s3Gateway(ctx, covered);
    truth[covered.vpcId] = { complianceType: 'COMPLIANT', case: 'ecr.api + ecr.dkr with private DNS and 443 from the VPC, s3 gateway on the workload route table' };

    const bare = await vpcWithSubnet(ctx, 12, false);
    await addWorkload(ctx, bare);
    truth[bare.vpcId] = { complianceType: 'NON_COMPLIANT', case: 'workloads, no endpoints, VPC DNS off' };

    const empty = await vpcWithSubnet(ctx, 13, true);
    truth[empty.vpcId] = { complianceType: 'NOT_APPLICABLE', case: 'no workloads' };

    const closed = await vpcWithSubnet(ctx, 14, true);
    await addWorkload(ctx, closed);
    const ssh = await securityGroup(ctx, closed, false);
    await interfaceEndpoint(ctx, closed, 'ecr.api', ssh);
    await interfaceEndpoint(ctx, closed, 'ecr.dkr', ssh);
    await s3Gateway(ctx, closed);
    truth[closed.vpcId] = { complianceType: 'NON_COMPLIANT', case: 'endpoints behind a security group without 443' };

    const noS3 = await vpcWithSubnet(ctx, 15, true);
    await addWorkload(ctx, noS3);
    const https2 = await securityGroup(ctx, noS3, true);
    await interfaceEndpoint(ctx, noS3, 'ecr.api', https2);
    await interfaceEndpoint(ctx, noS3, 'ecr.dkr', https2);
    truth[noS3.vpcId] = { complianceType: 'NON_COMPLIANT', case: 'ECR endpoints but no s3 gateway endpoint' };

    // Centralised: a private hosted zone for ecr.REGION.amazonaws.com answers the ECR names an
    // interface endpoint's private DNS would (api.ecr, dkr.ecr and *.dkr.ecr).
    const spoke = await vpcWithSubnet(ctx, 16, true);
    await addWorkload(ctx, spoke);
    await s3Gateway(ctx, spoke);
    const zoneName = `ecr.${ctx.region}.amazonaws.com`;
    const zone = await ctx.clients.route53.send(
      new CreateHostedZoneCommand({ Name: zoneName, CallerReference: unique('zone'), VPC: { VPCId: spoke.vpcId, VPCRegion: ctx.region as never }, HostedZoneConfig: { PrivateZone: true } }),
    );
    await ctx.clients.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.HostedZone!.Id!,
        ChangeBatch: {
          Changes: [`api.${zoneName}`, `dkr.${zoneName}`, `*.dkr.${zoneName}`].map((name) => ({
            Action: 'CREATE' as const,
            ResourceRecordSet: { Name: name, Type: 'A' as const, TTL: 300, ResourceRecords: [{ Value: '10.200.1.10' }] },
          })),
        },
      }),
    );
    truth[spoke.vpcId] = { complianceType: 'COMPLIANT', case: 'centralised ECR endpoints through a private hosted zone, local s3 gateway' };

    // Issue 11 case 1: an ecr.dkr endpoint for another region serves that region's names only
    // (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html).
    const crossRegion = await vpcWithSubnet(ctx, 17, true);
    await addWorkload(ctx, crossRegion);
    const https3 = await securityGroup(ctx, crossRegion, true);
    await interfaceEndpoint(ctx, crossRegion, 'ecr.api', https3);
    await interfaceEndpoint(ctx, crossRegion, 'ecr.dkr', https3, ctx.region === 'us-east-1' ? 'us-west-2' : 'us-east-1');
    await s3Gateway(ctx, crossRegion);
    truth[crossRegion.vpcId] = { complianceType: 'NON_COMPLIANT', case: 'ecr.dkr endpoint of another region (cross-region PrivateLink)' };

    // Issue 11 case 2: DHCP options sending DNS to corporate servers bypass endpoint private DNS
    // (https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSet.html).
    const customDns = await vpcWithSubnet(ctx, 18, true);
    await addWorkload(ctx, customDns);
    const https4 = await securityGroup(ctx, customDns, true);
    await interfaceEndpoint(ctx, customDns, 'ecr.api', https4);
    await interfaceEndpoint(ctx, customDns, 'ecr.dkr', https4);
    await s3Gateway(ctx, customDns);
    const dhcp = await ctx.clients.ec2.send(
      new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key: 'domain-name-servers', Values: ['10.200.0.2', '10.200.0.3'] }, { Key: 'domain-name', Values: ['corp.example.com'] }] }),
    );
    await ctx.clients.ec2.send(new AssociateDhcpOptionsCommand({ VpcId: customDns.vpcId, DhcpOptionsId: dhcp.DhcpOptions!.DhcpOptionsId! }));
    truth[customDns.vpcId] = { complianceType: 'NON_COMPLIANT', case: 'DHCP options naming corporate DNS servers, not AmazonProvidedDNS' };
    return truth;
  },
};
