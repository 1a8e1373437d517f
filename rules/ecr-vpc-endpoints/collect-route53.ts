/**
 * Route 53 reads of ecr-vpc-endpoints: private hosted zones that answer for the ECR and S3
 * names (hub-and-spoke networks), with the records that can affect those names. Route 53
 * allows 5 requests per second per account: every call goes through a rate limiter.
 */
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
import { awsCall } from '../kernel/errors.js';
import type { CollectContext } from '../kernel/types.js';
import type { HostedZoneFacts, VpcEndpointsFacts, VpcEndpointsParams } from './evaluate.js';
import { PAGE_SIZE } from './page-size.js';
import type { RateLimiter } from './rate-limit.js';
import { candidateZoneNames, normaliseDnsName, requiredServices, serviceDnsNames } from './services.js';

/** Route 53's API limit: 5 requests per second per account. */
export const ROUTE53_REQUESTS_PER_SECOND = 5;

type Ctx = CollectContext<VpcEndpointsParams>;

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
export async function ownCandidateZones(route53: Route53Client, limit: RateLimiter, facts: Pick<VpcEndpointsFacts, 'region' | 'dnsSuffix' | 'accountId'>, ctx: Ctx) {
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
export async function ownHostedZones(route53: Route53Client, limit: RateLimiter, candidates: Awaited<ReturnType<typeof ownCandidateZones>>, facts: VpcEndpointsFacts, ctx: Ctx): Promise<HostedZoneFacts[]> {
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
export async function zonesForVpc(route53: Route53Client, limit: RateLimiter, vpcId: string, facts: VpcEndpointsFacts, ctx: Ctx): Promise<void> {
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
