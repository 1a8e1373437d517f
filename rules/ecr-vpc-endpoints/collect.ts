/**
 * The only I/O of ecr-vpc-endpoints: EC2 and Route 53 -> plain, compact facts.
 *
 * Periodic runs list each resource type once per region with paginators (largest page each API
 * allows) and join in memory: no describe call per VPC. Two things have no listing API and are
 * fetched per VPC, only where the verdict depends on them:
 * - DescribeVpcAttribute (enableDnsSupport, enableDnsHostnames): for in-scope VPCs that have an
 *   interface endpoint of a required service or an associated private hosted zone.
 * - ListHostedZonesByVPC: other accounts' private hosted zones are only visible per VPC; asked
 *   only for in-scope VPCs that are not compliant with what is already known.
 * Route 53 allows 5 requests per second per account: its calls go through a rate limiter.
 * A change-triggered run fetches only what its one VPC needs (filters on vpc-id).
 */
import {
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  EC2Client,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcs,
  paginateGetManagedPrefixListEntries,
  type Filter,
  type IpPermission,
  type NetworkInterface,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Vpc,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import {
  GetHostedZoneCommand,
  ListHostedZonesByVPCCommand,
  ListResourceRecordSetsCommand,
  paginateListHostedZones,
  Route53Client,
  type ListHostedZonesByVPCCommandInput,
  type ListHostedZonesByVPCCommandOutput,
  type ResourceRecordSet,
  type Route53PaginationConfiguration,
} from '@aws-sdk/client-route-53';
import { createPaginator } from '@smithy/core';
import pMap from 'p-map';
import type { ConfigurationItem } from '../kernel/config-item.js';
import { awsCall } from '../kernel/errors.js';
import type { CollectContext, Collector } from '../kernel/types.js';
import {
  needsDnsAttributes,
  needsZoneLookup,
  type EndpointFacts,
  type HostedZoneFacts,
  type SecurityGroupFacts,
  type SubnetFacts,
  type VpcEndpointsFacts,
  type VpcEndpointsParams,
  type VpcFacts,
} from './evaluate.js';
import { candidateZoneNames, dnsSuffixOf, normaliseDnsName, requiredServices, serviceDnsNames, serviceOfEndpoint } from './services.js';

/** Largest page each API allows. */
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
} as const;


/** Concurrent DescribeVpcAttribute look-ups (two calls each). */
export const DNS_ATTRIBUTE_CONCURRENCY = 8;
/** Route 53's API limit: 5 requests per second per account. */
export const ROUTE53_REQUESTS_PER_SECOND = 5;

/**
 * Network interface types that are workloads (EC2 instances, ECS/EKS tasks and pods, Lambda,
 * EFA). Endpoints, NAT gateways, load balancers, transit gateway attachments and other
 * appliances do not pull images.
 */
const WORKLOAD_INTERFACE_TYPES = new Set(['interface', 'lambda', 'branch', 'trunk', 'efa', 'efa-only']);
/** Requester-managed `interface` ENIs of managed services that run no containers. */
const MANAGED_SERVICE_DESCRIPTION = /^(ELB |RDSNetworkInterface|EFS mount target|ElastiCache|Route 53 Resolver|DMSNetworkInterface|AWS created network interface for directory|Interface for NAT Gateway|VPC Endpoint Interface)/;

export function isWorkloadInterface(eni: Pick<NetworkInterface, 'InterfaceType' | 'RequesterManaged' | 'Description'>): boolean {
  const type = eni.InterfaceType ?? 'interface';
  if (!WORKLOAD_INTERFACE_TYPES.has(type)) return false;
  return !(type === 'interface' && eni.RequesterManaged && MANAGED_SERVICE_DESCRIPTION.test(eni.Description ?? ''));
}

const byVpc = (vpcId: string): Filter[] => [{ Name: 'vpc-id', Values: [vpcId] }];

/**
 * At most `perSecond` calls started in any one-second window (Route 53: 5 per second per
 * account). Calls are admitted in order.
 */
export function createRateLimiter(perSecond: number, now: () => number = Date.now, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))) {
  const recent: number[] = [];
  let chain: Promise<void> = Promise.resolve();
  return function limit<T>(call: () => Promise<T>): Promise<T> {
    const admitted = chain.then(async () => {
      for (;;) {
        const t = now();
        while (recent.length && recent[0]! <= t - 1000) recent.shift();
        if (recent.length < perSecond) {
          recent.push(t);
          return;
        }
        await sleep(recent[0]! + 1000 - t);
      }
    });
    chain = admitted;
    return admitted.then(call);
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

// ---------------------------------------------------------------------------------------------
// Compact records built from each page as it arrives (the SDK objects are dropped at once).

interface CompactVpc {
  vpcId: string;
  cidrBlocks: string[];
  tags: Record<string, string>;
}
interface CompactSubnet {
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  cidrBlock: string;
}
interface CompactRouteTable {
  routeTableId: string;
  vpcId: string;
  main: boolean;
  subnetIds: string[];
  internetRoute: boolean;
}
interface CompactSecurityGroup extends SecurityGroupFacts {
  vpcId: string;
}

/** What the collector accumulates before joining per VPC. */
export class Inventory {
  readonly vpcs: CompactVpc[] = [];
  readonly subnets: CompactSubnet[] = [];
  readonly endpoints = new Map<string, EndpointFacts[]>();
  readonly securityGroups = new Map<string, CompactSecurityGroup>();
  readonly routeTables: CompactRouteTable[] = [];
  /** vpcId -> subnetId|groups -> count. */
  readonly workloads = new Map<string, Map<string, number>>();
  readonly otherInterfaces = new Map<string, number>();

  addVpcs(vpcs: Vpc[]): void {
    for (const vpc of vpcs) {
      const associated = (vpc.CidrBlockAssociationSet ?? []).filter((a) => !a.CidrBlockState?.State || a.CidrBlockState.State === 'associated');
      const cidrBlocks = associated.length ? associated.map((a) => a.CidrBlock ?? '').filter(Boolean) : vpc.CidrBlock ? [vpc.CidrBlock] : [];
      this.vpcs.push({ vpcId: vpc.VpcId ?? '', cidrBlocks, tags: Object.fromEntries((vpc.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) });
    }
  }

  addSubnets(subnets: Subnet[]): void {
    for (const s of subnets) {
      this.subnets.push({ subnetId: s.SubnetId ?? '', vpcId: s.VpcId ?? '', availabilityZone: s.AvailabilityZone ?? '', cidrBlock: s.CidrBlock ?? '' });
    }
  }

  addEndpoints(endpoints: VpcEndpoint[]): void {
    for (const e of endpoints) {
      if (!serviceOfEndpoint(e.ServiceName ?? '')) continue;
      const vpcId = e.VpcId ?? '';
      const list = this.endpoints.get(vpcId) ?? [];
      list.push({
        vpcEndpointId: e.VpcEndpointId ?? '',
        serviceName: e.ServiceName ?? '',
        vpcEndpointType: e.VpcEndpointType ?? '',
        state: e.State ?? '',
        privateDnsEnabled: e.PrivateDnsEnabled === true,
        ...(e.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint === true ? { privateDnsOnlyForInboundResolver: true } : {}),
        subnetIds: e.SubnetIds ?? [],
        groupIds: (e.Groups ?? []).map((g) => g.GroupId ?? ''),
        routeTableIds: e.RouteTableIds ?? [],
      });
      this.endpoints.set(vpcId, list);
    }
  }

  addSecurityGroups(groups: SecurityGroup[]): void {
    for (const g of groups) {
      this.securityGroups.set(g.GroupId ?? '', { groupId: g.GroupId ?? '', vpcId: g.VpcId ?? '', admits443: admits443(g.IpPermissions ?? []) });
    }
  }

  addRouteTables(tables: RouteTable[]): void {
    for (const t of tables) {
      const associations = t.Associations ?? [];
      this.routeTables.push({
        routeTableId: t.RouteTableId ?? '',
        vpcId: t.VpcId ?? '',
        main: associations.some((a) => a.Main === true),
        subnetIds: associations.flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
        internetRoute: (t.Routes ?? []).some(
          (r) => (r.DestinationCidrBlock === '0.0.0.0/0' || r.DestinationIpv6CidrBlock === '::/0') && (r.GatewayId ?? '').startsWith('igw-'),
        ),
      });
    }
  }

  addNetworkInterfaces(interfaces: NetworkInterface[]): void {
    for (const eni of interfaces) {
      const vpcId = eni.VpcId ?? '';
      if (!isWorkloadInterface(eni)) {
        this.otherInterfaces.set(vpcId, (this.otherInterfaces.get(vpcId) ?? 0) + 1);
        continue;
      }
      const key = `${eni.SubnetId ?? ''}|${(eni.Groups ?? []).map((g) => g.GroupId ?? '').sort().join(',')}`;
      const groups = this.workloads.get(vpcId) ?? new Map<string, number>();
      groups.set(key, (groups.get(key) ?? 0) + 1);
      this.workloads.set(vpcId, groups);
    }
  }

  /** Joins everything per VPC. */
  toVpcFacts(): VpcFacts[] {
    const subnetsByVpc = groupBy(this.subnets, (s) => s.vpcId);
    const tablesByVpc = groupBy(this.routeTables, (t) => t.vpcId);
    return this.vpcs.map((vpc) => {
      const tables = tablesByVpc.get(vpc.vpcId) ?? [];
      const main = tables.find((t) => t.main);
      const tableOf = new Map(tables.flatMap((t) => t.subnetIds.map((id) => [id, t] as const)));
      const workloadEntries = [...(this.workloads.get(vpc.vpcId) ?? new Map<string, number>()).entries()];
      const perSubnet = new Map<string, number>();
      const workloads = workloadEntries.map(([key, count]) => {
        const [subnetId = '', groups = ''] = key.split('|');
        perSubnet.set(subnetId, (perSubnet.get(subnetId) ?? 0) + count);
        return { subnetId, groupIds: groups ? groups.split(',') : [], count };
      });
      const subnets: SubnetFacts[] = (subnetsByVpc.get(vpc.vpcId) ?? []).map((s) => {
        const table = tableOf.get(s.subnetId) ?? main;
        return {
          subnetId: s.subnetId,
          availabilityZone: s.availabilityZone,
          cidrBlock: s.cidrBlock,
          ...(table ? { routeTableId: table.routeTableId } : {}),
          isPrivate: !table?.internetRoute,
          workloadInterfaces: perSubnet.get(s.subnetId) ?? 0,
        };
      });
      const endpoints = this.endpoints.get(vpc.vpcId) ?? [];
      const groupIds = [...new Set(endpoints.flatMap((e) => e.groupIds))];
      const securityGroups = groupIds.flatMap((id) => {
        const g = this.securityGroups.get(id);
        return g ? [{ groupId: g.groupId, admits443: g.admits443 }] : [];
      });
      return {
        vpcId: vpc.vpcId,
        cidrBlocks: vpc.cidrBlocks,
        tags: vpc.tags,
        subnets,
        endpoints,
        securityGroups,
        workloads,
        otherInterfaces: this.otherInterfaces.get(vpc.vpcId) ?? 0,
      };
    });
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** Sources of inbound rules that admit TCP 443 (protocol -1, or tcp/6 with 443 in the port range). */
export function admits443(permissions: IpPermission[]): SecurityGroupFacts['admits443'] {
  const result = { cidrs: [] as string[], groupIds: [] as string[], prefixListIds: [] as string[] };
  for (const p of permissions) {
    const protocol = String(p.IpProtocol ?? '');
    const allTraffic = protocol === '-1' || protocol === 'all';
    const tcp443 = (protocol === 'tcp' || protocol === '6') && (p.FromPort ?? -1) <= 443 && (p.ToPort ?? -1) >= 443;
    const allTcp = (protocol === 'tcp' || protocol === '6') && p.FromPort === undefined && p.ToPort === undefined;
    if (!allTraffic && !tcp443 && !allTcp) continue;
    result.cidrs.push(...(p.IpRanges ?? []).map((r) => r.CidrIp ?? '').filter(Boolean));
    result.groupIds.push(...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? '').filter(Boolean));
    result.prefixListIds.push(...(p.PrefixListIds ?? []).map((l) => l.PrefixListId ?? '').filter(Boolean));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// EC2 listings

type Ctx = CollectContext<VpcEndpointsParams>;

async function listAll(ec2: EC2Client, inventory: Inventory, ctx: Ctx): Promise<void> {
  const progress = (what: string, n: number) => ctx.progress(`${ctx.accountId} ${ctx.region}: ${n} ${what} listed`);
  const counts = { vpcs: 0, subnets: 0, endpoints: 0, groups: 0, tables: 0, interfaces: 0 };
  await Promise.all([
    awsCall('ec2:DescribeVpcs', async () => {
      for await (const page of paginateDescribeVpcs({ client: ec2, pageSize: PAGE_SIZE.DescribeVpcs }, {})) {
        inventory.addVpcs(page.Vpcs ?? []);
        progress('VPCs', (counts.vpcs += page.Vpcs?.length ?? 0));
      }
    }),
    awsCall('ec2:DescribeSubnets', async () => {
      for await (const page of paginateDescribeSubnets({ client: ec2, pageSize: PAGE_SIZE.DescribeSubnets }, {})) {
        inventory.addSubnets(page.Subnets ?? []);
        progress('subnets', (counts.subnets += page.Subnets?.length ?? 0));
      }
    }),
    awsCall('ec2:DescribeVpcEndpoints', async () => {
      for await (const page of paginateDescribeVpcEndpoints({ client: ec2, pageSize: PAGE_SIZE.DescribeVpcEndpoints }, {})) {
        inventory.addEndpoints(page.VpcEndpoints ?? []);
        progress('VPC endpoints', (counts.endpoints += page.VpcEndpoints?.length ?? 0));
      }
    }),
    awsCall('ec2:DescribeSecurityGroups', async () => {
      for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: PAGE_SIZE.DescribeSecurityGroups }, {})) {
        inventory.addSecurityGroups(page.SecurityGroups ?? []);
        progress('security groups', (counts.groups += page.SecurityGroups?.length ?? 0));
      }
    }),
    awsCall('ec2:DescribeRouteTables', async () => {
      for await (const page of paginateDescribeRouteTables({ client: ec2, pageSize: PAGE_SIZE.DescribeRouteTables }, {})) {
        inventory.addRouteTables(page.RouteTables ?? []);
        progress('route tables', (counts.tables += page.RouteTables?.length ?? 0));
      }
    }),
    awsCall('ec2:DescribeNetworkInterfaces', async () => {
      for await (const page of paginateDescribeNetworkInterfaces({ client: ec2, pageSize: PAGE_SIZE.DescribeNetworkInterfaces }, {})) {
        inventory.addNetworkInterfaces(page.NetworkInterfaces ?? []);
        progress('network interfaces', (counts.interfaces += page.NetworkInterfaces?.length ?? 0));
      }
    }),
  ]);
}

async function listForVpc(ec2: EC2Client, inventory: Inventory, vpcId: string, ctx: Ctx, vpcFromItem: Vpc | undefined): Promise<boolean> {
  let found = true;
  await Promise.all([
    vpcFromItem
      ? Promise.resolve(inventory.addVpcs([vpcFromItem]))
      : awsCall(`ec2:DescribeVpcs ${vpcId}`, async () => {
          try {
            const response = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
            inventory.addVpcs(response.Vpcs ?? []);
            found = (response.Vpcs ?? []).length > 0;
          } catch (error) {
            if ((error as Error).name === 'InvalidVpcID.NotFound') found = false;
            else throw error;
          }
        }),
    awsCall(`ec2:DescribeSubnets ${vpcId}`, async () => {
      for await (const page of paginateDescribeSubnets({ client: ec2, pageSize: PAGE_SIZE.DescribeSubnets }, { Filters: byVpc(vpcId) })) {
        inventory.addSubnets(page.Subnets ?? []);
      }
    }),
    awsCall(`ec2:DescribeVpcEndpoints ${vpcId}`, async () => {
      for await (const page of paginateDescribeVpcEndpoints({ client: ec2, pageSize: PAGE_SIZE.DescribeVpcEndpoints }, { Filters: byVpc(vpcId) })) {
        inventory.addEndpoints(page.VpcEndpoints ?? []);
      }
    }),
    awsCall(`ec2:DescribeRouteTables ${vpcId}`, async () => {
      for await (const page of paginateDescribeRouteTables({ client: ec2, pageSize: PAGE_SIZE.DescribeRouteTables }, { Filters: byVpc(vpcId) })) {
        inventory.addRouteTables(page.RouteTables ?? []);
      }
    }),
    awsCall(`ec2:DescribeNetworkInterfaces ${vpcId}`, async () => {
      for await (const page of paginateDescribeNetworkInterfaces({ client: ec2, pageSize: PAGE_SIZE.DescribeNetworkInterfaces }, { Filters: byVpc(vpcId) })) {
        inventory.addNetworkInterfaces(page.NetworkInterfaces ?? []);
      }
    }),
  ]);
  if (!found) return false;
  // Security groups: only those attached to the endpoints that matter.
  const groupIds = [...new Set([...inventory.endpoints.values()].flat().flatMap((e) => e.groupIds))];
  if (groupIds.length) {
    await awsCall(`ec2:DescribeSecurityGroups ${vpcId}`, async () => {
      const input = { Filters: [{ Name: 'group-id', Values: groupIds }] };
      for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: PAGE_SIZE.DescribeSecurityGroups }, input)) {
        inventory.addSecurityGroups(page.SecurityGroups ?? []);
      }
    });
  }
  ctx.logger.debug('Collected one VPC', { vpcId });
  return true;
}

/** Entries of the prefix lists that endpoint security groups admit 443 from. */
async function prefixListEntries(ec2: EC2Client, vpcs: VpcFacts[]): Promise<Record<string, string[]>> {
  const ids = [...new Set(vpcs.flatMap((vpc) => vpc.securityGroups.flatMap((g) => g.admits443.prefixListIds)))].sort();
  const result: Record<string, string[]> = {};
  for (const id of ids) {
    await awsCall(`ec2:GetManagedPrefixListEntries ${id}`, async () => {
      const cidrs: string[] = [];
      for await (const page of paginateGetManagedPrefixListEntries({ client: ec2, pageSize: PAGE_SIZE.GetManagedPrefixListEntries }, { PrefixListId: id })) {
        cidrs.push(...(page.Entries ?? []).map((e) => e.Cidr ?? '').filter((c) => c.includes('.')));
      }
      result[id] = cidrs;
    });
  }
  return result;
}

/** DescribeVpcAttribute (two calls) for each VPC whose verdict depends on its DNS settings. */
async function dnsAttributes(ec2: EC2Client, facts: VpcEndpointsFacts, ctx: Ctx): Promise<void> {
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

// ---------------------------------------------------------------------------------------------
// Route 53

/** The SDK has no paginator for ListHostedZonesByVPC; this is the one it would generate. */
const paginateListHostedZonesByVpc = createPaginator<Route53PaginationConfiguration, ListHostedZonesByVPCCommandInput, ListHostedZonesByVPCCommandOutput>(
  Route53Client, ListHostedZonesByVPCCommand, 'NextToken', 'NextToken', 'MaxItems');

/** Names whose records matter: each service name and the wildcards that could answer for it. */
function interestingNames(facts: Pick<VpcEndpointsFacts, 'region' | 'dnsSuffix' | 'accountId'>, params: VpcEndpointsParams): { names: string[]; zoneNames: Set<string> } {
  const names = new Set<string>();
  const zoneNames = new Set<string>();
  for (const service of requiredServices(params.RequiredServices)) {
    for (const name of serviceDnsNames(service, facts.region, facts.dnsSuffix, facts.accountId)) {
      names.add(name);
      const labels = name.split('.');
      for (let i = 1; i < labels.length - 1; i++) names.add(`*.${labels.slice(i).join('.')}`);
      for (const zone of candidateZoneNames(name)) zoneNames.add(zone);
    }
  }
  return { names: [...names], zoneNames };
}

const zoneIdOf = (id: string) => id.replace(/^\/hostedzone\//, '');

function keepRecords(records: ResourceRecordSet[], names: Set<string>): Array<{ name: string; type: string }> {
  return records
    .filter((r) => names.has(normaliseDnsName(r.Name ?? '')))
    .map((r) => ({ name: normaliseDnsName(r.Name ?? ''), type: r.Type ?? '' }));
}

/**
 * Records of an own zone at the names that matter: one call from the zone's start (zones named
 * for a service hold a handful of records); for a large zone, one call per name that falls in it.
 */
async function zoneRecords(route53: Route53Client, limit: RateLimiter, zoneId: string, zoneName: string, names: string[]) {
  const inZone = names.filter((n) => n === zoneName || n.endsWith(`.${zoneName}`));
  const wanted = new Set(inZone);
  const first = await limit(() =>
    awsCall(`route53:ListResourceRecordSets ${zoneId}`, () => route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: PAGE_SIZE.ListResourceRecordSets }))),
  );
  if (!first.IsTruncated) return keepRecords(first.ResourceRecordSets ?? [], wanted);
  const records: ResourceRecordSet[] = [];
  for (const name of inZone) {
    const response = await limit(() =>
      awsCall(`route53:ListResourceRecordSets ${zoneId} ${name}`, () =>
        route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, MaxItems: 10 })),
      ),
    );
    records.push(...(response.ResourceRecordSets ?? []));
  }
  return keepRecords(records, wanted);
}

/**
 * One listing for the whole account: the own private zones that can answer for the service
 * names, with their associations in this region (GetHostedZone). Runs while EC2 is listed.
 */
async function ownCandidateZones(route53: Route53Client, limit: RateLimiter, facts: Pick<VpcEndpointsFacts, 'region' | 'dnsSuffix' | 'accountId'>, ctx: Ctx) {
  const { zoneNames } = interestingNames(facts, ctx.params);
  const candidates: Array<{ id: string; name: string }> = [];
  await awsCall('route53:ListHostedZones', async () => {
    const pages = paginateListHostedZones({ client: route53, pageSize: PAGE_SIZE.ListHostedZones }, { HostedZoneType: 'PrivateHostedZone' });
    // The paginator issues the next call when the loop asks for it: rate-limit each step.
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const step = await limit(() => iterator.next());
      if (step.done) break;
      for (const zone of step.value.HostedZones ?? []) {
        if (zone.Config?.PrivateZone === false) continue;
        if (zoneNames.has(normaliseDnsName(zone.Name ?? ''))) candidates.push({ id: zoneIdOf(zone.Id ?? ''), name: normaliseDnsName(zone.Name ?? '') });
      }
    }
  });
  const zones: Array<{ id: string; name: string; vpcIds: string[] }> = [];
  for (const candidate of candidates) {
    const details = await limit(() => awsCall(`route53:GetHostedZone ${candidate.id}`, () => route53.send(new GetHostedZoneCommand({ Id: candidate.id }))));
    zones.push({ ...candidate, vpcIds: (details.VPCs ?? []).filter((v) => v.VPCRegion === ctx.region).map((v) => v.VPCId ?? '') });
  }
  return zones;
}

/** The candidate zones associated with VPCs of the facts, with the records that matter. */
async function ownHostedZones(route53: Route53Client, limit: RateLimiter, candidates: Awaited<ReturnType<typeof ownCandidateZones>>, facts: VpcEndpointsFacts, ctx: Ctx): Promise<HostedZoneFacts[]> {
  const { names } = interestingNames(facts, ctx.params);
  const vpcIds = new Set(facts.vpcs.map((v) => v.vpcId));
  const zones: HostedZoneFacts[] = [];
  for (const candidate of candidates) {
    const associated = candidate.vpcIds.filter((id) => vpcIds.has(id));
    if (associated.length === 0) continue;
    zones.push({ hostedZoneId: candidate.id, name: candidate.name, ownerAccountId: ctx.accountId, vpcIds: associated, records: await zoneRecords(route53, limit, candidate.id, candidate.name, names) });
  }
  return zones;
}

/** Per-VPC fallback: zones associated with the VPC, including other accounts' (records not visible). */
async function zonesForVpc(route53: Route53Client, limit: RateLimiter, vpcId: string, facts: VpcEndpointsFacts, ctx: Ctx): Promise<void> {
  const { names, zoneNames } = interestingNames(facts, ctx.params);
  await awsCall(`route53:ListHostedZonesByVPC ${vpcId}`, async () => {
    const pages = paginateListHostedZonesByVpc({ client: route53, pageSize: PAGE_SIZE.ListHostedZonesByVPC }, { VPCId: vpcId, VPCRegion: ctx.region as never });
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const step = await limit(() => iterator.next());
      if (step.done) break;
      for (const summary of step.value.HostedZoneSummaries ?? []) {
        const name = normaliseDnsName(summary.Name ?? '');
        const owner = summary.Owner?.OwningAccount;
        // Zones owned by a service (an endpoint's own private DNS) are not centralised endpoints.
        if (!owner || !zoneNames.has(name)) continue;
        const id = zoneIdOf(summary.HostedZoneId ?? '');
        const known = facts.hostedZones.find((z) => z.hostedZoneId === id);
        if (known) {
          if (!known.vpcIds.includes(vpcId)) known.vpcIds.push(vpcId);
          continue;
        }
        const records = owner === ctx.accountId ? await zoneRecords(route53, limit, id, name, names) : null;
        facts.hostedZones.push({ hostedZoneId: id, name, ownerAccountId: owner, vpcIds: [vpcId], records });
      }
    }
  });
}

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
  if (item.resourceType !== 'AWS::EC2::VPC' || !c || typeof c.cidrBlock !== 'string') return undefined;
  const associations = Array.isArray(c.cidrBlockAssociationSet) ? (c.cidrBlockAssociationSet as Array<{ cidrBlock?: string; cidrBlockState?: { state?: string } }>) : [];
  return {
    VpcId: item.resourceId,
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
    const inventory = new Inventory();
    const base = emptyFacts(ctx, []);
    // Route 53's account-wide listing runs while EC2 is listed.
    const [candidates] = await Promise.all([
      ctx.params.AcceptCentralizedEndpoints ? ownCandidateZones(route53, limit, base, ctx) : Promise.resolve([]),
      listAll(ec2, inventory, ctx),
    ]);
    const facts = { ...base, vpcs: inventory.toVpcFacts() };
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
    const inventory = new Inventory();
    if (!(await listForVpc(ec2, inventory, vpcId, ctx, vpcFromItem(item)))) {
      ctx.logger.info('The VPC no longer exists: nothing to evaluate', { vpcId });
      return undefined;
    }
    const facts = emptyFacts(ctx, inventory.toVpcFacts());
    facts.prefixLists = await prefixListEntries(ec2, facts.vpcs);
    if (ctx.params.AcceptCentralizedEndpoints) {
      // For one VPC, ListHostedZonesByVPC is the single call that shows every associated zone.
      await dnsAndZoneLookups(ctx.clients.get(Route53Client), createRateLimiter(ROUTE53_REQUESTS_PER_SECOND), ec2, facts, ctx);
    } else {
      await dnsAttributes(ec2, facts, ctx);
    }
    return facts;
  },
};
