/**
 * `ecr-guardrails redrive` (issue 17 item 3): dead letters of EcrGuardrails-RuleFailures go
 * back to the Lambda that failed them. SQS's StartMessageMoveTask does not take dead-letter
 * queues whose source is Lambda
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html),
 * so messages are received and re-invoked; a Lambda dead letter's body is the event and its
 * attributes carry ErrorMessage (https://docs.aws.amazon.com/lambda/latest/dg/dlq.html).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { redriveDeadLetters, routeDeadLetter, ruleIdOfConfigRule } from '../../cli/redrive.js';
import { RULE_FAILURES_QUEUE_NAME } from '../../rules/names.js';
import { changeEvent, NOTIFICATION_TIME, scheduledEvent } from '../support/config-events.js';
import { runCli } from '../support/cli.js';

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const RULE_IDS = ['ecr-stale-images', 'ecr-tag-immutability'];
const NOW = new Date('2026-11-29T03:00:00.000Z');
const QUEUE_URL = 'https://sqs.eu-west-3.amazonaws.com/999988887777/EcrGuardrails-RuleFailures';

const scheduled = () => JSON.stringify(scheduledEvent({ configRuleName: 'ecr-guardrails-ecr-stale-images' }));
const change = () => JSON.stringify(changeEvent({ resourceType: 'AWS::ECR::Repository', resourceId: 'web' }, { configRuleName: 'ecr-guardrails-ecr-tag-immutability' }));
/** An EventBridge event as the detection rule forwards it. */
const detectionEvent = JSON.stringify({ version: '0', id: 'e1', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ecr', account: '111122223333', region: 'eu-west-3', time: '2026-11-29T02:00:00Z', resources: [], detail: {} });

const message = (id: string, body: string, error?: string): Message => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: body,
  ...(error ? { MessageAttributes: { ErrorMessage: { DataType: 'String', StringValue: error } } } : {}),
});

beforeEach(() => {
  sqs.reset();
  lambda.reset();
  sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
});

const run = (dryRun = false) => {
  const lines: string[] = [];
  return redriveDeadLetters({ sqs: new SQSClient({ region: 'eu-west-3' }), lambda: new LambdaClient({ region: 'eu-west-3' }) }, { queueName: RULE_FAILURES_QUEUE_NAME, ruleIds: RULE_IDS, max: 100, dryRun, now: () => NOW, report: (l) => lines.push(l) }).then((result) => ({ result, lines }));
};

describe('routing a dead letter', () => {
  it('names the rule of a StackSet or conformance-pack Config rule, and nothing else', () => {
    expect(ruleIdOfConfigRule('ecr-guardrails-ecr-stale-images', RULE_IDS)).toBe('ecr-stale-images');
    expect(ruleIdOfConfigRule('ecr-guardrails-ecr-stale-images-conformance-pack-a1b2c3d4', RULE_IDS)).toBe('ecr-stale-images');
    expect(ruleIdOfConfigRule('ecr-guardrails-ecr-stale-images-other', RULE_IDS)).toBeUndefined();
    expect(ruleIdOfConfigRule('someone-elses-rule', RULE_IDS)).toBeUndefined();
  });

  it('a periodic event goes to its rule Lambda as of now; a change event unchanged; an EventBridge event to the detection Lambda', () => {
    const periodic = routeDeadLetter(scheduled(), RULE_IDS, NOW);
    expect(periodic).toMatchObject({ functionName: 'EcrGuardrails-ecr-stale-images' });
    const payload = JSON.parse((periodic as { payload: string }).payload) as { invokingEvent: string; resultToken: string };
    expect(JSON.parse(payload.invokingEvent)).toMatchObject({ messageType: 'ScheduledNotification', notificationCreationTime: NOW.toISOString() });
    expect(NOTIFICATION_TIME).not.toBe(NOW.toISOString());
    expect(payload.resultToken).toBe(JSON.parse(scheduled()).resultToken);

    expect(routeDeadLetter(change(), RULE_IDS, NOW)).toEqual({ functionName: 'EcrGuardrails-ecr-tag-immutability', payload: change(), what: expect.stringContaining('ConfigurationItemChangeNotification') });
    expect(routeDeadLetter(detectionEvent, RULE_IDS, NOW)).toMatchObject({ functionName: 'EcrGuardrails-Detections', payload: detectionEvent });
  });

  it('leaves what it does not recognise', () => {
    expect(routeDeadLetter('not json', RULE_IDS, NOW)).toEqual({ reason: 'body is not JSON' });
    expect(routeDeadLetter('[1]', RULE_IDS, NOW)).toEqual({ reason: 'body is not a JSON object' });
    expect(routeDeadLetter('{"hello":1}', RULE_IDS, NOW)).toEqual({ reason: 'neither a Config rule event nor an EventBridge event' });
    expect(routeDeadLetter(JSON.stringify(scheduledEvent({ configRuleName: 'other-rule' })), RULE_IDS, NOW)).toMatchObject({ reason: expect.stringContaining('not one of this app') });
  });
});

describe('redriveDeadLetters', () => {
  it('re-invokes each known message asynchronously, deletes it once accepted, and makes the unknown one visible again', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('m1', scheduled(), 'Task timed out after 300.00 seconds'), message('m2', change()), message('m3', 'garbage')] })
      .resolvesOnce({ Messages: [message('m4', detectionEvent)] })
      .resolves({ Messages: [] });
    const { result, lines } = await run();
    expect(result).toEqual({ redriven: 3, left: 1, wouldRedrive: 0 });
    expect(lambda.commandCalls(InvokeCommand).map((c) => [c.args[0].input.FunctionName, c.args[0].input.InvocationType])).toEqual([
      ['EcrGuardrails-ecr-stale-images', 'Event'],
      ['EcrGuardrails-ecr-tag-immutability', 'Event'],
      ['EcrGuardrails-Detections', 'Event'],
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['rh-m1', 'rh-m2', 'rh-m4']);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => [c.args[0].input.ReceiptHandle, c.args[0].input.VisibilityTimeout])).toEqual([['rh-m3', 0]]);
    expect(sqs.commandCalls(GetQueueUrlCommand)[0]!.args[0].input.QueueName).toBe('EcrGuardrails-RuleFailures');
    expect(lines[0]).toContain('failed with: Task timed out');
    expect(lines.some((l) => l.startsWith('left    m3'))).toBe(true);
  });

  it('keeps a message whose invocation fails (and does not delete it)', async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message('m1', change())] }).resolves({ Messages: [] });
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const { result } = await run();
    expect(result).toEqual({ redriven: 0, left: 1, wouldRedrive: 0 });
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(1);
  });

  it('--dry-run invokes nothing and deletes nothing', async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message('m1', change()), message('m2', 'garbage')] }).resolves({ Messages: [] });
    const { result, lines } = await run(true);
    expect(result).toEqual({ redriven: 0, left: 2, wouldRedrive: 1 });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(lines[0]).toMatch(/^would {3}m1: ecr-tag-immutability .* -> EcrGuardrails-ecr-tag-immutability/);
  });
});

describe('ecr-guardrails redrive --help', () => {
  it('is listed in the overview and explains the queue, the exit status and the permissions', async () => {
    const overview = await runCli(['--help']);
    expect(overview.stdout).toMatch(/redrive\s+send the dead-letter queue/);
    const { code, stdout } = await runCli(['redrive', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('EcrGuardrails-RuleFailures');
    expect(stdout).toContain('--dry-run');
    expect(stdout).toContain('Exit status: 0 every message redriven');
    expect(stdout).toContain('lambda:InvokeFunction');
  });
});

describe('ecr-guardrails redrive: bad input', () => {
  it('without a region says so (not the SDK\'s "Region is missing" after a failed call) and exits 2', async () => {
    const { code, stderr } = await runCli(['redrive']);
    expect(code).toBe(2);
    expect(stderr).toBe('ecr-guardrails: error: No AWS region: pass --region or set AWS_REGION or a region in your profile.\n');
  });

  it('refuses a malformed --region before any call', async () => {
    const { code, stderr } = await runCli(['redrive', '--region', 'mars'], { AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 's' });
    expect(code).toBe(2);
    expect(stderr).toBe('ecr-guardrails: error: --region mars: expected a region name such as eu-west-3.\n');
  });

  it('documents the exit status it gives: errors exit 2, as for every command', async () => {
    const { stdout } = await runCli(['redrive', '--help']);
    expect(stdout.replace(/\s+/g, ' ')).toContain('Exit status: 0 every message redriven (or none waiting), 2 some left in the queue (listed) or an error.');
  });
});
