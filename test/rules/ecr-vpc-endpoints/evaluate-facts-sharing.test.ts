/**
 * ecr-vpc-endpoints verdicts (issue 11, cases 4, 5, 8, 9): facts that could not be read never
 * pass, several S3 gateway endpoints, what counts as a workload, shared VPCs (AWS RAM).
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../rules/ecr-vpc-endpoints/evaluate.js';
import { checkCase, DEFAULTS, endpoint, FULLY_COVERED, noWorkloads, type Case } from '../../fixtures/ecr-vpc-endpoints/cases.js';
import { ACCOUNT, baseEstate, eni, factsOf, gatewayEndpoint, IDS, resolverRule, ruleAssociation, VPC_ID, type Estate } from '../../fixtures/ecr-vpc-endpoints/estate.js';

const PARTICIPANT = '444455556666';
const RTB_C = 'rtb-0c00000000000000c1';

/** Subnet C gets its own route table (as a per-AZ NAT design has), without any S3 gateway endpoint. */
function ownTableForSubnetC(e: Estate): void {
  const shared = e.routeTables.find((t) => t.RouteTableId === IDS.rtbPrivate)!;
  shared.Associations = shared.Associations!.filter((a) => a.SubnetId !== IDS.subnetC);
  e.routeTables.push({
    RouteTableId: RTB_C,
    VpcId: VPC_ID,
    OwnerId: ACCOUNT,
    Associations: [{ Main: false, SubnetId: IDS.subnetC, RouteTableId: RTB_C, RouteTableAssociationId: 'rtbassoc-c', AssociationState: { State: 'associated' } }],
    Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' }],
  });
}

const cases: Case[] = [
  // Case 5: one S3 gateway endpoint per route table, several per VPC
  // (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
  {
    name: 'two S3 gateway endpoints, each on some of the workload route tables',
    change: (e) => {
      ownTableForSubnetC(e);
      e.endpoints.push(gatewayEndpoint('vpce-053000000000005e2', [RTB_C]));
    },
    expected: {
      complianceType: 'COMPLIANT',
      annotation:
        `Workloads reach ECR privately: ecr.api, ecr.dkr via interface endpoints ${IDS.api}, ${IDS.dkr} with private DNS in eu-west-3a, eu-west-3b, eu-west-3c; ` +
        `s3 via gateway endpoints ${IDS.s3}, vpce-053000000000005e2 on every workload route table.`,
    },
  },
  {
    name: 'a workload route table that no S3 gateway endpoint is on',
    change: (e) => ownTableForSubnetC(e),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `s3 gateway endpoint ${IDS.s3} is not on route table ${RTB_C}.` },
  },
  {
    name: 'the second gateway endpoint on that table is not available',
    change: (e) => {
      ownTableForSubnetC(e);
      e.endpoints.push(gatewayEndpoint('vpce-053000000000005e2', [RTB_C], { State: 'pending' as never }));
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: 's3 gateway endpoint vpce-053000000000005e2 is pending, not available.' },
  },

  // Case 8: Lambda's Hyperplane interfaces and managed services' interfaces pull no image in the VPC.
  {
    name: 'only Lambda and managed-service interfaces: NOT_APPLICABLE',
    change: (e) => {
      noWorkloads(e);
      e.networkInterfaces.push(eni('eni-0lambda000000000c2', IDS.subnetC, { InterfaceType: 'lambda', RequesterManaged: true, Description: 'AWS Lambda VPC ENI-orders' }));
      e.networkInterfaces.push(eni('eni-0eksctl00000000001', IDS.subnetA, { RequesterManaged: true, Description: 'Amazon EKS orders' }));
    },
    expected: {
      complianceType: 'NOT_APPLICABLE',
      annotation: 'No workloads: nothing in the VPC pulls container images (only 9 interface(s) of endpoints, NAT gateways, load balancers, Lambda or managed services).',
    },
  },
  {
    name: 'an ECS trunk and branch interface are workloads',
    change: (e) => {
      noWorkloads(e);
      e.networkInterfaces.push(eni('eni-0trunk00000000000a1', IDS.subnetA, { InterfaceType: 'trunk', PrivateIpAddress: '10.0.2.10' }));
      e.networkInterfaces.push(eni('eni-0branch0000000000a1', IDS.subnetA, { InterfaceType: 'branch', RequesterManaged: true, PrivateIpAddress: '10.0.2.11' }));
      endpoint(e, IDS.api).SubnetIds = [IDS.subnetA];
    },
    expected: {
      complianceType: 'COMPLIANT',
      annotation:
        `Workloads reach ECR privately: ecr.api via interface endpoint ${IDS.api} with private DNS in eu-west-3a; ecr.dkr via interface endpoint ${IDS.dkr} with private DNS in eu-west-3a, eu-west-3b, eu-west-3c; ` +
        `s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },

  // Case 9: shared VPCs. Participants cannot view or change the owner's resources, and only the
  // owner manages endpoints and route tables (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html).
  {
    name: 'a VPC another account shares with this one (participant): evaluated in the owner account',
    change: (e) => (e.vpcs[0]!.OwnerId = '999988887777'),
    expected: { complianceType: 'NOT_APPLICABLE', annotation: 'Shared VPC: evaluated in owner account 999988887777, which owns its endpoints, route tables and DNS settings.' },
  },
  {
    name: 'the owner counts a participant\'s workloads in its shared subnets',
    change: (e) => {
      noWorkloads(e);
      e.networkInterfaces.push(eni('eni-0particip000000001', IDS.subnetB, { OwnerId: PARTICIPANT, PrivateIpAddress: '10.0.17.30', Groups: [{ GroupId: 'sg-0particip00000001' }] }));
      e.securityGroups[0] = { ...e.securityGroups[0]!, IpPermissions: [] };
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 1 workload interface(s) (10.0.17.30).` },
  },
];

describe('ecr-vpc-endpoints evaluate: several gateway endpoints, workloads, shared VPCs', () => {
  it.each(cases)('$name', (c) => checkCase(c));
});

/** Case 4: each change removes or garbles one fact the verdict rests on. */
const UNREADABLE: Array<[string, (e: Estate) => void]> = [
  ['VPC without CIDR blocks', (e) => (e.vpcs[0] = { ...e.vpcs[0]!, CidrBlock: undefined, CidrBlockAssociationSet: undefined })],
  ['workload interface without a subnet', (e) => (e.networkInterfaces[0]!.SubnetId = undefined)],
  ['workload interface in a subnet not listed', (e) => (e.subnets = e.subnets.filter((s) => s.SubnetId !== IDS.subnetB))],
  ['workload subnet without an AZ', (e) => (e.subnets[0]!.AvailabilityZone = undefined)],
  ['no route tables listed', (e) => (e.routeTables = [])],
  ['VPC without DhcpOptionsId', (e) => (e.vpcs[0]!.DhcpOptionsId = undefined)],
  ['DHCP option set not listed', (e) => (e.dhcpOptions = [])],
  ['endpoint without State', (e) => e.endpoints.forEach((x) => (x.State = undefined))],
  ['endpoint of an unrecognised type', (e) => e.endpoints.forEach((x) => (x.VpcEndpointType = 'Frobnicated' as never))],
  ['endpoint without ServiceName', (e) => e.endpoints.forEach((x) => (x.ServiceName = undefined))],
  ['endpoint security group without IpPermissions', (e) => e.securityGroups.forEach((g) => (g.IpPermissions = undefined))],
  ['security group rule without protocol', (e) => e.securityGroups.forEach((g) => g.IpPermissions?.forEach((p) => (p.IpProtocol = undefined)))],
  ['workload interfaces without any address', (e) => e.networkInterfaces.forEach((n) => Object.assign(n, { PrivateIpAddress: undefined, PrivateIpAddresses: undefined }))],
  ['Resolver rule of an unknown type covering the names', (e) => {
    e.resolverRules.push({ ...resolverRule('rslvr-rr-0odd000000000001', 'FORWARD', 'amazonaws.com'), RuleType: undefined });
    e.resolverRuleAssociations.push(ruleAssociation('rslvr-rr-0odd000000000001'));
  }],
];

describe('ecr-vpc-endpoints evaluate: missing or unrecognised input never passes (issue 11 case 4)', () => {
  it('the baseline passes (so each case below fails because of its one change)', () => {
    expect(evaluate(factsOf(baseEstate()), DEFAULTS)[0]).toEqual({ resourceType: 'AWS::EC2::VPC', resourceId: VPC_ID, complianceType: 'COMPLIANT', annotation: FULLY_COVERED });
  });

  it.each(UNREADABLE)('%s: never COMPLIANT', (_, change) => {
    const estate = baseEstate();
    change(estate);
    const evaluations = evaluate(factsOf(estate), DEFAULTS);
    expect(evaluations.map((e) => e.complianceType)).not.toContain('COMPLIANT');
  });
});
