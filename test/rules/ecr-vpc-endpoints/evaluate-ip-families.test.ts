/**
 * ecr-vpc-endpoints: which of a workload's addresses an endpoint's security groups must admit
 * depends on the address families the endpoint is reached over (address-families.ts).
 *
 * DescribeVpcEndpoints gives IpAddressType (ipv4 | dualstack | ipv6) and
 * DnsOptions.DnsRecordIpType (ipv4 | dualstack | ipv6 | service-defined)
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptions.html; same enums in
 * botocore's ec2 model). DnsRecordIpType ipv4 creates A records only, ipv6 AAAA only, dualstack
 * both (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.VpcEndpointDnsRecordIpType.html),
 * so a dual-stack client of an IPv4-only endpoint connects from its IPv4 address. ECR's
 * PrivateLink endpoints take IPv4 and IPv6 addresses
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html: "private IP
 * addresses (both IPv4 and IPv6)"). The baseline's interface endpoints are IPv4 only
 * (IpAddressType and DnsRecordIpType `ipv4`) and their group admits 10.0.0.0/16.
 */
import type { VpcEndpoint } from '@aws-sdk/client-ec2';
import { describe, it } from 'vitest';
import { checkCase, endpoint, FULLY_COVERED, setEndpointSg, type Case } from '../../fixtures/ecr-vpc-endpoints/cases.js';
import { eni, IDS, tcp443, type Estate } from '../../fixtures/ecr-vpc-endpoints/estate.js';

const V4 = '10.0.2.2';
const V6 = '2001:db8:1234:1a00::10';
const NOT_ADMITTED = (shown: string) => `endpoint ${IDS.sgEndpoints} does not admit 443 from 1 workload interface(s) (${shown}).`;

/** A dual-stack workload whose IPv4 address the baseline group admits and whose IPv6 address it does not. */
const dualStackWorkload = (e: Estate) =>
  e.networkInterfaces.push(eni('eni-0dualstack00000001', IDS.subnetA, { PrivateIpAddress: V4, Ipv6Addresses: [{ Ipv6Address: V6 }] }));
/** An IPv6-only workload (no private IPv4 address). */
const ipv6OnlyWorkload = (e: Estate) =>
  e.networkInterfaces.push(eni('eni-0v6only0000000001', IDS.subnetA, { PrivateIpAddress: undefined, Ipv6Addresses: [{ Ipv6Address: V6 }] }));
/** Sets both ECR interface endpoints' IpAddressType and DnsRecordIpType (undefined: absent, as in older snapshots). */
const ecrEndpoints = (e: Estate, ipAddressType: string | undefined, dnsRecordIpType: string | undefined) => {
  for (const id of [IDS.api, IDS.dkr]) {
    const shape = endpoint(e, id);
    if (ipAddressType === undefined) delete shape.IpAddressType;
    else shape.IpAddressType = ipAddressType as VpcEndpoint['IpAddressType'];
    if (dnsRecordIpType === undefined) delete shape.DnsOptions;
    else shape.DnsOptions = { DnsRecordIpType: dnsRecordIpType as NonNullable<VpcEndpoint['DnsOptions']>['DnsRecordIpType'] };
  }
};

const cases: Case[] = [
  {
    name: 'IPv4-only endpoint, dual-stack workload whose IPv4 address is admitted: COMPLIANT (it connects over IPv4)',
    change: dualStackWorkload,
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'IPv4-only endpoint, dual-stack workload whose IPv4 address is not admitted',
    change: (e) => {
      dualStackWorkload(e);
      setEndpointSg(e, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/16' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8:1234:1a00::/56' }] })]);
      e.networkInterfaces.at(-1)!.PrivateIpAddress = '100.64.3.4';
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: NOT_ADMITTED(`100.64.3.4, ${V6}`) },
  },
  {
    name: 'dualstack endpoint, dual-stack workload whose IPv6 address is not admitted: NON_COMPLIANT naming it',
    change: (e) => {
      dualStackWorkload(e);
      ecrEndpoints(e, 'dualstack', 'dualstack');
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: NOT_ADMITTED(`${V4}, ${V6}`) },
  },
  {
    name: 'dualstack endpoint, both addresses admitted',
    change: (e) => {
      dualStackWorkload(e);
      ecrEndpoints(e, 'dualstack', 'dualstack');
      setEndpointSg(e, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/16' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8:1234:1a00::/56' }] })]);
    },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'dualstack endpoint whose DNS records are IPv4 only (A records): only the IPv4 address counts',
    change: (e) => {
      dualStackWorkload(e);
      ecrEndpoints(e, 'dualstack', 'ipv4');
    },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    // The dual-stack workload connects over IPv6 and is admitted; the baseline's IPv4-only
    // workloads have no address the AAAA records can serve, so they stay unadmitted, shown by address.
    name: 'dualstack endpoint whose DNS records are IPv6 only (AAAA records): only IPv6 addresses count',
    change: (e) => {
      dualStackWorkload(e);
      ecrEndpoints(e, 'dualstack', 'ipv6');
      setEndpointSg(e, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/16' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8:1234:1a00::/56' }] })]);
    },
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `endpoint ${IDS.sgEndpoints} does not admit 443 from 3 workload interface(s) (10.0.1.10, 10.0.17.20, 10.0.33.40 and 1 more address(es)).`,
    },
  },
  {
    // service-defined: A records for the private DNS name, AAAA only for the Regional and zonal
    // names (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.VpcEndpointDnsRecordIpType.html).
    name: 'service-defined DNS records: the private DNS name has A records only, so IPv4 decides (IPv6 not admitted is fine)',
    change: (e) => {
      dualStackWorkload(e);
      ecrEndpoints(e, 'dualstack', 'service-defined');
    },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'no DnsRecordIpType: IpAddressType ipv4 decides',
    change: (e) => {
      dualStackWorkload(e);
      ecrEndpoints(e, 'ipv4', undefined);
    },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'neither field (an older snapshot): every address must be admitted, as before',
    change: (e) => {
      dualStackWorkload(e);
      ecrEndpoints(e, undefined, undefined);
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: NOT_ADMITTED(`${V4}, ${V6}`) },
  },
  {
    name: 'an unrecognised DnsRecordIpType is read strictly, whatever IpAddressType says',
    change: (e) => {
      dualStackWorkload(e);
      ecrEndpoints(e, 'ipv4', 'not-specified');
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: NOT_ADMITTED(`${V4}, ${V6}`) },
  },
  {
    name: 'an unrecognised IpAddressType without DnsRecordIpType is read strictly',
    change: (e) => {
      dualStackWorkload(e);
      ecrEndpoints(e, 'ipv5', undefined);
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: NOT_ADMITTED(`${V4}, ${V6}`) },
  },
  {
    name: 'IPv6-only workload, IPv4-only endpoint: it cannot use the endpoint, even with its IPv6 address admitted',
    change: (e) => {
      ipv6OnlyWorkload(e);
      setEndpointSg(e, [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/16' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] })]);
    },
    expected: { complianceType: 'NON_COMPLIANT', annotation: NOT_ADMITTED(V6) },
  },
];

describe('ecr-vpc-endpoints evaluate: the address families of an endpoint', () => {
  it.each(cases)('$name', (c) => checkCase(c));
});
