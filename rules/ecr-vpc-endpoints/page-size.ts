/** Largest page each API allows: every listing asks for it, so a region costs the fewest calls. */
export const PAGE_SIZE = {
  DescribeVpcs: 1000,
  DescribeSubnets: 1000,
  DescribeVpcEndpoints: 1000,
  DescribeSecurityGroups: 1000,
  DescribeRouteTables: 100,
  DescribeNetworkInterfaces: 1000,
  GetManagedPrefixListEntries: 100,
  ListHostedZones: 100,
  ListHostedZonesByVPC: 100,
  ListResourceRecordSets: 300,
  DescribeDhcpOptions: 1000,
  ListResolverRules: 100,
  ListResolverRuleAssociations: 100,
} as const;
