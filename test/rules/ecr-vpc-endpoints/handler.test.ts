import { ConfigServiceClient, GetComplianceDetailsByConfigRuleCommand, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfigRuleHandler } from '../../../rules/kernel/handler.js';
import { rule } from '../../../rules/ecr-vpc-endpoints/rule.js';
import { RuleParameterError } from '../../../rules/kernel/errors.js';
import { changeEvent, lambdaContext, MEMBER_ACCOUNT, NOTIFICATION_TIME, scheduledEvent } from '../../support/config-events.js';
import { aliasA, baseEstate, DHCP_ID, dhcpOptions, estateForVpc, HUB_ACCOUNT, IDS, mergeEstates, resolverRule, ruleAssociation, VPC_ID, type Estate } from '../../fixtures/ecr-vpc-endpoints/estate.js';
import { callLog, mockAws, type MockZone } from '../../fixtures/ecr-vpc-endpoints/mock-aws.js';

const config = mockClient(ConfigServiceClient);
let aws: ReturnType<typeof mockAws> | undefined;
const CLOCK = new Date('2026-11-20T10:00:00.000Z');
const handler = () => createConfigRuleHandler(rule, { clock: () => CLOCK, sleep: async () => undefined });

beforeEach(() => {
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});
afterEach(() => aws?.restore());

const vpcArn = (id: string) => `arn:aws:ec2:eu-west-3:${MEMBER_ACCOUNT}:vpc/${id}`;
const byVpc = (id: string) => ({ Filters: [{ Name: 'vpc-id', Values: [id] }] });
const vpcIdN = (n: number) => `${VPC_ID.slice(0, -1)}${n}`;
/** DHCP options and Resolver rules: once per region for a periodic run (issue 11 case 2). */
const REGION_DNS_CALLS = [
  { command: 'DescribeDhcpOptions', input: { MaxResults: 1000 } },
  { command: 'ListResolverRules', input: { MaxResults: 100 } },
  { command: 'ListResolverRuleAssociations', input: { MaxResults: 100 } },
];
/** ... and for one VPC on a change: its own DHCP option set and rule associations. */
const vpcDnsCalls = (vpcId: string) => [
  { command: 'DescribeDhcpOptions', input: { DhcpOptionsIds: [DHCP_ID] } },
  { command: 'ListResolverRules', input: { MaxResults: 100 } },
  { command: 'ListResolverRuleAssociations', input: { Filters: [{ Name: 'VPCId', Values: [vpcId] }], MaxResults: 100 } },
];

/** The recorded VPC item: camelCase EC2 shape, no DNS attributes, endpoints or subnets. */
function vpcItem(estate: Estate) {
  const vpc = estate.vpcs[0]!;
  return {
    resourceType: 'AWS::EC2::VPC',
    resourceId: vpc.VpcId!,
    arn: vpcArn(vpc.VpcId!),
    configuration: {
      cidrBlock: vpc.CidrBlock,
      dhcpOptionsId: vpc.DhcpOptionsId,
      state: 'available',
      vpcId: vpc.VpcId,
      ownerId: MEMBER_ACCOUNT,
      instanceTenancy: 'default',
      ipv6CidrBlockAssociationSet: [],
      cidrBlockAssociationSet: (vpc.CidrBlockAssociationSet ?? []).map((a) => ({ associationId: a.AssociationId, cidrBlock: a.CidrBlock, cidrBlockState: { state: 'associated' } })),
      isDefault: false,
      tags: (vpc.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value })),
    },
    tags: Object.fromEntries((vpc.Tags ?? []).map((t) => [t.Key, t.Value])),
    relationships: [{ resourceId: IDS.subnetA, resourceType: 'AWS::EC2::Subnet', name: 'Contains Subnet' }],
  };
}

const HUB_DKR_CROSS_ACCOUNT: MockZone = { id: 'Z0HUBDKR000000000000001', name: 'dkr.ecr.eu-west-3.amazonaws.com.', owner: HUB_ACCOUNT, vpcIds: [], records: [] };

function putEvaluations() {
  return config.commandCalls(PutEvaluationsCommand).flatMap((c) => c.args[0].input.Evaluations ?? []);
}

describe('ecr-vpc-endpoints handler: change-triggered', () => {
  it('a VPC endpoint change evaluates its VPC with calls for that VPC only', async () => {
    const estate = mergeEstates(baseEstate(), estateForVpc(2));
    aws = mockAws(estate);
    const endpoint = estate.endpoints.find((e) => e.VpcEndpointId === IDS.dkr)!;
    const event = changeEvent({
      resourceType: 'AWS::EC2::VPCEndpoint',
      resourceId: IDS.dkr,
      arn: `arn:aws:ec2:eu-west-3:${MEMBER_ACCOUNT}:vpc-endpoint/${IDS.dkr}`,
      configuration: {
        vpcEndpointId: IDS.dkr,
        vpcEndpointType: 'Interface',
        vpcId: VPC_ID,
        serviceName: endpoint.ServiceName,
        state: 'available',
        privateDnsEnabled: true,
        subnetIds: endpoint.SubnetIds,
        groups: [{ groupId: IDS.sgEndpoints, groupName: 'ecr-guardrails-endpoints' }],
        routeTableIds: [],
        requesterManaged: false,
        ownerId: MEMBER_ACCOUNT,
      },
      relationships: [{ resourceId: VPC_ID, resourceType: 'AWS::EC2::VPC', name: 'Is contained in Vpc' }],
    });

    const summary = await handler()(event, lambdaContext(MEMBER_ACCOUNT));

    expect(summary.evaluations).toEqual([
      expect.objectContaining({ resourceType: 'AWS::EC2::VPC', resourceId: VPC_ID, complianceType: 'COMPLIANT' }),
    ]);
    expect(callLog(aws.calls)).toEqual(
      callLog([
        { command: 'DescribeVpcs', input: { VpcIds: [VPC_ID] } },
        ...vpcDnsCalls(VPC_ID),
        { command: 'DescribeSubnets', input: { ...byVpc(VPC_ID), MaxResults: 1000 } },
        { command: 'DescribeVpcEndpoints', input: { ...byVpc(VPC_ID), MaxResults: 1000 } },
        { command: 'DescribeRouteTables', input: { ...byVpc(VPC_ID), MaxResults: 100 } },
        { command: 'DescribeNetworkInterfaces', input: { ...byVpc(VPC_ID), MaxResults: 1000 } },
        { command: 'DescribeSecurityGroups', input: { Filters: [{ Name: 'group-id', Values: [IDS.sgEndpoints] }], MaxResults: 1000 } },
        { command: 'DescribeVpcAttribute', input: { VpcId: VPC_ID, Attribute: 'enableDnsSupport' } },
        { command: 'DescribeVpcAttribute', input: { VpcId: VPC_ID, Attribute: 'enableDnsHostnames' } },
      ]),
    );
    expect(aws.route53.calls()).toHaveLength(0);
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(putEvaluations()).toEqual([
      {
        ComplianceResourceType: 'AWS::EC2::VPC',
        ComplianceResourceId: VPC_ID,
        ComplianceType: 'COMPLIANT',
        OrderingTimestamp: new Date('2026-11-20T08:15:42.512Z'),
        Annotation: summary.evaluations[0]!.annotation,
      },
    ]);
  });

  it('a VPC change reads CIDRs and tags from the item, and looks up Route 53 only because the VPC is not otherwise compliant', async () => {
    const estate = baseEstate();
    estate.endpoints = estate.endpoints.filter((e) => e.VpcEndpointId !== IDS.dkr);
    aws = mockAws(estate, [{ ...HUB_DKR_CROSS_ACCOUNT, vpcIds: [VPC_ID] }]);

    const summary = await handler()(changeEvent(vpcItem(estate)), lambdaContext(MEMBER_ACCOUNT));

    expect(summary.evaluations).toEqual([
      {
        resourceType: 'AWS::EC2::VPC',
        resourceId: VPC_ID,
        complianceType: 'COMPLIANT',
        annotation:
          `Workloads reach ECR privately: ecr.api via interface endpoint ${IDS.api} with private DNS in eu-west-3a, eu-west-3b, eu-west-3c; ` +
          `ecr.dkr via private hosted zone Z0HUBDKR000000000000001 (dkr.ecr.eu-west-3.amazonaws.com, account ${HUB_ACCOUNT}); s3 via gateway endpoint ${IDS.s3} on every workload route table.`,
      },
    ]);
    const commands = aws.calls.map((c) => c.command);
    expect(commands).not.toContain('DescribeVpcs');
    expect(aws.calls.filter((c) => c.command === 'ListHostedZonesByVPC').map((c) => c.input)).toEqual([{ VPCId: VPC_ID, VPCRegion: 'eu-west-3', MaxItems: 100 }]);
    // Another account's zone: its records are not listed (not visible from here).
    expect(commands).not.toContain('ListResourceRecordSets');
    expect(commands).not.toContain('ListHostedZones');
  });

  it('a subnet deletion (no configuration, only the relationship) re-evaluates its VPC', async () => {
    const estate = baseEstate();
    estate.subnets = estate.subnets.filter((s) => s.SubnetId !== IDS.subnetC);
    estate.networkInterfaces = estate.networkInterfaces.filter((n) => n.SubnetId !== IDS.subnetC);
    aws = mockAws(estate);

    const summary = await handler()(
      changeEvent({
        resourceType: 'AWS::EC2::Subnet',
        resourceId: IDS.subnetC,
        status: 'ResourceDeleted',
        configuration: null,
        relationships: [{ resourceId: VPC_ID, resourceType: 'AWS::EC2::VPC', name: 'Is contained in Vpc' }],
      }),
      lambdaContext(MEMBER_ACCOUNT),
    );

    expect(summary.evaluations.map((e) => [e.resourceId, e.complianceType])).toEqual([[VPC_ID, 'COMPLIANT']]);
    expect(aws.calls.find((c) => c.command === 'DescribeSubnets')?.input).toEqual({ ...byVpc(VPC_ID), MaxResults: 1000 });
  });

  it('a participant of a shared VPC: NOT_APPLICABLE, and no call that AWS refuses non-owners (issue 11 case 9)', async () => {
    // Participants see the shared VPC and subnets but not the owner's endpoints, route tables or
    // DHCP options (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html).
    const estate = baseEstate();
    estate.vpcs[0]!.OwnerId = HUB_ACCOUNT;
    estate.endpoints = [];
    estate.routeTables = [];
    estate.dhcpOptions = [];
    aws = mockAws(estate);
    const item = vpcItem(estate);
    item.configuration.ownerId = HUB_ACCOUNT;

    const summary = await handler()(changeEvent(item), lambdaContext(MEMBER_ACCOUNT));

    expect(summary.evaluations).toEqual([
      { resourceType: 'AWS::EC2::VPC', resourceId: VPC_ID, complianceType: 'NOT_APPLICABLE', annotation: `Shared VPC: evaluated in owner account ${HUB_ACCOUNT}, which owns its endpoints, route tables and DNS settings.` },
    ]);
    expect(aws.calls.map((c) => c.command)).not.toContain('DescribeDhcpOptions');
    expect(aws.calls.map((c) => c.command)).not.toContain('DescribeVpcAttribute');
  });

  it('a VPC item without the DHCP option set or owner reads the VPC from the API (issue 11 case 4)', async () => {
    const estate = baseEstate();
    aws = mockAws(estate);
    const item = vpcItem(estate);
    delete (item.configuration as Partial<typeof item.configuration>).dhcpOptionsId;

    const summary = await handler()(changeEvent(item), lambdaContext(MEMBER_ACCOUNT));

    expect(summary.evaluations.map((e) => e.complianceType)).toEqual(['COMPLIANT']);
    expect(aws.calls.filter((c) => c.command === 'DescribeVpcs').map((c) => c.input)).toEqual([{ VpcIds: [VPC_ID] }]);
  });

  it('an endpoint change for a VPC that is gone reports nothing', async () => {
    aws = mockAws(baseEstate());
    const summary = await handler()(
      changeEvent({
        resourceType: 'AWS::EC2::VPCEndpoint',
        resourceId: 'vpce-0gone000000000001',
        status: 'ResourceDeleted',
        configuration: null,
        relationships: [{ resourceId: 'vpc-0gone00000000001', resourceType: 'AWS::EC2::VPC', name: 'Is contained in Vpc' }],
      }),
      lambdaContext(MEMBER_ACCOUNT),
    );
    expect(summary.evaluations).toEqual([]);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(aws.calls.filter((c) => c.command === 'DescribeVpcAttribute')).toEqual([]);
  });

  it('a deleted VPC is NOT_APPLICABLE without any EC2 call', async () => {
    aws = mockAws(baseEstate());
    const summary = await handler()(changeEvent({ ...vpcItem(baseEstate()), status: 'ResourceDeleted', configuration: null }), lambdaContext(MEMBER_ACCOUNT));
    expect(summary.evaluations.map((e) => e.complianceType)).toEqual(['NOT_APPLICABLE']);
    expect(aws.calls).toEqual([]);
  });
});

describe('ecr-vpc-endpoints handler: periodic', () => {
  // 1 fully covered; 2 missing ecr.dkr but served by an own-account zone; 3 missing ecr.dkr;
  // 4 no subnets; 5 exempt.
  function region() {
    const two = estateForVpc(2);
    two.endpoints = two.endpoints.filter((e) => !(e.ServiceName ?? '').endsWith('ecr.dkr'));
    const three = estateForVpc(3);
    three.endpoints = three.endpoints.filter((e) => !(e.ServiceName ?? '').endsWith('ecr.dkr'));
    const four = estateForVpc(4);
    four.subnets = [];
    four.endpoints = [];
    four.networkInterfaces = [];
    four.routeTables = four.routeTables.filter((t) => t.Associations?.some((a) => a.Main));
    const five = estateForVpc(5);
    five.vpcs[0]!.Tags!.push({ Key: 'ecr-guardrails:exempt', Value: 'lab VPC' });
    const estate = mergeEstates(baseEstate(), two, three, four, five);
    const zones: MockZone[] = [
      {
        id: 'Z0DKR00000000000000001',
        name: 'dkr.ecr.eu-west-3.amazonaws.com.',
        owner: MEMBER_ACCOUNT,
        vpcIds: [vpcIdN(2)],
        records: [aliasA('dkr.ecr.eu-west-3.amazonaws.com.'), aliasA('\\052.dkr.ecr.eu-west-3.amazonaws.com.')],
      },
      // Not a candidate name: never looked at beyond the listing.
      { id: 'Z0CORP0000000000000001', name: 'corp.example.internal.', owner: MEMBER_ACCOUNT, vpcIds: [VPC_ID], records: [] },
    ];
    return { estate, zones };
  }

  it('lists each resource type once with the largest pages, asks Route 53 once for the account, and per VPC only where needed', async () => {
    const { estate, zones } = region();
    // More interfaces than one page holds, to exercise paging.
    for (let i = 0; i < 1500; i++) estate.networkInterfaces.push({ ...estate.networkInterfaces[0]!, NetworkInterfaceId: `eni-0bulk${String(i).padStart(12, '0')}` });
    aws = mockAws(estate, zones);

    const summary = await handler()(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT));

    expect(summary.evaluations.map((e) => [e.resourceId, e.complianceType, e.annotation])).toEqual([
      [VPC_ID, 'COMPLIANT', expect.stringMatching(/^Workloads reach ECR privately: ecr.api, ecr.dkr via interface endpoints/)],
      [vpcIdN(2), 'COMPLIANT', expect.stringContaining('ecr.dkr via private hosted zone Z0DKR00000000000000001 (dkr.ecr.eu-west-3.amazonaws.com)')],
      [vpcIdN(3), 'NON_COMPLIANT', 'missing ecr.dkr interface endpoint.'],
      [vpcIdN(4), 'NOT_APPLICABLE', 'The VPC has no subnets: nothing can run in it.'],
      [vpcIdN(5), 'NOT_APPLICABLE', 'Exempt by tag ecr-guardrails:exempt: lab VPC.'],
    ]);
    const dnsCalls = (n: number) => ['enableDnsSupport', 'enableDnsHostnames'].map((Attribute) => ({ command: 'DescribeVpcAttribute', input: { VpcId: n === 1 ? VPC_ID : vpcIdN(n), Attribute } }));
    expect(callLog(aws.calls)).toEqual(
      callLog([
        { command: 'DescribeVpcs', input: { MaxResults: 1000 } },
        ...REGION_DNS_CALLS,
        { command: 'DescribeSubnets', input: { MaxResults: 1000 } },
        { command: 'DescribeVpcEndpoints', input: { MaxResults: 1000 } },
        { command: 'DescribeSecurityGroups', input: { MaxResults: 1000 } },
        { command: 'DescribeRouteTables', input: { MaxResults: 100 } },
        { command: 'DescribeNetworkInterfaces', input: { MaxResults: 1000 } },
        { command: 'DescribeNetworkInterfaces', input: { MaxResults: 1000, NextToken: '1000' } },
        // DNS attributes: VPCs 1-3 (interface endpoints); not 4 (no subnets) nor 5 (exempt).
        ...[1, 2, 3].flatMap(dnsCalls),
        { command: 'ListHostedZones', input: { HostedZoneType: 'PrivateHostedZone', MaxItems: 100 } },
        { command: 'GetHostedZone', input: { Id: 'Z0DKR00000000000000001' } },
        { command: 'ListResourceRecordSets', input: { HostedZoneId: 'Z0DKR00000000000000001', MaxItems: 300 } },
        // The per-VPC fallback only for the VPC still not compliant.
        { command: 'ListHostedZonesByVPC', input: { VPCId: vpcIdN(3), VPCRegion: 'eu-west-3', MaxItems: 100 } },
      ]),
    );
    expect(aws.calls.filter((c) => ['DescribeSubnets', 'DescribeVpcEndpoints', 'DescribeNetworkInterfaces'].includes(c.command) && 'Filters' in c.input)).toEqual([]);
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(putEvaluations()).toHaveLength(5);
    expect(putEvaluations()[0]?.OrderingTimestamp).toEqual(new Date(NOTIFICATION_TIME));
    expect(config).toHaveReceivedCommandWith(GetComplianceDetailsByConfigRuleCommand, { ConfigRuleName: 'ecr-guardrails-test-rule' });
  });

  it('with AcceptCentralizedEndpoints=false makes no Route 53 call at all', async () => {
    const { estate, zones } = region();
    aws = mockAws(estate, zones);
    const summary = await handler()(scheduledEvent({ ruleParameters: { AcceptCentralizedEndpoints: 'false' } }), lambdaContext(MEMBER_ACCOUNT));
    expect(aws.route53.calls()).toHaveLength(0);
    expect(summary.evaluations.find((e) => e.resourceId === vpcIdN(2))).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: 'missing ecr.dkr interface endpoint.' });
  });

  it('marks VPCs that vanished since the last run NOT_APPLICABLE', async () => {
    aws = mockAws(baseEstate());
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [
        { EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'ecr-guardrails-test-rule', ResourceType: 'AWS::EC2::VPC', ResourceId: 'vpc-0deleted0000000001' } }, ComplianceType: 'NON_COMPLIANT' },
      ],
    });
    const summary = await handler()(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT));
    expect(summary.evaluations.map((e) => [e.resourceId, e.complianceType])).toEqual([
      [VPC_ID, 'COMPLIANT'],
      ['vpc-0deleted0000000001', 'NOT_APPLICABLE'],
    ]);
  });

  it('reads prefix list entries once per prefix list an endpoint security group admits 443 from', async () => {
    const estate = baseEstate();
    estate.securityGroups[0]!.IpPermissions = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-0corp0000000001' }] }];
    aws = mockAws(estate, [], { prefixLists: { 'pl-0corp0000000001': ['10.0.0.0/8', '2001:db8::/32'] } });
    const summary = await handler()(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT));
    expect(summary.evaluations.map((e) => e.complianceType)).toEqual(['COMPLIANT']);
    expect(aws.calls.filter((c) => c.command === 'GetManagedPrefixListEntries').map((c) => c.input)).toEqual([{ PrefixListId: 'pl-0corp0000000001', MaxResults: 100 }]);
  });
});

describe('ecr-vpc-endpoints handler: the change path and the periodic path agree (issue 11)', () => {
  const states: Array<[string, (e: Estate) => void]> = [
    ['cross-region ecr.dkr endpoint', (e) => (e.endpoints.find((x) => x.VpcEndpointId === IDS.dkr)!.ServiceName = 'com.amazonaws.us-east-1.ecr.dkr')],
    ['custom DHCP DNS servers', (e) => (e.dhcpOptions = [dhcpOptions(DHCP_ID, ['10.9.0.2'])])],
    ['Resolver FORWARD rule for amazonaws.com', (e) => {
      e.resolverRules.push(resolverRule('rslvr-rr-0corp00000000001', 'FORWARD', 'amazonaws.com.', ['10.9.0.2']));
      e.resolverRuleAssociations.push(ruleAssociation('rslvr-rr-0corp00000000001'));
    }],
    ['Resolver rule of another VPC', (e) => {
      e.resolverRules.push(resolverRule('rslvr-rr-0corp00000000001', 'FORWARD', 'amazonaws.com.', ['10.9.0.2']));
      e.resolverRuleAssociations.push(ruleAssociation('rslvr-rr-0corp00000000001', 'vpc-0other00000000001'));
    }],
  ];

  it.each(states)('%s', async (_, change) => {
    const estate = baseEstate();
    change(estate);
    aws = mockAws(estate);
    const periodic = await handler()(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT));
    aws.restore();
    aws = mockAws(estate);
    const changed = await handler()(changeEvent(vpcItem(estate)), lambdaContext(MEMBER_ACCOUNT));
    expect(changed.evaluations).toEqual(periodic.evaluations);
    expect(periodic.evaluations).toHaveLength(1);
  });
});

describe('ecr-vpc-endpoints handler: edges', () => {
  it('reads a large own zone by the subtrees that hold the service names instead of listing all of it', async () => {
    const estate = baseEstate();
    estate.endpoints = estate.endpoints.filter((e) => e.VpcEndpointId !== IDS.dkr);
    const filler = Array.from({ length: 400 }, (_, i) => aliasA(`host-${String(i).padStart(3, '0')}.eu-west-3.amazonaws.com.`));
    const ecr = [aliasA('dkr.ecr.eu-west-3.amazonaws.com.'), aliasA('\\052.dkr.ecr.eu-west-3.amazonaws.com.')];
    aws = mockAws(estate, [{ id: 'Z0REGION00000000000001', name: 'eu-west-3.amazonaws.com.', owner: MEMBER_ACCOUNT, vpcIds: [VPC_ID], records: [...filler, ...ecr] }]);
    // Route 53 lists names with their labels reversed: a subtree is contiguous, then other names follow.
    aws.route53.on(ListResourceRecordSetsCommand).callsFake((input) => {
      aws!.calls.push({ command: 'ListResourceRecordSets', input: structuredClone(input) as Record<string, unknown> });
      if (!input.StartRecordName) return { ResourceRecordSets: filler.slice(0, 300), IsTruncated: true, MaxItems: 300, NextRecordName: filler[300]!.Name };
      if (input.StartRecordName === 'ecr.eu-west-3.amazonaws.com') return { ResourceRecordSets: [...ecr, ...filler.slice(0, 5)], IsTruncated: true, MaxItems: 300, NextRecordName: filler[5]!.Name };
      return { ResourceRecordSets: filler.slice(0, 300), IsTruncated: true, MaxItems: 300, NextRecordName: filler[300]!.Name };
    });

    const summary = await handler()(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT));

    expect(summary.evaluations[0]).toMatchObject({ complianceType: 'COMPLIANT', annotation: expect.stringContaining('ecr.dkr via private hosted zone Z0REGION00000000000001 (eu-west-3.amazonaws.com)') });
    const lookups = aws.calls.filter((c) => c.command === 'ListResourceRecordSets').map((c) => c.input);
    expect(lookups).toEqual([
      { HostedZoneId: 'Z0REGION00000000000001', MaxItems: 300 },
      { HostedZoneId: 'Z0REGION00000000000001', StartRecordName: 'ecr.eu-west-3.amazonaws.com', MaxItems: 300 },
      { HostedZoneId: 'Z0REGION00000000000001', StartRecordName: 's3.eu-west-3.amazonaws.com', MaxItems: 300 },
      { HostedZoneId: 'Z0REGION00000000000001', StartRecordName: '*.eu-west-3.amazonaws.com', MaxItems: 300 },
    ]);
  });

  it('keeps every record that can affect the names: a record below dkr.ecr hides the *.ecr wildcard (issue 11 case 3)', async () => {
    // RFC 4592: foo.dkr.ecr... makes dkr.ecr... exist (an empty non-terminal), so *.ecr... no
    // longer answers for dkr.ecr... nor for ACCOUNT.dkr.ecr... (the closest encloser is dkr.ecr...).
    const estate = baseEstate();
    estate.endpoints = estate.endpoints.filter((e) => e.VpcEndpointId !== IDS.dkr);
    aws = mockAws(estate, [
      {
        id: 'Z0ECR000000000000000001',
        name: 'ecr.eu-west-3.amazonaws.com.',
        owner: MEMBER_ACCOUNT,
        vpcIds: [VPC_ID],
        records: [aliasA('\\052.ecr.eu-west-3.amazonaws.com.'), aliasA('foo.dkr.ecr.eu-west-3.amazonaws.com.')],
      },
    ]);

    const summary = await handler()(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT));

    expect(summary.evaluations[0]).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: 'missing ecr.dkr interface endpoint; private hosted zone Z0ECR000000000000000001 (ecr.eu-west-3.amazonaws.com) has no record for dkr.ecr.eu-west-3.amazonaws.com.',
    });
  });

  it('when the time budget runs out before DNS attributes, leaves those VPCs unevaluated but not vanished', async () => {
    aws = mockAws(baseEstate());
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [{ EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'ecr-guardrails-test-rule', ResourceType: 'AWS::EC2::VPC', ResourceId: VPC_ID } }, ComplianceType: 'COMPLIANT' }],
    });
    // 20 s left and a 30 s reserve for reporting: no time to read DNS attributes.
    const summary = await handler()(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT, 20_000));
    expect(summary.evaluations).toEqual([]);
    expect(aws.calls.filter((c) => c.command === 'DescribeVpcAttribute')).toEqual([]);
  });
});

describe('ecr-vpc-endpoints handler: parameters', () => {
  it.each([
    [{ RequiredServices: 'ecr.api,ecr.foo' }, /RequiredServices is "ecr.api,ecr.foo"/],
    [{ RequireAllWorkloadAzs: 'maybe' }, /RequireAllWorkloadAzs is "maybe": expected true or false; default false/],
    [{ AcceptCentralizedEndpoints: 'yes please' }, /AcceptCentralizedEndpoints/],
    [{ ExemptionTagKey: '' }, /ExemptionTagKey/],
    [{ RequiredServices: ' , ' }, /RequiredServices/],
    [{ Frobnicate: 'true' }, /unknown parameter Frobnicate/],
  ])('%j fails the invocation with RuleParameterError before any AWS call', async (ruleParameters, message) => {
    aws = mockAws(baseEstate());
    const invocation = handler()(scheduledEvent({ ruleParameters }), lambdaContext(MEMBER_ACCOUNT));
    await expect(invocation).rejects.toThrow(RuleParameterError);
    await expect(invocation).rejects.toThrow(message);
    expect(aws.calls).toEqual([]);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('passes the required services to the runbook as its Services parameter', () => {
    const params = { RequireAllWorkloadAzs: false, TrustedDnsServers: ['10.9.0.2', '10.9.0.3'], RequiredServices: ['com.amazonaws.eu-west-3.ecr.api', 'ecr-fips.dkr', 's3'] };
    expect(rule.remediations[0].parameters?.(params as never)).toEqual({
      Services: 'ecr.api,ecr-fips.dkr,s3',
      RequireAllWorkloadAzs: 'false',
      TrustedDnsServers: '10.9.0.2,10.9.0.3',
    });
  });
});
