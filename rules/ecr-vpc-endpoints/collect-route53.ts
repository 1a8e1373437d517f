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
  type RRType,
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

/**
 * True when a record can change how one of the target names resolves in the zone (RFC 4592
 * closest-encloser rules, as evaluate.ts applies them): it sits at or below an ancestor of a
 * target inside the zone (so that name exists, which hides a wildcard above it), or it is the
 * wildcard of such an ancestor or of the apex. Other records (siblings elsewhere in the zone)
 * cannot matter. No record is dropped for its name alone.
 */
export function affectsTargets(recordName: string, targets: readonly string[], zoneName: string): boolean {
  const name = normaliseDnsName(recordName);
  const under = (a: string) => name === a || name.endsWith(`.${a}`);
  return targets.some((target) => {
    if (name === target) return true;
    const labels = target.split('.');
    for (let i = 0; i < labels.length; i++) {
      const ancestor = labels.slice(i).join('.');
      if (ancestor.length <= zoneName.length) return name === `*.${zoneName}`;
      if (under(ancestor)) return true;
    }
    return false;
  });
}

function keepRecords(records: ResourceRecordSet[], targets: string[], zoneName: string): Array<{ name: string; type: string }> {
  return records
    .filter((r) => affectsTargets(r.Name ?? '', targets, zoneName))
    .map((r) => ({ name: normaliseDnsName(r.Name ?? ''), type: r.Type ?? '' }));
}

/** The ancestor of `name` just below the zone apex (`ecr.R.amazonaws.com` for `dkr.ecr.R...` in zone `R.amazonaws.com`). */
const topBelowApex = (name: string, zoneName: string) => name.split('.').slice(-(zoneName.split('.').length + 1)).join('.');

/**
 * Every record of an own zone that can affect the service names (issue 11 case 3: not only the
 * records at those names). One call from the zone's start (zones named for a service hold a
 * handful of records); for a large zone, the subtree below the apex that holds each name, page
 * by page (ListResourceRecordSets lists names with their labels reversed, so a subtree is
 * contiguous), and the apex wildcard.
 */
async function zoneRecords(route53: Route53Client, limit: RateLimiter, zoneId: string, zoneName: string, names: string[]) {
  const targets = names.filter((n) => !n.startsWith('*.') && (n === zoneName || n.endsWith(`.${zoneName}`)));
  const first = await limit(() =>
    awsCall(`route53:ListResourceRecordSets ${zoneId}`, () => route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: PAGE_SIZE.ListResourceRecordSets }))),
  );
  if (!first.IsTruncated) return keepRecords(first.ResourceRecordSets ?? [], targets, zoneName);
  const records: ResourceRecordSet[] = [];
  const starts = [...new Set(targets.map((t) => (t === zoneName ? `*.${zoneName}` : topBelowApex(t, zoneName)))), `*.${zoneName}`];
  for (const top of [...new Set(starts)]) {
    let next: { StartRecordName: string; StartRecordType?: RRType } | undefined = { StartRecordName: top };
    while (next) {
      const from: { StartRecordName: string; StartRecordType?: RRType } = next;
      const response = await limit(() =>
        awsCall(`route53:ListResourceRecordSets ${zoneId} ${top}`, () =>
          route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...from, MaxItems: PAGE_SIZE.ListResourceRecordSets })),
        ),
      );
      const page = response.ResourceRecordSets ?? [];
      const inside = page.filter((r) => {
        const n = normaliseDnsName(r.Name ?? '');
        return n === top || n.endsWith(`.${top}`);
      });
      records.push(...inside);
      next = response.IsTruncated && inside.length === page.length && response.NextRecordName
        ? { StartRecordName: response.NextRecordName, ...(response.NextRecordType ? { StartRecordType: response.NextRecordType } : {}) }
        : undefined;
    }
  }
  return keepRecords(records, targets, zoneName);
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
