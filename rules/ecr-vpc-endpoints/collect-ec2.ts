/**
 * EC2 reads of ecr-vpc-endpoints. The six listings are one table: a periodic run pages through
 * each once per region (no describe call per VPC); a change-triggered run reads the same
 * tables filtered to its one VPC. DNS attributes and prefix-list entries have no listing API
 * and are read only where the verdict depends on them.
 */
import {
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcs,
  paginateGetManagedPrefixListEntries,
  type EC2Client,
  type EC2PaginationConfiguration,
  type Filter,
  type Vpc,
} from '@aws-sdk/client-ec2';
import type { Paginator } from '@smithy/types';
import pMap from 'p-map';
import { awsCall } from '../kernel/errors.js';
import type { CollectContext } from '../kernel/types.js';
import type { VpcEndpointsFacts, VpcEndpointsParams, VpcFacts } from './evaluate.js';
import type { NetworkInventory } from './collect-inventory.js';
import { PAGE_SIZE } from './page-size.js';
import { needsDnsAttributes } from './probe.js';

/** Concurrent DescribeVpcAttribute look-ups (two calls each). */
export const DNS_ATTRIBUTE_CONCURRENCY = 8;

type Ctx = CollectContext<VpcEndpointsParams>;

/** One EC2 listing: how to page through it and what each page adds to the inventory. */
interface Listing {
  operation: keyof typeof PAGE_SIZE;
  /** For progress messages: "1000 subnets listed". */
  what: string;
  /** Listed again, filtered on vpc-id, for a change to one VPC (security groups are read by id instead). */
  perVpc: boolean;
  /** Pages through the listing with the given filters; returns how many items each page added. */
  pages(ec2: EC2Client, inventory: NetworkInventory, filters: Filter[] | undefined): AsyncIterable<number>;
}

function listing<Page>(
  operation: keyof typeof PAGE_SIZE,
  what: string,
  perVpc: boolean,
  paginate: (config: EC2PaginationConfiguration, input: { Filters?: Filter[] }) => Paginator<Page>,
  add: (inventory: NetworkInventory, page: Page) => number,
): Listing {
  return {
    operation,
    what,
    perVpc,
    async *pages(ec2, inventory, filters) {
      for await (const page of paginate({ client: ec2, pageSize: PAGE_SIZE[operation] }, filters ? { Filters: filters } : {})) yield add(inventory, page);
    },
  };
}

/** Adds items to the inventory and returns how many there were. */
const added = <T>(items: T[] | undefined, add: (items: T[]) => void): number => {
  add(items ?? []);
  return items?.length ?? 0;
};

export const LISTINGS: readonly Listing[] = [
  listing('DescribeVpcs', 'VPCs', false, paginateDescribeVpcs, (inv, page) => added(page.Vpcs, (items) => inv.addVpcs(items))),
  listing('DescribeSubnets', 'subnets', true, paginateDescribeSubnets, (inv, page) => added(page.Subnets, (items) => inv.addSubnets(items))),
  listing('DescribeVpcEndpoints', 'VPC endpoints', true, paginateDescribeVpcEndpoints, (inv, page) => added(page.VpcEndpoints, (items) => inv.addEndpoints(items))),
  listing('DescribeSecurityGroups', 'security groups', false, paginateDescribeSecurityGroups, (inv, page) => added(page.SecurityGroups, (items) => inv.addSecurityGroups(items))),
  listing('DescribeRouteTables', 'route tables', true, paginateDescribeRouteTables, (inv, page) => added(page.RouteTables, (items) => inv.addRouteTables(items))),
  listing('DescribeNetworkInterfaces', 'network interfaces', true, paginateDescribeNetworkInterfaces, (inv, page) =>
    added(page.NetworkInterfaces, (items) => inv.addNetworkInterfaces(items)),
  ),
];

const SECURITY_GROUPS = LISTINGS.find((l) => l.operation === 'DescribeSecurityGroups') as Listing;

async function run(l: Listing, ec2: EC2Client, inventory: NetworkInventory, filters?: Filter[], label = '', onPage?: (total: number) => void): Promise<void> {
  await awsCall(`ec2:${l.operation}${label}`, async () => {
    let total = 0;
    for await (const count of l.pages(ec2, inventory, filters)) onPage?.((total += count));
  });
}

/** Every listing of the region, all at once, reporting progress per page. */
export async function listAll(ec2: EC2Client, inventory: NetworkInventory, ctx: Ctx): Promise<void> {
  await Promise.all(LISTINGS.map((l) => run(l, ec2, inventory, undefined, '', (n) => ctx.progress(`${ctx.accountId} ${ctx.region}: ${n} ${l.what} listed`))));
}

const byVpc = (vpcId: string): Filter[] => [{ Name: 'vpc-id', Values: [vpcId] }];

/** The VPC itself, from its configuration item when Config sent one, else DescribeVpcs; false when it no longer exists. */
async function readVpc(ec2: EC2Client, inventory: NetworkInventory, vpcId: string, vpcFromItem: Vpc | undefined): Promise<boolean> {
  if (vpcFromItem) {
    inventory.addVpcs([vpcFromItem]);
    return true;
  }
  return awsCall(`ec2:DescribeVpcs ${vpcId}`, async () => {
    try {
      const response = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
      inventory.addVpcs(response.Vpcs ?? []);
      return (response.Vpcs ?? []).length > 0;
    } catch (error) {
      if ((error as Error).name === 'InvalidVpcID.NotFound') return false;
      throw error;
    }
  });
}

/** What a change to one VPC needs, filtered on its id; false when the VPC no longer exists. */
export async function listForVpc(ec2: EC2Client, inventory: NetworkInventory, vpcId: string, ctx: Ctx, vpcFromItem: Vpc | undefined): Promise<boolean> {
  const [found] = await Promise.all([
    readVpc(ec2, inventory, vpcId, vpcFromItem),
    ...LISTINGS.filter((l) => l.perVpc).map((l) => run(l, ec2, inventory, byVpc(vpcId), ` ${vpcId}`)),
  ]);
  if (!found) return false;
  // Security groups: only those attached to the endpoints that matter.
  const groupIds = [...new Set([...inventory.endpoints.values()].flat().flatMap((e) => e.groupIds))];
  if (groupIds.length) await run(SECURITY_GROUPS, ec2, inventory, [{ Name: 'group-id', Values: groupIds }], ` ${vpcId}`);
  ctx.logger.debug('Collected one VPC', { vpcId });
  return true;
}

/** Entries of the prefix lists that endpoint security groups admit 443 from. */
export async function prefixListEntries(ec2: EC2Client, vpcs: VpcFacts[]): Promise<Record<string, string[]>> {
  const ids = [...new Set(vpcs.flatMap((vpc) => vpc.securityGroups.flatMap((g) => g.admits443.prefixListIds)))].sort();
  const result: Record<string, string[]> = {};
  for (const id of ids) {
    await awsCall(`ec2:GetManagedPrefixListEntries ${id}`, async () => {
      const cidrs: string[] = [];
      for await (const page of paginateGetManagedPrefixListEntries({ client: ec2, pageSize: PAGE_SIZE.GetManagedPrefixListEntries }, { PrefixListId: id })) {
        cidrs.push(...(page.Entries ?? []).map((e) => e.Cidr ?? '').filter(Boolean));
      }
      result[id] = cidrs;
    });
  }
  return result;
}

/** DescribeVpcAttribute (two calls) for each VPC whose verdict depends on its DNS settings. */
export async function dnsAttributes(ec2: EC2Client, facts: VpcEndpointsFacts, ctx: Ctx): Promise<void> {
  const pending = facts.vpcs.filter((vpc) => !vpc.dns && needsDnsAttributes(vpc, facts, ctx.params));
  let skipped = 0;
  await pMap(
    pending,
    async (vpc) => {
      if (ctx.remainingTimeMs() <= 0) {
        skipped++;
        return;
      }
      const [support, hostnames] = await Promise.all(
        (['enableDnsSupport', 'enableDnsHostnames'] as const).map((Attribute) =>
          awsCall(`ec2:DescribeVpcAttribute ${vpc.vpcId} ${Attribute}`, () => ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpc.vpcId, Attribute }))),
        ),
      );
      vpc.dns = { enableDnsSupport: support?.EnableDnsSupport?.Value === true, enableDnsHostnames: hostnames?.EnableDnsHostnames?.Value === true };
    },
    { concurrency: DNS_ATTRIBUTE_CONCURRENCY },
  );
  if (skipped) ctx.logger.warn('Time budget reached: VPCs left without DNS attributes are not evaluated this run', { skipped });
}
