/**
 * DNS path reads of ecr-vpc-endpoints (dns-path.ts judges them): the region's DHCP option sets
 * (DescribeDhcpOptions) and Route 53 Resolver rules with their VPC associations
 * (ListResolverRules, ListResolverRuleAssociations). Each is one listing per region, whatever
 * the number of VPCs; a change to one VPC reads its own DHCP option set and associations.
 */
import { paginateDescribeDhcpOptions, type DhcpOptions, type EC2Client } from '@aws-sdk/client-ec2';
import {
  paginateListResolverRuleAssociations,
  paginateListResolverRules,
  Route53ResolverClient,
  type Filter,
  type ResolverRule,
  type ResolverRuleAssociation,
} from '@aws-sdk/client-route53resolver';
import { awsCall } from '../kernel/errors.js';
import type { CollectContext } from '../kernel/types.js';
import type { ResolverRuleFacts } from './dns-path.js';
import type { VpcEndpointsParams } from './evaluate.js';
import { PAGE_SIZE } from './page-size.js';

type Ctx = CollectContext<VpcEndpointsParams>;

/** DHCP option set id -> its domain-name-servers values (empty when the set names none). */
export function dhcpServersOf(sets: DhcpOptions[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const set of sets) {
    if (!set.DhcpOptionsId) continue;
    const servers = (set.DhcpConfigurations ?? []).filter((c) => c.Key === 'domain-name-servers').flatMap((c) => (c.Values ?? []).map((v) => v.Value ?? ''));
    result[set.DhcpOptionsId] = servers.filter(Boolean);
  }
  return result;
}

/** Association statuses under which a rule does not apply (https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_ResolverRuleAssociation.html). */
const INACTIVE = new Set(['FAILED']);

/** Rules joined with the VPCs they are associated with; rules associated with no VPC are dropped. */
export function resolverRuleFacts(rules: ResolverRule[], associations: ResolverRuleAssociation[]): ResolverRuleFacts[] {
  const vpcsOf = new Map<string, string[]>();
  for (const a of associations) {
    if (!a.ResolverRuleId || !a.VPCId || INACTIVE.has(a.Status ?? '')) continue;
    vpcsOf.set(a.ResolverRuleId, [...(vpcsOf.get(a.ResolverRuleId) ?? []), a.VPCId]);
  }
  return rules.flatMap((rule) => {
    const vpcIds = vpcsOf.get(rule.Id ?? '');
    if (!rule.Id || !vpcIds) return [];
    return [{
      id: rule.Id,
      ...(rule.Name ? { name: rule.Name } : {}),
      domainName: rule.DomainName ?? '.',
      // An unreadable type is treated like FORWARD by dns-path.ts: never a pass.
      ruleType: rule.RuleType ?? 'UNKNOWN',
      targetIps: (rule.TargetIps ?? []).map((t) => t.Ip ?? t.Ipv6 ?? '').filter(Boolean),
      vpcIds,
    }];
  });
}

/** DHCP option sets: all of the region, or the given ids (a change to one VPC). */
export async function listDhcpOptions(ec2: EC2Client, ids?: string[]): Promise<Record<string, string[]>> {
  const wanted = ids?.filter((id) => id !== 'default');
  if (wanted && wanted.length === 0) return {};
  return awsCall('ec2:DescribeDhcpOptions', async () => {
    const sets: DhcpOptions[] = [];
    // MaxResults cannot be combined with DhcpOptionsIds.
    const input = wanted ? { DhcpOptionsIds: wanted } : {};
    for await (const page of paginateDescribeDhcpOptions({ client: ec2, ...(wanted ? {} : { pageSize: PAGE_SIZE.DescribeDhcpOptions }) }, input)) sets.push(...(page.DhcpOptions ?? []));
    return dhcpServersOf(sets);
  });
}

/** Resolver rules associated with VPCs of the region (or with one VPC). */
export async function listResolverRules(ctx: Ctx, vpcId?: string): Promise<ResolverRuleFacts[]> {
  const resolver = ctx.clients.get(Route53ResolverClient);
  const filters: Filter[] | undefined = vpcId ? [{ Name: 'VPCId', Values: [vpcId] }] : undefined;
  const [rules, associations] = await Promise.all([
    awsCall('route53resolver:ListResolverRules', async () => {
      const items: ResolverRule[] = [];
      for await (const page of paginateListResolverRules({ client: resolver, pageSize: PAGE_SIZE.ListResolverRules }, {})) items.push(...(page.ResolverRules ?? []));
      return items;
    }),
    awsCall('route53resolver:ListResolverRuleAssociations', async () => {
      const items: ResolverRuleAssociation[] = [];
      for await (const page of paginateListResolverRuleAssociations({ client: resolver, pageSize: PAGE_SIZE.ListResolverRuleAssociations }, filters ? { Filters: filters } : {})) {
        items.push(...(page.ResolverRuleAssociations ?? []));
      }
      return items;
    }),
  ]);
  return resolverRuleFacts(rules, associations);
}
