/**
 * Redrive of the admin stack's dead-letter queue (`EcrGuardrails-RuleFailures`): each message
 * goes back to the Lambda that failed it, asynchronously as before, and leaves the queue once
 * Lambda has accepted it.
 *
 * SQS's own redrive (StartMessageMoveTask) is no use here: it only moves messages of
 * dead-letter queues whose sources are other SQS queues, "Non-SQS queue sources of dead-letter
 * queues, such as AWS Lambda or Amazon SNS topics, are currently not supported"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html).
 * So the messages are received and re-invoked. "For dead-letter queues, Lambda only sends the
 * content of the event" (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
 * the body is the original event, with RequestID, ErrorCode and ErrorMessage message attributes
 * (https://docs.aws.amazon.com/lambda/latest/dg/dlq.html). EventBridge dead letters are the event too. The body says which function it was for:
 * - a Config rule event (`configRuleName`, `invokingEvent`): the rule's central Lambda
 *   (`ecr-guardrails-<id>`, or the conformance pack's `ecr-guardrails-<id>-conformance-pack-...`);
 * - an EventBridge event (`source`, `detail-type`): the detection Lambda.
 * Anything else, or a rule id this build does not know, stays in the queue and is reported.
 *
 * A periodic (ScheduledNotification) event is re-sent with `notificationCreationTime` set to
 * the redrive time: the kernel evaluates a periodic run as of that time and reports it as the
 * ordering timestamp, and the facts are collected now, so an old time would judge today's
 * images by an old clock (an image that is stale now could pass). Change events are re-sent
 * unchanged: their ordering timestamp is the configuration item's capture time, which lets
 * Config keep a newer result.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { awsCall } from '../rules/kernel/errors.js';
import { CONFIG_RULE_PREFIX, DETECTION_FUNCTION_NAME, FUNCTION_PREFIX } from '../rules/names.js';

/** Where one dead letter goes, or why it stays. */
export type Route = { functionName: string; payload: string; what: string } | { reason: string };

/** The rule id of a Config rule name this app deploys (StackSet or conformance pack), if any. */
export function ruleIdOfConfigRule(configRuleName: string, ruleIds: readonly string[]): string | undefined {
  return ruleIds.find((id) => {
    const name = `${CONFIG_RULE_PREFIX}${id}`;
    return configRuleName === name || configRuleName.startsWith(`${name}-conformance-pack-`);
  });
}

/** Pure: which function a dead letter's body goes back to, and with which payload. */
export function routeDeadLetter(body: string | undefined, ruleIds: readonly string[], now: Date): Route {
  let event: unknown;
  try {
    event = JSON.parse(body ?? '');
  } catch {
    return { reason: 'body is not JSON' };
  }
  if (!event || typeof event !== 'object' || Array.isArray(event)) return { reason: 'body is not a JSON object' };
  const e = event as Record<string, unknown>;
  if (typeof e['configRuleName'] === 'string' && typeof e['invokingEvent'] === 'string') {
    const ruleId = ruleIdOfConfigRule(e['configRuleName'], ruleIds);
    if (!ruleId) return { reason: `Config rule ${e['configRuleName']} is not one of this app's rules (${ruleIds.join(', ')})` };
    let invoking: Record<string, unknown>;
    try {
      invoking = JSON.parse(e['invokingEvent']) as Record<string, unknown>;
    } catch {
      return { reason: `Config rule ${e['configRuleName']}: invokingEvent is not JSON` };
    }
    const messageType = typeof invoking['messageType'] === 'string' ? invoking['messageType'] : 'unknown';
    const account = typeof e['accountId'] === 'string' ? e['accountId'] : 'unknown account';
    let payload = body!;
    if (messageType === 'ScheduledNotification') {
      payload = JSON.stringify({ ...e, invokingEvent: JSON.stringify({ ...invoking, notificationCreationTime: now.toISOString() }) });
    }
    return { functionName: `${FUNCTION_PREFIX}${ruleId}`, payload, what: `${ruleId} ${messageType} for ${account}` };
  }
  if (typeof e['source'] === 'string' && typeof e['detail-type'] === 'string') {
    return { functionName: DETECTION_FUNCTION_NAME, payload: body!, what: `detection event ${e['source']} ${e['detail-type']}${typeof e['account'] === 'string' ? ` from ${e['account']}` : ''}` };
  }
  return { reason: 'neither a Config rule event nor an EventBridge event' };
}

export interface RedriveOptions {
  queueName: string;
  ruleIds: readonly string[];
  /** Stop after this many messages. */
  max: number;
  /** List what would be redriven; invoke nothing, delete nothing. */
  dryRun: boolean;
  now?: () => Date;
  /** One line per message. */
  report?: (line: string) => void;
}

export interface RedriveResult {
  redriven: number;
  /** Left in the queue: unknown body, failed invocation, or dry run. */
  left: number;
  /** Dry run: messages that would be redriven. */
  wouldRedrive: number;
}

/** How long a received message stays invisible while this run handles it (seconds). */
const VISIBILITY_SECONDS = 120;

/**
 * Receives the queue's messages (10 at a time, up to `max`), re-invokes each known one
 * asynchronously (InvocationType Event: Lambda's retries and this dead-letter queue apply
 * again) and deletes it once Lambda accepted it. Messages left are made visible again at the
 * end, so the alarm keeps counting them and a later run sees them.
 */
export async function redriveDeadLetters(clients: { sqs: SQSClient; lambda: LambdaClient }, options: RedriveOptions): Promise<RedriveResult> {
  const report = options.report ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const { QueueUrl: queueUrl } = await awsCall(`sqs:GetQueueUrl ${options.queueName}`, () => clients.sqs.send(new GetQueueUrlCommand({ QueueName: options.queueName })));
  if (!queueUrl) throw new Error(`sqs:GetQueueUrl returned no URL for ${options.queueName}`);
  const leftBehind: Message[] = [];
  let redriven = 0;
  let wouldRedrive = 0;
  let seen = 0;
  while (seen < options.max) {
    const { Messages: messages = [] } = await awsCall(`sqs:ReceiveMessage ${options.queueName}`, () =>
      clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, options.max - seen),
          VisibilityTimeout: VISIBILITY_SECONDS,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      ),
    );
    if (messages.length === 0) break;
    for (const message of messages) {
      seen++;
      const route = routeDeadLetter(message.Body, options.ruleIds, now());
      const error = message.MessageAttributes?.['ErrorMessage']?.StringValue;
      const because = error ? ` (failed with: ${error})` : '';
      if ('reason' in route) {
        report(`left    ${message.MessageId}: ${route.reason}`);
        leftBehind.push(message);
        continue;
      }
      if (options.dryRun) {
        report(`would   ${message.MessageId}: ${route.what} -> ${route.functionName}${because}`);
        wouldRedrive++;
        leftBehind.push(message);
        continue;
      }
      try {
        await awsCall(`lambda:Invoke ${route.functionName}`, () =>
          clients.lambda.send(new InvokeCommand({ FunctionName: route.functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(route.payload) })),
        );
      } catch (failure) {
        report(`left    ${message.MessageId}: ${route.what}: ${(failure as Error).message}`);
        leftBehind.push(message);
        continue;
      }
      await awsCall(`sqs:DeleteMessage ${options.queueName}`, () => clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle })));
      redriven++;
      report(`redrove ${message.MessageId}: ${route.what} -> ${route.functionName}${because}`);
    }
  }
  for (const message of leftBehind) {
    await awsCall(`sqs:ChangeMessageVisibility ${options.queueName}`, () =>
      clients.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
    );
  }
  return { redriven, left: leftBehind.length, wouldRedrive };
}
