/**
 * Runs events through the detections: which patterns match (as EventBridge would), and the
 * alert each matching detection's classifier raises. Used by the CLI and the detection Lambda.
 */
import { deniedCode, DetectionEventError } from './cloudtrail.js';
import { severityRank } from '../../rules/kernel/severity.js';
import { matchesPattern } from './match.js';
import type { Alert, Detection, DetectionContext, EventBridgeEvent } from './types.js';

export interface DetectionResult {
  detection: Detection;
  /** Undefined when the pattern matched but the change is not a risk (e.g. set back to IMMUTABLE). */
  alert: Alert | undefined;
}

const ENVELOPE = ['id', 'detail-type', 'source', 'account', 'time', 'region'] as const;

/** Checks the EventBridge envelope (the fields TestEventPattern also requires). */
export function asEventBridgeEvent(value: unknown, origin: string): EventBridgeEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DetectionEventError(`${origin}: expected an EventBridge event (a JSON object), got ${Array.isArray(value) ? 'an array' : typeof value}.`);
  const record = value as Record<string, unknown>;
  const missing = ENVELOPE.filter((field) => typeof record[field] !== 'string');
  if (missing.length > 0) throw new DetectionEventError(`${origin}: not an EventBridge event; missing string field(s) ${missing.join(', ')} (an event as EventBridge delivers it, with "detail" holding the CloudTrail record).`);
  if (typeof record.detail !== 'object' || record.detail === null) throw new DetectionEventError(`${origin}: "detail" must be an object.`);
  return { resources: [], ...record } as unknown as EventBridgeEvent;
}

/**
 * The detection's verdict on the event. Classifiers see only calls that took effect (a failed
 * call changed nothing); a call refused for lack of permission (`deniedCode`) is classified as
 * if it had succeeded, and what it would have changed is reported as a denied attempt: the
 * title and change say "attempt denied; had it succeeded: ...", severity MEDIUM when the change would
 * have been HIGH or CRITICAL and LOW otherwise, no runbook (there is nothing to restore), and a
 * key apart from the change's own. Other failures (not found, validation, DryRunOperation)
 * report nothing.
 */
export function classifyEvent(detection: Detection, event: EventBridgeEvent, context: DetectionContext): Alert | undefined {
  const denied = deniedCode(event);
  if (denied === undefined) return detection.classify(event, context);
  const { errorCode: _code, errorMessage: _message, ...detail } = event.detail;
  const attempted = detection.classify({ ...event, detail }, context);
  if (!attempted) return undefined;
  const { runbook: _runbook, ...alert } = attempted;
  return {
    ...alert,
    title: `${alert.title} (attempt denied)`,
    severity: severityRank(alert.severity) >= severityRank('HIGH') ? 'MEDIUM' : 'LOW',
    change: `attempt denied (${denied}); had it succeeded: ${alert.change}`,
    advice: `The call was refused (${denied}), so it did not take effect. Find out why ${alert.actor.arn} tried it: repeated refused attempts at this kind of change can be someone probing their permissions.`,
    dedupeKey: `${alert.dedupeKey}|denied`,
    denied,
  };
}

/** Every detection whose pattern matches the event, with its classification. */
export function detect(event: EventBridgeEvent, context: DetectionContext, detections: readonly Detection[]): DetectionResult[] {
  return detections.filter((detection) => matchesPattern(event, detection.pattern)).map((detection) => ({ detection, alert: classifyEvent(detection, event, context) }));
}

/** A message a person can act on: what, where, who, from where, what to do. */
export function renderAlert(alert: Alert): string {
  const lines = [
    `[${alert.severity}] ${alert.title}: ${alert.change}`,
    `  Resource: ${alert.resourceType} ${alert.resourceId} in account ${alert.account}, ${alert.region}`,
    `  By: ${alert.actor.arn}${alert.actor.sourceIp ? ` from ${alert.actor.sourceIp}` : ''} at ${alert.time}`,
  ];
  // CloudTrail lookup-events takes EventId as a lookup attribute (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupAttribute.html).
  if (alert.evidence) lines.push(`  CloudTrail: ${alert.evidence.eventName}, event id ${alert.evidence.eventId} (aws cloudtrail lookup-events --region ${alert.region} --lookup-attributes AttributeKey=EventId,AttributeValue=${alert.evidence.eventId})`);
  if (alert.relatedRule) lines.push(`  Rule: ${alert.relatedRule}${alert.runbook ? `; runbook EcrGuardrails-${alert.runbook}` : ''}`);
  lines.push(`  Do: ${alert.advice}`);
  return lines.join('\n');
}
