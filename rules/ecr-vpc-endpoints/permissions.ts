/** IAM actions the collector needs (apart from collect.ts, so rule metadata loads no SDK). */
export const PERMISSIONS = [
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeRouteTables',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcAttribute',
  'ec2:GetManagedPrefixListEntries',
  'ec2:DescribeDhcpOptions',
  'route53resolver:ListResolverRules',
  'route53resolver:ListResolverRuleAssociations',
  'route53:ListHostedZones',
  'route53:GetHostedZone',
  'route53:ListHostedZonesByVPC',
  'route53:ListResourceRecordSets',
];
