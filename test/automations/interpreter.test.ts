import { CreateVpcEndpointCommand, DescribeVpcEndpointsCommand, EC2Client, type State } from '@aws-sdk/client-ec2';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AutomationDocument, Step } from '../../automations/document.js';
import { InterpreterError, isMutatingApi, mutatingCalls, runAutomation } from '../support/ssm/interpreter.js';

const ec2 = mockClient(EC2Client);
const ecr = mockClient(ECRClient);
beforeEach(() => {
  ec2.reset();
  ecr.reset();
});

function doc(mainSteps: Step[], parameters: AutomationDocument['parameters'] = {}): AutomationDocument {
  return { schemaVersion: '0.3', assumeRole: '{{ AutomationAssumeRole }}', parameters, mainSteps };
}

const describeEndpoints: Step = {
  name: 'Describe',
  action: 'aws:executeAwsApi',
  inputs: { Service: 'ec2', Api: 'DescribeVpcEndpoints', Filters: [{ Name: 'vpc-id', Values: ['{{ VpcId }}'] }] },
  outputs: [
    { Name: 'Ids', Selector: '$.VpcEndpoints[*].VpcEndpointId', Type: 'StringList' },
    { Name: 'FirstState', Selector: '$.VpcEndpoints[0].State', Type: 'String' },
    { Name: 'Count', Selector: '$..ServiceName', Type: 'StringList' },
    { Name: 'Missing', Selector: '$.VpcEndpoints[5].State', Type: 'String' },
  ],
};
/** EC2 returns lowercase endpoint states on the wire although the SDK's enum type lists PascalCase. */
const state = (value: string): State => value as State;

const VPC = { VpcId: { type: 'String' as const, allowedPattern: '^vpc-[0-9a-f]+$' } };
const endpoints = {
  VpcEndpoints: [
    { VpcEndpointId: 'vpce-0a1', ServiceName: 'com.amazonaws.eu-west-3.ecr.api', State: state('available'), CreationTimestamp: new Date('2025-01-02T03:04:05Z') },
    { VpcEndpointId: 'vpce-0b2', ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr', State: state('pending') },
  ],
};

describe('interpreter', () => {
  it('substitutes parameters, calls the SDK, extracts outputs with selectors', async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves(endpoints);
    const result = await runAutomation(doc([describeEndpoints], VPC), { parameters: { VpcId: 'vpc-0abc' } });
    expect(result.status).toBe('Success');
    expect(ec2).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, { Filters: [{ Name: 'vpc-id', Values: ['vpc-0abc'] }] });
    expect(result.outputs).toEqual({
      'Describe.Ids': ['vpce-0a1', 'vpce-0b2'],
      'Describe.FirstState': 'available',
      'Describe.Count': ['com.amazonaws.eu-west-3.ecr.api', 'com.amazonaws.eu-west-3.ecr.dkr'],
    });
    expect(result.calls).toEqual([
      { step: 'Describe', service: 'ec2', api: 'DescribeVpcEndpoints', action: 'ec2:DescribeVpcEndpoints', input: { Filters: [{ Name: 'vpc-id', Values: ['vpc-0abc'] }] }, via: 'step' },
    ]);
  });

  it('passes StringList parameters and automation variables through', async () => {
    ec2.on(CreateVpcEndpointCommand).resolves({ VpcEndpoint: { VpcEndpointId: 'vpce-new' } });
    const result = await runAutomation(
      doc(
        [
          {
            name: 'Create',
            action: 'aws:executeAwsApi',
            inputs: { Service: 'ec2', Api: 'CreateVpcEndpoint', VpcId: 'vpc-1', ServiceName: 'x', SubnetIds: '{{ Subnets }}', ClientToken: '{{ automation:EXECUTION_ID }}-{{ global:REGION }}' },
            outputs: [{ Name: 'Id', Selector: '$.VpcEndpoint.VpcEndpointId' }],
          },
        ],
        { Subnets: { type: 'StringList', allowedPattern: '^subnet-\\w+$' } },
      ),
      { parameters: { Subnets: ['subnet-1', 'subnet-2'] }, variables: { 'automation:EXECUTION_ID': 'exec-1' } },
    );
    expect(ec2).toHaveReceivedCommandWith(CreateVpcEndpointCommand, { SubnetIds: ['subnet-1', 'subnet-2'], ClientToken: 'exec-1-eu-west-3' });
    expect(result.outputs['Create.Id']).toBe('vpce-new');
    expect(mutatingCalls(result).map((c) => c.api)).toEqual(['CreateVpcEndpoint']);
  });

  it('follows branches, Default, nextStep and isEnd', async () => {
    const steps: Step[] = [
      { name: 'Pick', action: 'aws:branch', inputs: { Choices: [{ NextStep: 'B', Variable: '{{ Flag }}', StringEquals: 'b' }, { NextStep: 'C', Or: [{ Variable: '{{ N }}', NumericGreater: 3 }, { Not: { Variable: '{{ Flag }}', StartsWith: 'x' } }] }], Default: 'A' } },
      { name: 'A', action: 'aws:sleep', inputs: { Duration: 'PT10M' }, isEnd: true },
      { name: 'B', action: 'aws:sleep', inputs: { Duration: 'PT10M' }, nextStep: 'D' },
      { name: 'C', action: 'aws:sleep', inputs: { Duration: 'PT10M' }, isEnd: true },
      { name: 'D', action: 'aws:sleep', inputs: { Duration: 'PT1S' } },
    ];
    const params = { Flag: { type: 'String' as const, allowedPattern: '.*' }, N: { type: 'Integer' as const } };
    const run = async (Flag: string, N: number): Promise<string[]> => (await runAutomation(doc(steps, params), { parameters: { Flag, N } })).executedSteps;
    expect(await run('b', 0)).toEqual(['Pick', 'B', 'D']);
    expect(await run('xa', 4)).toEqual(['Pick', 'C']);
    expect(await run('a', 0)).toEqual(['Pick', 'C']);
    expect(await run('xa', 0)).toEqual(['Pick', 'A']);
  });

  it('onFailure: Abort fails, Continue goes on, step:X jumps; isCritical decides the status', async () => {
    ec2.on(DescribeVpcEndpointsCommand).rejects(new Error('boom'));
    const failing = (onFailure: string, isCritical = true): Step => ({ ...describeEndpoints, outputs: [], onFailure, isCritical });
    const after: Step = { name: 'After', action: 'aws:sleep', inputs: { Duration: 'PT1S' }, isEnd: true };
    const rollback: Step = { name: 'Rollback', action: 'aws:sleep', inputs: { Duration: 'PT1S' }, isEnd: true };

    const abort = await runAutomation(doc([failing('Abort'), after, rollback], VPC), { parameters: { VpcId: 'vpc-1' } });
    expect([abort.status, abort.executedSteps, abort.failureMessage]).toEqual(['Failed', ['Describe'], 'Describe: boom']);

    const cont = await runAutomation(doc([failing('Continue'), after, rollback], VPC), { parameters: { VpcId: 'vpc-1' } });
    expect([cont.status, cont.executedSteps]).toEqual(['Failed', ['Describe', 'After']]);

    const nonCritical = await runAutomation(doc([failing('Continue', false), after, rollback], VPC), { parameters: { VpcId: 'vpc-1' } });
    expect([nonCritical.status, nonCritical.executedSteps]).toEqual(['Success', ['Describe', 'After']]);

    const jump = await runAutomation(doc([failing('step:Rollback'), after, rollback], VPC), { parameters: { VpcId: 'vpc-1' } });
    expect([jump.status, jump.executedSteps]).toEqual(['Failed', ['Describe', 'Rollback']]);
  });

  it('retries up to maxAttempts', async () => {
    ec2.on(DescribeVpcEndpointsCommand).rejectsOnce(new Error('throttled')).resolves(endpoints);
    const result = await runAutomation(doc([{ ...describeEndpoints, maxAttempts: 2 }], VPC), { parameters: { VpcId: 'vpc-1' } });
    expect(result.status).toBe('Success');
    expect(result.steps[0]?.attempts).toBe(2);
  });

  it('waits for a property by polling the mock, without sleeping, and times out after maxPolls', async () => {
    const wait: Step = { name: 'Wait', action: 'aws:waitForAwsResourceProperty', inputs: { Service: 'ec2', Api: 'DescribeVpcEndpoints', VpcEndpointIds: ['vpce-0b2'], PropertySelector: '$.VpcEndpoints[0].State', DesiredValues: ['available'] } };
    const pending = { VpcEndpoints: [{ VpcEndpointId: 'vpce-0b2', State: state('pending') }] };
    ec2.on(DescribeVpcEndpointsCommand).resolvesOnce(pending).resolvesOnce(pending).resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-0b2', State: state('available') }] });
    const started = Date.now();
    const ok = await runAutomation(doc([wait]));
    expect(ok.status).toBe('Success');
    expect(ec2).toHaveReceivedCommandTimes(DescribeVpcEndpointsCommand, 3);
    expect(Date.now() - started).toBeLessThan(2000);

    ec2.reset();
    ec2.on(DescribeVpcEndpointsCommand).resolves(pending);
    const timeout = await runAutomation(doc([wait]), { maxPolls: 4 });
    expect(timeout.status).toBe('Failed');
    expect(timeout.failureMessage).toBe('Wait: timed out after 4 polls: $.VpcEndpoints[0].State is pending (expected one of available)');
    expect(ec2).toHaveReceivedCommandTimes(DescribeVpcEndpointsCommand, 4);
  });

  it('simulates aws:approve as approved, rejected or cancelled', async () => {
    const steps: Step[] = [
      { name: 'Approve', action: 'aws:approve', inputs: { Approvers: ['arn:aws:iam::111122223333:role/Admin'], Message: 'Delete?' }, onFailure: 'step:Refused' },
      { name: 'Delete', action: 'aws:sleep', inputs: { Duration: 'PT1S' }, isEnd: true },
      { name: 'Refused', action: 'aws:sleep', inputs: { Duration: 'PT1S' }, isEnd: true },
    ];
    const approved = await runAutomation(doc(steps), { approvals: { Approve: 'Approved' } });
    expect([approved.status, approved.executedSteps, approved.outputs['Approve.ApprovalStatus']]).toEqual(['Success', ['Approve', 'Delete'], 'Approved']);
    const rejected = await runAutomation(doc(steps), { approvals: { Approve: 'Rejected' } });
    expect([rejected.status, rejected.executedSteps]).toEqual(['Failed', ['Approve', 'Refused']]);
    const cancelled = await runAutomation(doc(steps), { approvals: { Approve: 'Cancelled' } });
    expect([cancelled.status, cancelled.executedSteps]).toEqual(['Cancelled', ['Approve']]);
    await expect(runAutomation(doc(steps))).rejects.toThrow(InterpreterError);
  });

  it('runs python scripts with boto3 calls answered by the SDK mocks (calls, paginators, errors)', async () => {
    ecr
      .on(DescribeImagesCommand)
      .resolvesOnce({ imageDetails: [{ imageDigest: 'sha256:a', imagePushedAt: new Date('2025-01-01T00:00:00Z') }], nextToken: 't1' })
      .resolvesOnce({ imageDetails: [{ imageDigest: 'sha256:b' }] });
    ec2.on(CreateVpcEndpointCommand).rejects(Object.assign(new Error('no such vpc'), { name: 'InvalidVpcID.NotFound' }));
    const script = [
      '# iam: ecr:DescribeImages, ec2:CreateVpcEndpoint',
      'import boto3',
      'from botocore.exceptions import ClientError',
      '',
      'def handler(events, context):',
      "    ecr = boto3.client('ecr')",
      "    pages = ecr.get_paginator('describe_images').paginate(repositoryName=events['Repo'])",
      "    images = [i for page in pages for i in page['imageDetails']]",
      "    ec2 = boto3.client('ec2')",
      '    try:',
      "        ec2.create_vpc_endpoint(VpcId='vpc-1', ServiceName='s')",
      '        error = None',
      '    except ClientError as e:',
      "        error = e.response['Error']['Code']",
      "    print('not on the protocol stream')",
      "    return {'Digests': [i['imageDigest'] for i in images], 'PushedAt': images[0]['imagePushedAt'], 'Error': error, 'Run': context['automation:EXECUTION_ID']}",
    ].join('\n');
    const result = await runAutomation(
      doc([
        {
          name: 'Script',
          action: 'aws:executeScript',
          inputs: { Runtime: 'python3.11', Handler: 'handler', InputPayload: { Repo: '{{ Repo }}' }, Script: script },
          outputs: [
            { Name: 'Digests', Selector: '$.Payload.Digests', Type: 'StringList' },
            { Name: 'PushedAt', Selector: '$.Payload.PushedAt' },
            { Name: 'Error', Selector: '$.Payload.Error' },
            { Name: 'Run', Selector: '$.Payload.Run' },
          ],
        },
      ], { Repo: { type: 'String', allowedPattern: '.+' } }),
      { parameters: { Repo: 'app' } },
    );
    expect(result.failureMessage).toBeUndefined();
    expect(result.outputs).toMatchObject({
      'Script.Digests': ['sha256:a', 'sha256:b'],
      'Script.PushedAt': '2025-01-01T00:00:00.000Z',
      'Script.Error': 'InvalidVpcID.NotFound',
      'Script.Run': '11111111-2222-3333-4444-555555555555',
    });
    expect(ecr).toHaveReceivedNthCommandWith(DescribeImagesCommand, 2, { repositoryName: 'app', nextToken: 't1' });
    expect(result.calls.map((c) => [c.action, c.via])).toEqual([
      ['ecr:DescribeImages', 'script'],
      ['ec2:CreateVpcEndpoint', 'script'],
    ]);
  });

  it('fails a script step that calls an action it did not declare', async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves(endpoints);
    const script = "import boto3\n\ndef handler(events, context):\n    boto3.client('ec2').describe_vpc_endpoints()\n    return {}\n";
    const result = await runAutomation(doc([{ name: 'Script', action: 'aws:executeScript', inputs: { Runtime: 'python3.11', Handler: 'handler', Script: script } }]));
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toBe("Script: the script called ec2:DescribeVpcEndpoints without declaring it with '# iam:'");
    expect(ec2).not.toHaveReceivedCommand(DescribeVpcEndpointsCommand);
  });

  it('reports a reference to an output that was not produced as a step failure', async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves(endpoints);
    const result = await runAutomation(
      doc([describeEndpoints, { name: 'Use', action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: 'DescribeVpcEndpoints', VpcEndpointIds: ['{{ Describe.Missing }}'] } }], VPC),
      { parameters: { VpcId: 'vpc-1' } },
    );
    expect(result.failureMessage).toBe("Use: '{{ Describe.Missing }}' has no value (not a parameter, variable or produced output)");
  });

  it('classifies mutating APIs', () => {
    expect(['DescribeRepositories', 'GetLifecyclePolicy', 'ListImages', 'BatchGetImage'].map(isMutatingApi)).toEqual([false, false, false, false]);
    expect(['PutImageTagMutability', 'BatchDeleteImage', 'CreateVpcEndpoint', 'ModifyVpcEndpoint'].map(isMutatingApi)).toEqual([true, true, true, true]);
  });
});
