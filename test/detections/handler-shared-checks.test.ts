/**
 * The detection Lambda's checks between classify and publish: the VPC endpoint-reliance check
 * (DNS detections alert only for VPCs relying on ECR or S3 endpoints; a failed check keeps
 * the alert) and the shared DynamoDB dedupe table (a repeat seen by another execution
 * environment is dropped; an unreachable table never stops an alert).
 */
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { dedupeTableFromEnvironment, handleEvent, windowSeconds, type HandlerDeps } from '../../detections/handler.js';
import { DedupeTable } from '../../detections/kernel/dedupe-table.js';
import type { EndpointFact, EndpointLookup } from '../../detections/kernel/endpoint-reliance.js';
import { SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';
import { detection as tagMutability } from '../../detections/ecr-tag-mutability/detection.js';
import { detection as vpcDns } from '../../detections/vpc-dns-disabled/detection.js';
import { detection as resolution } from '../../detections/vpc-dns-resolution-changed/detection.js';
import type { Logger } from '../../rules/kernel/logger.js';

const sns = mockClient(SNSClient);
const dynamo = mockClient(DynamoDBClient);
const topicArn = 'arn:aws:sns:eu-west-3:111122223333:EcrGuardrails-Alerts';
const logs: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
const logger: Logger = {
  debug: (message, extra) => logs.push({ level: 'debug', message, ...(extra ? { extra } : {}) }),
  info: (message, extra) => logs.push({ level: 'info', message, ...(extra ? { extra } : {}) }),
  warn: (message, extra) => logs.push({ level: 'warn', message, ...(extra ? { extra } : {}) }),
  error: (message, extra) => logs.push({ level: 'error', message, ...(extra ? { extra } : {}) }),
};
// Each test uses its own time far from the others, so the in-memory filter never links them.
let clock = 10_000_000_000;
const deps = (extra: Partial<HandlerDeps> = {}): HandlerDeps => ({ sns: new SNSClient({ region: 'eu-west-3' }), topicArn, context: SAMPLE_CONTEXT, now: (clock += 100_000_000), logger, ...extra });
const table = () => new DedupeTable(new DynamoDBClient({ region: 'eu-west-3' }), 'EcrGuardrails-Dedupe', 900);
const dkr: EndpointFact = { id: 'vpce-0dkr', serviceName: 'com.amazonaws.eu-west-3.ecr.dkr', type: 'Interface', state: 'available', privateDnsEnabled: true };

beforeEach(() => {
  sns.reset();
  dynamo.reset();
  logs.length = 0;
  sns.on(PublishCommand).resolves({ MessageId: 'b1a8c1e4-6a5e-5f9e-9f0c-1a2b3c4d5e6f' });
  dynamo.on(PutItemCommand).resolves({});
});

describe('shared deduplication', () => {
  it('claims the key in the table before publishing the first alert', async () => {
    const event = tagMutability.samples.positive[0]!.event;
    expect(await handleEvent(event, deps({ dedupeTable: table() }))).toEqual({ published: 1, suppressed: 0 });
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, { TableName: 'EcrGuardrails-Dedupe', Item: expect.objectContaining({ eventId: { S: event.id } }) });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('suppresses a duplicate another execution environment already sent (ConditionalCheckFailed)', async () => {
    dynamo.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const event = { ...tagMutability.samples.positive[0]!.event, id: 'other-delivery' };
    expect(await handleEvent(event, deps({ dedupeTable: table() }))).toEqual({ published: 0, suppressed: 1 });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('suppresses a duplicate in the same environment without asking the table', async () => {
    const event = resolution.samples.positive[0]!.event;
    const first = deps({ dedupeTable: table() });
    expect(await handleEvent(event, first)).toEqual({ published: 1, suppressed: 0 });
    expect(await handleEvent({ ...event, id: 'redelivered' }, { ...first, now: first.now! + 60_000 })).toEqual({ published: 0, suppressed: 1 });
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('still sends the alert, and logs why, when the table cannot be written', async () => {
    dynamo.on(PutItemCommand).rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));
    expect(await handleEvent(tagMutability.samples.positive[0]!.event, deps({ dedupeTable: table() }))).toEqual({ published: 1, suppressed: 0 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(logs).toContainEqual({ level: 'warn', message: 'Shared deduplication unavailable; alert sent anyway', extra: { detectionId: 'ecr-tag-mutability', reason: 'dynamodb:PutItem on EcrGuardrails-Dedupe failed: TimeoutError: connect ETIMEDOUT' } });
  });

  it('sends the alert on a retry after a failed publish (the failed attempt is not remembered as sent)', async () => {
    const event = { ...tagMutability.samples.positive[0]!.event, id: 'retry-me' };
    const d = deps({ dedupeTable: table() });
    sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' })).resolves({ MessageId: 'm' });
    await expect(handleEvent(event, d)).rejects.toThrow(/sns:Publish/);
    expect(await handleEvent(event, { ...d, now: d.now! + 30_000 })).toEqual({ published: 1, suppressed: 0 });
    // Both attempts claimed for the same event id: the table admits the retry of its own event.
    expect(dynamo.commandCalls(PutItemCommand).map((c) => c.args[0].input.Item!['eventId'])).toEqual([{ S: 'retry-me' }, { S: 'retry-me' }]);
  });

  it('reads the table and window from the environment; window 0 or no table means in-memory only; a bad window is a setup error', () => {
    const client = new DynamoDBClient({ region: 'eu-west-3' });
    expect(dedupeTableFromEnvironment(client, { DEDUPE_TABLE_NAME: 't', DEDUPE_WINDOW_SECONDS: '600' })).toBeInstanceOf(DedupeTable);
    expect(dedupeTableFromEnvironment(client, { DEDUPE_TABLE_NAME: 't', DEDUPE_WINDOW_SECONDS: '0' })).toBeUndefined();
    expect(dedupeTableFromEnvironment(client, { DEDUPE_WINDOW_SECONDS: '600' })).toBeUndefined();
    expect(windowSeconds({})).toBe(900);
    expect(() => windowSeconds({ DEDUPE_WINDOW_SECONDS: '15m' })).toThrow(/DEDUPE_WINDOW_SECONDS is "15m"/);
  });
});

describe('endpoint reliance', () => {
  const lookupOf = (endpoints: EndpointFact[]): EndpointLookup & { calls: string[][] } => {
    const calls: string[][] = [];
    return Object.assign(async (account: string, region: string, vpc: string) => (calls.push([account, region, vpc]), endpoints), { calls });
  };

  it('drops the DNS alert of a VPC that relies on no ECR or S3 endpoint, logged at info, and claims nothing', async () => {
    const lookup = lookupOf([]);
    expect(await handleEvent(vpcDns.samples.positive[0]!.event, deps({ endpointLookup: lookup, dedupeTable: table() }))).toEqual({ published: 0, suppressed: 1 });
    expect(lookup.calls).toEqual([['111122223333', 'eu-west-3', 'vpc-0a1b2c3d4e5f60718']]);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
    expect(logs.map((l) => [l.level, l.message])).toEqual([['info', 'Alert dropped: the VPC relies on no ECR or S3 endpoint']]);
  });

  it('sends the alert naming the endpoints when the VPC relies on them', async () => {
    expect(await handleEvent(resolution.samples.positive[1]!.event, deps({ endpointLookup: lookupOf([dkr]) }))).toEqual({ published: 1, suppressed: 0 });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Message: expect.stringContaining('Do: vpc-0a1b2c3d4e5f60718 relies on vpce-0dkr (com.amazonaws.eu-west-3.ecr.dkr).') });
  });

  it('keeps the alert, saying reliance could not be checked, when the lookup is denied', async () => {
    const denied: EndpointLookup = async () => {
      throw new Error('ec2:DescribeVpcEndpoints failed: UnauthorizedOperation');
    };
    expect(await handleEvent(vpcDns.samples.positive[0]!.event, deps({ endpointLookup: denied }))).toEqual({ published: 1, suppressed: 0 });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Message: expect.stringContaining('could not be checked (ec2:DescribeVpcEndpoints failed: UnauthorizedOperation)') });
    expect(logs.map((l) => l.level)).toEqual(['warn']);
  });

  it('does not check detections that do not ask for it', async () => {
    const lookup = lookupOf([]);
    expect(await handleEvent(tagMutability.samples.positive[0]!.event, deps({ endpointLookup: lookup }))).toEqual({ published: 1, suppressed: 0 });
    expect(lookup.calls).toEqual([]);
  });
});
