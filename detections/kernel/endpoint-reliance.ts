/**
 * Whether a VPC relies on ECR or S3 endpoints, for the detections whose change matters only
 * then (DNS attributes off, DHCP options or Resolver rules changed). Classification stays pure;
 * after it, the detection Lambda looks the VPC's endpoints up in the member account
 * (`ec2:DescribeVpcEndpoints`, through the member detection role) and applies the answer here:
 *
 * - `private-dns`: VPC DNS support or hostnames off break the private hosted zone of an
 *   interface endpoint with private DNS, which needs both attributes on (CreateVpcEndpoint,
 *   `PrivateDnsEnabled`: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html),
 *   so the VPC relies on them when an ECR or S3 interface endpoint of its region has private
 *   DNS enabled.
 * - `any`: other resolvers (DHCP options, Resolver forwarding rules) can answer for the
 *   service names or the endpoint-specific names of any ECR or S3 endpoint of its region.
 *
 * An endpoint that is deleted, failed, rejected or expired does not count; an endpoint for
 * another region's service (cross-region PrivateLink) serves that region's names only.
 * When the VPC relies on none, the alert is dropped (logged); when the lookup fails or the
 * VPC is not named, the alert is kept and says that reliance could not be checked. Missing
 * input never drops an alert.
 */
import { serviceOfEndpoint } from '../../rules/ecr-vpc-endpoints/services.js';
import type { Alert } from './types.js';

/** The member-account action the lookup needs (derived into the member detection role). */
export const ENDPOINT_RELIANCE_ACTION = 'ec2:DescribeVpcEndpoints';

/** Which endpoints make the change matter (see the module comment). */
export type EndpointRelianceNeed = 'private-dns' | 'any';

/** What DescribeVpcEndpoints tells about one endpoint. */
export interface EndpointFact {
  id: string;
  serviceName: string;
  type: string;
  state: string;
  privateDnsEnabled: boolean;
}

/** Looks up the ECR and S3 endpoints of a VPC in a member account (the I/O, injected). */
export type EndpointLookup = (account: string, region: string, vpcId: string) => Promise<EndpointFact[]>;

export type Reliance = { relies: true; endpoints: string[] } | { relies: false } | { relies: 'unknown'; reason: string };

/** Endpoint states in which an endpoint serves nothing (DescribeVpcEndpoints `State`). */
const GONE = new Set(['deleting', 'deleted', 'failed', 'rejected', 'expired']);

/** The short service names whose endpoints are looked up (ECR api, registry, S3; FIPS variants too). */
export const RELIANCE_SERVICES = ['ecr.api', 'ecr-fips.api', 'ecr-fips', 'ecr.dkr', 'ecr-fips.dkr', 'ecr.dkr-fips', 'dkr.ecr-fips', 's3', 's3-fips'] as const;

/** The endpoint service names of those services in a region (both name forms; China regions use the `cn.` prefix for some). */
export function relianceServiceNames(region: string): string[] {
  return RELIANCE_SERVICES.flatMap((short) => [`com.amazonaws.${region}.${short}`, `cn.com.amazonaws.${region}.${short}`]);
}

/** Pure: whether the endpoints found make the VPC rely on them for this kind of change. */
export function relianceOf(endpoints: readonly EndpointFact[], need: EndpointRelianceNeed, region: string): Reliance {
  const serving = endpoints.filter((e) => !GONE.has(e.state.toLowerCase()) && serviceOfEndpoint(e.serviceName)?.region === region);
  const relevant = need === 'private-dns' ? serving.filter((e) => e.type.toLowerCase() === 'interface' && e.privateDnsEnabled) : serving;
  return relevant.length > 0 ? { relies: true, endpoints: relevant.map((e) => `${e.id} (${e.serviceName})`) } : { relies: false };
}

/** Pure: the alert as sent given the reliance (undefined: the VPC relies on no endpoint, nothing to send). */
export function withReliance(alert: Alert, reliance: Reliance): Alert | undefined {
  if (reliance.relies === false) return undefined;
  if (reliance.relies === true) return { ...alert, advice: `${alert.resourceId} relies on ${reliance.endpoints.join(', ')}. ${alert.advice}` };
  return { ...alert, advice: `Whether ${alert.resourceId} relies on ECR or S3 endpoints could not be checked (${reliance.reason}); treat it as relying on them. ${alert.advice}` };
}

const VPC_ID = /^vpc-[0-9a-f]+$/;

/** Looks up and judges the alert's VPC; a lookup that fails, or an alert that names no VPC, is "unknown" (the alert is kept). */
export async function checkReliance(alert: Alert, need: EndpointRelianceNeed, lookup: EndpointLookup): Promise<Reliance> {
  if (alert.resourceType !== 'AWS::EC2::VPC' || !VPC_ID.test(alert.resourceId)) return { relies: 'unknown', reason: `the event names no VPC id (${alert.resourceId})` };
  try {
    return relianceOf(await lookup(alert.account, alert.region, alert.resourceId), need, alert.region);
  } catch (error) {
    return { relies: 'unknown', reason: (error as Error).message };
  }
}
