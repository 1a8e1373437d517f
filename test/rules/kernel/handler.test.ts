import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { DescribeRepositoriesCommand, ECRClient, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rule as tagImmutability } from '../../../rules/ecr-tag-immutability/rule.js';
import { createConfigRuleHandler } from '../../../rules/kernel/handler.js';
import { EVALUATION_ROLE_ENV } from '../../../rules/names.js';
import { AwsCallError, ConfigEventError, PutEvaluationsError, RuleParameterError } from '../../../rules/kernel/errors.js';
import { defineRule } from '../../../rules/kernel/types.js';
import {
  CAPTURE_TIME,
  CENTRAL_ACCOUNT,
  changeEvent,
  lambdaContext,
  MEMBER_ACCOUNT,
  NOTIFICATION_TIME,
  oversizedEvent,
  REGION,
  scheduledEvent,
} from '../../support/config-events.js';
import { ecrRepository, ecrRepositoryConfiguration } from '../../support/ecr.js';

const config = mockClient(ConfigServiceClient);
const ecr = mockClient(ECRClient);
const sts = mockClient(STSClient);
const noSleep = async () => undefined;

const repositoryItem = (name: string, configuration: Record<string, unknown> = {}, status = 'OK') => ({
  resourceType: 'AWS::ECR::Repository',
  resourceId: name,
  arn: `arn:aws:ecr:${REGION}:${MEMBER_ACCOUNT}:repository/${name}`,
  status,
  configuration: status.startsWith('ResourceDeleted') || status === 'ResourceNotRecorded' ? null : ecrRepositoryConfiguration(name, configuration),
});

/** Every Evaluation sent to Config, in order, across all PutEvaluations calls. */
function sentEvaluations() {
  return config.commandCalls(PutEvaluationsCommand).flatMap((call) => call.args[0].input.Evaluations ?? []);
}

beforeEach(() => {
  config.reset();
  ecr.reset();
  sts.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  delete process.env[EVALUATION_ROLE_ENV];
});
afterEach(() => {
  delete process.env[EVALUATION_ROLE_ENV];
});

describe('change-triggered evaluation', () => {
  it('evaluates the item and reports with the capture time as OrderingTimestamp', async () => {
    const handler = createConfigRuleHandler(tagImmutability);
    await handler(changeEvent(repositoryItem('payments/worker')), lambdaContext(MEMBER_ACCOUNT));

    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: changeEvent(null).resultToken,
      Evaluations: [
        {
          ComplianceResourceType: 'AWS::ECR::Repository',
          ComplianceResourceId: 'payments/worker',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining('MUTABLE'),
          OrderingTimestamp: new Date(CAPTURE_TIME),
        },
      ],
    });
    // Everything came from the item: no ECR call was needed.
    expect(ecr.calls()).toHaveLength(0);
  });

  it.each([
    ['ResourceDeleted', 'Configuration item status is ResourceDeleted'],
    ['ResourceDeletedNotRecorded', 'Configuration item status is ResourceDeletedNotRecorded'],
    ['ResourceNotRecorded', 'Configuration item status is ResourceNotRecorded'],
  ])('a %s item is NOT_APPLICABLE without collecting', async (status, annotation) => {
    const handler = createConfigRuleHandler(tagImmutability);
    await handler(changeEvent(repositoryItem('gone', {}, status)), lambdaContext(MEMBER_ACCOUNT));
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({ ComplianceResourceId: 'gone', ComplianceType: 'NOT_APPLICABLE', Annotation: expect.stringContaining(annotation) }),
    ]);
    expect(ecr.calls()).toHaveLength(0);
  });

  it('eventLeftScope makes the resource NOT_APPLICABLE', async () => {
    const handler = createConfigRuleHandler(tagImmutability);
    await handler(changeEvent(repositoryItem('moved'), { eventLeftScope: true }), lambdaContext(MEMBER_ACCOUNT));
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({ ComplianceResourceId: 'moved', ComplianceType: 'NOT_APPLICABLE', Annotation: 'The resource left the scope of this rule.' }),
    ]);
  });

  it('a resource type the rule does not evaluate is NOT_APPLICABLE', async () => {
    const handler = createConfigRuleHandler(tagImmutability);
    await handler(changeEvent({ resourceType: 'AWS::S3::Bucket', resourceId: 'my-bucket' }), lambdaContext(MEMBER_ACCOUNT));
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::S3::Bucket',
        ComplianceResourceId: 'my-bucket',
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: 'Rule ecr-tag-immutability evaluates AWS::ECR::Repository, not AWS::S3::Bucket.',
      }),
    ]);
  });

  it('a related resource type is handed to the rule, which evaluates the resource it concerns', async () => {
    // A rule about VPCs triggered by a subnet change: the evaluation is for the subnet's VPC.
    const vpcRule = defineRule<{ ExemptionTagKey: string }, { vpcIds: string[] }>({
      id: 'test-vpc-rule',
      title: 'test',
      description: 'A rule about VPCs, for the kernel tests.',
      permissions: ['ec2:DescribeVpcs'],
      controls: { securityHub: [], nist800190: [], nist80053: [] },
      resourceType: 'AWS::EC2::VPC',
      triggers: { changeResourceTypes: ['AWS::EC2::VPC', 'AWS::EC2::Subnet'] },
      parameters: {
        type: 'object',
        properties: { ExemptionTagKey: { type: 'string', default: 'x' } },
        required: ['ExemptionTagKey'],
        additionalProperties: false,
      },
      remediations: [{ runbook: 'X', resourceIdParameter: 'VpcId', summary: 'x' }],
      collector: {
        collectAll: async () => ({ vpcIds: [] }),
        collectForChange: async (item) => ({ vpcIds: [String(item.configuration?.vpcId)] }),
      },
      evaluate: (facts) => facts.vpcIds.map((id) => ({ resourceType: 'AWS::EC2::VPC', resourceId: id, complianceType: 'COMPLIANT', annotation: '' })),
    });
    const handler = createConfigRuleHandler(vpcRule);
    await handler(
      changeEvent({ resourceType: 'AWS::EC2::Subnet', resourceId: 'subnet-0a1b', configuration: { subnetId: 'subnet-0a1b', vpcId: 'vpc-0123' } }),
      lambdaContext(MEMBER_ACCOUNT),
    );
    expect(sentEvaluations()).toEqual([
      { ComplianceResourceType: 'AWS::EC2::VPC', ComplianceResourceId: 'vpc-0123', ComplianceType: 'COMPLIANT', OrderingTimestamp: new Date(CAPTURE_TIME) },
    ]);
  });

  it('fetches an oversized item with GetResourceConfigHistory (limit 1, later time = capture time)', async () => {
    config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        {
          version: '1.3',
          accountId: MEMBER_ACCOUNT,
          configurationItemCaptureTime: new Date(CAPTURE_TIME),
          configurationItemStatus: 'OK',
          arn: `arn:aws:ecr:${REGION}:${MEMBER_ACCOUNT}:repository/big`,
          resourceType: 'AWS::ECR::Repository',
          resourceId: 'big',
          resourceName: 'big',
          awsRegion: REGION,
          tags: { team: 'platform' },
          relationships: [],
          configuration: JSON.stringify(ecrRepositoryConfiguration('big', { ImageTagMutability: 'IMMUTABLE' })),
          supplementaryConfiguration: {},
        },
      ],
    });
    const handler = createConfigRuleHandler(tagImmutability);
    await handler(oversizedEvent('AWS::ECR::Repository', 'big'), lambdaContext(MEMBER_ACCOUNT));
    expect(config).toHaveReceivedCommandWith(GetResourceConfigHistoryCommand, {
      resourceType: 'AWS::ECR::Repository',
      resourceId: 'big',
      laterTime: new Date(CAPTURE_TIME),
      limit: 1,
    } as never);
    expect(sentEvaluations()).toEqual([expect.objectContaining({ ComplianceResourceId: 'big', ComplianceType: 'COMPLIANT' })]);
  });
});

describe('periodic evaluation', () => {
  it('evaluates every repository, orders by notification time and marks vanished resources NOT_APPLICABLE', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [ecrRepository('payments/api', { imageTagMutability: 'IMMUTABLE' }), ecrRepository('payments/worker')],
    });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [
        { EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'r', ResourceType: 'AWS::ECR::Repository', ResourceId: 'payments/api' } }, ComplianceType: 'COMPLIANT' },
        { EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'r', ResourceType: 'AWS::ECR::Repository', ResourceId: 'deleted/repo' } }, ComplianceType: 'NON_COMPLIANT' },
      ],
    });
    const handler = createConfigRuleHandler(tagImmutability);
    const summary = await handler(scheduledEvent({ configRuleName: 'ecr-guardrails-ecr-tag-immutability' }), lambdaContext(MEMBER_ACCOUNT));

    expect(config).toHaveReceivedCommandWith(GetComplianceDetailsByConfigRuleCommand, {
      ConfigRuleName: 'ecr-guardrails-ecr-tag-immutability',
      ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
    });
    expect(sentEvaluations().map((e) => [e.ComplianceResourceId, e.ComplianceType, e.OrderingTimestamp])).toEqual([
      ['payments/api', 'COMPLIANT', new Date(NOTIFICATION_TIME)],
      ['payments/worker', 'NON_COMPLIANT', new Date(NOTIFICATION_TIME)],
      ['deleted/repo', 'NOT_APPLICABLE', new Date(NOTIFICATION_TIME)],
    ]);
    expect(summary.evaluations).toHaveLength(3);
    // The Lambda response (what the runtime serialises) carries counts, not every evaluation.
    expect(JSON.parse(JSON.stringify(summary))).toEqual({
      messageType: 'ScheduledNotification',
      accountId: MEMBER_ACCOUNT,
      putEvaluationsCalls: 1,
      counts: { COMPLIANT: 1, NON_COMPLIANT: 1, NOT_APPLICABLE: 1 },
    });
  });

  it('sends 250 evaluations as 100, 100 and 50', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `team/repo-${String(i).padStart(3, '0')}`);
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: names.map((name) => ecrRepository(name)) });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const handler = createConfigRuleHandler(tagImmutability);
    const summary = await handler(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT));
    const batches = config.commandCalls(PutEvaluationsCommand).map((call) => call.args[0].input.Evaluations?.length);
    expect(batches).toEqual([100, 100, 50]);
    expect(summary.putEvaluationsCalls).toBe(3);
    expect(new Set(sentEvaluations().map((e) => e.ComplianceResourceId)).size).toBe(250);
  });

  it('uses ResultToken TESTMODE to set TestMode', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [ecrRepository('a')] });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const handler = createConfigRuleHandler(tagImmutability);
    await handler(scheduledEvent({ resultToken: 'TESTMODE' }), lambdaContext(MEMBER_ACCOUNT));
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, { ResultToken: 'TESTMODE', TestMode: true });
  });

  it('fails the invocation with the AWS error as cause when a collector call fails after retries', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    ecr.on(DescribeRepositoriesCommand).rejects(throttled);
    const handler = createConfigRuleHandler(tagImmutability);
    const failure = await handler(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect((failure as AwsCallError).message).toBe('ecr:DescribeRepositories failed: ThrottlingException: Rate exceeded');
    expect((failure as AwsCallError).cause).toBe(throttled);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});

describe('PutEvaluations', () => {
  it('sends FailedEvaluations again, only those', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [ecrRepository('a'), ecrRepository('b'), ecrRepository('c')] });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    config
      .on(PutEvaluationsCommand)
      .resolvesOnce({ FailedEvaluations: [{ ComplianceResourceType: 'AWS::ECR::Repository', ComplianceResourceId: 'b', ComplianceType: 'NON_COMPLIANT', OrderingTimestamp: new Date() }] })
      .resolves({ FailedEvaluations: [] });
    const handler = createConfigRuleHandler(tagImmutability, { sleep: noSleep });
    await handler(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT));
    const calls = config.commandCalls(PutEvaluationsCommand).map((call) => call.args[0].input.Evaluations?.map((e) => e.ComplianceResourceId));
    expect(calls).toEqual([['a', 'b', 'c'], ['b']]);
  });

  it('fails the invocation when Config keeps rejecting an evaluation', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [ecrRepository('a')] });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    config.on(PutEvaluationsCommand).resolves({
      FailedEvaluations: [{ ComplianceResourceType: 'AWS::ECR::Repository', ComplianceResourceId: 'a', ComplianceType: 'NON_COMPLIANT', OrderingTimestamp: new Date() }],
    });
    const handler = createConfigRuleHandler(tagImmutability, { sleep: noSleep });
    await expect(handler(scheduledEvent(), lambdaContext(MEMBER_ACCOUNT))).rejects.toThrow(
      new PutEvaluationsError('Config rejected 1 evaluation(s) after 3 retries: AWS::ECR::Repository/a.'),
    );
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 4);
  });
});

describe('rule parameters', () => {
  it.each([
    [{ AllowedExclusionFilters: 'latest,bad filter' }, 'AllowedExclusionFilters is "latest,bad filter": expected a comma-separated list of values matching ^[0-9a-zA-Z._*-]{1,128}$'],
    [{ ExemptionTagKey: '' }, 'ExemptionTagKey is "": expected a string matching'],
    [{ MaxImageAgeDays: '90' }, 'unknown parameter MaxImageAgeDays; this rule accepts AllowedExclusionFilters, ExemptionTagKey'],
  ])('invalid %j fails the invocation and reports nothing', async (ruleParameters, message) => {
    const handler = createConfigRuleHandler(tagImmutability);
    const failure = await handler(changeEvent(repositoryItem('a'), { ruleParameters }), lambdaContext(MEMBER_ACCOUNT)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuleParameterError);
    expect((failure as Error).message).toContain(message);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('applies valid parameters', async () => {
    const handler = createConfigRuleHandler(tagImmutability);
    await handler(
      changeEvent(
        repositoryItem('base', {
          ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          ImageTagMutabilityExclusionFilters: [{ ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'latest' }],
        }),
        { ruleParameters: { AllowedExclusionFilters: ' latest , nightly-* ' } },
      ),
      lambdaContext(MEMBER_ACCOUNT),
    );
    expect(sentEvaluations()).toEqual([expect.objectContaining({ ComplianceResourceId: 'base', ComplianceType: 'COMPLIANT' })]);
  });
});

describe('malformed events', () => {
  it.each([
    [null, 'The Lambda event is not an AWS Config rule event (expected an object).'],
    [{ ...scheduledEvent(), invokingEvent: '{not json' }, 'Config event field invokingEvent is not valid JSON'],
    [{ ...scheduledEvent(), invokingEvent: JSON.stringify({ messageType: 'Nope' }) }, 'Unsupported invokingEvent.messageType Nope'],
    [{ ...scheduledEvent(), resultToken: undefined }, 'Config event field resultToken is missing (expected a non-empty string).'],
  ])('%# rejects with a ConfigEventError', async (event, message) => {
    const handler = createConfigRuleHandler(tagImmutability);
    const failure = await handler(event, lambdaContext(MEMBER_ACCOUNT)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigEventError);
    expect((failure as Error).message).toContain(message);
  });
});

describe('cross-account evaluation', () => {
  const credentials = (key: string, expiresInMs: number) => ({
    Credentials: { AccessKeyId: key, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + expiresInMs) },
  });

  it('assumes the evaluation role in the member account and uses it to collect and to report', async () => {
    process.env[EVALUATION_ROLE_ENV] = 'EcrGuardrailsEvaluationRole';
    sts.on(AssumeRoleCommand).resolves(credentials('ASIAMEMBER', 3_600_000));
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [ecrRepository('a')] });
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const handler = createConfigRuleHandler(tagImmutability);
    await handler(scheduledEvent(), lambdaContext(CENTRAL_ACCOUNT));
    await handler(scheduledEvent(), lambdaContext(CENTRAL_ACCOUNT));

    // Cached per account: two invocations, one AssumeRole.
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/EcrGuardrailsEvaluationRole`,
      RoleSessionName: 'ecr-guardrails-ecr-tag-immutability',
    });
    const ecrClient = ecr.commandCalls(DescribeRepositoriesCommand)[0]?.thisValue as ECRClient;
    const configClient = config.commandCalls(PutEvaluationsCommand)[0]?.thisValue as ConfigServiceClient;
    expect((await ecrClient.config.credentials()).accessKeyId).toBe('ASIAMEMBER');
    expect((await configClient.config.credentials()).accessKeyId).toBe('ASIAMEMBER');
  });

  it('assumes again when cached credentials are close to expiry', async () => {
    process.env[EVALUATION_ROLE_ENV] = 'EcrGuardrailsEvaluationRole';
    sts.on(AssumeRoleCommand).resolvesOnce(credentials('ASIAOLD', 60_000)).resolves(credentials('ASIANEW', 3_600_000));
    const handler = createConfigRuleHandler(tagImmutability);
    await handler(changeEvent(repositoryItem('a'), { accountId: MEMBER_ACCOUNT }), lambdaContext(CENTRAL_ACCOUNT));
    await handler(changeEvent(repositoryItem('a'), { accountId: MEMBER_ACCOUNT }), lambdaContext(CENTRAL_ACCOUNT));
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    const lastClient = config.commandCalls(PutEvaluationsCommand)[1]?.thisValue as ConfigServiceClient;
    expect((await lastClient.config.credentials()).accessKeyId).toBe('ASIANEW');
  });

  it('does not assume a role for its own account', async () => {
    process.env[EVALUATION_ROLE_ENV] = 'EcrGuardrailsEvaluationRole';
    const handler = createConfigRuleHandler(tagImmutability);
    await handler(changeEvent(repositoryItem('a'), { accountId: CENTRAL_ACCOUNT }), lambdaContext(CENTRAL_ACCOUNT));
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
  });

  it('fails with the STS error as cause when the role cannot be assumed', async () => {
    process.env[EVALUATION_ROLE_ENV] = 'EcrGuardrailsEvaluationRole';
    const denied = Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' });
    sts.on(AssumeRoleCommand).rejects(denied);
    const handler = createConfigRuleHandler(tagImmutability);
    const failure = await handler(scheduledEvent({ accountId: '444455556666' }), lambdaContext(CENTRAL_ACCOUNT)).catch((error: unknown) => error);
    expect((failure as Error).message).toBe(
      'sts:AssumeRole arn:aws:iam::444455556666:role/EcrGuardrailsEvaluationRole failed: AccessDenied: not authorized to perform sts:AssumeRole',
    );
    expect((failure as Error).cause).toBe(denied);
  });
});
