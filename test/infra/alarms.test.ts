/**
 * The failure signal (issue 17 item 3): each admin stack alarms on every Lambda's Errors and
 * Throttles and on the dead-letter queue's depth and oldest message, to the one alert topic
 * that also carries the detection alerts (issue 15), subscribed from the configuration.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ALERT_TOPIC_NAME, alarmNames, alertSubscriptions } from '../../infra/alerts.js';
import { functionName } from '../../infra/names.js';
import { RULES } from '../../rules/index.js';
import { defaultApp, type DefaultApp } from './default-app.js';
import { config, onlyResource, render, resourcesOfType, type CfnTemplate } from './support.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

let admin: DefaultApp['admin'];
beforeAll(() => {
  ({ admin } = defaultApp());
}, 120_000);

type Alarm = Record<string, unknown> & { AlarmName: string; AlarmActions: unknown[]; OKActions: unknown[]; Dimensions: { Name: string; Value: unknown }[] };
const alarms = (json: CfnTemplate) => resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([, p]) => p as Alarm);

describe('alert topic: one per admin stack, for alerts and alarms', () => {
  it('has exactly one topic, EcrGuardrails-Alerts, under a rotated customer-managed key CloudWatch may use for this account only', () => {
    for (const template of admin) {
      const json = template.toJSON() as CfnTemplate;
      const [topicId, topic] = onlyResource(json, 'AWS::SNS::Topic');
      expect(topic['TopicName']).toBe(ALERT_TOPIC_NAME);
      const [keyId, key] = onlyResource(json, 'AWS::KMS::Key');
      expect(topic['KmsMasterKeyId']).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(key['EnableKeyRotation']).toBe(true);
      const cloudwatch = (key['KeyPolicy'] as { Statement: { Sid?: string; Principal: unknown; Action: unknown; Condition?: unknown }[] }).Statement.find((s) => s.Sid === 'CloudWatchAlarmsPublish')!;
      expect(cloudwatch.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
      expect(cloudwatch.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      expect(render(cloudwatch.Condition)).toContain('aws:SourceAccount');
      const [, topicPolicy] = onlyResource(json, 'AWS::SNS::TopicPolicy');
      const publish = (topicPolicy['PolicyDocument'] as { Statement: { Sid?: string; Condition?: unknown }[] }).Statement.find((s) => s.Sid === 'CloudWatchAlarmsPublish')!;
      expect(render(publish.Condition)).toContain(':alarm:EcrGuardrails-*');
      expect((topicPolicy['Topics'] as unknown[])[0]).toEqual({ Ref: topicId });
    }
  });

  it('subscribes alerts.subscriptions and detections.subscriptions, each endpoint once', () => {
    const c = config({ alerts: { subscriptions: [{ protocol: 'email', endpoint: 'oncall@example.com' }, { protocol: 'email', endpoint: 'secops@example.com' }] } });
    expect(alertSubscriptions(c).map((s) => s.endpoint)).toEqual(['oncall@example.com', 'secops@example.com', 'https://global.sns-api.chatbot.amazonaws.com']);
    expect(config().alerts).toEqual({ subscriptions: [], deadLetterAgeAlarmSeconds: 86400 });
    expect(() => config({ alerts: { deadLetterAgeAlarmSeconds: 60 } })).toThrow(/alerts\.deadLetterAgeAlarmSeconds must be >= 300/);
  });
});

describe('failure alarms', () => {
  it.each(RULES.map((r) => [r.id]))('%s: Errors and Throttles of its Lambda, to the alert topic, in alarm and back to OK', (ruleId) => {
    for (const template of admin) {
      const json = template.toJSON() as CfnTemplate;
      const [topicId] = onlyResource(json, 'AWS::SNS::Topic');
      const [fnId] = onlyResource(json, 'AWS::Lambda::Function', (p) => p['FunctionName'] === functionName(ruleId));
      for (const [name, metric] of [[alarmNames.errors(ruleId), 'Errors'], [alarmNames.throttles(ruleId), 'Throttles']] as const) {
        const alarm = alarms(json).find((a) => a.AlarmName === name);
        expect(alarm, name).toBeDefined();
        expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: metric, Statistic: 'Sum', Period: 300, Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
        expect(alarm!.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: fnId } }]);
        expect(alarm!.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm!.OKActions).toEqual([{ Ref: topicId }]);
      }
    }
  });

  it('the detection Lambda is watched too', () => {
    for (const template of admin) {
      const names = alarms(template.toJSON() as CfnTemplate).map((a) => a.AlarmName);
      expect(names).toEqual(expect.arrayContaining([alarmNames.errors('Detections'), alarmNames.throttles('Detections')]));
    }
  });

  it('the dead-letter queue EcrGuardrails-RuleFailures: any message, and the oldest older than a day', () => {
    for (const template of admin) {
      const json = template.toJSON() as CfnTemplate;
      const [queueId, queue] = onlyResource(json, 'AWS::SQS::Queue');
      expect(queue['QueueName']).toBe('EcrGuardrails-RuleFailures');
      const depth = alarms(json).find((a) => a.AlarmName === alarmNames.deadLetters)!;
      expect(depth).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 1 });
      expect(depth.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]);
      const age = alarms(json).find((a) => a.AlarmName === alarmNames.deadLetterAge)!;
      expect(age).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Statistic: 'Maximum', Threshold: 86400 });
      expect(render(depth['AlarmDescription'])).toContain('ecr-guardrails redrive');
      // 2 per rule, 2 for the detection Lambda, 2 for the queue.
      expect(alarms(json)).toHaveLength(2 * RULES.length + 4);
    }
  });
});
