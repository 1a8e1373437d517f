/**
 * Pure evaluator for ecr-vpc-endpoints: (facts, params) -> evaluations. No SDK, no clock.
 *
 * The question: can the workloads in this VPC pull images from ECR without leaving the AWS
 * network? Security Hub EC2.55/EC2.56 only ask whether an endpoint exists; an endpoint in the
 * wrong AZs, without private DNS, behind a security group that drops 443, or an S3 gateway
 * endpoint missing from the workloads' route tables still sends pulls (or layers) out through
 * a NAT gateway. A spoke VPC served by centralised endpoints through a Route 53 private hosted
 * zone is fine, and a VPC with nothing running in it is not a finding.
 */
import { exemptionAnnotation } from '../common/exemption.js';
import type { Evaluation } from '../kernel/types.js';
import { cidrCovered } from './cidr.js';
import {
  candidateZoneNames,
  endpointServes,
  normaliseDnsName,
  requiredServices,
  serviceDnsNames,
  type RequiredService,
} from './services.js';

export const RESOURCE_TYPE = 'AWS::EC2::VPC';

export interface VpcEndpointsParams {
  /** Services each VPC must reach privately: short (ecr.dkr) or full (com.amazonaws.REGION.ecr.dkr) names. */
  RequiredServices: string[];
  /** Every AZ holding a workload subnet must hold an endpoint subnet. */
  RequireAllWorkloadAzs: boolean;
  /** A Route 53 private hosted zone associated with the VPC may serve a service instead of a local endpoint. */
  AcceptCentralizedEndpoints: boolean;
  /** A VPC without workload network interfaces is NOT_APPLICABLE. */
  IgnoreVpcsWithoutWorkloads: boolean;
  /** A VPC carrying this tag is NOT_APPLICABLE; the tag's value is the reason. */
  ExemptionTagKey: string;
}

export interface SubnetFacts {
  subnetId: string;
  availabilityZone: string;
  cidrBlock: string;
  /** The explicitly associated route table, else the VPC's main route table. */
  routeTableId?: string;
  /** No default route to an internet gateway. */
  isPrivate: boolean;
  /** Workload network interfaces in the subnet (see collect.ts for what counts). */
  workloadInterfaces: number;
}

export interface EndpointFacts {
  vpcEndpointId: string;
  serviceName: string;
  /** Interface | Gateway | GatewayLoadBalancer | Resource | ServiceNetwork */
  vpcEndpointType: string;
  /** As DescribeVpcEndpoints returns it (`available`, `pending`, ...); compared case-insensitively. */
  state: string;
  privateDnsEnabled: boolean;
  /**
   * DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint (S3 interface endpoints beside a gateway
   * endpoint): the private DNS answers only queries through inbound Resolver endpoints; traffic
   * from the VPC itself resolves to the public S3 names and so takes the gateway endpoint (or
   * the NAT gateway where the gateway endpoint is not on the route table).
   */
  privateDnsOnlyForInboundResolver?: boolean;
  subnetIds: string[];
  groupIds: string[];
  routeTableIds: string[];
}

/** A security group attached to an endpoint, reduced to what admits TCP 443. */
export interface SecurityGroupFacts {
  groupId: string;
  admits443: { cidrs: string[]; groupIds: string[]; prefixListIds: string[] };
}

/** Workload interfaces grouped by subnet and security groups. */
export interface WorkloadGroup {
  subnetId: string;
  groupIds: string[];
  count: number;
}

export interface VpcFacts {
  vpcId: string;
  /** Associated IPv4 CIDR blocks (ECR's PrivateLink endpoints are IPv4 only). */
  cidrBlocks: string[];
  tags: Record<string, string>;
  /** DescribeVpcAttribute results; only collected for VPCs whose verdict depends on them. */
  dns?: { enableDnsSupport: boolean; enableDnsHostnames: boolean };
  subnets: SubnetFacts[];
  /** Endpoints of the required services (other endpoints are not kept). */
  endpoints: EndpointFacts[];
  securityGroups: SecurityGroupFacts[];
  workloads: WorkloadGroup[];
  /** Interfaces that are not workloads (endpoints, NAT gateways, load balancers, ...). */
  otherInterfaces: number;
}

/** A private hosted zone that can answer for one of the service names. */
export interface HostedZoneFacts {
  hostedZoneId: string;
  name: string;
  /** The owning account; another account's zone is visible only through ListHostedZonesByVPC. */
  ownerAccountId: string;
  /** VPCs of this region associated with the zone. */
  vpcIds: string[];
  /** Records at the service names (A/AAAA/CNAME, aliases included); null when not visible (another account's zone). */
  records: Array<{ name: string; type: string }> | null;
}

export interface VpcEndpointsFacts {
  accountId: string;
  region: string;
  /** `amazonaws.com`, or `amazonaws.com.cn` in China. */
  dnsSuffix: string;
  vpcs: VpcFacts[];
  hostedZones: HostedZoneFacts[];
  /** Entries (IPv4 CIDRs) of the prefix lists that endpoint security groups admit 443 from. */
  prefixLists: Record<string, string[]>;
}

/** How a service is served: grouped in the COMPLIANT annotation by kind and detail. */
interface Via {
  kind: 'interface endpoint' | 'gateway endpoint' | 'private hosted zone';
  ids: string[];
  detail: string;
}

type Priority = 1 | 2 | 3 | 4 | 5 | 6 | 7;
interface Problem {
  priority: Priority;
  text: string;
}

interface ServiceResult {
  service: RequiredService;
  ok: boolean;
  /** What satisfies it, for the COMPLIANT annotation. */
  via?: Via;
  problems: Problem[];
  /** True when the verdict relies on VPC DNS (interface endpoint with private DNS, or a hosted zone). */
  needsDns: boolean;
}

const RESOLVING_TYPES = new Set(['A', 'AAAA', 'CNAME']);

function result(vpcId: string, complianceType: Evaluation['complianceType'], annotation: string): Evaluation {
  return { resourceType: RESOURCE_TYPE, resourceId: vpcId, complianceType, annotation };
}

const isAvailable = (endpoint: EndpointFacts) => endpoint.state.toLowerCase() === 'available';
const list = (items: readonly string[]) => items.join(', ');

/** NOT_APPLICABLE reasons decided before looking at endpoints; undefined when the VPC is in scope. */
export function outOfScope(vpc: VpcFacts, params: VpcEndpointsParams): Evaluation | undefined {
  const exempt = exemptionAnnotation(vpc.tags, params.ExemptionTagKey);
  if (exempt) return result(vpc.vpcId, 'NOT_APPLICABLE', exempt);
  if (vpc.subnets.length === 0) return result(vpc.vpcId, 'NOT_APPLICABLE', 'The VPC has no subnets: nothing can run in it.');
  if (params.IgnoreVpcsWithoutWorkloads && vpc.workloads.length === 0) {
    const others = vpc.otherInterfaces ? ` (only ${vpc.otherInterfaces} endpoint, NAT or load balancer interface(s))` : '';
    return result(vpc.vpcId, 'NOT_APPLICABLE', `No workloads: the VPC has no network interfaces other than its own endpoints' and network appliances'${others}.`);
  }
  return undefined;
}

/** Subnets that hold workloads; every subnet when there are none (IgnoreVpcsWithoutWorkloads=false). */
export function workloadSubnets(vpc: VpcFacts): SubnetFacts[] {
  const withWorkloads = vpc.subnets.filter((subnet) => subnet.workloadInterfaces > 0);
  return withWorkloads.length ? withWorkloads : vpc.subnets;
}

const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort();

/** IPv4 ranges admitted by a set of security groups, prefix lists expanded. */
function admittedSources(groups: SecurityGroupFacts[], prefixLists: Record<string, string[]>) {
  const cidrs = groups.flatMap((g) => [...g.admits443.cidrs, ...g.admits443.prefixListIds.flatMap((id) => prefixLists[id] ?? [])]);
  const groupIds = new Set(groups.flatMap((g) => g.admits443.groupIds));
  return { cidrs, groupIds };
}

/** Problems of one interface endpoint: state, private DNS, AZ coverage, security groups. */
function interfaceProblems(
  endpoint: EndpointFacts,
  service: RequiredService,
  vpc: VpcFacts,
  facts: VpcEndpointsFacts,
  params: VpcEndpointsParams,
): Problem[] {
  const problems: Problem[] = [];
  if (!isAvailable(endpoint)) problems.push({ priority: 2, text: `${service.label} endpoint ${endpoint.vpcEndpointId} is ${endpoint.state}, not available` });
  if (!endpoint.privateDnsEnabled) problems.push({ priority: 3, text: `private DNS is off on ${service.label} endpoint ${endpoint.vpcEndpointId}` });
  else if (endpoint.privateDnsOnlyForInboundResolver) {
    problems.push({ priority: 3, text: `private DNS of ${service.label} endpoint ${endpoint.vpcEndpointId} is for inbound Resolver endpoints only` });
  }

  const azOf = new Map(vpc.subnets.map((subnet) => [subnet.subnetId, subnet.availabilityZone]));
  const endpointAzs = new Set(endpoint.subnetIds.map((id) => azOf.get(id)).filter((az): az is string => az !== undefined));
  const workloadAzs = sortedUnique(workloadSubnets(vpc).map((subnet) => subnet.availabilityZone));
  const missingAzs = params.RequireAllWorkloadAzs ? workloadAzs.filter((az) => !endpointAzs.has(az)) : endpointAzs.size ? [] : workloadAzs;
  if (missingAzs.length) problems.push({ priority: 4, text: `${service.label} does not cover ${list(missingAzs)}` });

  const groups = endpoint.groupIds.map((id) => vpc.securityGroups.find((g) => g.groupId === id)).filter((g): g is SecurityGroupFacts => !!g);
  const { cidrs, groupIds } = admittedSources(groups, facts.prefixLists);
  const uncoveredBlocks = vpc.cidrBlocks.filter((block) => !cidrCovered(block, cidrs));
  // CIDR rules must admit the whole VPC; rules naming security groups admit their members, so
  // with such rules it is enough that every workload is a member or sits in an admitted range.
  const subnetCidr = new Map(vpc.subnets.map((subnet) => [subnet.subnetId, subnet.cidrBlock]));
  const workloadsAdmitted =
    groupIds.size > 0 &&
    vpc.workloads.length > 0 &&
    vpc.workloads.every((w) => w.groupIds.some((id) => groupIds.has(id)) || cidrCovered(subnetCidr.get(w.subnetId) ?? '', cidrs));
  if (uncoveredBlocks.length && !workloadsAdmitted) {
    const sgs = endpoint.groupIds.length ? endpoint.groupIds : ['(none)'];
    problems.push({
      priority: 5,
      text: `endpoint ${sgs.length > 1 ? 'security groups ' : ''}${list(sgs)} ${sgs.length > 1 ? 'do' : 'does'} not admit 443 from ${list(uncoveredBlocks)}`,
    });
  }
  return problems;
}

/** Problems of an S3 gateway endpoint: state and the workload subnets' route tables. */
function gatewayProblems(endpoint: EndpointFacts, service: RequiredService, vpc: VpcFacts): Problem[] {
  const problems: Problem[] = [];
  if (!isAvailable(endpoint)) problems.push({ priority: 2, text: `${service.label} gateway endpoint ${endpoint.vpcEndpointId} is ${endpoint.state}, not available` });
  const onTables = new Set(endpoint.routeTableIds);
  const missing = sortedUnique(workloadSubnets(vpc).flatMap((subnet) => (subnet.routeTableId && !onTables.has(subnet.routeTableId) ? [subnet.routeTableId] : [])));
  if (missing.length) problems.push({ priority: 6, text: `${service.label} gateway endpoint ${endpoint.vpcEndpointId} is not on route table ${list(missing)}` });
  return problems;
}

const weight = (problems: Problem[]) => problems.reduce((sum, p) => sum + 10 ** (7 - p.priority), 0);

/** The best local endpoint for a service and what is wrong with it. */
function localResult(service: RequiredService, vpc: VpcFacts, facts: VpcEndpointsFacts, params: VpcEndpointsParams): ServiceResult {
  const candidates = vpc.endpoints.filter((e) => endpointServes(e.serviceName, service) && (e.vpcEndpointType === 'Interface' || (service.key === 's3' && e.vpcEndpointType === 'Gateway')));
  if (candidates.length === 0) {
    const kind = service.key === 's3' ? 'gateway (or interface)' : 'interface';
    return { service, ok: false, problems: [{ priority: 1, text: `missing ${service.label} ${kind} endpoint` }], needsDns: false };
  }
  const scored = candidates.map((endpoint) => ({
    endpoint,
    problems: endpoint.vpcEndpointType === 'Gateway' ? gatewayProblems(endpoint, service, vpc) : interfaceProblems(endpoint, service, vpc, facts, params),
  }));
  scored.sort((a, b) => weight(a.problems) - weight(b.problems));
  const best = scored[0]!;
  const isInterface = best.endpoint.vpcEndpointType === 'Interface';
  const azs = sortedUnique(workloadSubnets(vpc).map((s) => s.availabilityZone));
  const via: Via = isInterface
    ? { kind: 'interface endpoint', ids: [best.endpoint.vpcEndpointId], detail: ` with private DNS in ${list(azs)}` }
    : { kind: 'gateway endpoint', ids: [best.endpoint.vpcEndpointId], detail: ' on every workload route table' };
  return { service, ok: best.problems.length === 0, via, problems: best.problems, needsDns: isInterface };
}

/** The most specific zone associated with the VPC whose name is `name` or a parent of it. */
function zoneFor(name: string, zones: HostedZoneFacts[]): HostedZoneFacts | undefined {
  const candidates = candidateZoneNames(name);
  for (const zoneName of candidates) {
    const zone = zones.find((z) => normaliseDnsName(z.name) === zoneName);
    if (zone) return zone;
  }
  return undefined;
}

/**
 * True when `name` resolves in `zone` as DNS does (RFC 4592): a name that exists answers with its
 * own A/AAAA/CNAME records or not at all; otherwise only the wildcard at the closest existing
 * ancestor (the closest encloser) applies: `*.ecr.R...` does not answer for `ACCOUNT.dkr.ecr.R...`
 * when `dkr.ecr.R...` exists. Names are known from the records kept (any type).
 */
function resolvesIn(name: string, zone: HostedZoneFacts): boolean | 'not visible' {
  if (zone.records === null) return 'not visible';
  const records = zone.records.map((r) => ({ name: normaliseDnsName(r.name), resolving: RESOLVING_TYPES.has(r.type.toUpperCase()) }));
  // A name exists when it has records or names below it (an empty non-terminal).
  const exists = (n: string) => records.some((r) => r.name === n || r.name.endsWith(`.${n}`));
  const resolvingAt = (n: string) => records.some((r) => r.name === n && r.resolving);
  const target = normaliseDnsName(name);
  if (exists(target)) return resolvingAt(target);
  const zoneName = normaliseDnsName(zone.name);
  const labels = target.split('.');
  for (let i = 1; i < labels.length; i++) {
    const parent = labels.slice(i).join('.');
    if (parent.length < zoneName.length) break;
    if (exists(parent) || parent === zoneName) return resolvingAt(`*.${parent}`);
  }
  return false;
}

/** A private hosted zone (AWS's centralized-endpoint design) serving the service's names, if any. */
function centralResult(service: RequiredService, vpc: VpcFacts, facts: VpcEndpointsFacts): ServiceResult | undefined {
  const zones = facts.hostedZones.filter((zone) => zone.vpcIds.includes(vpc.vpcId));
  if (zones.length === 0) return undefined;
  const names = serviceDnsNames(service, facts.region, facts.dnsSuffix, facts.accountId);
  const used: HostedZoneFacts[] = [];
  for (const name of names) {
    const zone = zoneFor(name, zones);
    if (!zone) return undefined;
    const resolves = resolvesIn(name, zone);
    // Another account's zone: its records are not visible; a zone named exactly for the service is AWS's design.
    const trusted = resolves === 'not visible' && normaliseDnsName(zone.name) === names[0];
    if (resolves === false || (resolves === 'not visible' && !trusted)) {
      const why = resolves === false ? `has no record for ${name.replace(/^\d{12}\.|^prod-[a-z0-9-]+-starport-layer-bucket\./, '*.')}` : 'is another account\'s zone not named for the service';
      return { service, ok: false, problems: [{ priority: 7, text: `private hosted zone ${zone.hostedZoneId} (${normaliseDnsName(zone.name)}) ${why}` }], needsDns: true };
    }
    if (!used.includes(zone)) used.push(zone);
  }
  const described = used.map((zone) => {
    const owner = zone.ownerAccountId && zone.ownerAccountId !== facts.accountId ? `, account ${zone.ownerAccountId}` : '';
    return `${zone.hostedZoneId} (${normaliseDnsName(zone.name)}${owner})`;
  });
  return { service, ok: true, via: { kind: 'private hosted zone', ids: described, detail: '' }, problems: [], needsDns: true };
}

function serviceResult(service: RequiredService, vpc: VpcFacts, facts: VpcEndpointsFacts, params: VpcEndpointsParams): ServiceResult {
  const local = localResult(service, vpc, facts, params);
  if (local.ok || !params.AcceptCentralizedEndpoints) return local;
  const central = centralResult(service, vpc, facts);
  if (!central) return local;
  if (central.ok) return central;
  return { ...local, problems: [...local.problems, ...central.problems], needsDns: local.needsDns || central.needsDns };
}

const byPriority = (a: Problem, b: Problem) => a.priority - b.priority;

/** The evaluation of one VPC; undefined when facts it needs were not collected (time budget). */
export function evaluateVpc(vpc: VpcFacts, facts: VpcEndpointsFacts, params: VpcEndpointsParams): Evaluation | undefined {
  const skipped = outOfScope(vpc, params);
  if (skipped) return skipped;
  const services = requiredServices(params.RequiredServices);
  const results = services.map((service) => serviceResult(service, vpc, facts, params));
  const problems = results.flatMap((r) => r.problems);
  if (results.some((r) => r.needsDns)) {
    if (!vpc.dns) return undefined;
    const off = [!vpc.dns.enableDnsSupport && 'enableDnsSupport', !vpc.dns.enableDnsHostnames && 'enableDnsHostnames'].filter((x): x is string => !!x);
    if (off.length) problems.push({ priority: 3, text: `VPC ${off.join(' and ')} ${off.length > 1 ? 'are' : 'is'} off` });
  }
  if (problems.length === 0) {
    // Services served the same way share a clause: "ecr.api, ecr.dkr via interface endpoints ...".
    const groups = new Map<string, { labels: string[]; ids: string[]; via: Via }>();
    for (const r of results) {
      const via = r.via!;
      const key = `${via.kind}|${via.detail}`;
      const group = groups.get(key) ?? { labels: [], ids: [], via };
      group.labels.push(r.service.label);
      for (const id of via.ids) if (!group.ids.includes(id)) group.ids.push(id);
      groups.set(key, group);
    }
    const clauses = [...groups.values()].map(
      (g) => `${list(g.labels)} via ${g.via.kind}${g.ids.length > 1 ? 's' : ''} ${list(g.ids)}${g.via.detail}`,
    );
    return result(vpc.vpcId, 'COMPLIANT', `Workloads reach ECR privately: ${clauses.join('; ')}.`);
  }
  const texts = [...new Set(problems.sort(byPriority).map((p) => p.text))];
  return result(vpc.vpcId, 'NON_COMPLIANT', `${texts.join('; ')}.`);
}

/** Pure: evaluates every VPC of the facts; VPCs whose facts were not all collected (time budget) get no evaluation this run. */
export function evaluate(facts: VpcEndpointsFacts, params: VpcEndpointsParams): Evaluation[] {
  return facts.vpcs.flatMap((vpc) => evaluateVpc(vpc, facts, params) ?? []);
}

/** Every VPC the facts show, evaluated or not (so a run cut short does not mark the rest deleted). */
export function inventory(facts: VpcEndpointsFacts): string[] {
  return facts.vpcs.map((vpc) => vpc.vpcId);
}
