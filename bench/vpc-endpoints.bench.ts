/**
 * Benchmark: ecr-vpc-endpoints on a synthetic region of 10,000 VPCs, 40,000 subnets, 30,000
 * endpoints and 100,000 network interfaces (plus 20,000 security groups and 20,000 route
 * tables), against a naive baseline that describes each VPC's subnets, endpoints, route
 * tables, interfaces and security groups per VPC, side by side in one run.
 *
 *   npx tsx bench/vpc-endpoints.bench.ts            (npm run bench runs it with the others)
 *
 * How: aws-sdk-client-mock answers EC2, Route 53 and Config with callsFake handlers that page
 * like AWS (MaxResults / NextToken, each API's largest page: 1,000, route tables 100, hosted
 * zones 100) and wait LATENCY_MS per call, for both contenders alike. Items are generated per
 * page from their index, so the fake region costs no memory. Each contender runs in its own
 * Node process (this file re-run with --contender), so peak RSS and heap are its own. Both run
 * the periodic path of the Lambda: collect, evaluate, PutEvaluations (batches of 100), the
 * kernel's look-up of earlier results. Mocks bypass the SDK's middleware (no serialisation,
 * no retries) and no throttling is simulated, except that ours paces Route 53 at 5 requests
 * per second itself (the naive baseline does not, which favours it).
 *
 * The lower bound for our API calls (see docs/rules/ecr-vpc-endpoints.md) is computed from the
 * synthetic region's shape independently of the run, and compared with the calls counted.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  DescribeDhcpOptionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  paginateDescribeVpcs,
  type Filter,
  type NetworkInterface,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Vpc,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { ConfigServiceClient, GetComplianceDetailsByConfigRuleCommand, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import {
  GetHostedZoneCommand,
  ListHostedZonesByVPCCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { ListResolverRuleAssociationsCommand, ListResolverRulesCommand, Route53ResolverClient } from '@aws-sdk/client-route53resolver';
import { mockClient } from 'aws-sdk-client-mock';
import pMap from 'p-map';
import { collector } from '../rules/ecr-vpc-endpoints/collect.js';
import { DNS_ATTRIBUTE_CONCURRENCY } from '../rules/ecr-vpc-endpoints/collect-ec2.js';
import { PAGE_SIZE } from '../rules/ecr-vpc-endpoints/page-size.js';
import type { HostedZoneFacts, VpcEndpointsFacts, VpcEndpointsParams, VpcFacts } from '../rules/ecr-vpc-endpoints/evaluate.js';
import { rule } from '../rules/ecr-vpc-endpoints/rule.js';
import { ClientFactory } from '../rules/kernel/clients.js';
import type { ConfigurationItem } from '../rules/kernel/config-item.js';
import { putEvaluations } from '../rules/kernel/config-sink.js';
import { createCollectContext } from '../rules/kernel/context.js';
import { resultsForVanishedResources } from '../rules/kernel/handler.js';
import { silentLogger } from '../rules/kernel/logger.js';
import { defaultRuleParameters } from '../rules/kernel/parameters.js';

/** Fixed latency of every mocked call, both contenders (real EC2 answers in tens of ms). */
const LATENCY_MS = 10;
const ACCOUNT = '111122223333';
const REGION = 'eu-west-3';
const VPCS = 10_000;
const SUBNETS_PER_VPC = 4;
const ENDPOINTS_PER_VPC = 3;
const ENIS_PER_VPC = 10;
const GROUPS_PER_VPC = 2;
const TABLES_PER_VPC = 2;
/** Contenders look at this many VPCs at once in the naive baseline (and ours for DNS attributes). */
const NAIVE_CONCURRENCY = DNS_ATTRIBUTE_CONCURRENCY;

// --- the synthetic region ---------------------------------------------------------------------
const hex = (i: number, width = 17) => i.toString(16).padStart(width, '0');
const vpcId = (i: number) => `vpc-${hex(i)}`;
const AZS = ['a', 'b', 'c', 'a'].map((z) => `${REGION}${z}`);
/** Every 250th VPC (offset 7) lacks its ecr.dkr endpoint: NON_COMPLIANT. */
const missingDkr = (i: number) => i % 250 === 7;
/** Every 500th VPC (offset 3) has no ECR endpoints but is served by the hub's private hosted zones. */
const centralised = (i: number) => i % 500 === 3;
/** Every 1,000th VPC (offset 999) carries the exemption tag. */
const exempt = (i: number) => i % 1000 === 999;
/** Every 1,000th VPC (offset 500) runs no workloads (only endpoints and a NAT gateway). */
const noWorkloads = (i: number) => i % 1000 === 500;

const vpcOf = (i: number): Vpc => ({
  VpcId: vpcId(i),
  OwnerId: ACCOUNT,
  State: 'available',
  CidrBlock: `10.${i % 256}.0.0/16`,
  CidrBlockAssociationSet: [{ AssociationId: `vpc-cidr-assoc-${hex(i)}`, CidrBlock: `10.${i % 256}.0.0/16`, CidrBlockState: { State: 'associated' } }],
  IsDefault: false,
  DhcpOptionsId: 'dopt-0123456789abcdef0',
  InstanceTenancy: 'default',
  Tags: [{ Key: 'Name', Value: `vpc-${i}` }, ...(exempt(i) ? [{ Key: 'ecr-guardrails:exempt', Value: 'bench' }] : [])],
});
const subnetId = (i: number, k: number) => `subnet-${hex(i * SUBNETS_PER_VPC + k)}`;
const subnetOf = (n: number): Subnet => {
  const i = Math.floor(n / SUBNETS_PER_VPC);
  const k = n % SUBNETS_PER_VPC;
  return {
    SubnetId: subnetId(i, k),
    VpcId: vpcId(i),
    AvailabilityZone: AZS[k],
    CidrBlock: `10.${i % 256}.${k * 16}.0/20`,
    AvailableIpAddressCount: 4000,
    MapPublicIpOnLaunch: k === 3,
    State: 'available',
    OwnerId: ACCOUNT,
  };
};
const groupId = (i: number, k: number) => `sg-${hex(i * GROUPS_PER_VPC + k)}`;
const groupOf = (n: number): SecurityGroup => {
  const i = Math.floor(n / GROUPS_PER_VPC);
  const k = n % GROUPS_PER_VPC;
  return {
    GroupId: groupId(i, k),
    GroupName: k === 0 ? 'endpoints' : 'app',
    VpcId: vpcId(i),
    OwnerId: ACCOUNT,
    Description: 'bench',
    IpPermissions: k === 0 ? [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: `10.${i % 256}.0.0/16` }] }] : [],
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  };
};
const tableId = (i: number, k: number) => `rtb-${hex(i * TABLES_PER_VPC + k)}`;
const tableOf = (n: number): RouteTable => {
  const i = Math.floor(n / TABLES_PER_VPC);
  const main = n % TABLES_PER_VPC === 0;
  return {
    RouteTableId: tableId(i, main ? 0 : 1),
    VpcId: vpcId(i),
    OwnerId: ACCOUNT,
    Associations: main ? [{ Main: true, RouteTableId: tableId(i, 0) }] : [0, 1, 2].map((k) => ({ Main: false, SubnetId: subnetId(i, k), RouteTableId: tableId(i, 1) })),
    Routes: [
      { DestinationCidrBlock: `10.${i % 256}.0.0/16`, GatewayId: 'local', State: 'active' },
      main ? { DestinationCidrBlock: '0.0.0.0/0', GatewayId: `igw-${hex(i)}`, State: 'active' } : { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: `nat-${hex(i)}`, State: 'active' },
    ],
  };
};
const endpointId = (i: number, k: number) => `vpce-${hex(i * ENDPOINTS_PER_VPC + k)}`;
const endpointOf = (n: number): VpcEndpoint => {
  const i = Math.floor(n / ENDPOINTS_PER_VPC);
  const k = n % ENDPOINTS_PER_VPC;
  if (k === 2) {
    return { VpcEndpointId: endpointId(i, 2), VpcEndpointType: 'Gateway', VpcId: vpcId(i), ServiceName: `com.amazonaws.${REGION}.s3`, State: 'available' as never, RouteTableIds: [tableId(i, 1)], SubnetIds: [], Groups: [], PrivateDnsEnabled: false, OwnerId: ACCOUNT };
  }
  // Replaced endpoints are other services' (logs, sts): the totals stay the same.
  const service = centralised(i) ? ['logs', 'sts'][k] : k === 1 && missingDkr(i) ? 'logs' : ['ecr.api', 'ecr.dkr'][k];
  return {
    VpcEndpointId: endpointId(i, k),
    VpcEndpointType: 'Interface',
    VpcId: vpcId(i),
    ServiceName: `com.amazonaws.${REGION}.${service}`,
    State: 'available' as never,
    SubnetIds: [0, 1, 2].map((s) => subnetId(i, s)),
    Groups: [{ GroupId: groupId(i, 0), GroupName: 'endpoints' }],
    RouteTableIds: [],
    PrivateDnsEnabled: true,
    OwnerId: ACCOUNT,
  };
};
const eniOf = (n: number): NetworkInterface => {
  const i = Math.floor(n / ENIS_PER_VPC);
  const k = n % ENIS_PER_VPC;
  const base = { NetworkInterfaceId: `eni-${hex(n)}`, VpcId: vpcId(i), OwnerId: ACCOUNT, Status: 'in-use' as const };
  if (k < 6) {
    return { ...base, SubnetId: subnetId(i, k % 3), InterfaceType: 'vpc_endpoint', RequesterManaged: true, Groups: [{ GroupId: groupId(i, 0) }], Description: `VPC Endpoint Interface ${endpointId(i, k < 3 ? 0 : 1)}` };
  }
  if (noWorkloads(i)) return { ...base, SubnetId: subnetId(i, 3), InterfaceType: 'natGateway', RequesterManaged: true, Groups: [], Description: 'Interface for NAT Gateway' };
  const subnet = k === 9 ? 0 : k - 6;
  return {
    ...base,
    SubnetId: subnetId(i, subnet),
    PrivateIpAddress: `10.${i % 256}.${subnet * 16}.${k}`,
    InterfaceType: k === 8 ? 'lambda' : 'interface',
    RequesterManaged: k === 8,
    Groups: [{ GroupId: groupId(i, 1) }],
  };
};

const TOTALS = {
  vpcs: VPCS,
  subnets: VPCS * SUBNETS_PER_VPC,
  endpoints: VPCS * ENDPOINTS_PER_VPC,
  groups: VPCS * GROUPS_PER_VPC,
  tables: VPCS * TABLES_PER_VPC,
  enis: VPCS * ENIS_PER_VPC,
};
const HUB = '222233334444';
const centralVpcs = Array.from({ length: VPCS }, (_, i) => i).filter(centralised).map(vpcId);
const ZONES = [
  { id: 'Z0BENCHDKR00000000001', name: `dkr.ecr.${REGION}.amazonaws.com.`, records: [`dkr.ecr.${REGION}.amazonaws.com.`, `\\052.dkr.ecr.${REGION}.amazonaws.com.`] },
  { id: 'Z0BENCHAPI00000000001', name: `api.ecr.${REGION}.amazonaws.com.`, records: [`api.ecr.${REGION}.amazonaws.com.`] },
  { id: 'Z0BENCHCORP0000000001', name: 'corp.example.internal.', records: [] },
  { id: 'Z0BENCHDEV00000000001', name: 'dev.example.internal.', records: [] },
];

// --- the mocks ----------------------------------------------------------------------------------
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const calls = new Map<string, number>();

function paged<T>(total: number, make: (n: number) => T, input: { MaxResults?: number; NextToken?: string }, max: number, range?: [number, number]) {
  const size = Math.min(input.MaxResults ?? max, max);
  const [from, to] = range ?? [0, total];
  const start = input.NextToken ? Number(input.NextToken) : from;
  const end = Math.min(start + size, to);
  const items: T[] = [];
  for (let n = start; n < end; n++) items.push(make(n));
  return { items, NextToken: end < to ? String(end) : undefined };
}

/** The index range of a per-VPC filter (vpc-id), or the whole listing. */
function rangeFor(filters: Filter[] | undefined, perVpc: number): [number, number] | undefined {
  const id = filters?.find((f) => f.Name === 'vpc-id')?.Values?.[0];
  if (!id) return undefined;
  const i = parseInt(id.slice(4), 16);
  return [i * perVpc, (i + 1) * perVpc];
}

function install(): void {
  const ec2 = mockClient(EC2Client);
  const route53 = mockClient(Route53Client);
  const config = mockClient(ConfigServiceClient);
  // An older SDK build (its own @smithy types): mocked untyped.
  const resolver = mockClient(Route53ResolverClient as never) as unknown as { on(command: unknown): { callsFake(fake: (input: never) => unknown): void }; resetHistory(): void };
  // aws-sdk-client-mock (sinon) keeps every call's input and response; the bench counts calls
  // itself and clears that history, so the mock's memory is not charged to the contender.
  const mocks = [ec2, route53, config, resolver];
  let answered = 0;
  const answer = <I, O>(name: string, respond: (input: I) => O) => async (input: I) => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
    await sleep(LATENCY_MS);
    if (++answered % 8 === 0) setImmediate(() => mocks.forEach((m) => m.resetHistory()));
    return respond(input);
  };
  ec2.on(DescribeVpcsCommand).callsFake(answer('DescribeVpcs', (input) => {
    const { items, NextToken } = paged(TOTALS.vpcs, vpcOf, input, PAGE_SIZE.DescribeVpcs);
    return { Vpcs: items, NextToken };
  }));
  ec2.on(DescribeSubnetsCommand).callsFake(answer('DescribeSubnets', (input) => {
    const { items, NextToken } = paged(TOTALS.subnets, subnetOf, input, PAGE_SIZE.DescribeSubnets, rangeFor(input.Filters, SUBNETS_PER_VPC));
    return { Subnets: items, NextToken };
  }));
  ec2.on(DescribeVpcEndpointsCommand).callsFake(answer('DescribeVpcEndpoints', (input) => {
    const { items, NextToken } = paged(TOTALS.endpoints, endpointOf, input, PAGE_SIZE.DescribeVpcEndpoints, rangeFor(input.Filters, ENDPOINTS_PER_VPC));
    return { VpcEndpoints: items, NextToken };
  }));
  ec2.on(DescribeSecurityGroupsCommand).callsFake(answer('DescribeSecurityGroups', (input) => {
    const ids = input.Filters?.find((f: Filter) => f.Name === 'group-id')?.Values;
    if (ids) return { SecurityGroups: ids.map((id: string) => groupOf(parseInt(id.slice(3), 16))) };
    const { items, NextToken } = paged(TOTALS.groups, groupOf, input, PAGE_SIZE.DescribeSecurityGroups);
    return { SecurityGroups: items, NextToken };
  }));
  ec2.on(DescribeRouteTablesCommand).callsFake(answer('DescribeRouteTables', (input) => {
    const { items, NextToken } = paged(TOTALS.tables, tableOf, input, PAGE_SIZE.DescribeRouteTables, rangeFor(input.Filters, TABLES_PER_VPC));
    return { RouteTables: items, NextToken };
  }));
  ec2.on(DescribeNetworkInterfacesCommand).callsFake(answer('DescribeNetworkInterfaces', (input) => {
    const { items, NextToken } = paged(TOTALS.enis, eniOf, input, PAGE_SIZE.DescribeNetworkInterfaces, rangeFor(input.Filters, ENIS_PER_VPC));
    return { NetworkInterfaces: items, NextToken };
  }));
  ec2.on(DescribeVpcAttributeCommand).callsFake(answer('DescribeVpcAttribute', (input) =>
    input.Attribute === 'enableDnsSupport' ? { EnableDnsSupport: { Value: true } } : { EnableDnsHostnames: { Value: true } },
  ));
  // One DHCP option set (AmazonProvidedDNS) and no Resolver rule: one call each per region.
  ec2.on(DescribeDhcpOptionsCommand).callsFake(answer('DescribeDhcpOptions', () => ({
    DhcpOptions: [{ DhcpOptionsId: 'dopt-0123456789abcdef0', DhcpConfigurations: [{ Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] }] }],
  })));
  resolver.on(ListResolverRulesCommand).callsFake(answer('ListResolverRules', () => ({ ResolverRules: [] })));
  resolver.on(ListResolverRuleAssociationsCommand).callsFake(answer('ListResolverRuleAssociations', () => ({ ResolverRuleAssociations: [] })));
  ec2.on(GetManagedPrefixListEntriesCommand).callsFake(answer('GetManagedPrefixListEntries', () => ({ Entries: [] })));
  route53.on(ListHostedZonesCommand).callsFake(answer('ListHostedZones', () => ({
    HostedZones: ZONES.map((z) => ({ Id: `/hostedzone/${z.id}`, Name: z.name, CallerReference: z.id, Config: { PrivateZone: true } })),
    IsTruncated: false,
    MaxItems: 100,
    Marker: '',
  })));
  route53.on(GetHostedZoneCommand).callsFake(answer('GetHostedZone', (input) => ({
    HostedZone: { Id: input.Id, Name: ZONES.find((z) => z.id === input.Id)?.name, CallerReference: input.Id },
    VPCs: centralVpcs.map((VPCId) => ({ VPCRegion: REGION, VPCId })),
  })));
  route53.on(ListResourceRecordSetsCommand).callsFake(answer('ListResourceRecordSets', (input) => ({
    ResourceRecordSets: (ZONES.find((z) => z.id === input.HostedZoneId)?.records ?? []).map((Name) => ({ Name, Type: 'A', AliasTarget: { HostedZoneId: 'Z1', DNSName: 'vpce.example.', EvaluateTargetHealth: false } })),
    IsTruncated: false,
    MaxItems: input.MaxItems,
  })));
  route53.on(ListHostedZonesByVPCCommand).callsFake(answer('ListHostedZonesByVPC', (input) => ({
    HostedZoneSummaries: centralVpcs.includes(input.VPCId) ? ZONES.slice(0, 2).map((z) => ({ HostedZoneId: z.id, Name: z.name, Owner: { OwningAccount: ACCOUNT } })) : [],
    MaxItems: 100,
  })));
  config.on(PutEvaluationsCommand).callsFake(answer('PutEvaluations', () => ({ FailedEvaluations: [] })));
  config.on(GetComplianceDetailsByConfigRuleCommand).callsFake(answer('GetComplianceDetailsByConfigRule', () => ({ EvaluationResults: [] })));
  void HUB;
}

// --- the contenders -----------------------------------------------------------------------------
const params = defaultRuleParameters<VpcEndpointsParams>(rule.id, rule.parameters);
const now = new Date('2026-11-20T09:00:00.000Z');
const context = () =>
  createCollectContext({ accountId: ACCOUNT, region: REGION, partition: 'aws', clients: new ClientFactory(REGION) }, params, { now, logger: silentLogger });

/** Ours: the rule's periodic collector. */
async function collectOurs(): Promise<VpcEndpointsFacts> {
  return collector.collectAll(context());
}

/** Naive: list the VPCs, then per VPC describe its subnets, endpoints, route tables, interfaces, groups. */
async function collectNaive(): Promise<VpcEndpointsFacts> {
  const ctx = context();
  const ec2 = ctx.clients.get(EC2Client);
  const vpcs: Vpc[] = [];
  for await (const page of paginateDescribeVpcs({ client: ec2, pageSize: PAGE_SIZE.DescribeVpcs }, {})) vpcs.push(...(page.Vpcs ?? []));
  const perVpc = await pMap(
    vpcs,
    (vpc) => {
      const item: ConfigurationItem = {
        configurationItemStatus: 'OK',
        resourceType: 'AWS::EC2::VPC',
        resourceId: vpc.VpcId!,
        awsAccountId: ACCOUNT,
        awsRegion: REGION,
        configurationItemCaptureTime: now.toISOString(),
        configuration: { vpcId: vpc.VpcId, ownerId: vpc.OwnerId, dhcpOptionsId: vpc.DhcpOptionsId, cidrBlock: vpc.CidrBlock, cidrBlockAssociationSet: vpc.CidrBlockAssociationSet?.map((a) => ({ cidrBlock: a.CidrBlock, cidrBlockState: { state: 'associated' } })) },
        tags: Object.fromEntries((vpc.Tags ?? []).map((t) => [t.Key, t.Value])),
        relationships: [],
        supplementaryConfiguration: {},
      };
      return collector.collectForChange!(item, context());
    },
    { concurrency: NAIVE_CONCURRENCY },
  );
  const facts: VpcEndpointsFacts = { accountId: ACCOUNT, region: REGION, dnsSuffix: 'amazonaws.com', vpcs: [], hostedZones: [], prefixLists: {}, dhcpOptions: {}, resolverRules: [] };
  const zones = new Map<string, HostedZoneFacts>();
  for (const part of perVpc) {
    if (!part) continue;
    facts.vpcs.push(...part.vpcs);
    Object.assign(facts.dhcpOptions!, part.dhcpOptions);
    facts.resolverRules!.push(...(part.resolverRules ?? []));
    for (const zone of part.hostedZones) {
      const known = zones.get(zone.hostedZoneId);
      if (known) known.vpcIds.push(...zone.vpcIds.filter((id) => !known.vpcIds.includes(id)));
      else zones.set(zone.hostedZoneId, { ...zone, vpcIds: [...zone.vpcIds] });
    }
  }
  facts.hostedZones = [...zones.values()];
  return facts;
}

interface Measurement {
  contender: string;
  calls: Record<string, number>;
  totalCalls: number;
  wallMs: number;
  collectMs: number;
  evaluateMs: number;
  evaluations: number;
  counts: Record<string, number>;
  dnsVpcs: number;
  fallbackVpcs: number;
  retainedMb: number;
  peakRssMb: number;
  peakHeapMb: number;
}

async function runContender(name: 'ours' | 'naive'): Promise<Measurement> {
  install();
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
  const start = performance.now();
  const facts = name === 'ours' ? await collectOurs() : await collectNaive();
  const collected = performance.now();
  // What the facts themselves hold (garbage collected first when --expose-gc is on).
  (globalThis as { gc?: () => void }).gc?.();
  const retainedMb = process.memoryUsage().heapUsed / 2 ** 20;
  const evaluations = rule.evaluate(facts, params, now);
  const evaluated = performance.now();
  const config = new ClientFactory(REGION).get(ConfigServiceClient);
  const vanished = await resultsForVanishedResources(config, 'ecr-guardrails-ecr-vpc-endpoints', rule.resourceType, new Set(rule.inventory!(facts)));
  await putEvaluations(config, [...evaluations, ...vanished], { resultToken: 'bench', orderingTimestamp: now, logger: silentLogger });
  const end = performance.now();
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const counts: Record<string, number> = {};
  for (const e of evaluations) counts[e.complianceType] = (counts[e.complianceType] ?? 0) + 1;
  const byName = Object.fromEntries([...calls.entries()].sort());
  return {
    contender: name,
    calls: byName,
    totalCalls: [...calls.values()].reduce((a, b) => a + b, 0),
    wallMs: end - start,
    collectMs: collected - start,
    evaluateMs: evaluated - collected,
    evaluations: evaluations.length,
    counts,
    dnsVpcs: facts.vpcs.filter((v: VpcFacts) => v.dns).length,
    fallbackVpcs: calls.get('ListHostedZonesByVPC') ?? 0,
    retainedMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: peakHeap / 2 ** 20,
  };
}

/** The fewest calls a correct periodic run can make on this region (docs/rules/ecr-vpc-endpoints.md). */
function lowerBound() {
  const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));
  const indices = Array.from({ length: VPCS }, (_, i) => i);
  const inScope = indices.filter((i) => !exempt(i) && !noWorkloads(i));
  // Every in-scope VPC has an interface endpoint of a required service or an associated zone.
  const dns = inScope.length;
  const notOtherwiseCompliant = inScope.filter((i) => missingDkr(i) && !centralised(i)).length;
  const candidateZones = 2;
  const parts = {
    DescribeVpcs: pages(TOTALS.vpcs, PAGE_SIZE.DescribeVpcs),
    DescribeSubnets: pages(TOTALS.subnets, PAGE_SIZE.DescribeSubnets),
    DescribeVpcEndpoints: pages(TOTALS.endpoints, PAGE_SIZE.DescribeVpcEndpoints),
    DescribeSecurityGroups: pages(TOTALS.groups, PAGE_SIZE.DescribeSecurityGroups),
    DescribeRouteTables: pages(TOTALS.tables, PAGE_SIZE.DescribeRouteTables),
    DescribeNetworkInterfaces: pages(TOTALS.enis, PAGE_SIZE.DescribeNetworkInterfaces),
    DescribeVpcAttribute: 2 * dns,
    DescribeDhcpOptions: 1,
    ListResolverRules: 1,
    ListResolverRuleAssociations: 1,
    ListHostedZones: pages(ZONES.length, PAGE_SIZE.ListHostedZones),
    GetHostedZone: candidateZones,
    ListResourceRecordSets: candidateZones,
    ListHostedZonesByVPC: notOtherwiseCompliant,
    PutEvaluations: Math.ceil(VPCS / 100),
    GetComplianceDetailsByConfigRule: 1,
  };
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

// --- main -----------------------------------------------------------------------------------------
const contender = process.argv.indexOf('--contender');
if (contender >= 0) {
  const result = await runContender(process.argv[contender + 1] as 'ours' | 'naive');
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
function spawnContender(name: string): Measurement {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', self, '--contender', name], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: REGION },
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`contender ${name} failed (exit ${child.status}):\n${child.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as Measurement;
}

const cpu = cpus();
console.log(`ecr-vpc-endpoints periodic run: ${VPCS.toLocaleString('en')} VPCs, ${TOTALS.subnets.toLocaleString('en')} subnets, ${TOTALS.endpoints.toLocaleString('en')} endpoints, ` +
  `${TOTALS.enis.toLocaleString('en')} network interfaces, ${TOTALS.groups.toLocaleString('en')} security groups, ${TOTALS.tables.toLocaleString('en')} route tables; ${LATENCY_MS} ms per call.`);
console.log(`Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.\n`);
const ours = spawnContender('ours');
const naive = spawnContender('naive');
const bound = lowerBound();
const sameVerdicts = JSON.stringify(ours.counts) === JSON.stringify(naive.counts);

const f0 = (n: number) => Math.round(n).toLocaleString('en');
const f1 = (n: number) => n.toFixed(1);
console.log('| | ours | naive (per-VPC describes) | naive / ours |');
console.log('|---|---:|---:|---:|');
console.log(`| API calls | ${f0(ours.totalCalls)} | ${f0(naive.totalCalls)} | ${f1(naive.totalCalls / ours.totalCalls)}x |`);
console.log(`| lower bound | ${f0(bound.total)} | ${f0(bound.total)} | |`);
console.log(`| wall time | ${f1(ours.wallMs / 1000)} s | ${f1(naive.wallMs / 1000)} s | ${f1(naive.wallMs / ours.wallMs)}x |`);
console.log(`| collect | ${f1(ours.collectMs / 1000)} s | ${f1(naive.collectMs / 1000)} s | |`);
console.log(`| evaluator | ${f0(ours.evaluateMs)} ms | ${f0(naive.evaluateMs)} ms | |`);
console.log(`| peak RSS | ${f0(ours.peakRssMb)} MB | ${f0(naive.peakRssMb)} MB | |`);
console.log(`| peak heap | ${f0(ours.peakHeapMb)} MB | ${f0(naive.peakHeapMb)} MB | |`);
console.log(`| heap after collect (GC'd) | ${f0(ours.retainedMb)} MB | ${f0(naive.retainedMb)} MB | |`);
console.log(`| evaluations | ${f0(ours.evaluations)} | ${f0(naive.evaluations)} | |`);
console.log('');
console.log(`Our calls ${ours.totalCalls === bound.total ? 'equal' : 'DO NOT equal'} the lower bound (${f0(bound.total)}): ` +
  Object.entries(bound.parts).map(([k, v]) => `${k} ${f0(v)}${ours.calls[k] !== v ? ` (ours ${f0(ours.calls[k] ?? 0)})` : ''}`).join(', ') + '.');
console.log(`Verdicts ${sameVerdicts ? 'agree' : 'DIFFER'}: ${Object.entries(ours.counts).map(([k, v]) => `${k} ${f0(v)}`).join(', ')}.`);
console.log(`Naive calls by API: ${Object.entries(naive.calls).map(([k, v]) => `${k} ${f0(v)}`).join(', ')}.`);
console.log(`Peak RSS target < 512 MB: ${ours.peakRssMb < 512 ? 'met' : 'MISSED'} (${f0(ours.peakRssMb)} MB).`);
if (ours.totalCalls !== bound.total || !sameVerdicts || ours.peakRssMb >= 512) process.exit(1);
