/**
 * ecr-vpc-endpoints verdicts, case by case: endpoints, AZs, security groups, S3 and FIPS.
 */
import { describe, it } from 'vitest';
import { checkCase, FULLY_COVERED, R, endpoint, onlyWorkloadsIn, removeEndpoint, setEndpointSg, type Case } from '../../fixtures/ecr-vpc-endpoints/cases.js';
import {  eni, IDS, interfaceEndpoint, securityGroup, tcp443, VPC_ID, wireState } from '../../fixtures/ecr-vpc-endpoints/estate.js';

const ALL_WORKLOADS_REFUSED = `endpoint ${IDS.sgEndpoints} does not admit 443 from 3 workload interface(s) (10.0.1.10, 10.0.17.20, 10.0.33.40 and 1 more address(es)).`;

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
    // Issue 11 case 7: opt-in, and named for what it is. Private DNS answers with the endpoint's
    // addresses in every subnet it has, so workloads elsewhere still connect privately across AZs
    // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html, PrivateDnsEnabled).
    name: 'a workload AZ without an endpoint subnet, RequireAllWorkloadAzs=true: resilience, not privacy',
    change: (e) => (endpoint(e, IDS.api).SubnetIds = [IDS.subnetA, IDS.subnetB]),
    params: { RequireAllWorkloadAzs: true },
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `ecr.api endpoint ${IDS.api} has no subnet in ${R}c (resilience, not privacy: pulls there cross AZs, with cross-AZ data charges, and stop if the endpoint's AZs fail).`,
    },
  },
  {
    name: 'a missing AZ with the default RequireAllWorkloadAzs=false',
    change: (e) => (endpoint(e, IDS.api).SubnetIds = [IDS.subnetA]),
    expected: {
      complianceType: 'COMPLIANT',
      annotation: `Workloads reach ECR privately: ecr.api via interface endpoint ${IDS.api} with private DNS in ${R}a; ecr.dkr via interface endpoint ${IDS.dkr} with private DNS in ${R}a, ${R}b, ${R}c; s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'an interface endpoint without any subnet serves nobody',
    change: (e) => (endpoint(e, IDS.api).SubnetIds = []),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `ecr.api endpoint ${IDS.api} has no subnet in the VPC.` },
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
    expected: { complianceType: 'NON_COMPLIANT', annotation: ALL_WORKLOADS_REFUSED },
  },
  {
    // Issue 11 case 6: admission is per workload; unused address space needs nothing.
    name: 'security group admitting only the part of the VPC where the workloads are',
    change: (e) => setEndpointSg(e, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/17' }] })]),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'security group admitting the subnets of two workloads, not the third',
    change: (e) => setEndpointSg(e, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/20' }, { CidrIp: '10.0.16.0/20' }] })]),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 1 workload interface(s) (10.0.33.40, 10.0.33.41).` },
  },
  {
    // EKS VPC CNI: pods send from secondary addresses of the node's interface.
    name: 'a /32 for a node\'s primary address does not admit its pods\' secondary address',
    change: (e) => setEndpointSg(e, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/20' }, { CidrIp: '10.0.16.0/20' }, { CidrIp: '10.0.33.40/32' }] })]),
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 1 workload interface(s) (10.0.33.40, 10.0.33.41).` },
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
      e.networkInterfaces.find((n) => n.NetworkInterfaceId === 'eni-0eksnode00000000c1')!.Groups = [{ GroupId: 'sg-0nodes000000000001' }];
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 1 workload interface(s) (10.0.33.40, 10.0.33.41).` },
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
    expected: { complianceType: 'NON_COMPLIANT', annotation: ALL_WORKLOADS_REFUSED },
  },
  {
    name: 'a rule naming the workloads\' security group',
    change: (e) => setEndpointSg(e, [tcp443({ UserIdGroupPairs: [{ GroupId: IDS.sgApp, UserId: '111122223333' }] })]),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'a rule naming a group the workloads are not in',
    change: (e) => setEndpointSg(e, [tcp443({ UserIdGroupPairs: [{ GroupId: 'sg-0other000000000001', UserId: '111122223333' }] })]),
    expected: { complianceType: 'NON_COMPLIANT', annotation: ALL_WORKLOADS_REFUSED },
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
    expected: { complianceType: 'NON_COMPLIANT', annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 1 workload interface(s) (100.64.3.4).` },
  },
  {
    name: 'a secondary CIDR block without workloads needs no rule',
    change: (e) => e.vpcs[0]!.CidrBlockAssociationSet!.push({ AssociationId: 'vpc-cidr-assoc-02', CidrBlock: '100.64.0.0/16', CidrBlockState: { State: 'associated' } }),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'an IPv6 workload admitted by an IPv6 range',
    change: (e) => {
      e.networkInterfaces.push(eni('eni-0v6only00000000001', IDS.subnetA, { InterfaceType: 'interface', PrivateIpAddress: '10.0.2.2', Ipv6Addresses: [{ Ipv6Address: '2001:db8:1234:1a00::10' }] }));
      setEndpointSg(e, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/16' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8:1234:1a00::/56' }] })]);
    },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  // A dual-stack workload whose IPv6 address no rule admits: see evaluate-ip-families.test.ts
  // (it depends on the endpoint's IpAddressType and DnsRecordIpType).
  {
    name: 'security groups of an endpoint are a union',
    change: (e) => {
      endpoint(e, IDS.api).Groups = [{ GroupId: IDS.sgEndpoints }, { GroupId: 'sg-0extra000000000001' }];
      setEndpointSg(e, []);
      e.securityGroups.push(securityGroup('sg-0extra000000000001', [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/16' }] })]));
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: ALL_WORKLOADS_REFUSED },
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
    params: { RequireAllWorkloadAzs: true },
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation:
        `missing ecr.dkr interface endpoint; VPC enableDnsHostnames is off; ` +
        `${ALL_WORKLOADS_REFUSED.slice(0, -1)}; s3 gateway endpoint ${IDS.s3} is not on route table ${IDS.rtbPrivate}; ` +
        `ecr.api endpoint ${IDS.api} has no subnet in ${R}c (resilience, not privacy: pulls there cross AZs, with cross-AZ data charges, and stop if the endpoint's AZs fail).`,
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
];

describe('ecr-vpc-endpoints evaluate: endpoints, AZs, security groups, S3, FIPS', () => {
  it.each(cases)('$name', (c) => checkCase(c));
});
