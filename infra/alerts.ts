/**
 * The failure signal of the admin stack (issue 17 item 3), one per region, beside the Lambdas
 * it watches: Config invokes the rule Lambdas asynchronously, so a failing evaluation is
 * otherwise silent (results go stale, events pile up in `EcrGuardrails-RuleFailures`).
 *
 * - `AlertTopic`: THE topic of the region, `EcrGuardrails-Alerts`. Detection alerts and
 *   failure alarms share it (one place to subscribe); its subscriptions come from the
 *   configuration (`alerts.subscriptions`, plus `detections.subscriptions`).
 *   Encrypted with a customer-managed key: CloudWatch cannot publish to a topic encrypted with
 *   the AWS managed key `aws/sns`, whose policy cannot be changed to let it
 *   (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services),
 *   so the key policy grants cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*
 *   for alarms of this account only.
 * - `FailureAlarms`: each Lambda's `Errors` and `Throttles`, and the dead-letter queue's depth
 *   (`ApproximateNumberOfMessagesVisible`) and oldest message (`ApproximateAgeOfOldestMessage`).
 *
 * The rule Lambdas all run in the admin account (central evaluation; member accounts hold
 * only the Config rules that invoke them), so the alarms and the topic live there, in each
 * region's admin stack, not in the member StackSets.
 */
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AlertSubscription, GuardrailsConfig } from './config.js';

export const ALERT_TOPIC_NAME = 'EcrGuardrails-Alerts';
/** Every alarm of the app is named `EcrGuardrails-...` (the key and topic policies name this pattern). */
export const ALARM_PREFIX = 'EcrGuardrails-';

/** The topic's subscriptions: `alerts.subscriptions` then `detections.subscriptions`, each protocol and endpoint once. */
export function alertSubscriptions(config: GuardrailsConfig): AlertSubscription[] {
  const seen = new Set<string>();
  return [...config.alerts.subscriptions, ...config.detections.subscriptions].filter((s) => {
    const key = `${s.protocol} ${s.endpoint}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The region's alert topic, its key, and its subscriptions. */
export class AlertTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: { config: GuardrailsConfig }) {
    super(scope, id);
    const alarmArns = `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${ALARM_PREFIX}*`;
    this.key = new kms.Key(this, 'Key', {
      description: 'ecr-guardrails: encrypts the alert topic (detection alerts and failure alarms).',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { topicName: ALERT_TOPIC_NAME, displayName: 'ecr-guardrails alerts', masterKey: this.key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnLike: { 'aws:SourceArn': alarmArns } },
      }),
    );
    // E-mail, HTTPS webhooks (chat integrations), SQS, Lambda.
    alertSubscriptions(props.config).forEach((subscription, index) => {
      new sns.Subscription(this, `Subscription${index}`, { topic: this.topic, protocol: subscription.protocol as sns.SubscriptionProtocol, endpoint: subscription.endpoint });
    });
  }

  /** Lets a publisher (the detection Lambda's role) publish: sns:Publish on the topic, and the key for it. */
  publishStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
      new iam.PolicyStatement({ sid: 'EncryptAlerts', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] }),
    ];
  }
}

export interface FailureAlarmsProps {
  config: GuardrailsConfig;
  topic: sns.ITopic;
  /** Name (used in the alarm name) -> function. */
  functions: ReadonlyMap<string, lambda.IFunction>;
  deadLetterQueue: sqs.IQueue;
}

/** Alarm names, so tests and docs agree with the stack. */
export const alarmNames = {
  errors: (name: string): string => `${ALARM_PREFIX}${name}-Errors`,
  throttles: (name: string): string => `${ALARM_PREFIX}${name}-Throttles`,
  deadLetters: `${ALARM_PREFIX}RuleFailures-Messages`,
  deadLetterAge: `${ALARM_PREFIX}RuleFailures-OldestMessage`,
} as const;

/** Errors and Throttles of each Lambda, depth and age of the dead-letter queue: to the alert topic, in alarm and back to OK. */
export class FailureAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: FailureAlarmsProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const period = Duration.minutes(5);
    const add = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, name, {
        alarmName: name,
        alarmDescription: `ecr-guardrails (${region}): ${description}`,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No invocations, no messages: nothing is failing.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(props.topic));
      alarm.addOkAction(new actions.SnsAction(props.topic));
      this.alarms.push(alarm);
    };
    for (const [name, fn] of props.functions) {
      add(alarmNames.errors(name), fn.metricErrors({ period, statistic: 'Sum' }), 1,
        `Lambda ${fn.functionName} failed an invocation (Config invokes it asynchronously: after two retries the event goes to the dead-letter queue). See its log group; redrive with \`ecr-guardrails redrive\` once fixed.`);
      add(alarmNames.throttles(name), fn.metricThrottles({ period, statistic: 'Sum' }), 1,
        `Lambda ${fn.functionName} was throttled (reserved concurrency reached): raise its reservedConcurrency if this repeats.`);
    }
    const queue = props.deadLetterQueue;
    add(alarmNames.deadLetters, queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }), 1,
      `events wait in the dead-letter queue ${queue.queueName}: an evaluation or detection failed after its retries. Fix the cause, then \`ecr-guardrails redrive --region ${region}\`.`);
    const age = props.config.alerts.deadLetterAgeAlarmSeconds;
    add(alarmNames.deadLetterAge, queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }), age,
      `the oldest event in ${queue.queueName} is more than ${age} s old and not redriven (messages are deleted after 14 days).`);
  }
}
