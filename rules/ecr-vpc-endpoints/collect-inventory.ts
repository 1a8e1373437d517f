/**
 * The network inventory of one collection: compact records built from each EC2 page as it
 * arrives (the SDK objects are dropped at once), joined per VPC into the rule's facts. Also
 * the two judgements made on raw EC2 shapes: which interfaces are workloads, and which
 * security-group rules admit TCP 443.
 */
import type { IpPermission, NetworkInterface, RouteTable, SecurityGroup, Subnet, Vpc, VpcEndpoint } from '@aws-sdk/client-ec2';
import type { EndpointFacts, SecurityGroupFacts, SubnetFacts, VpcFacts } from './evaluate.js';
import { serviceOfEndpoint } from './services.js';

/**
 * Network interface types that can be workloads: EC2 instances (`interface`, `efa`, `efa-only`),
 * ECS tasks in awsvpc mode incl. Fargate and EKS pods (`interface`, `branch`, `trunk`). Every
 * other type (`lambda`, `vpc_endpoint`, `natGateway`, load balancers, `transit_gateway`, ...)
 * is a service's interface, and pulls no image in the VPC: see the table in
 * docs/rules/ecr-vpc-endpoints.md.
 */
const WORKLOAD_INTERFACE_TYPES = new Set(['interface', 'branch', 'trunk', 'efa', 'efa-only']);
/** Requester-managed `interface` ENIs of managed services that run no containers in the VPC. */
const MANAGED_SERVICE_DESCRIPTION =
  /^(ELB |RDSNetworkInterface|EFS mount target|ElastiCache|Route 53 Resolver|DMSNetworkInterface|AWS created network interface for directory|Interface for NAT Gateway|VPC Endpoint Interface|AWS Lambda VPC ENI|Amazon EKS |ES |Network Interface for Transit Gateway Attachment)/;

/** Whether a network interface is a workload that pulls images in the VPC (see the table in docs/rules/ecr-vpc-endpoints.md). */
export function isWorkloadInterface(eni: Pick<NetworkInterface, 'InterfaceType' | 'RequesterManaged' | 'Description'>): boolean {
  const type = eni.InterfaceType ?? 'interface';
  if (!WORKLOAD_INTERFACE_TYPES.has(type)) return false;
  return !(type === 'interface' && eni.RequesterManaged && MANAGED_SERVICE_DESCRIPTION.test(eni.Description ?? ''));
}

/** The addresses a workload interface sends from, as CIDRs: private IPv4 addresses and prefixes, IPv6 addresses and prefixes. */
export function interfaceSources(eni: Pick<NetworkInterface, 'PrivateIpAddress' | 'PrivateIpAddresses' | 'Ipv4Prefixes' | 'Ipv6Addresses' | 'Ipv6Prefixes'>): string[] {
  const ipv4 = (eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress ?? '').filter(Boolean);
  if (ipv4.length === 0 && eni.PrivateIpAddress) ipv4.push(eni.PrivateIpAddress);
  return [
    ...ipv4.map((ip) => `${ip}/32`),
    ...(eni.Ipv4Prefixes ?? []).map((p) => p.Ipv4Prefix ?? '').filter(Boolean),
    ...(eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address ?? '').filter(Boolean).map((ip) => `${ip}/128`),
    ...(eni.Ipv6Prefixes ?? []).map((p) => p.Ipv6Prefix ?? '').filter(Boolean),
  ];
}

interface CompactVpc {
  vpcId: string;
  cidrBlocks: string[];
  tags: Record<string, string>;
  ownerId?: string;
  dhcpOptionsId?: string;
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
export class NetworkInventory {
  readonly vpcs: CompactVpc[] = [];
  readonly subnets: CompactSubnet[] = [];
  readonly endpoints = new Map<string, EndpointFacts[]>();
  readonly securityGroups = new Map<string, CompactSecurityGroup>();
  readonly routeTables: CompactRouteTable[] = [];
  /** vpcId -> subnetId|groups -> count and each interface's source addresses. */
  readonly workloads = new Map<string, Map<string, { count: number; interfaces: string[][] }>>();
  /** vpcId -> facts that could not be read (missing or unrecognised fields). */
  readonly unknown = new Map<string, string[]>();

  private noteUnknown(vpcId: string, what: string): void {
    const list = this.unknown.get(vpcId) ?? [];
    if (!list.includes(what)) list.push(what);
    this.unknown.set(vpcId, list);
  }
  readonly otherInterfaces = new Map<string, number>();

  addVpcs(vpcs: Vpc[]): void {
    for (const vpc of vpcs) {
      const associated = (vpc.CidrBlockAssociationSet ?? []).filter((a) => !a.CidrBlockState?.State || a.CidrBlockState.State === 'associated');
      const cidrBlocks = associated.length ? associated.map((a) => a.CidrBlock ?? '').filter(Boolean) : vpc.CidrBlock ? [vpc.CidrBlock] : [];
      this.vpcs.push({
        vpcId: vpc.VpcId ?? '',
        cidrBlocks,
        tags: Object.fromEntries((vpc.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        ...(vpc.OwnerId ? { ownerId: vpc.OwnerId } : {}),
        ...(vpc.DhcpOptionsId ? { dhcpOptionsId: vpc.DhcpOptionsId } : {}),
      });
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
        ...(e.IpAddressType ? { ipAddressType: e.IpAddressType } : {}),
        ...(e.DnsOptions?.DnsRecordIpType ? { dnsRecordIpType: e.DnsOptions.DnsRecordIpType } : {}),
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
      if (!eni.SubnetId) this.noteUnknown(vpcId, `network interface ${eni.NetworkInterfaceId ?? '(no id)'} names no subnet`);
      const key = `${eni.SubnetId ?? ''}|${(eni.Groups ?? []).map((g) => g.GroupId ?? '').sort().join(',')}`;
      const groups = this.workloads.get(vpcId) ?? new Map<string, { count: number; interfaces: string[][] }>();
      const entry = groups.get(key) ?? { count: 0, interfaces: [] };
      entry.count++;
      entry.interfaces.push(interfaceSources(eni));
      groups.set(key, entry);
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
      const workloadEntries = [...(this.workloads.get(vpc.vpcId) ?? new Map<string, { count: number; interfaces: string[][] }>()).entries()];
      const perSubnet = new Map<string, number>();
      const workloads = workloadEntries.map(([key, { count, interfaces }]) => {
        const [subnetId = '', groups = ''] = key.split('|');
        perSubnet.set(subnetId, (perSubnet.get(subnetId) ?? 0) + count);
        return { subnetId, groupIds: groups ? groups.split(',') : [], count, interfaces };
      });
      const unknown = [...(this.unknown.get(vpc.vpcId) ?? [])];
      const note = (what: string) => unknown.includes(what) || unknown.push(what);
      if (vpc.cidrBlocks.length === 0) note('the VPC\'s CIDR blocks');
      const listed = new Set((subnetsByVpc.get(vpc.vpcId) ?? []).map((s) => s.subnetId));
      for (const w of workloads) if (w.subnetId && !listed.has(w.subnetId)) note(`subnet ${w.subnetId} of workload interfaces is not listed`);
      const subnets: SubnetFacts[] = (subnetsByVpc.get(vpc.vpcId) ?? []).map((s) => {
        const table = tableOf.get(s.subnetId) ?? main;
        if (perSubnet.get(s.subnetId)) {
          if (!s.availabilityZone) note(`the Availability Zone of subnet ${s.subnetId}`);
          if (!table) note(`the route table of subnet ${s.subnetId}`);
        }
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
        ...(vpc.ownerId ? { ownerId: vpc.ownerId } : {}),
        ...(vpc.dhcpOptionsId ? { dhcpOptionsId: vpc.dhcpOptionsId } : {}),
        ...(unknown.length ? { unknown } : {}),
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
    result.cidrs.push(...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? '').filter(Boolean));
    result.groupIds.push(...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? '').filter(Boolean));
    result.prefixListIds.push(...(p.PrefixListIds ?? []).map((l) => l.PrefixListId ?? '').filter(Boolean));
  }
  return result;
}
