/**
 * Runs events through the detections: which patterns match (as EventBridge would), and the
 * alert each matching detection's classifier raises. Used by the CLI and the detection Lambda.
 */
import { DetectionEventError } from './cloudtrail.js';
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

/** Every detection whose pattern matches the event, with its classification. */
export function detect(event: EventBridgeEvent, context: DetectionContext, detections: readonly Detection[]): DetectionResult[] {
  return detections.filter((detection) => matchesPattern(event, detection.pattern)).map((detection) => ({ detection, alert: detection.classify(event, context) }));
}

/** A message a person can act on: what, where, who, from where, what to do. */
export function renderAlert(alert: Alert): string {
  const lines = [
    `[${alert.severity}] ${alert.title}: ${alert.change}`,
    `  Resource: ${alert.resourceType} ${alert.resourceId} in account ${alert.account}, ${alert.region}`,
    `  By: ${alert.actor.arn}${alert.actor.sourceIp ? ` from ${alert.actor.sourceIp}` : ''} at ${alert.time}`,
  ];
  if (alert.relatedRule) lines.push(`  Rule: ${alert.relatedRule}${alert.runbook ? `; runbook EcrGuardrails-${alert.runbook}` : ''}`);
  lines.push(`  Do: ${alert.advice}`);
  return lines.join('\n');
}
