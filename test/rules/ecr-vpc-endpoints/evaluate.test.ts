import { describe, expect, it } from 'vitest';
import { admits443, isWorkloadInterface } from '../../../rules/ecr-vpc-endpoints/collect-inventory.js';
import { evaluate, inventory, type HostedZoneFacts, type VpcEndpointsParams } from '../../../rules/ecr-vpc-endpoints/evaluate.js';
import { needsDnsAttributes } from '../../../rules/ecr-vpc-endpoints/probe.js';
import { rule } from '../../../rules/ecr-vpc-endpoints/rule.js';
import { defaultRuleParameters } from '../../../rules/kernel/parameters.js';
import {
  aliasA,
  baseEstate,
  eni,
  factsOf,
  gatewayEndpoint,
  HUB_ACCOUNT,
  hostedZone,
  IDS,
  interfaceEndpoint,
  securityGroup,
  tcp443,
  VPC_ID,
  wireState,
  type Estate,
} from '../../fixtures/ecr-vpc-endpoints/estate.js';

const DEFAULTS = defaultRuleParameters<VpcEndpointsParams>(rule.id, rule.parameters);
const R = 'eu-west-3';
const FULLY_COVERED =
  `Workloads reach ECR privately: ecr.api, ecr.dkr via interface endpoints ${IDS.api}, ${IDS.dkr} with private DNS in ${R}a, ${R}b, ${R}c; ` +
  `s3 via gateway endpoint ${IDS.s3} on every workload route table.`;

const endpoint = (estate: Estate, id: string) => estate.endpoints.find((e) => e.VpcEndpointId === id)!;
const removeEndpoint = (estate: Estate, id: string) => {
  estate.endpoints = estate.endpoints.filter((e) => e.VpcEndpointId !== id);
  estate.networkInterfaces = estate.networkInterfaces.filter((n) => !(n.Description ?? '').endsWith(id));
};
const setEndpointSg = (estate: Estate, permissions: Parameters<typeof securityGroup>[1]) => {
  estate.securityGroups = [securityGroup(IDS.sgEndpoints, permissions), securityGroup(IDS.sgApp, [])];
};
const onlyWorkloadsIn = (estate: Estate, subnetId: string) => {
  estate.networkInterfaces = estate.networkInterfaces.filter((n) => n.InterfaceType !== 'interface' && n.InterfaceType !== 'lambda');
  estate.networkInterfaces.push(eni('eni-0only00000000000001', subnetId));
};
const noWorkloads = (estate: Estate) => {
  estate.networkInterfaces = estate.networkInterfaces.filter((n) => n.InterfaceType === 'vpc_endpoint' || n.InterfaceType === 'natGateway');
};
const centralOnly = (estate: Estate) => {
  removeEndpoint(estate, IDS.api);
  removeEndpoint(estate, IDS.dkr);
};
const HUB_DKR_ZONE = hostedZone('Z0DKR00000000000000001', 'dkr.ecr.eu-west-3.amazonaws.com.', [
  { Name: 'dkr.ecr.eu-west-3.amazonaws.com.', Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }] },
  { Name: 'dkr.ecr.eu-west-3.amazonaws.com.', Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1536.awsdns-00.co.uk.' }] },
  aliasA('dkr.ecr.eu-west-3.amazonaws.com.'),
  aliasA('\\052.dkr.ecr.eu-west-3.amazonaws.com.'),
]);
const HUB_API_ZONE = hostedZone('Z0API00000000000000001', 'api.ecr.eu-west-3.amazonaws.com.', [aliasA('api.ecr.eu-west-3.amazonaws.com.')]);

interface Case {
  name: string;
  change?: (estate: Estate) => void;
  params?: Partial<VpcEndpointsParams>;
  zones?: HostedZoneFacts[];
  prefixLists?: Record<string, string[]>;
  expected: { complianceType: string; annotation: string } | 'not evaluated';
}

const cases: Case[] = [
  { name: 'fully covered', expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED } },
  {
    name: 'missing ecr.dkr',
    change: (e) => removeEndpoint(e, IDS.dkr),
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'missing ecr.dkr interface endpoint.' },
  },
  {
    name: 'ecr.dkr endpoint still pending',
    change: (e) => (endpoint(e, IDS.dkr).State = wireState('pending')),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `ecr.dkr endpoint ${IDS.dkr} is pending, not available.` },
  },
  {
    name: 'private DNS off on the endpoint',
    change: (e) => (endpoint(e, IDS.api).PrivateDnsEnabled = false),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `private DNS is off on ecr.api endpoint ${IDS.api}.` },
  },
  {
    name: 'VPC DNS hostnames off',
    change: (e) => (e.dns[VPC_ID] = { support: true, hostnames: false }),
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'VPC enableDnsHostnames is off.' },
  },
  {
    name: 'VPC DNS support and hostnames off',
    change: (e) => (e.dns[VPC_ID] = { support: false, hostnames: false }),
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'VPC enableDnsSupport and enableDnsHostnames are off.' },
  },
  {
    name: 'a workload AZ without an endpoint subnet',
    change: (e) => (endpoint(e, IDS.api).SubnetIds = [IDS.subnetA, IDS.subnetB]),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `ecr.api does not cover ${R}c.` },
  },
  {
    name: 'a missing AZ with RequireAllWorkloadAzs=false',
    change: (e) => (endpoint(e, IDS.api).SubnetIds = [IDS.subnetA]),
    params: { RequireAllWorkloadAzs: false },
    expected: {
      complianceType: 'COMPLIANT',
      annotation: `Workloads reach ECR privately: ecr.api, ecr.dkr via interface endpoints ${IDS.api}, ${IDS.dkr} with private DNS in ${R}a, ${R}b, ${R}c; s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'AZs without workloads need no endpoint subnet',
    change: (e) => {
      onlyWorkloadsIn(e, IDS.subnetA);
      endpoint(e, IDS.api).SubnetIds = [IDS.subnetA];
      endpoint(e, IDS.dkr).SubnetIds = [IDS.subnetA];
    },
    expected: {
      complianceType: 'COMPLIANT',
      annotation: `Workloads reach ECR privately: ecr.api, ecr.dkr via interface endpoints ${IDS.api}, ${IDS.dkr} with private DNS in ${R}a; s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'endpoint security group without 443',
    change: (e) => setEndpointSg(e, [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }]),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 10.0.0.0/16.` },
  },
  {
    name: 'security group admitting only part of the VPC (where today\'s workloads are)',
    change: (e) => setEndpointSg(e, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/17' }] })]),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 10.0.0.0/16.` },
  },
  {
    name: 'a group rule for some workloads and a CIDR rule for the subnet of the others',
    change: (e) => {
      setEndpointSg(e, [tcp443({ UserIdGroupPairs: [{ GroupId: IDS.sgApp }], IpRanges: [{ CidrIp: '10.0.32.0/20' }] })]);
      const lambda = e.networkInterfaces.find((n) => n.InterfaceType === 'lambda')!;
      lambda.Groups = [{ GroupId: 'sg-0lambda00000000001' }];
    },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'a group rule that leaves one workload out',
    change: (e) => {
      setEndpointSg(e, [tcp443({ UserIdGroupPairs: [{ GroupId: IDS.sgApp }] })]);
      e.networkInterfaces.find((n) => n.InterfaceType === 'lambda')!.Groups = [{ GroupId: 'sg-0lambda00000000001' }];
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 10.0.0.0/16.` },
  },
  {
    name: 'two CIDR rules that together cover the VPC',
    change: (e) => setEndpointSg(e, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/17' }, { CidrIp: '10.0.128.0/17' }] })]),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'all traffic from 0.0.0.0/0',
    change: (e) => setEndpointSg(e, [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'a tcp port range containing 443',
    change: (e) => setEndpointSg(e, [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'UDP 443 is not TCP 443',
    change: (e) => setEndpointSg(e, [{ IpProtocol: 'udp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }]),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 10.0.0.0/16.` },
  },
  {
    name: 'a rule naming the workloads\' security group',
    change: (e) => setEndpointSg(e, [tcp443({ UserIdGroupPairs: [{ GroupId: IDS.sgApp, UserId: '111122223333' }] })]),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'a rule naming a group the workloads are not in',
    change: (e) => setEndpointSg(e, [tcp443({ UserIdGroupPairs: [{ GroupId: 'sg-0other000000000001', UserId: '111122223333' }] })]),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 10.0.0.0/16.` },
  },
  {
    name: 'a prefix list that covers the VPC',
    change: (e) => setEndpointSg(e, [tcp443({ PrefixListIds: [{ PrefixListId: 'pl-0corp0000000001' }] })]),
    prefixLists: { 'pl-0corp0000000001': ['10.0.0.0/8', '192.168.0.0/16'] },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'a secondary CIDR block not admitted',
    change: (e) => {
      e.vpcs[0]!.CidrBlockAssociationSet!.push({ AssociationId: 'vpc-cidr-assoc-02', CidrBlock: '100.64.0.0/16', CidrBlockState: { State: 'associated' } });
      e.networkInterfaces.push(eni('eni-0pod000000000000001', IDS.subnetA, { InterfaceType: 'branch', PrivateIpAddress: '100.64.3.4' }));
      e.networkInterfaces = e.networkInterfaces.map((n) => ({ ...n, Groups: n.InterfaceType === 'branch' ? [{ GroupId: 'sg-0pods0000000000001' }] : n.Groups }));
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 100.64.0.0/16.` },
  },
  {
    name: 'security groups of an endpoint are a union',
    change: (e) => {
      endpoint(e, IDS.api).Groups = [{ GroupId: IDS.sgEndpoints }, { GroupId: 'sg-0extra000000000001' }];
      setEndpointSg(e, []);
      e.securityGroups.push(securityGroup('sg-0extra000000000001', [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/16' }] })]));
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 10.0.0.0/16.` },
  },
  {
    name: 'S3 gateway endpoint not on the workload route table',
    change: (e) => (endpoint(e, IDS.s3).RouteTableIds = [IDS.rtbMain]),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `s3 gateway endpoint ${IDS.s3} is not on route table ${IDS.rtbPrivate}.` },
  },
  {
    name: 'missing S3 endpoint',
    change: (e) => removeEndpoint(e, IDS.s3),
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'missing s3 gateway (or interface) endpoint.' },
  },
  {
    name: 'an S3 interface endpoint instead of the gateway',
    change: (e) => {
      removeEndpoint(e, IDS.s3);
      e.endpoints.push(interfaceEndpoint('vpce-0s3if000000000001', 's3', [IDS.subnetA, IDS.subnetB, IDS.subnetC]));
    },
    expected: {
      complianceType: 'COMPLIANT',
      annotation: `Workloads reach ECR privately: ecr.api, ecr.dkr, s3 via interface endpoints ${IDS.api}, ${IDS.dkr}, vpce-0s3if000000000001 with private DNS in ${R}a, ${R}b, ${R}c.`,
    },
  },
  {
    // The console's default beside a gateway endpoint: VPC traffic keeps resolving S3 publicly,
    // so subnets whose route table lacks the gateway endpoint pull layers through the NAT gateway.
    name: 'an S3 interface endpoint with private DNS for inbound Resolver endpoints only does not serve the VPC',
    change: (e) => {
      endpoint(e, IDS.s3).RouteTableIds = [IDS.rtbMain];
      e.endpoints.push(
        interfaceEndpoint('vpce-0s3if000000000001', 's3', [IDS.subnetA, IDS.subnetB, IDS.subnetC], {
          DnsOptions: { DnsRecordIpType: 'ipv4', PrivateDnsOnlyForInboundResolverEndpoint: true },
        }),
      );
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: `s3 gateway endpoint ${IDS.s3} is not on route table ${IDS.rtbPrivate}.` },
  },
  {
    name: 'an S3 interface endpoint with private DNS for inbound Resolver endpoints only, gateway endpoint fine',
    change: (e) =>
      e.endpoints.push(
        interfaceEndpoint('vpce-0s3if000000000001', 's3', [IDS.subnetA, IDS.subnetB, IDS.subnetC], {
          DnsOptions: { DnsRecordIpType: 'ipv4', PrivateDnsOnlyForInboundResolverEndpoint: true },
        }),
      ),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'only an S3 interface endpoint with private DNS for inbound Resolver endpoints',
    change: (e) => {
      removeEndpoint(e, IDS.s3);
      e.endpoints.push(
        interfaceEndpoint('vpce-0s3if000000000001', 's3', [IDS.subnetA, IDS.subnetB, IDS.subnetC], {
          DnsOptions: { DnsRecordIpType: 'ipv4', PrivateDnsOnlyForInboundResolverEndpoint: true },
        }),
      );
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'private DNS of s3 endpoint vpce-0s3if000000000001 is for inbound Resolver endpoints only.' },
  },
  {
    name: 'one broken and one good endpoint for the same service',
    change: (e) => e.endpoints.push(interfaceEndpoint('vpce-0dkrold0000000001', 'ecr.dkr', [IDS.subnetA], { State: wireState('rejected'), PrivateDnsEnabled: false })),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'combination, most important first',
    change: (e) => {
      removeEndpoint(e, IDS.dkr);
      endpoint(e, IDS.api).SubnetIds = [IDS.subnetA, IDS.subnetB];
      endpoint(e, IDS.s3).RouteTableIds = [];
      setEndpointSg(e, []);
      e.dns[VPC_ID] = { support: true, hostnames: false };
    },
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation:
        `missing ecr.dkr interface endpoint; VPC enableDnsHostnames is off; ecr.api does not cover ${R}c; ` +
        `endpoint ${IDS.sgEndpoints} does not admit 443 from 10.0.0.0/16; s3 gateway endpoint ${IDS.s3} is not on route table ${IDS.rtbPrivate}.`,
    },
  },
  {
    // Its private DNS serves dkr.ecr-fips.REGION names only: pulls by the plain registry name
    // (ACCOUNT.dkr.ecr.REGION.amazonaws.com) still resolve to the public endpoint.
    name: 'a FIPS endpoint does not satisfy the plain service',
    change: (e) => (endpoint(e, IDS.dkr).ServiceName = `com.amazonaws.${R}.ecr-fips.dkr`),
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'missing ecr.dkr interface endpoint.' },
  },
  {
    name: 'a FIPS endpoint satisfies the FIPS service',
    change: (e) => (endpoint(e, IDS.dkr).ServiceName = `com.amazonaws.${R}.ecr-fips.dkr`),
    params: { RequiredServices: ['ecr.api', 'ecr-fips.dkr', 's3'] },
    expected: {
      complianceType: 'COMPLIANT',
      annotation:
        `Workloads reach ECR privately: ecr.api, ecr-fips.dkr via interface endpoints ${IDS.api}, ${IDS.dkr} with private DNS in ${R}a, ${R}b, ${R}c; ` +
        `s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'a required FIPS service is not satisfied by the plain endpoint',
    params: { RequiredServices: ['ecr.api', 'ecr-fips.dkr', 's3'] },
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'missing ecr-fips.dkr interface endpoint.' },
  },
  {
    name: 'full service names in RequiredServices',
    change: (e) => removeEndpoint(e, IDS.api),
    params: { RequiredServices: [`com.amazonaws.${R}.ecr.dkr`, `com.amazonaws.${R}.s3`] },
    expected: {
      complianceType: 'COMPLIANT',
      annotation: `Workloads reach ECR privately: ecr.dkr via interface endpoint ${IDS.dkr} with private DNS in ${R}a, ${R}b, ${R}c; s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'exempt by tag',
    change: (e) => e.vpcs[0]!.Tags!.push({ Key: 'ecr-guardrails:exempt', Value: 'sandbox, no images (ticket NET-42)' }),
    expected: { complianceType: 'NOT_APPLICABLE', annotation: 'Exempt by tag ecr-guardrails:exempt: sandbox, no images (ticket NET-42).' },
  },
  {
    name: 'exempt by a custom tag without a reason',
    change: (e) => {
      e.vpcs[0]!.Tags!.push({ Key: 'no-ecr', Value: ' ' });
      removeEndpoint(e, IDS.dkr);
    },
    params: { ExemptionTagKey: 'no-ecr' },
    expected: { complianceType: 'NOT_APPLICABLE', annotation: 'Exempt by tag no-ecr: (no reason given in the tag value).' },
  },
  {
    name: 'no subnets',
    change: (e) => {
      e.subnets = [];
      e.endpoints = [];
      e.networkInterfaces = [];
    },
    expected: { complianceType: 'NOT_APPLICABLE', annotation: 'The VPC has no subnets: nothing can run in it.' },
  },
  {
    name: 'only endpoint and NAT interfaces',
    change: (e) => {
      noWorkloads(e);
      removeEndpoint(e, IDS.dkr);
    },
    expected: {
      complianceType: 'NOT_APPLICABLE',
      annotation: "No workloads: the VPC has no network interfaces other than its own endpoints' and network appliances' (only 4 endpoint, NAT or load balancer interface(s)).",
    },
  },
  {
    name: 'only managed-service interfaces (RDS, ALB)',
    change: (e) => {
      noWorkloads(e);
      e.networkInterfaces.push(eni('eni-0rds0000000000001', IDS.subnetA, { RequesterManaged: true, Description: 'RDSNetworkInterface' }));
      e.networkInterfaces.push(eni('eni-0alb0000000000001', IDS.subnetB, { RequesterManaged: true, Description: 'ELB app/web/0123456789abcdef' }));
    },
    expected: {
      complianceType: 'NOT_APPLICABLE',
      annotation: "No workloads: the VPC has no network interfaces other than its own endpoints' and network appliances' (only 9 endpoint, NAT or load balancer interface(s)).",
    },
  },
  {
    name: 'no workloads, IgnoreVpcsWithoutWorkloads=false: every subnet counts',
    change: (e) => noWorkloads(e),
    params: { IgnoreVpcsWithoutWorkloads: false },
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `s3 gateway endpoint ${IDS.s3} is not on route table ${IDS.rtbMain}.`,
    },
  },
  {
    name: 'centralised: private hosted zones from the hub',
    change: centralOnly,
    zones: [HUB_DKR_ZONE, HUB_API_ZONE],
    expected: {
      complianceType: 'COMPLIANT',
      annotation:
        `Workloads reach ECR privately: ecr.api, ecr.dkr via private hosted zones Z0API00000000000000001 (api.ecr.${R}.amazonaws.com), Z0DKR00000000000000001 (dkr.ecr.${R}.amazonaws.com); ` +
        `s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'centralised: another account\'s zones (records not visible)',
    change: centralOnly,
    zones: [
      hostedZone('Z0HUBDKR000000000000001', 'dkr.ecr.eu-west-3.amazonaws.com.', null, { owner: HUB_ACCOUNT }),
      hostedZone('Z0HUBAPI000000000000001', 'api.ecr.eu-west-3.amazonaws.com.', null, { owner: HUB_ACCOUNT }),
    ],
    expected: {
      complianceType: 'COMPLIANT',
      annotation:
        `Workloads reach ECR privately: ecr.api, ecr.dkr via private hosted zones Z0HUBAPI000000000000001 (api.ecr.${R}.amazonaws.com, account ${HUB_ACCOUNT}), ` +
        `Z0HUBDKR000000000000001 (dkr.ecr.${R}.amazonaws.com, account ${HUB_ACCOUNT}); s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'centralised: one parent zone with both names',
    change: centralOnly,
    zones: [
      hostedZone('Z0ECR00000000000000001', 'ecr.eu-west-3.amazonaws.com.', [
        aliasA('api.ecr.eu-west-3.amazonaws.com.'),
        aliasA('dkr.ecr.eu-west-3.amazonaws.com.'),
        aliasA('\\052.dkr.ecr.eu-west-3.amazonaws.com.'),
      ]),
    ],
    expected: {
      complianceType: 'COMPLIANT',
      annotation: `Workloads reach ECR privately: ecr.api, ecr.dkr via private hosted zone Z0ECR00000000000000001 (ecr.${R}.amazonaws.com); s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'centralised: dkr zone without the registry wildcard',
    change: centralOnly,
    zones: [hostedZone('Z0DKR00000000000000001', 'dkr.ecr.eu-west-3.amazonaws.com.', [aliasA('dkr.ecr.eu-west-3.amazonaws.com.')]), HUB_API_ZONE],
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `missing ecr.dkr interface endpoint; private hosted zone Z0DKR00000000000000001 (dkr.ecr.${R}.amazonaws.com) has no record for *.dkr.ecr.${R}.amazonaws.com.`,
    },
  },
  {
    // DNS wildcards apply at the closest encloser only: dkr.ecr exists, so *.ecr does not answer for ACCOUNT.dkr.ecr.
    name: 'centralised: a parent wildcard does not answer below a name that exists',
    change: centralOnly,
    zones: [
      hostedZone('Z0ECR00000000000000001', 'ecr.eu-west-3.amazonaws.com.', [
        aliasA('api.ecr.eu-west-3.amazonaws.com.'),
        aliasA('dkr.ecr.eu-west-3.amazonaws.com.'),
        aliasA('\\052.ecr.eu-west-3.amazonaws.com.'),
      ]),
    ],
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `missing ecr.dkr interface endpoint; private hosted zone Z0ECR00000000000000001 (ecr.${R}.amazonaws.com) has no record for *.dkr.ecr.${R}.amazonaws.com.`,
    },
  },
  {
    name: 'centralised: a record of another type at the name hides the wildcard',
    change: centralOnly,
    zones: [
      hostedZone('Z0ECR00000000000000001', 'ecr.eu-west-3.amazonaws.com.', [
        aliasA('api.ecr.eu-west-3.amazonaws.com.'),
        { Name: 'dkr.ecr.eu-west-3.amazonaws.com.', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"owner=platform"' }] },
        aliasA('\\052.dkr.ecr.eu-west-3.amazonaws.com.'),
        aliasA('\\052.ecr.eu-west-3.amazonaws.com.'),
      ]),
    ],
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `missing ecr.dkr interface endpoint; private hosted zone Z0ECR00000000000000001 (ecr.${R}.amazonaws.com) has no record for dkr.ecr.${R}.amazonaws.com.`,
    },
  },
  {
    name: 'centralised: another account\'s parent zone cannot be verified',
    change: centralOnly,
    zones: [hostedZone('Z0HUBECR000000000000001', 'ecr.eu-west-3.amazonaws.com.', null, { owner: HUB_ACCOUNT })],
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation:
        `missing ecr.api interface endpoint; missing ecr.dkr interface endpoint; private hosted zone Z0HUBECR000000000000001 (ecr.${R}.amazonaws.com) is another account's zone not named for the service.`,
    },
  },
  {
    name: 'centralised zones not accepted (AcceptCentralizedEndpoints=false)',
    change: centralOnly,
    zones: [HUB_DKR_ZONE, HUB_API_ZONE],
    params: { AcceptCentralizedEndpoints: false },
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'missing ecr.api interface endpoint; missing ecr.dkr interface endpoint.' },
  },
  {
    name: 'centralised zone associated with another VPC only',
    change: centralOnly,
    zones: [{ ...HUB_DKR_ZONE, vpcIds: ['vpc-0other00000000001'] }, { ...HUB_API_ZONE, vpcIds: ['vpc-0other00000000001'] }],
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'missing ecr.api interface endpoint; missing ecr.dkr interface endpoint.' },
  },
  {
    name: 'centralised, but VPC DNS support off',
    change: (e) => {
      centralOnly(e);
      e.dns[VPC_ID] = { support: false, hostnames: true };
    },
    zones: [HUB_DKR_ZONE, HUB_API_ZONE],
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'VPC enableDnsSupport is off.' },
  },
  {
    name: 'a local ecr.api endpoint and a centralised ecr.dkr',
    change: (e) => removeEndpoint(e, IDS.dkr),
    zones: [HUB_DKR_ZONE],
    expected: {
      complianceType: 'COMPLIANT',
      annotation:
        `Workloads reach ECR privately: ecr.api via interface endpoint ${IDS.api} with private DNS in ${R}a, ${R}b, ${R}c; ` +
        `ecr.dkr via private hosted zone Z0DKR00000000000000001 (dkr.ecr.${R}.amazonaws.com); s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'DNS attributes needed but not collected (time budget)',
    change: (e) => delete e.dns[VPC_ID],
    expected: 'not evaluated',
  },
  {
    name: 'only the S3 gateway required: DNS attributes do not matter',
    change: (e) => delete e.dns[VPC_ID],
    params: { RequiredServices: ['s3'] },
    expected: { complianceType: 'COMPLIANT', annotation: `Workloads reach ECR privately: s3 via gateway endpoint ${IDS.s3} on every workload route table.` },
  },
];

describe('ecr-vpc-endpoints evaluate', () => {
  it.each(cases)('$name', ({ change, params, zones, prefixLists, expected }) => {
    const estate = baseEstate();
    change?.(estate);
    const facts = factsOf(estate, zones, prefixLists);
    const evaluations = evaluate(facts, { ...DEFAULTS, ...params });
    if (expected === 'not evaluated') {
      expect(evaluations).toEqual([]);
      expect(inventory(facts)).toEqual([VPC_ID]);
      return;
    }
    expect(evaluations).toEqual([{ resourceType: 'AWS::EC2::VPC', resourceId: VPC_ID, ...expected }]);
  });

  it('evaluates every VPC of a region independently', () => {
    const estate = baseEstate();
    const other = baseEstate();
    const otherId = 'vpc-0ffff000000000002';
    other.vpcs[0]!.VpcId = otherId;
    for (const list of [other.subnets, other.endpoints, other.networkInterfaces, other.routeTables, other.securityGroups]) for (const item of list) item.VpcId = otherId;
    other.subnets = other.subnets.map((s) => ({ ...s, SubnetId: `${s.SubnetId}-2` }));
    other.endpoints = other.endpoints.filter((e) => e.VpcEndpointId !== IDS.dkr);
    const facts = factsOf({
      vpcs: [...estate.vpcs, ...other.vpcs],
      subnets: [...estate.subnets, ...other.subnets],
      endpoints: [...estate.endpoints, ...other.endpoints],
      securityGroups: estate.securityGroups,
      routeTables: estate.routeTables,
      networkInterfaces: [...estate.networkInterfaces, ...other.networkInterfaces.map((n) => ({ ...n, SubnetId: `${n.SubnetId}-2` }))],
      dns: { [VPC_ID]: { support: true, hostnames: true }, [otherId]: { support: true, hostnames: true } },
    });
    expect(evaluate(facts, DEFAULTS).map((e) => [e.resourceId, e.complianceType])).toEqual([
      [VPC_ID, 'COMPLIANT'],
      [otherId, 'NON_COMPLIANT'],
    ]);
  });

  it('asks for DNS attributes only where the verdict depends on them', () => {
    const withEndpoints = factsOf(baseEstate());
    expect(needsDnsAttributes(withEndpoints.vpcs[0]!, withEndpoints, DEFAULTS)).toBe(true);
    const gatewayOnly = baseEstate();
    gatewayOnly.endpoints = [gatewayEndpoint(IDS.s3, [IDS.rtbPrivate])];
    const facts = factsOf(gatewayOnly);
    expect(needsDnsAttributes(facts.vpcs[0]!, facts, DEFAULTS)).toBe(false);
    const exempt = baseEstate();
    exempt.vpcs[0]!.Tags = [{ Key: 'ecr-guardrails:exempt', Value: 'lab' }];
    const exemptFacts = factsOf(exempt);
    expect(needsDnsAttributes(exemptFacts.vpcs[0]!, exemptFacts, DEFAULTS)).toBe(false);
  });
});

describe('what counts as a workload', () => {
  it.each([
    [{ InterfaceType: 'interface' }, true],
    [{ InterfaceType: 'interface', RequesterManaged: true, Description: 'arn:aws:ecs:eu-west-3:111122223333:attachment/abc' }, true],
    [{ InterfaceType: 'lambda', RequesterManaged: true }, true],
    [{ InterfaceType: 'branch' }, true],
    [{ InterfaceType: 'trunk' }, true],
    [{ InterfaceType: 'efa' }, true],
    [{}, true],
    [{ InterfaceType: 'vpc_endpoint', RequesterManaged: true }, false],
    [{ InterfaceType: 'natGateway' }, false],
    [{ InterfaceType: 'network_load_balancer' }, false],
    [{ InterfaceType: 'transit_gateway' }, false],
    [{ InterfaceType: 'gateway_load_balancer_endpoint' }, false],
    [{ InterfaceType: 'interface', RequesterManaged: true, Description: 'RDSNetworkInterface' }, false],
    [{ InterfaceType: 'interface', RequesterManaged: true, Description: 'ELB app/web/0123456789abcdef' }, false],
    [{ InterfaceType: 'interface', RequesterManaged: false, Description: 'ELB app/web/0123456789abcdef' }, true],
  ] as const)('%j -> %s', (eniShape, expected) => {
    expect(isWorkloadInterface(eniShape)).toBe(expected);
  });
});

describe('security group rules admitting 443', () => {
  it('keeps the sources of rules that admit TCP 443 and nothing else', () => {
    expect(
      admits443([
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }], UserIdGroupPairs: [{ GroupId: 'sg-1' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: '-1', PrefixListIds: [{ PrefixListId: 'pl-1' }] },
        { IpProtocol: '6', FromPort: 400, ToPort: 500, IpRanges: [{ CidrIp: '192.168.0.0/16' }] },
        { IpProtocol: 'udp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '172.16.0.0/12' }] },
      ]),
    ).toEqual({ cidrs: ['10.0.0.0/16', '192.168.0.0/16'], groupIds: ['sg-1'], prefixListIds: ['pl-1'] });
  });
});
