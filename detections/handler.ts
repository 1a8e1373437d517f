/**
 * The detection Lambda in the admin account: the rule on the central bus invokes it with each
 * forwarded event; it classifies the event with every matching detection, drops repeats
 * within the window, and publishes each alert to the SNS topic, a subject and a message a
 * person can act on. A classification error is published too (never a silent drop).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AUTOMATION_ROLE_NAME } from '../rules/names.js';
import { ClientFactory } from '../rules/kernel/clients.js';
import { awsCall, EcrGuardrailsError } from '../rules/kernel/errors.js';
import { DETECTIONS } from './index.js';
import { AlertDeduplicator } from './kernel/dedupe.js';
import { asEventBridgeEvent, detect, renderAlert } from './kernel/detect.js';
import type { Alert, DetectionContext } from './kernel/types.js';

/** Environment: the topic alerts go to, the dedupe window, the organisation's accounts. */
export const TOPIC_ENV = 'ALERT_TOPIC_ARN';
export const WINDOW_ENV = 'DEDUPE_WINDOW_SECONDS';
export const ORG_ACCOUNTS_ENV = 'ORGANIZATION_ACCOUNTS';

/** The Lambda's environment lacks a setting it needs. */
export class DetectionSetupError extends EcrGuardrailsError {}

const deduplicator = new AlertDeduplicator(Number(process.env[WINDOW_ENV] ?? '900') * 1000);

export function contextFromEnvironment(env: NodeJS.ProcessEnv = process.env): DetectionContext {
  const context: DetectionContext = { automationRoleName: AUTOMATION_ROLE_NAME };
  const accounts = env[ORG_ACCOUNTS_ENV]?.split(',').map((id) => id.trim()).filter(Boolean);
  if (accounts?.length) context.organizationAccounts = new Set(accounts);
  return context;
}

/** SNS subjects: ASCII, at most 100 characters. */
export function subject(alert: Alert): string {
  return `[${alert.severity}] ${alert.title}: ${alert.resourceId} (${alert.account})`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

export async function handleEvent(raw: unknown, deps: { sns: SNSClient; topicArn: string; context: DetectionContext; now?: number }): Promise<{ published: number; suppressed: number }> {
  let published = 0;
  let suppressed = 0;
  const send = (title: string, message: string) => awsCall('sns:Publish', () => deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, Subject: title, Message: message })));
  let results;
  try {
    const event = asEventBridgeEvent(raw, 'forwarded event');
    results = detect(event, deps.context, DETECTIONS);
  } catch (error) {
    await send('[HIGH] ecr-guardrails could not classify an event', `${(error as Error).message}\n\nEvent:\n${JSON.stringify(raw, null, 2).slice(0, 200_000)}`);
    return { published: 1, suppressed: 0 };
  }
  for (const { alert } of results) {
    if (!alert) continue;
    if (!deduplicator.offer(alert.dedupeKey, deps.now ?? Date.now())) {
      suppressed += 1;
      continue;
    }
    await send(subject(alert), `${renderAlert(alert)}\n\n${JSON.stringify(alert, null, 2)}`);
    published += 1;
  }
  return { published, suppressed };
}

export async function handler(event: unknown): Promise<{ published: number; suppressed: number }> {
  const topicArn = process.env[TOPIC_ENV];
  if (!topicArn) throw new DetectionSetupError(`${TOPIC_ENV} is not set: the detection Lambda needs the alert topic.`);
  const sns = new ClientFactory(process.env.AWS_REGION ?? 'us-east-1').get(SNSClient);
  return handleEvent(event, { sns, topicArn, context: contextFromEnvironment() });
}
