/**
 * ecr-vpc-endpoints verdicts (issue 11, cases 1 and 2): endpoints of another region, and DNS
 * that never reaches the VPC resolver (custom DHCP servers, Route 53 Resolver forwarding rules).
 */
import { describe, it } from 'vitest';
import { checkCase, FULLY_COVERED, R, endpoint, HUB_DKR_ZONE, centralOnly, type Case } from '../../fixtures/ecr-vpc-endpoints/cases.js';
import { DHCP_ID, dhcpOptions, gatewayEndpoint, IDS, interfaceEndpoint, resolverRule, ruleAssociation } from '../../fixtures/ecr-vpc-endpoints/estate.js';

const DHCP_BYPASS = `DHCP options ${DHCP_ID} send DNS to 10.9.0.2, 10.9.0.3, not AmazonProvidedDNS: endpoint private DNS is bypassed (fix the DHCP options, or list servers that forward to the VPC resolver in TrustedDnsServers).`;

const cases: Case[] = [
  // Case 1. Cross-region PrivateLink: com.amazonaws.us-east-1.ecr.dkr in a eu-west-3 VPC serves
  // us-east-1's names only (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html).
  {
    name: 'an ecr.dkr endpoint for another region does not serve this region\'s registry',
    change: (e) => (endpoint(e, IDS.dkr).ServiceName = 'com.amazonaws.us-east-1.ecr.dkr'),
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `missing ecr.dkr interface endpoint for ${R} (${IDS.dkr} is for us-east-1: a cross-region endpoint serves only that region's names).`,
    },
  },
  {
    name: 'an S3 gateway endpoint of another region\'s name does not count',
    change: (e) => (endpoint(e, IDS.s3).ServiceName = 'com.amazonaws.us-east-1.s3'),
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `missing s3 gateway (or interface) endpoint for ${R} (${IDS.s3} is for us-east-1: a cross-region endpoint serves only that region's names).`,
    },
  },
  {
    name: 'a cross-region endpoint beside this region\'s endpoint changes nothing',
    change: (e) => e.endpoints.push(interfaceEndpoint('vpce-0use1dkr000000001', 'ecr.dkr', [IDS.subnetA], { ServiceName: 'com.amazonaws.us-east-1.ecr.dkr' })),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'a FIPS endpoint of the same region serves the FIPS service',
    change: (e) => (endpoint(e, IDS.dkr).ServiceName = `com.amazonaws.${R}.ecr-fips.dkr`),
    params: { RequiredServices: ['ecr.api', 'ecr-fips.dkr', 's3'] },
    expected: {
      complianceType: 'COMPLIANT',
      annotation:
        `Workloads reach ECR privately: ecr.api, ecr-fips.dkr via interface endpoints ${IDS.api}, ${IDS.dkr} with private DNS in ${R}a, ${R}b, ${R}c; ` +
        `s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
    },
  },
  {
    name: 'a FIPS endpoint of another region does not',
    change: (e) => (endpoint(e, IDS.dkr).ServiceName = 'com.amazonaws.us-east-1.ecr-fips.dkr'),
    params: { RequiredServices: ['ecr.api', 'ecr-fips.dkr', 's3'] },
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `missing ecr-fips.dkr interface endpoint for ${R} (${IDS.dkr} is for us-east-1: a cross-region endpoint serves only that region's names).`,
    },
  },

  // Case 2. DHCP options: private DNS is answered only by the Amazon-provided resolver
  // (https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSet.html,
  // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html "Custom DNS servers").
  {
    name: 'DHCP options naming corporate DNS servers instead of AmazonProvidedDNS',
    change: (e) => (e.dhcpOptions = [dhcpOptions(DHCP_ID, ['10.9.0.2', '10.9.0.3'], 'corp.example.com')]),
    expected: { complianceType: 'NON_COMPLIANT', annotation: DHCP_BYPASS, runbook: null },
  },
  {
    name: 'corporate DNS servers listed in TrustedDnsServers',
    change: (e) => (e.dhcpOptions = [dhcpOptions(DHCP_ID, ['10.9.0.2', '10.9.0.3'], 'corp.example.com')]),
    params: { TrustedDnsServers: ['10.9.0.2', '10.9.0.3'] },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'DHCP options naming the VPC resolver by its address (VPC base + 2)',
    change: (e) => (e.dhcpOptions = [dhcpOptions(DHCP_ID, ['10.0.0.2'])]),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'custom DHCP DNS does not matter when only the S3 gateway endpoint is required (routing, not DNS)',
    change: (e) => (e.dhcpOptions = [dhcpOptions(DHCP_ID, ['10.9.0.2'])]),
    params: { RequiredServices: ['s3'] },
    expected: { complianceType: 'COMPLIANT', annotation: `Workloads reach ECR privately: s3 via gateway endpoint ${IDS.s3} on every workload route table.` },
  },
  {
    name: 'custom DHCP DNS also bypasses centralised endpoints (private hosted zones)',
    change: (e) => {
      centralOnly(e);
      e.dhcpOptions = [dhcpOptions(DHCP_ID, ['10.9.0.2', '10.9.0.3'])];
    },
    zones: [HUB_DKR_ZONE],
    params: { RequiredServices: ['ecr.dkr'] },
    expected: { complianceType: 'NON_COMPLIANT', annotation: DHCP_BYPASS, runbook: null },
  },
  {
    name: 'DHCP options of the VPC not readable: never COMPLIANT',
    change: (e) => (e.dhcpOptions = []),
    expected: { complianceType: 'NON_COMPLIANT', annotation: 'Not evaluable: the VPC\'s DHCP options or Route 53 Resolver rules could not be read.', runbook: null },
  },

  // Case 2. Resolver rules: the most specific matching rule decides; Resolver rules come before
  // the rules of private hosted zones, an endpoint's private DNS included
  // (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-domain-name-matches.html,
  // https://repost.aws/knowledge-center/route-53-override-reverse-dns-rules,
  // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-outbound-queries-rule-values.html).
  {
    name: 'a FORWARD rule for amazonaws.com associated with the VPC',
    change: (e) => {
      e.resolverRules.push(resolverRule('rslvr-rr-0corp00000000001', 'FORWARD', 'amazonaws.com.', ['10.9.0.2']));
      e.resolverRuleAssociations.push(ruleAssociation('rslvr-rr-0corp00000000001'));
    },
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation:
        'Route 53 Resolver rule rslvr-rr-0corp00000000001 (FORWARD amazonaws.com to 10.9.0.2) takes ecr.api names away from the VPC resolver; ' +
        'Route 53 Resolver rule rslvr-rr-0corp00000000001 (FORWARD amazonaws.com to 10.9.0.2) takes ecr.dkr names away from the VPC resolver.',
      runbook: null,
    },
  },
  {
    name: 'a FORWARD rule for amazonaws.com with a more specific SYSTEM rule for the region\'s ECR names',
    change: (e) => {
      e.resolverRules.push(resolverRule('rslvr-rr-0corp00000000001', 'FORWARD', 'amazonaws.com.', ['10.9.0.2']));
      e.resolverRules.push(resolverRule('rslvr-rr-0ecr000000000001', 'SYSTEM', `ecr.${R}.amazonaws.com.`));
      e.resolverRuleAssociations.push(ruleAssociation('rslvr-rr-0corp00000000001'), ruleAssociation('rslvr-rr-0ecr000000000001'));
    },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'a FORWARD rule for amazonaws.com associated with another VPC only',
    change: (e) => {
      e.resolverRules.push(resolverRule('rslvr-rr-0corp00000000001', 'FORWARD', 'amazonaws.com.', ['10.9.0.2']));
      e.resolverRuleAssociations.push(ruleAssociation('rslvr-rr-0corp00000000001', 'vpc-0other00000000001'));
    },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'a FORWARD rule to trusted servers',
    change: (e) => {
      e.resolverRules.push(resolverRule('rslvr-rr-0corp00000000001', 'FORWARD', 'amazonaws.com.', ['10.9.0.2']));
      e.resolverRuleAssociations.push(ruleAssociation('rslvr-rr-0corp00000000001'));
    },
    params: { TrustedDnsServers: ['10.9.0.2'] },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'a FORWARD rule for the S3 names only, S3 through a gateway endpoint (routing, not DNS)',
    change: (e) => {
      e.resolverRules.push(resolverRule('rslvr-rr-0s3000000000001', 'FORWARD', `s3.${R}.amazonaws.com`, ['10.9.0.2']));
      e.resolverRuleAssociations.push(ruleAssociation('rslvr-rr-0s3000000000001'));
    },
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'a FORWARD rule for the S3 names, S3 through an interface endpoint',
    change: (e) => {
      e.endpoints = e.endpoints.filter((x) => x.VpcEndpointId !== IDS.s3);
      e.endpoints.push(interfaceEndpoint('vpce-0s3if000000000001', 's3', [IDS.subnetA, IDS.subnetB, IDS.subnetC]));
      e.resolverRules.push(resolverRule('rslvr-rr-0s3000000000001', 'FORWARD', `s3.${R}.amazonaws.com`, ['10.9.0.2']));
      e.resolverRuleAssociations.push(ruleAssociation('rslvr-rr-0s3000000000001'));
    },
    expected: {
      complianceType: 'NON_COMPLIANT',
      annotation: `Route 53 Resolver rule rslvr-rr-0s3000000000001 (FORWARD s3.${R}.amazonaws.com to 10.9.0.2) takes s3 names away from the VPC resolver.`,
      runbook: null,
    },
  },
  {
    name: 'the Resolver\'s own "." rule (RECURSIVE) changes nothing',
    change: (e) => e.resolverRuleAssociations.push(ruleAssociation('rslvr-autodefined-rr-internet-resolver')),
    expected: { complianceType: 'COMPLIANT', annotation: FULLY_COVERED },
  },
  {
    name: 'an S3 gateway endpoint stays fine whatever DNS says',
    change: (e) => {
      e.endpoints = [gatewayEndpoint(IDS.s3, [IDS.rtbPrivate])];
      e.dhcpOptions = [dhcpOptions(DHCP_ID, ['10.9.0.2'])];
    },
    params: { RequiredServices: ['s3'] },
    expected: { complianceType: 'COMPLIANT', annotation: `Workloads reach ECR privately: s3 via gateway endpoint ${IDS.s3} on every workload route table.` },
  },
];

describe('ecr-vpc-endpoints evaluate: this region\'s endpoints only, DNS that reaches the VPC resolver', () => {
  it.each(cases)('$name', (c) => checkCase(c));
});
