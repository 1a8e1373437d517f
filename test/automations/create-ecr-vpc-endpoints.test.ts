/**
 * CreateEcrVpcEndpoints, executed step by step against a stateful EC2 world: what it creates, what
 * it refuses, and that the rule agrees afterwards.
 */
import { CreateVpcEndpointCommand, DeleteSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { baseEstate, factsOf, IDS, securityGroup, tcp443, VPC_ID } from '../fixtures/ecr-vpc-endpoints/estate.js';
import { evaluate } from '../../rules/ecr-vpc-endpoints/evaluate.js';
import { bare, currentWorld, DEFAULTS, EXECUTION_ID, inputsOf, PRIVATE, restoreWorld, run, tagsFor, verdict } from '../fixtures/ecr-vpc-endpoints/runbook.js';
import { callsTo, mutatingCalls } from '../support/ssm/interpreter.js';

afterEach(restoreWorld);

describe('CreateEcrVpcEndpoints', () => {
  it('builds everything in a VPC that has nothing, and the rule then finds it COMPLIANT', async () => {
    const estate = bare();
    expect(verdict(estate)).toBe('NON_COMPLIANT');

    const result = await run(estate);

    expect(result.status, result.failureMessage).toBe('Success');
    expect(result.executedSteps).toEqual([
      'PlanEndpoints',
      'ChooseChanges',
      'CheckDnsSupport',
      'CheckDnsHostnames',
      'EnableDnsHostnames',
      'ApplyEndpoints',
      'WaitForEndpoints',
      'VerifyCompliance',
    ]);
    expect(result.outputs['PlanEndpoints.Summary']).toBe(
      'enable VPC DNS hostnames; create ecr.api interface endpoint in eu-west-3a, eu-west-3b, eu-west-3c; ' +
        'create ecr.dkr interface endpoint in eu-west-3a, eu-west-3b, eu-west-3c; create s3 gateway endpoint on ' +
        `${IDS.rtbPrivate}; create security group ecr-guardrails-vpc-endpoints admitting 443 from 10.0.0.0/16`,
    );
    expect(mutatingCalls(result).map((c) => c.api)).toEqual([
      'ModifyVpcAttribute',
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'CreateVpcEndpoint',
      'CreateVpcEndpoint',
      'CreateVpcEndpoint',
    ]);
    expect(inputsOf(result, 'ModifyVpcAttribute')).toEqual([{ VpcId: VPC_ID, EnableDnsHostnames: { Value: true } }]);
    const groupId = String(result.outputs['ApplyEndpoints.SecurityGroupId']);
    expect(inputsOf(result, 'CreateSecurityGroup')).toEqual([
      {
        GroupName: 'ecr-guardrails-vpc-endpoints',
        VpcId: VPC_ID,
        Description: 'ecr-guardrails: HTTPS from the VPC to its ECR and S3 interface endpoints',
        TagSpecifications: tagsFor('security-group', 'ecr-guardrails-vpc-endpoints'),
      },
    ]);
    expect(inputsOf(result, 'AuthorizeSecurityGroupIngress')).toEqual([
      {
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'VPC CIDR to VPC endpoints (ecr-guardrails)' }] }],
      },
    ]);
    // One subnet per workload AZ; in eu-west-3a the private subnet, not the public one.
    expect(inputsOf(result, 'CreateVpcEndpoint')).toEqual([
      {
        VpcId: VPC_ID,
        ServiceName: 'com.amazonaws.eu-west-3.ecr.api',
        VpcEndpointType: 'Interface',
        ClientToken: `${EXECUTION_ID}-ecr.api`,
        TagSpecifications: tagsFor('vpc-endpoint', 'ecr-guardrails ecr.api'),
        SubnetIds: PRIVATE,
        SecurityGroupIds: [groupId],
        PrivateDnsEnabled: true,
      },
      {
        VpcId: VPC_ID,
        ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr',
        VpcEndpointType: 'Interface',
        ClientToken: `${EXECUTION_ID}-ecr.dkr`,
        TagSpecifications: tagsFor('vpc-endpoint', 'ecr-guardrails ecr.dkr'),
        SubnetIds: PRIVATE,
        SecurityGroupIds: [groupId],
        PrivateDnsEnabled: true,
      },
      {
        VpcId: VPC_ID,
        ServiceName: 'com.amazonaws.eu-west-3.s3',
        VpcEndpointType: 'Gateway',
        ClientToken: `${EXECUTION_ID}-s3`,
        TagSpecifications: tagsFor('vpc-endpoint', 'ecr-guardrails s3'),
        RouteTableIds: [IDS.rtbPrivate],
      },
    ]);
    // The wait step polled until the new endpoints were available.
    expect(result.steps.find((s) => s.name === 'WaitForEndpoints')?.attempts).toBeGreaterThanOrEqual(1);
    expect(callsTo(result, 'DescribeVpcEndpoints').filter((c) => c.step === 'WaitForEndpoints').length).toBeGreaterThanOrEqual(2);
    expect(result.outputs['VerifyCompliance.Summary']).toMatch(/^VPC vpc-0a1b2c3d4e5f60001: endpoints vpce-\S+, vpce-\S+, vpce-\S+ available/);
    expect(verdict(estate)).toBe('COMPLIANT');
  });

  it('fixes what exists in place (AZ, private DNS, security group, route table) and creates only what is missing', async () => {
    const estate = baseEstate();
    const api = estate.endpoints.find((e) => e.VpcEndpointId === IDS.api)!;
    api.SubnetIds = [IDS.subnetA, IDS.subnetB];
    api.PrivateDnsEnabled = false;
    estate.endpoints = estate.endpoints.filter((e) => e.VpcEndpointId !== IDS.dkr);
    estate.endpoints.find((e) => e.VpcEndpointId === IDS.s3)!.RouteTableIds = [];
    // The endpoints' group admits 80 only; the project's group exists already and admits 443.
    estate.securityGroups = [
      securityGroup(IDS.sgEndpoints, [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }]),
      { ...securityGroup('sg-0c0ffee0000000001', [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/16' }] })]), GroupName: 'ecr-guardrails-vpc-endpoints' },
      securityGroup(IDS.sgApp, []),
    ];
    expect(verdict(estate)).toBe('NON_COMPLIANT');

    const result = await run(estate);

    expect(result.status, result.failureMessage).toBe('Success');
    // No CreateTags: the automation role may only tag while creating (automations/iam-scope.ts).
    expect(mutatingCalls(result).map((c) => c.api)).toEqual(['CreateVpcEndpoint', 'ModifyVpcEndpoint', 'ModifyVpcEndpoint']);
    expect(inputsOf(result, 'ModifyVpcEndpoint')).toEqual([
      { VpcEndpointId: IDS.api, AddSubnetIds: [IDS.subnetC], PrivateDnsEnabled: true, AddSecurityGroupIds: ['sg-0c0ffee0000000001'] },
      { VpcEndpointId: IDS.s3, AddRouteTableIds: [IDS.rtbPrivate] },
    ]);
    expect(inputsOf(result, 'CreateVpcEndpoint')).toEqual([
      expect.objectContaining({ ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr', SubnetIds: PRIVATE, SecurityGroupIds: ['sg-0c0ffee0000000001'] }),
    ]);
    expect(callsTo(result, 'CreateSecurityGroup')).toEqual([]);
    expect(result.outputs['ApplyEndpoints.ModifiedEndpointIds']).toEqual([IDS.api, IDS.s3]);
    expect(verdict(estate)).toBe('COMPLIANT');
  });

  it('changes nothing on a VPC that is already compliant', async () => {
    const estate = baseEstate();
    expect(verdict(estate)).toBe('COMPLIANT');

    const result = await run(estate);

    expect(result.status, result.failureMessage).toBe('Success');
    expect(result.executedSteps).toEqual(['PlanEndpoints', 'ChooseChanges', 'VerifyCompliance']);
    expect(result.outputs['PlanEndpoints.Summary']).toBe('nothing to change');
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('running it twice changes nothing the second time', async () => {
    const estate = bare();
    const first = await run(estate);
    expect(first.status, first.failureMessage).toBe('Success');
    currentWorld().restore();

    const second = await run(estate);

    expect(second.status, second.failureMessage).toBe('Success');
    expect(second.executedSteps).toEqual(['PlanEndpoints', 'ChooseChanges', 'VerifyCompliance']);
    expect(mutatingCalls(second)).toEqual([]);
    expect(estate.endpoints.filter((e) => e.VpcId === VPC_ID && /ecr\.(api|dkr)$|s3$/.test(e.ServiceName ?? ''))).toHaveLength(3);
  });

  it('enables DNS support before DNS hostnames', async () => {
    const estate = baseEstate();
    estate.dns[VPC_ID] = { support: false, hostnames: false };
    const result = await run(estate);
    expect(result.status, result.failureMessage).toBe('Success');
    expect(inputsOf(result, 'ModifyVpcAttribute')).toEqual([
      { VpcId: VPC_ID, EnableDnsSupport: { Value: true } },
      { VpcId: VPC_ID, EnableDnsHostnames: { Value: true } },
    ]);
    expect(mutatingCalls(result).map((c) => c.api)).toEqual(['ModifyVpcAttribute', 'ModifyVpcAttribute']);
  });

  it('cleans up what it created when a step fails midway, and the run fails', async () => {
    const estate = bare();
    const run1 = run(estate);
    // The second endpoint cannot be created (e.g. a quota).
    currentWorld().ec2
      .on(CreateVpcEndpointCommand, { ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr' })
      .rejects(Object.assign(new Error('You have reached the maximum number of VPC endpoints'), { name: 'VpcEndpointLimitExceeded' }));
    const result = await run1;

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/^ApplyEndpoints: .*VpcEndpointLimitExceeded/);
    expect(result.executedSteps).toEqual(['PlanEndpoints', 'ChooseChanges', 'CheckDnsSupport', 'CheckDnsHostnames', 'EnableDnsHostnames', 'ApplyEndpoints', 'CleanUp']);
    const created = callsTo(result, 'CreateSecurityGroup').length;
    expect(created).toBe(1);
    const deletedEndpoints = inputsOf(result, 'DeleteVpcEndpoints');
    expect(deletedEndpoints).toHaveLength(1);
    expect(deletedEndpoints[0]!.VpcEndpointIds).toHaveLength(1);
    expect(inputsOf(result, 'DeleteSecurityGroup')).toHaveLength(1);
    expect(result.outputs['CleanUp.DeletedEndpointIds']).toEqual(deletedEndpoints[0]!.VpcEndpointIds);
    // Nothing half-built is left; the endpoints and groups that were there before are untouched.
    expect(estate.endpoints.map((e) => e.VpcEndpointId)).toEqual(bare().endpoints.map((e) => e.VpcEndpointId));
    expect(estate.securityGroups.map((g) => g.GroupId)).toEqual([IDS.sgApp]);
  });

  it('cleans up when an endpoint never becomes available', async () => {
    const estate = bare();
    const pending = run(estate);
    currentWorld().ec2
      .on(CreateVpcEndpointCommand, { ServiceName: 'com.amazonaws.eu-west-3.ecr.api' })
      .callsFake((input) => {
        const endpoint = { VpcEndpointId: 'vpce-0bad00000000000b1', VpcId: input.VpcId, ServiceName: input.ServiceName, VpcEndpointType: 'Interface', State: 'failed', SubnetIds: input.SubnetIds, Groups: [], Tags: input.TagSpecifications?.[0]?.Tags };
        estate.endpoints.push(endpoint as never);
        return { VpcEndpoint: endpoint as never };
      });
    const result = await pending;

    expect(result.status).toBe('Failed');
    expect(result.executedSteps.slice(-2)).toEqual(['WaitForEndpoints', 'CleanUp']);
    expect(inputsOf(result, 'DeleteVpcEndpoints')[0]!.VpcEndpointIds).toHaveLength(3);
    expect(estate.endpoints.filter((e) => /ecr\.(api|dkr)$|s3$/.test(e.ServiceName ?? ''))).toEqual([]);
  });

  it('retries deleting its security group while the deleted endpoints\' interfaces linger (EC2 errors are plain ClientErrors in boto3)', async () => {
    const estate = bare();
    const pending = run(estate);
    currentWorld().ec2
      .on(CreateVpcEndpointCommand, { ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr' })
      .rejects(Object.assign(new Error('You have reached the maximum number of VPC endpoints'), { name: 'VpcEndpointLimitExceeded' }));
    // As on AWS: the first attempts fail while the endpoint's network interfaces are deleted.
    let attempts = 0;
    currentWorld().ec2.on(DeleteSecurityGroupCommand).callsFake((input) => {
      if (++attempts < 3) throw Object.assign(new Error('resource sg has a dependent object'), { name: 'DependencyViolation' });
      estate.securityGroups = estate.securityGroups.filter((g) => g.GroupId !== input.GroupId);
      return { Return: true, GroupId: input.GroupId };
    });
    const result = await pending;

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/^ApplyEndpoints: .*VpcEndpointLimitExceeded/);
    const cleanUp = result.steps.find((s) => s.name === 'CleanUp');
    expect(cleanUp?.status, cleanUp?.failureMessage).toBe('Success');
    expect(attempts).toBe(3);
    expect(result.outputs['CleanUp.DeletedSecurityGroupIds']).toHaveLength(1);
    expect(estate.securityGroups.map((g) => g.GroupId)).toEqual([IDS.sgApp]);
  });

  it('keeps the security group it created when a kept change added it to an endpoint that was there before', async () => {
    const estate = baseEstate();
    // ecr.api exists behind a group that does not admit 443; ecr.dkr is missing and its creation ends failed.
    estate.securityGroups = [securityGroup(IDS.sgEndpoints, []), securityGroup(IDS.sgApp, [])];
    estate.endpoints = estate.endpoints.filter((e) => e.VpcEndpointId !== IDS.dkr);
    const pending = run(estate, { Services: 'ecr.api,ecr.dkr' });
    currentWorld().ec2
      .on(CreateVpcEndpointCommand, { ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr' })
      .callsFake((input) => {
        const endpoint = { VpcEndpointId: 'vpce-0bad00000000000b1', VpcId: input.VpcId, ServiceName: input.ServiceName, VpcEndpointType: 'Interface', State: 'failed', SubnetIds: input.SubnetIds, Groups: (input.SecurityGroupIds ?? []).map((GroupId: string) => ({ GroupId })), Tags: input.TagSpecifications?.[0]?.Tags };
        estate.endpoints.push(endpoint as never);
        return { VpcEndpoint: endpoint as never };
      });
    const result = await pending;

    expect(result.status).toBe('Failed');
    expect(result.executedSteps.slice(-2)).toEqual(['WaitForEndpoints', 'CleanUp']);
    const cleanUp = result.steps.find((s) => s.name === 'CleanUp');
    expect(cleanUp?.status, cleanUp?.failureMessage).toBe('Success');
    const groupId = String(result.outputs['ApplyEndpoints.SecurityGroupId']);
    expect(inputsOf(result, 'ModifyVpcEndpoint')).toEqual([{ VpcEndpointId: IDS.api, AddSecurityGroupIds: [groupId] }]);
    expect(inputsOf(result, 'DeleteVpcEndpoints')).toEqual([{ VpcEndpointIds: ['vpce-0bad00000000000b1'] }]);
    // Not deleted (it would fail: the ecr.api endpoint uses it), reported as kept.
    expect(callsTo(result, 'DeleteSecurityGroup')).toEqual([]);
    expect(result.outputs['CleanUp.KeptSecurityGroupIds']).toEqual([groupId]);
    expect(estate.endpoints.find((e) => e.VpcEndpointId === IDS.api)?.Groups?.map((g) => g.GroupId)).toEqual([IDS.sgEndpoints, groupId]);
    expect(estate.securityGroups.map((g) => g.GroupId)).toContain(groupId);
  });

  it('creates the plain endpoint when only a FIPS one exists (its private DNS does not answer the plain names)', async () => {
    const estate = baseEstate();
    estate.endpoints.find((e) => e.VpcEndpointId === IDS.dkr)!.ServiceName = 'com.amazonaws.eu-west-3.ecr-fips.dkr';
    expect(verdict(estate)).toBe('NON_COMPLIANT');

    const result = await run(estate);

    expect(result.status, result.failureMessage).toBe('Success');
    expect(inputsOf(result, 'CreateVpcEndpoint')).toEqual([expect.objectContaining({ ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr', SubnetIds: PRIVATE })]);
    expect(verdict(estate)).toBe('COMPLIANT');
  });

  it('uses the given subnets and security group', async () => {
    const estate = bare();
    estate.securityGroups.push(securityGroup('sg-0abc000000000abc1', [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/8' }] })]));
    const result = await run(estate, { SubnetIds: `${IDS.subnetA}, ${IDS.subnetB}`, SecurityGroupId: 'sg-0abc000000000abc1', Services: 'ecr.dkr' });
    expect(inputsOf(result, 'CreateVpcEndpoint')).toEqual([
      expect.objectContaining({ ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr', SubnetIds: [IDS.subnetA, IDS.subnetB], SecurityGroupIds: ['sg-0abc000000000abc1'] }),
    ]);
    expect(callsTo(result, 'CreateSecurityGroup')).toEqual([]);
    // Subnets chosen by hand leave eu-west-3c uncovered: the verification says so.
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/^VerifyCompliance: .*would still not be compliant/);
  });

  it('resolves the FIPS endpoint service name before creating it', async () => {
    const estate = baseEstate();
    estate.endpoints = estate.endpoints.filter((e) => e.VpcEndpointId !== IDS.dkr);
    const result = await run(estate, { Services: 'ecr.api,ecr-fips.dkr,s3' }, { endpointServices: ['com.amazonaws.eu-west-3.ecr-fips.dkr'] });
    expect(result.status, result.failureMessage).toBe('Success');
    expect(inputsOf(result, 'DescribeVpcEndpointServices')[0]).toEqual({
      Filters: [{ Name: 'service-name', Values: ['com.amazonaws.eu-west-3.ecr-fips.dkr', 'com.amazonaws.eu-west-3.dkr.ecr-fips', 'com.amazonaws.eu-west-3.ecr.dkr-fips'] }],
    });
    // The project's security group is created for it (the other endpoints' group is not borrowed).
    expect(inputsOf(result, 'CreateSecurityGroup')).toHaveLength(1);
    expect(inputsOf(result, 'CreateVpcEndpoint')).toEqual([
      expect.objectContaining({ ServiceName: 'com.amazonaws.eu-west-3.ecr-fips.dkr', SecurityGroupIds: [result.outputs['ApplyEndpoints.SecurityGroupId']], ClientToken: `${EXECUTION_ID}-ecr-fips.dkr` }),
    ]);
    expect(evaluate(factsOf(estate), { ...DEFAULTS, RequiredServices: ['ecr.api', 'ecr-fips.dkr', 's3'] })[0]?.complianceType).toBe('COMPLIANT');
  });
});
