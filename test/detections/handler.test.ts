import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { contextFromEnvironment, handleEvent, subject } from '../../detections/handler.js';
import { detection as tagMutability } from '../../detections/ecr-tag-mutability/detection.js';
import { detection as vpcDns } from '../../detections/vpc-dns-disabled/detection.js';
import { SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';

const sns = mockClient(SNSClient);
const topicArn = 'arn:aws:sns:eu-west-3:111122223333:EcrGuardrails-Alerts';
beforeEach(() => {
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
  });
});
