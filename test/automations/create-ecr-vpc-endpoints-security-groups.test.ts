/**
 * CreateEcrVpcEndpoints accepts endpoint security groups that admit 443 other than by the VPC
 * CIDR exactly as the rule does, so a VPC the rule finds COMPLIANT gets no write.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, baseEstate, IDS, securityGroup, tcp443, VPC_ID, type Estate } from '../fixtures/ecr-vpc-endpoints/estate.js';
import { inputsOf, restoreWorld, ROLE_ARN, run, useWorld, verdict } from '../fixtures/ecr-vpc-endpoints/runbook.js';
import { callsTo, InvalidParameterError, mutatingCalls, runAutomation } from '../support/ssm/interpreter.js';

afterEach(restoreWorld);

describe('endpoint security groups admitting 443 other than by the VPC CIDR (accepted as the rule accepts them)', () => {
  const PREFIX_LIST = 'pl-0c1d2e3f40000a001';
  const SG_BATCH = 'sg-0ba7c4000000000b1';
  // The VPC's 10.0.0.0/16 in two halves (merged, as the rule merges them), and an IPv6 entry.
  const PREFIX_LISTS = {
    [PREFIX_LIST]: ['10.0.0.0/17', '10.0.128.0/17', '2001:db8::/56'],
    'pl-0c1d2e3f40000a002': ['10.0.0.0/17'],
    'pl-0c1d2e3f40000a003': ['10.0.0.0/20'],
  };

  /** The baseline VPC with the endpoints' group admitting 443 by these rules only. */
  function admittedBy(...rules: Parameters<typeof tcp443>[0][]): Estate {
    const estate = baseEstate();
    estate.securityGroups = [securityGroup(IDS.sgEndpoints, rules.map(tcp443)), securityGroup(IDS.sgApp, []), securityGroup(SG_BATCH, [])];
    return estate;
  }
  /** The EKS node (eu-west-3c, 10.0.32.0/20) is not in the app group the endpoints admit. */
  function lambdaOutsideApp(estate: Estate): Estate {
    estate.networkInterfaces.find((n) => n.NetworkInterfaceId === 'eni-0eksnode00000000c1')!.Groups = [{ GroupId: SG_BATCH, GroupName: 'batch' }];
    return estate;
  }
  const fromApp = { UserIdGroupPairs: [{ GroupId: IDS.sgApp, UserId: ACCOUNT }] };

  const compliant: Array<[string, () => Estate]> = [
    ['a prefix list whose entries cover the VPC CIDR', () => admittedBy({ PrefixListIds: [{ PrefixListId: PREFIX_LIST }] })],
    // Issue 11 case 6: per workload, the unused half of the VPC needs nothing.
    ['a prefix list covering the half of the VPC CIDR that holds every workload', () => admittedBy({ PrefixListIds: [{ PrefixListId: 'pl-0c1d2e3f40000a002' }] })],
    ['a security group every workload interface is a member of', () => admittedBy(fromApp)],
    ['a security group, and a CIDR covering the subnet of the one workload outside it', () => lambdaOutsideApp(admittedBy(fromApp, { IpRanges: [{ CidrIp: '10.0.32.0/20' }] }))],
    ['a security group, and a prefix list covering the subnet of the one workload outside it', () => lambdaOutsideApp(admittedBy(fromApp, { PrefixListIds: [{ PrefixListId: 'pl-0c1d2e3f40000a002' }] }))],
  ];

  it.each(compliant)('changes nothing when the rule is satisfied by %s', async (_, fixture) => {
    const estate = fixture();
    expect(verdict(estate, PREFIX_LISTS)).toBe('COMPLIANT');

    const result = await run(estate, {}, { prefixLists: PREFIX_LISTS });

    expect(result.status, result.failureMessage).toBe('Success');
    expect(result.executedSteps).toEqual(['PlanEndpoints', 'ChooseChanges', 'VerifyCompliance']);
    expect(result.outputs['PlanEndpoints.Summary']).toBe('nothing to change');
    expect(mutatingCalls(result)).toEqual([]);
    expect(verdict(estate, PREFIX_LISTS)).toBe('COMPLIANT');
  });

  it('reads the entries of the prefix lists the endpoints\' groups admit 443 from', async () => {
    const result = await run(compliant[0]![1](), {}, { prefixLists: PREFIX_LISTS });
    expect(result.status, result.failureMessage).toBe('Success');
    expect(callsTo(result, 'GetManagedPrefixListEntries').map((c) => [c.step, c.input])).toEqual([
      ['PlanEndpoints', { PrefixListId: PREFIX_LIST }],
      ['VerifyCompliance', { PrefixListId: PREFIX_LIST }],
    ]);
  });

  const notCompliant: Array<[string, () => Estate]> = [
    ['a prefix list covering the subnet of one workload only', () => admittedBy({ PrefixListIds: [{ PrefixListId: 'pl-0c1d2e3f40000a003' }] })],
    ['a security group one workload interface is not a member of', () => lambdaOutsideApp(admittedBy(fromApp))],
    ['a security group no workload is a member of', () => admittedBy({ UserIdGroupPairs: [{ GroupId: SG_BATCH, UserId: ACCOUNT }] })],
    ['a security group on port 80 only', () => admittedBy({ ...fromApp, FromPort: 80, ToPort: 80 })],
  ];

  it.each(notCompliant)('adds its security group when the rule is not satisfied by %s, and the rule then agrees', async (_, fixture) => {
    const estate = fixture();
    expect(verdict(estate, PREFIX_LISTS)).toBe('NON_COMPLIANT');

    const result = await run(estate, {}, { prefixLists: PREFIX_LISTS });

    expect(result.status, result.failureMessage).toBe('Success');
    const groupId = String(result.outputs['ApplyEndpoints.SecurityGroupId']);
    expect(inputsOf(result, 'ModifyVpcEndpoint')).toEqual([
      { VpcEndpointId: IDS.api, AddSecurityGroupIds: [groupId] },
      { VpcEndpointId: IDS.dkr, AddSecurityGroupIds: [groupId] },
    ]);
    expect(verdict(estate, PREFIX_LISTS)).toBe('COMPLIANT');
  });
});

it.each([
  [{ VpcId: 'vpc-xyz' }],
  [{ Services: 'ecr.api,ecs' }],
  [{ SubnetIds: 'subnet-1' }],
  [{ SecurityGroupId: 'default' }],
  [{ EnablePrivateDns: 'yes' }],
])('refuses %j', async (parameters) => {
  useWorld(baseEstate());
  await expect(
    runAutomation('CreateEcrVpcEndpoints', { parameters: { VpcId: VPC_ID, AutomationAssumeRole: ROLE_ARN, ...parameters } }),
  ).rejects.toThrow(InvalidParameterError);
});
