/**
 * The only I/O of ecr-vpc-endpoints: EC2 and Route 53 -> plain, compact facts.
 *
 * Periodic runs list each resource type once per region with paginators (largest page each API
 * allows) and join in memory: no describe call per VPC (collect-ec2.ts). Two things have no
 * listing API and are fetched per VPC, only where the verdict depends on them, as the probe
 * (probe.ts) decides from the facts gathered so far:
 * - DescribeVpcAttribute (enableDnsSupport, enableDnsHostnames): for in-scope VPCs that have an
 *   interface endpoint of a required service or an associated private hosted zone.
 * - ListHostedZonesByVPC: other accounts' private hosted zones are only visible per VPC; asked
 *   only for in-scope VPCs that are not compliant with what is already known (collect-route53.ts).
 * A change-triggered run fetches only what its one VPC needs (filters on vpc-id).
 */
import { EC2Client, type Vpc } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import type { ConfigurationItem } from '../kernel/config-item.js';
import type { CollectContext, Collector } from '../kernel/types.js';
import { dnsAttributes, listAll, listForVpc, prefixListEntries } from './collect-ec2.js';
import { listDhcpOptions, listResolverRules } from './collect-dns.js';
import type { VpcEndpointsFacts, VpcEndpointsParams, VpcFacts } from './evaluate.js';
import { NetworkInventory } from './collect-inventory.js';
import { needsZoneLookup } from './probe.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { ownCandidateZones, ownHostedZones, ROUTE53_REQUESTS_PER_SECOND, zonesForVpc } from './collect-route53.js';
import { dnsSuffixOf } from './services.js';

type Ctx = CollectContext<VpcEndpointsParams>;

/**
 * DNS attributes and the per-VPC zone look-ups, overlapped: VPCs that are not compliant even
 * if their DNS attributes are on are looked up while the attributes are read; the few whose
 * verdict turned on the attributes are looked up after. Then DNS attributes for VPCs that
 * gained a zone. The calls are the same as doing it in sequence, the wait is shorter.
 */
async function dnsAndZoneLookups(route53: Route53Client, limit: RateLimiter, ec2: EC2Client, facts: VpcEndpointsFacts, ctx: Ctx): Promise<void> {
  const looked = new Set<string>();
  const lookUp = async (vpcs: VpcFacts[]) => {
    for (const vpc of vpcs) {
      if (ctx.remainingTimeMs() <= 0) break;
      looked.add(vpc.vpcId);
      await zonesForVpc(route53, limit, vpc.vpcId, facts, ctx);
    }
  };
  const early = facts.vpcs.filter((vpc) => needsZoneLookup(vpc, facts, ctx.params, true));
  await Promise.all([dnsAttributes(ec2, facts, ctx), lookUp(early)]);
  await lookUp(facts.vpcs.filter((vpc) => !looked.has(vpc.vpcId) && needsZoneLookup(vpc, facts, ctx.params)));
  // A zone found this way makes the VPC's DNS attributes matter.
  await dnsAttributes(ec2, facts, ctx);
}

// ---------------------------------------------------------------------------------------------

function emptyFacts(ctx: Ctx, vpcs: VpcFacts[]): VpcEndpointsFacts {
  return { accountId: ctx.accountId, region: ctx.region, dnsSuffix: dnsSuffixOf(ctx.partition), vpcs, hostedZones: [], prefixLists: {} };
}

/** The VPC a configuration item concerns: the VPC itself, or the vpcId of an endpoint or subnet. */
export function vpcIdOfItem(item: ConfigurationItem): string | undefined {
  if (item.resourceType === 'AWS::EC2::VPC') return item.resourceId;
  const fromConfiguration = item.configuration?.vpcId;
  if (typeof fromConfiguration === 'string' && fromConfiguration) return fromConfiguration;
  // Deleted items carry no configuration; the relationship still names the VPC.
  return item.relationships.find((r) => r.resourceType === 'AWS::EC2::VPC' && r.resourceId)?.resourceId;
}

/** The SDK shape of a recorded VPC item (camelCase configuration), so a VPC change needs no DescribeVpcs. */
export function vpcFromItem(item: ConfigurationItem): Vpc | undefined {
  const c = item.configuration;
  // Anything the rule needs that the item does not carry is read with DescribeVpcs instead.
  if (item.resourceType !== 'AWS::EC2::VPC' || !c || typeof c.cidrBlock !== 'string' || typeof c.dhcpOptionsId !== 'string' || typeof c.ownerId !== 'string') return undefined;
  const associations = Array.isArray(c.cidrBlockAssociationSet) ? (c.cidrBlockAssociationSet as Array<{ cidrBlock?: string; cidrBlockState?: { state?: string } }>) : [];
  if (associations.some((a) => typeof a?.cidrBlock !== 'string')) return undefined;
  return {
    VpcId: item.resourceId,
    OwnerId: c.ownerId,
    DhcpOptionsId: c.dhcpOptionsId,
    CidrBlock: c.cidrBlock,
    CidrBlockAssociationSet: associations.map((a) => ({ CidrBlock: a.cidrBlock, CidrBlockState: { State: a.cidrBlockState?.state as never } })),
    Tags: Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

export const collector: Collector<VpcEndpointsParams, VpcEndpointsFacts> = {
  async collectAll(ctx) {
    const ec2 = ctx.clients.get(EC2Client);
    const route53 = ctx.clients.get(Route53Client);
    const limit = createRateLimiter(ROUTE53_REQUESTS_PER_SECOND);
    const inventory = new NetworkInventory();
    const base = emptyFacts(ctx, []);
    // Route 53's account-wide listing runs while EC2 is listed.
    // DHCP options and Resolver rules: one listing each for the region, not per VPC.
    const [candidates, dhcpOptions, resolverRules] = await Promise.all([
      ctx.params.AcceptCentralizedEndpoints ? ownCandidateZones(route53, limit, base, ctx) : Promise.resolve([]),
      listDhcpOptions(ec2),
      listResolverRules(ctx),
      listAll(ec2, inventory, ctx),
    ]);
    const facts = { ...base, vpcs: inventory.toVpcFacts(), dhcpOptions, resolverRules };
    facts.prefixLists = await prefixListEntries(ec2, facts.vpcs);
    if (ctx.params.AcceptCentralizedEndpoints) {
      facts.hostedZones = await ownHostedZones(route53, limit, candidates, facts, ctx);
      await dnsAndZoneLookups(route53, limit, ec2, facts, ctx);
    } else {
      await dnsAttributes(ec2, facts, ctx);
    }
    return facts;
  },

  async collectForChange(item, ctx) {
    const vpcId = vpcIdOfItem(item);
    if (!vpcId) {
      ctx.logger.warn('Configuration item names no VPC', { resourceType: item.resourceType, resourceId: item.resourceId });
      return undefined;
    }
    const ec2 = ctx.clients.get(EC2Client);
    const inventory = new NetworkInventory();
    if (!(await listForVpc(ec2, inventory, vpcId, ctx, vpcFromItem(item)))) {
      ctx.logger.info('The VPC no longer exists: nothing to evaluate', { vpcId });
      return undefined;
    }
    const facts = emptyFacts(ctx, inventory.toVpcFacts());
    const [prefixLists, dhcpOptions, resolverRules] = await Promise.all([
      prefixListEntries(ec2, facts.vpcs),
      // A shared VPC's DHCP options belong to its owner: a participant cannot read them (and
      // evaluates nothing there: NOT_APPLICABLE), so it does not ask.
      listDhcpOptions(ec2, facts.vpcs.flatMap((vpc) => (vpc.dhcpOptionsId && (!vpc.ownerId || vpc.ownerId === ctx.accountId) ? [vpc.dhcpOptionsId] : []))),
      listResolverRules(ctx, vpcId),
    ]);
    Object.assign(facts, { prefixLists, dhcpOptions, resolverRules });
    if (ctx.params.AcceptCentralizedEndpoints) {
      // For one VPC, ListHostedZonesByVPC is the single call that shows every associated zone.
      await dnsAndZoneLookups(ctx.clients.get(Route53Client), createRateLimiter(ROUTE53_REQUESTS_PER_SECOND), ec2, facts, ctx);
    } else {
      await dnsAttributes(ec2, facts, ctx);
    }
    return facts;
  },
};
