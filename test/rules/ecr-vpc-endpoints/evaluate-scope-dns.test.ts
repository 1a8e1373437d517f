/**
 * ecr-vpc-endpoints verdicts, case by case: exemptions, scope, workloads, centralised DNS
 * (private hosted zones) and DNS attributes; and the probe for DNS attributes.
 */
import { describe, expect, it } from 'vitest';
import { checkCase, DEFAULTS, HUB_API_ZONE, HUB_DKR_ZONE, R, centralOnly, noWorkloads, removeEndpoint, type Case } from '../../fixtures/ecr-vpc-endpoints/cases.js';
import { aliasA, baseEstate, eni, factsOf, gatewayEndpoint, HUB_ACCOUNT, hostedZone, IDS, VPC_ID } from '../../fixtures/ecr-vpc-endpoints/estate.js';
import { evaluate } from '../../../rules/ecr-vpc-endpoints/evaluate.js';
import { needsDnsAttributes } from '../../../rules/ecr-vpc-endpoints/probe.js';

const cases: Case[] = [
  {
    name: 'exempt by tag',
    change: (e) => e.vpcs[0]!.Tags!.push({ Key: 'ecr-guardrails:exempt', Value: 'sandbox, no images (ticket NET-42)' }),
    expected: { complianceType: 'NOT_APPLICABLE', annotation: 'Exempt by tag ecr-guardrails:exempt: sandbox, no images (ticket NET-42).' },
  },
  {
    name: 'exempt by a custom tag without a reason',
    change: (e) => {
      e.vpcs[0]!.Tags!.push({ Key: 'no-ecr', Value: ' ' });
      removeEndpoint(e, IDS.dkr);
    },
    params: { ExemptionTagKey: 'no-ecr' },
    expected: { complianceType: 'NOT_APPLICABLE', annotation: 'Exempt by tag no-ecr: (no reason given in the tag value).' },
  },
  {
    name: 'no subnets',
    change: (e) => {
      e.subnets = [];
      e.endpoints = [];
      e.networkInterfaces = [];
    },
    expected: { complianceType: 'NOT_APPLICABLE', annotation: 'The VPC has no subnets: nothing can run in it.' },
  },
  {
    name: 'only endpoint and NAT interfaces',
    change: (e) => {
      noWorkloads(e);
      removeEndpoint(e, IDS.dkr);
    },
    expected: {
      complianceType: 'NOT_APPLICABLE',
      annotation: 'No workloads: nothing in the VPC pulls container images (only 4 interface(s) of endpoints, NAT gateways, load balancers, Lambda or managed services).',
    },
  },
  {
    name: 'only managed-service interfaces (RDS, ALB)',
    change: (e) => {
      noWorkloads(e);
      e.networkInterfaces.push(eni('eni-0rds0000000000001', IDS.subnetA, { RequesterManaged: true, Description: 'RDSNetworkInterface' }));
      e.networkInterfaces.push(eni('eni-0alb0000000000001', IDS.subnetB, { RequesterManaged: true, Description: 'ELB app/web/0123456789abcdef' }));
    },
    expected: {
      complianceType: 'NOT_APPLICABLE',
      annotation: 'No workloads: nothing in the VPC pulls container images (only 9 interface(s) of endpoints, NAT gateways, load balancers, Lambda or managed services).',
    },
  },
  {
    name: 'no workloads, IgnoreVpcsWithoutWorkloads=false: every subnet counts',
    change: (e) => noWorkloads(e),
    params: { IgnoreVpcsWithoutWorkloads: false },
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `s3 gateway endpoint ${IDS.s3} is not on route table ${IDS.rtbMain}.`,
    },
  },
  {
    name: 'centralised: private hosted zones from the hub',
    change: centralOnly,
    zones: [HUB_DKR_ZONE, HUB_API_ZONE],
    expected: {
      complianceType: 'COMPLIANT',
      annotation:
        `Workloads reach ECR privately: ecr.api, ecr.dkr via private hosted zones Z0API00000000000000001 (api.ecr.${R}.amazonaws.com), Z0DKR00000000000000001 (dkr.ecr.${R}.amazonaws.com); ` +
        `s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'centralised: another account\'s zones (records not visible)',
    change: centralOnly,
    zones: [
      hostedZone('Z0HUBDKR000000000000001', 'dkr.ecr.eu-west-3.amazonaws.com.', null, { owner: HUB_ACCOUNT }),
      hostedZone('Z0HUBAPI000000000000001', 'api.ecr.eu-west-3.amazonaws.com.', null, { owner: HUB_ACCOUNT }),
    ],
    expected: {
      complianceType: 'COMPLIANT',
      annotation:
        `Workloads reach ECR privately: ecr.api, ecr.dkr via private hosted zones Z0HUBAPI000000000000001 (api.ecr.${R}.amazonaws.com, account ${HUB_ACCOUNT}), ` +
        `Z0HUBDKR000000000000001 (dkr.ecr.${R}.amazonaws.com, account ${HUB_ACCOUNT}); s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'centralised: one parent zone with both names',
    change: centralOnly,
    zones: [
      hostedZone('Z0ECR00000000000000001', 'ecr.eu-west-3.amazonaws.com.', [
        aliasA('api.ecr.eu-west-3.amazonaws.com.'),
        aliasA('dkr.ecr.eu-west-3.amazonaws.com.'),
        aliasA('\\052.dkr.ecr.eu-west-3.amazonaws.com.'),
      ]),
    ],
    expected: {
      complianceType: 'COMPLIANT',
      annotation: `Workloads reach ECR privately: ecr.api, ecr.dkr via private hosted zone Z0ECR00000000000000001 (ecr.${R}.amazonaws.com); s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'centralised: dkr zone without the registry wildcard',
    change: centralOnly,
    zones: [hostedZone('Z0DKR00000000000000001', 'dkr.ecr.eu-west-3.amazonaws.com.', [aliasA('dkr.ecr.eu-west-3.amazonaws.com.')]), HUB_API_ZONE],
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `missing ecr.dkr interface endpoint; private hosted zone Z0DKR00000000000000001 (dkr.ecr.${R}.amazonaws.com) has no record for *.dkr.ecr.${R}.amazonaws.com.`,
    },
  },
  {
    // DNS wildcards apply at the closest encloser only: dkr.ecr exists, so *.ecr does not answer for ACCOUNT.dkr.ecr.
    name: 'centralised: a parent wildcard does not answer below a name that exists',
    change: centralOnly,
    zones: [
      hostedZone('Z0ECR00000000000000001', 'ecr.eu-west-3.amazonaws.com.', [
        aliasA('api.ecr.eu-west-3.amazonaws.com.'),
        aliasA('dkr.ecr.eu-west-3.amazonaws.com.'),
        aliasA('\\052.ecr.eu-west-3.amazonaws.com.'),
      ]),
    ],
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `missing ecr.dkr interface endpoint; private hosted zone Z0ECR00000000000000001 (ecr.${R}.amazonaws.com) has no record for *.dkr.ecr.${R}.amazonaws.com.`,
    },
  },
  {
    name: 'centralised: a record of another type at the name hides the wildcard',
    change: centralOnly,
    zones: [
      hostedZone('Z0ECR00000000000000001', 'ecr.eu-west-3.amazonaws.com.', [
        aliasA('api.ecr.eu-west-3.amazonaws.com.'),
        { Name: 'dkr.ecr.eu-west-3.amazonaws.com.', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"owner=platform"' }] },
        aliasA('\\052.dkr.ecr.eu-west-3.amazonaws.com.'),
        aliasA('\\052.ecr.eu-west-3.amazonaws.com.'),
      ]),
    ],
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `missing ecr.dkr interface endpoint; private hosted zone Z0ECR00000000000000001 (ecr.${R}.amazonaws.com) has no record for dkr.ecr.${R}.amazonaws.com.`,
    },
  },
  {
    name: 'centralised: another account\'s parent zone cannot be verified',
    change: centralOnly,
    zones: [hostedZone('Z0HUBECR000000000000001', 'ecr.eu-west-3.amazonaws.com.', null, { owner: HUB_ACCOUNT })],
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation:
        `missing ecr.api interface endpoint; missing ecr.dkr interface endpoint; private hosted zone Z0HUBECR000000000000001 (ecr.${R}.amazonaws.com) is another account's zone not named for the service.`,
    },
  },
  {
    name: 'centralised zones not accepted (AcceptCentralizedEndpoints=false)',
    change: centralOnly,
    zones: [HUB_DKR_ZONE, HUB_API_ZONE],
    params: { AcceptCentralizedEndpoints: false },
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'missing ecr.api interface endpoint; missing ecr.dkr interface endpoint.' },
  },
  {
    name: 'centralised zone associated with another VPC only',
    change: centralOnly,
    zones: [{ ...HUB_DKR_ZONE, vpcIds: ['vpc-0other00000000001'] }, { ...HUB_API_ZONE, vpcIds: ['vpc-0other00000000001'] }],
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'missing ecr.api interface endpoint; missing ecr.dkr interface endpoint.' },
  },
  {
    name: 'centralised, but VPC DNS support off',
    change: (e) => {
      centralOnly(e);
      e.dns[VPC_ID] = { support: false, hostnames: true };
    },
    zones: [HUB_DKR_ZONE, HUB_API_ZONE],
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'VPC enableDnsSupport is off.' },
  },
  {
    name: 'a local ecr.api endpoint and a centralised ecr.dkr',
    change: (e) => removeEndpoint(e, IDS.dkr),
    zones: [HUB_DKR_ZONE],
    expected: {
      complianceType: 'COMPLIANT',
      annotation:
        `Workloads reach ECR privately: ecr.api via interface endpoint ${IDS.api} with private DNS in ${R}a, ${R}b, ${R}c; ` +
        `ecr.dkr via private hosted zone Z0DKR00000000000000001 (dkr.ecr.${R}.amazonaws.com); s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'DNS attributes needed but not collected (time budget)',
    change: (e) => delete e.dns[VPC_ID],
    expected: 'not evaluated',
  },
  {
    name: 'only the S3 gateway required: DNS attributes do not matter',
    change: (e) => delete e.dns[VPC_ID],
    params: { RequiredServices: ['s3'] },
    expected: { complianceType: 'COMPLIANT', annotation: `Workloads reach ECR privately: s3 via gateway endpoint ${IDS.s3} on every workload route table.` },
  },
];

describe('ecr-vpc-endpoints evaluate: scope, workloads, centralised DNS, DNS attributes', () => {
  it.each(cases)('$name', (c) => checkCase(c));

  it('evaluates every VPC of a region independently', () => {
    const estate = baseEstate();
    const other = baseEstate();
    const otherId = 'vpc-0ffff000000000002';
    other.vpcs[0]!.VpcId = otherId;
    for (const list of [other.subnets, other.endpoints, other.networkInterfaces, other.routeTables, other.securityGroups]) for (const item of list) item.VpcId = otherId;
    other.subnets = other.subnets.map((s) => ({ ...s, SubnetId: `${s.SubnetId}-2` }));
    other.endpoints = other.endpoints.filter((e) => e.VpcEndpointId !== IDS.dkr);
    const facts = factsOf({
      vpcs: [...estate.vpcs, ...other.vpcs],
      subnets: [...estate.subnets, ...other.subnets],
      endpoints: [...estate.endpoints, ...other.endpoints],
      securityGroups: estate.securityGroups,
      routeTables: estate.routeTables,
      networkInterfaces: [...estate.networkInterfaces, ...other.networkInterfaces.map((n) => ({ ...n, SubnetId: `${n.SubnetId}-2` }))],
      dns: { [VPC_ID]: { support: true, hostnames: true }, [otherId]: { support: true, hostnames: true } },
      dhcpOptions: estate.dhcpOptions,
      resolverRules: estate.resolverRules,
      resolverRuleAssociations: [],
    });
    expect(evaluate(facts, DEFAULTS).map((e) => [e.resourceId, e.complianceType])).toEqual([
      [VPC_ID, 'COMPLIANT'],
      [otherId, 'NON_COMPLIANT'],
    ]);
  });

  it('asks for DNS attributes only where the verdict depends on them', () => {
    const withEndpoints = factsOf(baseEstate());
    expect(needsDnsAttributes(withEndpoints.vpcs[0]!, withEndpoints, DEFAULTS)).toBe(true);
    const gatewayOnly = baseEstate();
    gatewayOnly.endpoints = [gatewayEndpoint(IDS.s3, [IDS.rtbPrivate])];
    const facts = factsOf(gatewayOnly);
    expect(needsDnsAttributes(facts.vpcs[0]!, facts, DEFAULTS)).toBe(false);
    const exempt = baseEstate();
    exempt.vpcs[0]!.Tags = [{ Key: 'ecr-guardrails:exempt', Value: 'lab' }];
    const exemptFacts = factsOf(exempt);
    expect(needsDnsAttributes(exemptFacts.vpcs[0]!, exemptFacts, DEFAULTS)).toBe(false);
  });
});
