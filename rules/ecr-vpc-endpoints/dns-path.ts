/**
 * Does a workload's DNS query for an ECR or S3 name reach the VPC resolver (AmazonProvidedDNS)?
 * Endpoint private DNS and private hosted zones are answered only by it. Pure.
 *
 * - DHCP options: workloads use the `domain-name-servers` of the VPC's DHCP option set. Custom
 *   servers must forward to the VPC resolver for private DNS to work
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSet.html,
 *   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html
 *   "Custom DNS servers").
 * - Route 53 Resolver rules associated with the VPC: a query matches a rule whose domain is the
 *   name or a parent; the most specific matching rule decides
 *   (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-domain-name-matches.html).
 *   Resolver rules are evaluated before the rules for private hosted zones (an endpoint's
 *   private DNS is such a zone) (https://repost.aws/knowledge-center/route-53-override-reverse-dns-rules),
 *   so a FORWARD rule for `amazonaws.com` sends the ECR names away unless a more specific SYSTEM
 *   rule takes them back (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-outbound-queries-rule-values.html).
 */
import { resolverAddress } from './cidr.js';
import { normaliseDnsName } from './services.js';

/** One Resolver rule (ListResolverRules) with the VPCs of this region it is associated with (ListResolverRuleAssociations). */
export interface ResolverRuleFacts {
  id: string;
  name?: string;
  /** As Resolver lists it; `.` for the catch-all rules. */
  domainName: string;
  /** FORWARD | SYSTEM | RECURSIVE | DELEGATE (anything else is treated like FORWARD). */
  ruleType: string;
  targetIps: string[];
  vpcIds: string[];
}

/** The Amazon-provided resolver as DHCP options and clients may name it. */
const AMAZON_DNS_NAMES = new Set(['amazonprovideddns', '169.254.169.253', 'fd00:ec2::253']);

/** Rule types under which Resolver answers the query itself (private hosted zones and endpoint DNS apply). */
const RESOLVER_ANSWERS = new Set(['SYSTEM', 'RECURSIVE']);

/**
 * The DHCP servers that take workloads' queries away from the VPC resolver: none when the set
 * names AmazonProvidedDNS (or its addresses), or every server is trusted to forward to it.
 * `servers` undefined: no DHCP option set (`default`), nothing is sent elsewhere.
 */
export function untrustedDhcpServers(servers: string[] | undefined, cidrBlocks: string[], trusted: readonly string[]): string[] {
  if (servers === undefined) return [];
  const amazon = new Set([...AMAZON_DNS_NAMES, ...cidrBlocks.map(resolverAddress).filter((a): a is string => !!a)]);
  if (servers.some((s) => amazon.has(s.trim().toLowerCase()))) return [];
  const trustedSet = new Set(trusted.map((t) => t.trim().toLowerCase()));
  const untrusted = servers.filter((s) => !trustedSet.has(s.trim().toLowerCase()));
  // A set that names no server at all hands out none: workloads resolve with whatever they are configured with.
  return servers.length === 0 ? ['(no server: domain-name-servers is empty)'] : untrusted;
}

const matches = (name: string, domain: string) => domain === '' || name === domain || name.endsWith(`.${domain}`);

/** The most specific rule associated with the VPC that matches the name. */
export function ruleFor(name: string, vpcId: string, rules: readonly ResolverRuleFacts[]): ResolverRuleFacts | undefined {
  const target = normaliseDnsName(name);
  let best: { rule: ResolverRuleFacts; length: number } | undefined;
  for (const rule of rules) {
    if (!rule.vpcIds.includes(vpcId)) continue;
    const domain = normaliseDnsName(rule.domainName).replace(/^\.$/, '');
    if (!matches(target, domain)) continue;
    const length = domain ? domain.split('.').length : 0;
    // On equal domains a FORWARD rule is kept over a SYSTEM one: only a more specific SYSTEM rule overrides.
    if (!best || length > best.length || (length === best.length && !RESOLVER_ANSWERS.has(rule.ruleType.toUpperCase()))) best = { rule, length };
  }
  return best?.rule;
}

/** The rule that takes the name away from the VPC resolver (not all targets trusted), if any. */
export function forwardingRuleFor(name: string, vpcId: string, rules: readonly ResolverRuleFacts[], trusted: readonly string[]): ResolverRuleFacts | undefined {
  const rule = ruleFor(name, vpcId, rules);
  if (!rule || RESOLVER_ANSWERS.has(rule.ruleType.toUpperCase())) return undefined;
  const trustedSet = new Set(trusted.map((t) => t.trim().toLowerCase()));
  const allTrusted = rule.targetIps.length > 0 && rule.targetIps.every((ip) => trustedSet.has(ip.toLowerCase()));
  return allTrusted ? undefined : rule;
}
