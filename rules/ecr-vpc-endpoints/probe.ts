/**
 * The collector's probe: pure questions the collector asks the evaluator's own logic about the
 * facts gathered so far, to fetch the per-VPC facts (DNS attributes, other accounts' hosted
 * zones) only for the VPCs whose verdict depends on them. This is the one place where data
 * flows back from evaluation to collection; it keeps a periodic run at its lower bound of
 * calls (docs/rules/ecr-vpc-endpoints.md). No I/O here.
 */
import { evaluateVpc, outOfScope, type VpcEndpointsFacts, type VpcEndpointsParams, type VpcFacts } from './evaluate.js';
import { endpointServes, requiredServices } from './services.js';

/**
 * True when the VPC's verdict can depend on its DNS attributes: it is in scope and has an
 * interface endpoint of a required service or an associated private hosted zone. The collector
 * calls DescribeVpcAttribute exactly for these VPCs.
 */
export function needsDnsAttributes(vpc: VpcFacts, facts: VpcEndpointsFacts, params: VpcEndpointsParams): boolean {
  if (outOfScope(vpc, params, facts.accountId) || vpc.unknown?.length) return false;
  const services = requiredServices(params.RequiredServices);
  const hasInterface = vpc.endpoints.some((e) => e.vpcEndpointType === 'Interface' && services.some((s) => endpointServes(e.serviceName, s, facts.region)));
  const hasZone = params.AcceptCentralizedEndpoints && facts.hostedZones.some((zone) => zone.vpcIds.includes(vpc.vpcId));
  return hasInterface || hasZone;
}

/**
 * True when the VPC is in scope and not compliant through its own endpoints and the zones
 * already known: the collector then asks Route 53 for zones associated with it (other
 * accounts' zones are only visible per VPC).
 */
export function needsZoneLookup(vpc: VpcFacts, facts: VpcEndpointsFacts, params: VpcEndpointsParams, assumeDnsOn = false): boolean {
  if (!params.AcceptCentralizedEndpoints || outOfScope(vpc, params, facts.accountId) || vpc.unknown?.length) return false;
  // With assumeDnsOn, VPCs whose DNS attributes are not known yet are judged as if both were on:
  // those still not compliant need the look-up whatever the attributes say.
  const judged = assumeDnsOn && !vpc.dns ? { ...vpc, dns: { enableDnsSupport: true, enableDnsHostnames: true } } : vpc;
  const evaluation = evaluateVpc(judged, facts, params);
  return evaluation?.complianceType !== 'COMPLIANT';
}
