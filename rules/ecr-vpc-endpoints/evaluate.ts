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
import { endpointFamilies, sourcesAdmitted } from './address-families.js';
import { coverageOf } from './cidr.js';
import { forwardingRuleFor, untrustedDhcpServers, type ResolverRuleFacts } from './dns-path.js';
import {
  candidateZoneNames,
  endpointServes,
  normaliseDnsName,
  otherRegionEndpoint,
  requiredServices,
  serviceDnsNames,
  type RequiredService,
} from './services.js';

export type { ResolverRuleFacts } from './dns-path.js';

export const RESOURCE_TYPE = 'AWS::EC2::VPC';

export interface VpcEndpointsParams {
  /** Services each VPC must reach privately: short (ecr.dkr) or full (com.amazonaws.REGION.ecr.dkr) names. */
  RequiredServices: string[];
  /** Every AZ holding a workload subnet must hold an endpoint subnet (resilience, not privacy). */
  RequireAllWorkloadAzs: boolean;
  /** A Route 53 private hosted zone associated with the VPC may serve a service instead of a local endpoint. */
  AcceptCentralizedEndpoints: boolean;
  /** A VPC without workload network interfaces is NOT_APPLICABLE. */
  IgnoreVpcsWithoutWorkloads: boolean;
  /** A VPC carrying this tag is NOT_APPLICABLE; the tag's value is the reason. */
  ExemptionTagKey: string;
  /** DNS servers (DHCP options, Resolver rule targets) known to forward the ECR and S3 names to the VPC resolver. */
  TrustedDnsServers: string[];
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
  /** IpAddressType (`ipv4` | `dualstack` | `ipv6`); absent in older snapshots. */
  ipAddressType?: string;
  /** DnsOptions.DnsRecordIpType (`ipv4` | `dualstack` | `ipv6` | `service-defined`); absent in older snapshots. */
  dnsRecordIpType?: string;
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
  /** Per interface, the addresses it sends from, as CIDRs (`10.0.1.10/32`, prefixes, IPv6). */
  interfaces: string[][];
}

export interface VpcFacts {
  vpcId: string;
  /** The owning account (DescribeVpcs OwnerId): another account's VPC is shared with this one (AWS RAM). */
  ownerId?: string;
  /** The VPC's DHCP option set (`default`: none). */
  dhcpOptionsId?: string;
  /** Facts that could not be read (missing or unrecognised fields): the VPC cannot be COMPLIANT. */
  unknown?: string[];
  /** Associated IPv4 CIDR blocks (they locate the VPC resolver for the DHCP check; whether an endpoint takes IPv6 is its own: address-families.ts). */
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
  /** Entries (CIDRs) of the prefix lists that endpoint security groups admit 443 from. */
  prefixLists: Record<string, string[]>;
  /** DHCP option sets of the region: id -> domain-name-servers. Undefined when not collected. */
  dhcpOptions?: Record<string, string[]>;
  /** Route 53 Resolver rules of the region associated with a VPC. Undefined when not collected. */
  resolverRules?: ResolverRuleFacts[];
}

/** How a service is served: grouped in the COMPLIANT annotation by kind and detail. */
interface Via {
  kind: 'interface endpoint' | 'gateway endpoint' | 'private hosted zone';
  ids: string[];
  detail: string;
}

type Priority = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
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
export function outOfScope(vpc: VpcFacts, params: VpcEndpointsParams, accountId: string): Evaluation | undefined {
  const exempt = exemptionAnnotation(vpc.tags, params.ExemptionTagKey);
  if (exempt) return result(vpc.vpcId, 'NOT_APPLICABLE', exempt);
  // A participant of a shared VPC (AWS RAM) sees only its own resources and cannot create
  // endpoints there; the owner's evaluation counts every workload, participants' included
  // (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html).
  if (vpc.ownerId && vpc.ownerId !== accountId) {
    return result(vpc.vpcId, 'NOT_APPLICABLE', `Shared VPC: evaluated in owner account ${vpc.ownerId}, which owns its endpoints, route tables and DNS settings.`);
  }
  if (vpc.subnets.length === 0) return result(vpc.vpcId, 'NOT_APPLICABLE', 'The VPC has no subnets: nothing can run in it.');
  if (params.IgnoreVpcsWithoutWorkloads && vpc.workloads.length === 0 && !vpc.unknown?.length) {
    const others = vpc.otherInterfaces ? ` (only ${vpc.otherInterfaces} interface(s) of endpoints, NAT gateways, load balancers, Lambda or managed services)` : '';
    return result(vpc.vpcId, 'NOT_APPLICABLE', `No workloads: nothing in the VPC pulls container images${others}.`);
  }
  return undefined;
}

/** Subnets that hold workloads; every subnet when there are none (IgnoreVpcsWithoutWorkloads=false). */
export function workloadSubnets(vpc: VpcFacts): SubnetFacts[] {
  const withWorkloads = vpc.subnets.filter((subnet) => subnet.workloadInterfaces > 0);
  return withWorkloads.length ? withWorkloads : vpc.subnets;
}

const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort();

/** Ranges (IPv4 and IPv6) admitted by a set of security groups, prefix lists expanded, and the groups they name. */
function admittedSources(groups: SecurityGroupFacts[], prefixLists: Record<string, string[]>) {
  const cidrs = groups.flatMap((g) => [...g.admits443.cidrs, ...g.admits443.prefixListIds.flatMap((id) => prefixLists[id] ?? [])]);
  const groupIds = new Set(groups.flatMap((g) => g.admits443.groupIds));
  return { cidrs, groupIds };
}

/**
 * Workload interfaces the endpoint's security groups do not admit on 443, as their addresses:
 * an interface is admitted when a rule names one of its security groups, or the admitted ranges
 * contain every address it sends to the endpoint from, i.e. its addresses of the families the
 * endpoint's DNS records have (address-families.ts: an IPv4-only endpoint needs only the IPv4
 * addresses of a dual-stack workload admitted). One without an address of those families
 * (unknown addresses, or an IPv6-only workload and an IPv4-only endpoint) is admitted only by a
 * group rule.
 */
export function unadmittedWorkloads(endpoint: EndpointFacts, vpc: VpcFacts, prefixLists: Record<string, string[]>): string[][] {
  const groups = endpoint.groupIds.map((id) => vpc.securityGroups.find((g) => g.groupId === id)).filter((g): g is SecurityGroupFacts => !!g);
  const { cidrs, groupIds } = admittedSources(groups, prefixLists);
  const covered = coverageOf(cidrs);
  const families = endpointFamilies(endpoint.ipAddressType, endpoint.dnsRecordIpType);
  return vpc.workloads.flatMap((w) =>
    w.groupIds.some((id) => groupIds.has(id)) ? [] : w.interfaces.filter((sources) => !sourcesAdmitted(sources, families, covered)),
  );
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

  // Private DNS answers with the endpoint's addresses in every subnet it has: a workload in
  // another AZ still connects privately, across AZs. An endpoint without any subnet serves nobody.
  const azOf = new Map(vpc.subnets.map((subnet) => [subnet.subnetId, subnet.availabilityZone]));
  const endpointAzs = new Set(endpoint.subnetIds.map((id) => azOf.get(id)).filter((az): az is string => az !== undefined));
  if (endpointAzs.size === 0) problems.push({ priority: 4, text: `${service.label} endpoint ${endpoint.vpcEndpointId} has no subnet in the VPC` });
  else if (params.RequireAllWorkloadAzs) {
    const missingAzs = sortedUnique(workloadSubnets(vpc).map((subnet) => subnet.availabilityZone)).filter((az) => !endpointAzs.has(az));
    if (missingAzs.length) {
      problems.push({
        priority: 8,
        text: `${service.label} endpoint ${endpoint.vpcEndpointId} has no subnet in ${list(missingAzs)} (resilience, not privacy: pulls there cross AZs, with cross-AZ data charges, and stop if the endpoint's AZs fail)`,
      });
    }
  }

  const unadmitted = unadmittedWorkloads(endpoint, vpc, facts.prefixLists);
  if (unadmitted.length) {
    const sgs = endpoint.groupIds.length ? endpoint.groupIds : ['(none)'];
    const count = unadmitted.length;
    const shown = unadmitted.flatMap((sources) => (sources.length ? sources.map((s) => s.replace(/\/(32|128)$/, '')) : ['(no address)']));
    const examples = shown.length > 3 ? `${list(shown.slice(0, 3))} and ${shown.length - 3} more address(es)` : list(shown);
    problems.push({
      priority: 5,
      text: `endpoint ${sgs.length > 1 ? 'security groups ' : ''}${list(sgs)} ${sgs.length > 1 ? 'do' : 'does'} not admit 443 from ${count} workload interface(s) (${examples})`,
    });
  }
  return problems;
}

/**
 * Problems of the S3 gateway endpoints of the VPC, taken together: AWS allows one S3 gateway
 * endpoint per route table and several per VPC, so each workload route table must carry an
 * available one, whichever it is
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
 */
function gatewayProblems(gateways: EndpointFacts[], service: RequiredService, vpc: VpcFacts): { problems: Problem[]; used: string[] } {
  const problems: Problem[] = [];
  const used = new Set<string>();
  const tables = sortedUnique(workloadSubnets(vpc).flatMap((subnet) => (subnet.routeTableId ? [subnet.routeTableId] : [])));
  const missing: string[] = [];
  for (const table of tables) {
    const on = gateways.filter((g) => g.routeTableIds.includes(table));
    const available = on.find(isAvailable);
    if (available) used.add(available.vpcEndpointId);
    else if (on.length) for (const g of on) problems.push({ priority: 2, text: `${service.label} gateway endpoint ${g.vpcEndpointId} is ${g.state}, not available` });
    else missing.push(table);
  }
  if (missing.length) {
    const ids = list(gateways.map((g) => g.vpcEndpointId));
    problems.push({ priority: 6, text: `${service.label} gateway endpoint${gateways.length > 1 ? 's' : ''} ${ids} ${gateways.length > 1 ? 'are' : 'is'} not on route table ${list(missing)}` });
  }
  return { problems, used: [...used].sort() };
}

const endpointAzsOf = (endpoint: EndpointFacts, vpc: VpcFacts) =>
  sortedUnique(endpoint.subnetIds.flatMap((id) => vpc.subnets.filter((s) => s.subnetId === id).map((s) => s.availabilityZone)));

const weight = (problems: Problem[]) => problems.reduce((sum, p) => sum + 10 ** (8 - p.priority), 0);

/** The best local endpoint for a service and what is wrong with it. Only endpoints for the VPC's own region count. */
function localResult(service: RequiredService, vpc: VpcFacts, facts: VpcEndpointsFacts, params: VpcEndpointsParams): ServiceResult {
  const ours = vpc.endpoints.filter((e) => endpointServes(e.serviceName, service, facts.region));
  const interfaces = ours.filter((e) => e.vpcEndpointType === 'Interface');
  const gateways = service.key === 's3' ? ours.filter((e) => e.vpcEndpointType === 'Gateway') : [];
  if (interfaces.length === 0 && gateways.length === 0) {
    const kind = service.key === 's3' ? 'gateway (or interface)' : 'interface';
    const elsewhere = vpc.endpoints.flatMap((e) => {
      const region = otherRegionEndpoint(e.serviceName, service, facts.region);
      return region ? [`${e.vpcEndpointId} is for ${region}`] : [];
    });
    const why = elsewhere.length ? ` for ${facts.region} (${list(elsewhere)}: a cross-region endpoint serves only that region's names)` : '';
    return { service, ok: false, problems: [{ priority: 1, text: `missing ${service.label} ${kind} endpoint${why}` }], needsDns: false };
  }
  const scored: Array<{ problems: Problem[]; via: Via; needsDns: boolean }> = interfaces.map((endpoint) => ({
    problems: interfaceProblems(endpoint, service, vpc, facts, params),
    via: { kind: 'interface endpoint', ids: [endpoint.vpcEndpointId], detail: ` with private DNS in ${list(endpointAzsOf(endpoint, vpc))}` },
    needsDns: true,
  }));
  if (gateways.length) {
    const { problems, used } = gatewayProblems(gateways, service, vpc);
    scored.push({ problems, via: { kind: 'gateway endpoint', ids: used.length ? used : gateways.map((g) => g.vpcEndpointId), detail: ' on every workload route table' }, needsDns: false });
  }
  scored.sort((a, b) => weight(a.problems) - weight(b.problems));
  const best = scored[0]!;
  return { service, ok: best.problems.length === 0, via: best.via, problems: best.problems, needsDns: best.needsDns };
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

/**
 * Where workloads' queries for the services' names do not reach the VPC resolver: custom DHCP
 * servers, or Route 53 Resolver rules forwarding the names (dns-path.ts). Undefined when the
 * facts needed were not collected.
 */
function dnsPathProblems(vpc: VpcFacts, results: ServiceResult[], facts: VpcEndpointsFacts, params: VpcEndpointsParams): Problem[] | undefined {
  const dnsServices = results.filter((r) => r.needsDns).map((r) => r.service);
  if (dnsServices.length === 0) return [];
  if (!facts.dhcpOptions || !facts.resolverRules || !vpc.dhcpOptionsId) return undefined;
  const problems: Problem[] = [];
  const servers = vpc.dhcpOptionsId === 'default' ? undefined : facts.dhcpOptions[vpc.dhcpOptionsId];
  if (vpc.dhcpOptionsId !== 'default' && servers === undefined) return undefined;
  const untrusted = untrustedDhcpServers(servers, vpc.cidrBlocks, params.TrustedDnsServers);
  if (untrusted.length) {
    problems.push({
      priority: 2,
      text: `DHCP options ${vpc.dhcpOptionsId} send DNS to ${list(untrusted)}, not AmazonProvidedDNS: endpoint private DNS is bypassed (fix the DHCP options, or list servers that forward to the VPC resolver in TrustedDnsServers)`,
    });
  }
  const seen = new Set<string>();
  for (const service of dnsServices) {
    for (const name of serviceDnsNames(service, facts.region, facts.dnsSuffix, facts.accountId)) {
      const rule = forwardingRuleFor(name, vpc.vpcId, facts.resolverRules, params.TrustedDnsServers);
      if (!rule || seen.has(`${rule.id}|${service.label}`)) continue;
      seen.add(`${rule.id}|${service.label}`);
      const targets = rule.targetIps.length ? ` to ${list(rule.targetIps)}` : '';
      problems.push({
        priority: 2,
        text: `Route 53 Resolver rule ${rule.id} (${rule.ruleType} ${normaliseDnsName(rule.domainName) || '.'}${targets}) takes ${service.label} names away from the VPC resolver`,
      });
    }
  }
  return problems;
}

/** The evaluation of one VPC; undefined when facts it needs were not collected (time budget). */
export function evaluateVpc(vpc: VpcFacts, facts: VpcEndpointsFacts, params: VpcEndpointsParams): Evaluation | undefined {
  const skipped = outOfScope(vpc, params, facts.accountId);
  if (skipped) return skipped;
  if (vpc.unknown?.length) {
    // Missing or unrecognised input never passes: no verdict on endpoints, and no runbook.
    return { ...result(vpc.vpcId, 'NON_COMPLIANT', `Not evaluable: could not read ${list(vpc.unknown)}.`), runbook: null };
  }
  const services = requiredServices(params.RequiredServices);
  const results = services.map((service) => serviceResult(service, vpc, facts, params));
  const problems = results.flatMap((r) => r.problems);
  if (results.some((r) => r.needsDns)) {
    if (!vpc.dns) return undefined;
    const off = [!vpc.dns.enableDnsSupport && 'enableDnsSupport', !vpc.dns.enableDnsHostnames && 'enableDnsHostnames'].filter((x): x is string => !!x);
    if (off.length) problems.push({ priority: 3, text: `VPC ${off.join(' and ')} ${off.length > 1 ? 'are' : 'is'} off` });
  }
  const dnsPath = dnsPathProblems(vpc, results, facts, params);
  if (!dnsPath) return { ...result(vpc.vpcId, 'NON_COMPLIANT', 'Not evaluable: the VPC\'s DHCP options or Route 53 Resolver rules could not be read.'), runbook: null };
  problems.push(...dnsPath);
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
  const annotation = `${texts.join('; ')}.`;
  // DNS settings are not the runbook's to change: findings that need them fixed offer no runbook.
  return dnsPath.length ? { ...result(vpc.vpcId, 'NON_COMPLIANT', annotation), runbook: null } : result(vpc.vpcId, 'NON_COMPLIANT', annotation);
}

/** Pure: evaluates every VPC of the facts; VPCs whose facts were not all collected (time budget) get no evaluation this run. */
export function evaluate(facts: VpcEndpointsFacts, params: VpcEndpointsParams): Evaluation[] {
  return facts.vpcs.flatMap((vpc) => evaluateVpc(vpc, facts, params) ?? []);
}

/** Every VPC the facts show, evaluated or not (so a run cut short does not mark the rest deleted). */
export function inventory(facts: VpcEndpointsFacts): string[] {
  return facts.vpcs.map((vpc) => vpc.vpcId);
}
