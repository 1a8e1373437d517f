/**
 * Which address families a workload uses to reach an interface endpoint, and whether an
 * endpoint's security groups admit a workload interface on those families. Pure.
 *
 * DescribeVpcEndpoints returns the endpoint's IpAddressType (ipv4 | dualstack | ipv6: the
 * addresses its network interfaces have) and DnsOptions.DnsRecordIpType (ipv4 | dualstack | ipv6 |
 * service-defined: A records, AAAA records or both for its DNS names)
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptions.html; enums in botocore's
 * ec2 model, botocore/data/ec2/2016-11-15/service-2.json). A client resolving the private DNS
 * name connects over IPv4 to A records and over IPv6 to AAAA records, so it sends from its
 * addresses of those families only. automations/scripts/CreateEcrVpcEndpoints/network.py repeats
 * this (test/automations/vpc-parity.test.ts); change them together.
 */

export type Family = 4 | 6;

/**
 * `service-defined`: "A records for the private, Regional, and zonal DNS names and AAAA records
 * for the Regional and zonal DNS names" (EC2's DnsRecordIpType, as the CDK reference spells it:
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.VpcEndpointDnsRecordIpType.html).
 * The rule requires private DNS, and the private DNS name (what docker and the SDKs resolve) has
 * A records only, so clients reach it over IPv4.
 */
const ADDRESS_TYPES: Record<string, Family[]> = { ipv4: [4], ipv6: [6], dualstack: [4, 6] };
const DNS_RECORD_TYPES: Record<string, Family[]> = { ...ADDRESS_TYPES, 'service-defined': [4] };
const BOTH: Family[] = [4, 6];

/**
 * The families of the endpoint's private DNS records: from DnsRecordIpType, or without one from
 * IpAddressType. Anything unrecognised gives both families (the strict reading: every address
 * the workload has must be admitted).
 */
export function endpointFamilies(ipAddressType: string | undefined, dnsRecordIpType: string | undefined): Family[] {
  if (dnsRecordIpType !== undefined) return DNS_RECORD_TYPES[dnsRecordIpType.toLowerCase()] ?? BOTH;
  return ADDRESS_TYPES[ipAddressType?.toLowerCase() ?? ''] ?? BOTH;
}

/** The family of a source CIDR as the collector writes it (an IPv6 one has a colon). */
export const familyOfSource = (cidr: string): Family => (cidr.includes(':') ? 6 : 4);

/**
 * True when the interface's addresses of the endpoint's families are all admitted. An interface
 * with no address of those families cannot reach the endpoint, and is not admitted.
 */
export function sourcesAdmitted(sources: readonly string[], families: readonly Family[], covered: (cidr: string) => boolean): boolean {
  const used = sources.filter((source) => families.includes(familyOfSource(source)));
  return used.length > 0 && used.every(covered);
}
