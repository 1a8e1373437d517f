import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigServiceClient, StartConfigRulesEvaluationCommand } from '@aws-sdk/client-config-service';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { OrganizationsClient, ListAccountsCommand } from '@aws-sdk/client-organizations';
import { OrganizationAccounts } from '../../detections/kernel/organization.js';
import { contextFromEnvironment, contextWithOrganization, followUpFromEnvironment, handleEvent, subject, type FollowUp } from '../../detections/handler.js';
import { detection as repositoryDeleted } from '../../detections/ecr-repository-deleted/detection.js';
import { detection as tagMutability } from '../../detections/ecr-tag-mutability/detection.js';
import { detection as vpcDns } from '../../detections/vpc-dns-disabled/detection.js';
import { ecrEvent, SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';

const sns = mockClient(SNSClient);
const hub = mockClient(SecurityHubClient);
const config = mockClient(ConfigServiceClient);
const memberCredentials = { accessKeyId: 'ASIAMEMBER', secretAccessKey: 'secret', sessionToken: 'token' };
const accounts: string[] = [];
const follow = (securityHub = true): FollowUp => ({
  partition: 'aws',
  securityHub,
  configRuleNames: { 'ecr-vpc-endpoints': 'ecr-guardrails-ecr-vpc-endpoints', 'ecr-tag-immutability': 'ecr-guardrails-ecr-tag-immutability' },
  credentials: async (account) => (accounts.push(account), memberCredentials),
});
const topicArn = 'arn:aws:sns:eu-west-3:111122223333:EcrGuardrails-Alerts';
beforeEach(() => {
  hub.reset();
  config.reset();
  accounts.length = 0;
  hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
  config.on(StartConfigRulesEvaluationCommand).resolves({});
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'b1a8c1e4-6a5e-5f9e-9f0c-1a2b3c4d5e6f' });
});

describe('detection Lambda', () => {
  it('publishes an actionable alert once, and suppresses the same change by the same actor within the window', async () => {
    const deps = { sns: new SNSClient({ region: 'eu-west-3' }), topicArn, context: SAMPLE_CONTEXT, now: 1_000_000 };
    const event = vpcDns.samples.positive[0]!.event;
    expect(await handleEvent(event, deps)).toEqual({ published: 1, suppressed: 0 });
    expect(await handleEvent({ ...event, id: 'redelivered' }, { ...deps, now: 1_000_000 + 60_000 })).toEqual({ published: 0, suppressed: 1 });
    expect(await handleEvent(event, { ...deps, now: 1_000_000 + 16 * 60_000 })).toEqual({ published: 1, suppressed: 0 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: topicArn,
      Subject: '[HIGH] VPC DNS support or hostnames turned off: vpc-0a1b2c3d4e5f60718 (111122223333)',
      Message: expect.stringContaining('Do: Private DNS of the VPC endpoints in vpc-0a1b2c3d4e5f60718 no longer resolves'),
    });
  });

  it('publishes nothing for a change that is not a risk', async () => {
    const result = await handleEvent(tagMutability.samples.negative[0]!.event, { sns: new SNSClient({ region: 'eu-west-3' }), topicArn, context: SAMPLE_CONTEXT });
    expect(result).toEqual({ published: 0, suppressed: 0 });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('publishes an event it cannot classify instead of dropping it', async () => {
    const broken = { ...tagMutability.samples.positive[0]!.event, detail: { ...tagMutability.samples.positive[0]!.event.detail, requestParameters: { imageTagMutability: 'MUTABLE' } } };
    expect(await handleEvent(broken, { sns: new SNSClient({ region: 'eu-west-3' }), topicArn, context: SAMPLE_CONTEXT })).toEqual({ published: 1, suppressed: 0 });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: '[HIGH] ecr-guardrails could not classify an event', Message: expect.stringContaining('requestParameters.repositoryName is missing') });
  });

  it('keeps SNS subjects within 100 ASCII characters', () => {
    const alert = tagMutability.classify(tagMutability.samples.positive[0]!.event, SAMPLE_CONTEXT)!;
    const long = subject({ ...alert, resourceId: `é${'x'.repeat(200)}` });
    expect(long).toHaveLength(100);
    expect(long).toMatch(/^[\x20-\x7e]+$/);
  });

  it('reads the organisation accounts from the environment', () => {
    expect(contextFromEnvironment({ ORGANIZATION_ACCOUNTS: '111122223333, 777788889999' }).organizationAccounts).toEqual(new Set(['111122223333', '777788889999']));
    expect(contextFromEnvironment({}).organizationAccounts).toBeUndefined();
    expect(contextFromEnvironment({ ORGANIZATION_ID: 'o-a1b2c3d4e5' }).organizationId).toBe('o-a1b2c3d4e5');
  });
});

describe('member-account follow-up', () => {
  const deps = () => ({ sns: new SNSClient({ region: 'eu-west-3' }), topicArn, context: SAMPLE_CONTEXT, now: 5_000_000_000 + Math.random() * 1e9 });

  it('imports the alert into Security Hub in the member account, with the rule and runbook, and re-evaluates the periodic related rule', async () => {
    const event = vpcDns.samples.positive[1]!.event;
    await handleEvent(event, { ...deps(), followUp: follow() });
    expect(accounts).toEqual(['111122223333']);
    expect(hub).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 1);
    const [finding] = hub.commandCalls(BatchImportFindingsCommand)[0]!.args[0].input.Findings!;
    expect(finding).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:eu-west-3:111122223333:product/111122223333/default',
      GeneratorId: 'ecr-guardrails/detections/vpc-dns-disabled',
      AwsAccountId: '111122223333',
      Severity: { Label: 'HIGH' },
      Resources: [{ Type: 'AwsEc2Vpc', Id: 'arn:aws:ec2:eu-west-3:111122223333:vpc/vpc-0a1b2c3d4e5f60718', Partition: 'aws', Region: 'eu-west-3' }],
      ProductFields: expect.objectContaining({ 'ecr-guardrails/RelatedRule': 'ecr-vpc-endpoints', 'ecr-guardrails/Actor': expect.stringContaining('assumed-role/'), 'ecr-guardrails/CloudTrailEvent': `ModifyVpcAttribute ${String(event.detail.eventID)}` }),
    });
    expect(config).toHaveReceivedCommandWith(StartConfigRulesEvaluationCommand, { ConfigRuleNames: ['ecr-guardrails-ecr-vpc-endpoints'] });
  });

  it('imports without re-evaluation when the detection has no related rule', async () => {
    await handleEvent(repositoryDeleted.samples.positive[0]!.event, { ...deps(), followUp: follow() });
    expect(hub).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 1);
    expect(config).not.toHaveReceivedCommand(StartConfigRulesEvaluationCommand);
  });

  it('fails the invocation (for a retry) after sending the alert when Security Hub rejects the finding', async () => {
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 1, SuccessCount: 0, FailedFindings: [{ Id: 'x', ErrorCode: 'InvalidInput', ErrorMessage: 'bad' }] });
    await expect(handleEvent(repositoryDeleted.samples.positive[1]!.event, { ...deps(), followUp: follow() })).rejects.toThrow(/Alerts were sent, but the member-account follow-up failed: securityhub:BatchImportFindings rejected/);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('on the retry of an invocation whose follow-up failed, runs the follow-up again without alerting twice', async () => {
    const retried = { ...deps(), followUp: follow() };
    const event = { ...tagMutability.samples.positive[0]!.event, id: 'retried-delivery' };
    hub.on(BatchImportFindingsCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
    await expect(handleEvent(event, retried)).rejects.toThrow(/follow-up failed/);
    // Lambda retries the same event (same id) a minute later, usually in the same execution environment.
    expect(await handleEvent(event, { ...retried, now: retried.now + 60_000 })).toEqual({ published: 0, suppressed: 1 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(hub).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 2);
    expect(config).toHaveReceivedCommandTimes(StartConfigRulesEvaluationCommand, 1);
    // A repeat from another event is still only suppressed.
    expect(await handleEvent({ ...event, id: 'another-delivery' }, { ...retried, now: retried.now + 120_000 })).toEqual({ published: 0, suppressed: 1 });
    expect(hub).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 2);
  });

  it('files a denied attempt in Security Hub without asking Config to re-evaluate (nothing changed)', async () => {
    const attempt = ecrEvent('PutImageTagMutability', { repositoryName: 'payments/denied', imageTagMutability: 'MUTABLE' }, { errorCode: 'AccessDenied' });
    await handleEvent(attempt, { ...deps(), followUp: follow() });
    expect(hub).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 1);
    expect(config).not.toHaveReceivedCommand(StartConfigRulesEvaluationCommand);
  });

  it('assumes no role when neither Security Hub nor a re-evaluation is due', async () => {
    await handleEvent(repositoryDeleted.samples.positive[0]!.event, { ...deps(), followUp: follow(false) });
    expect(accounts).toEqual([]);
  });

  it('reads its settings from the environment, and names a malformed rule-name map', () => {
    expect(followUpFromEnvironment({ SECURITY_HUB_FINDINGS: 'true', AWS_PARTITION: 'aws-us-gov', CONFIG_RULE_NAMES: '{"ecr-vpc-endpoints":"n"}' })).toMatchObject({ partition: 'aws-us-gov', securityHub: true, configRuleNames: { 'ecr-vpc-endpoints': 'n' } });
    expect(() => followUpFromEnvironment({ CONFIG_RULE_NAMES: '{' })).toThrow(/CONFIG_RULE_NAMES is not JSON/);
  });
});

describe('organisation accounts', () => {
  const organizations = mockClient(OrganizationsClient);
  beforeEach(() => organizations.reset());

  it('lists every page of the organisation (suspended accounts too) and caches it for an hour', async () => {
    organizations.on(ListAccountsCommand).resolvesOnce({ Accounts: [{ Id: '111122223333', Status: 'ACTIVE' }], NextToken: 'page-2' }).resolvesOnce({ Accounts: [{ Id: '777788889999', Status: 'SUSPENDED' }] });
    let now = 0;
    const accounts = new OrganizationAccounts(new OrganizationsClient({ region: 'eu-west-3' }), () => now);
    expect(await contextWithOrganization(accounts, {})).toMatchObject({ organizationAccounts: new Set(['111122223333', '777788889999']) });
    now = 59 * 60 * 1000;
    await accounts.get();
    expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
  });

  it('leaves the organisation unknown when the lookup fails, so other accounts are reported as not verified', async () => {
    organizations.on(ListAccountsCommand).rejects(Object.assign(new Error('You don\'t have permissions to access this resource.'), { name: 'AccessDeniedException' }));
    const context = await contextWithOrganization(new OrganizationAccounts(new OrganizationsClient({ region: 'eu-west-3' })), {});
    expect(context.organizationAccounts).toBeUndefined();
  });
});
