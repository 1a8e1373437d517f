import type { ConfigurationItem as HistoryItem } from '@aws-sdk/client-config-service';
import { ConfigEventError } from './errors.js';

/**
 * A configuration item, normalised. Config sends items in two shapes: the invoking event's
 * (`awsAccountId`, `ARN`, `configuration` as an object) and GetResourceConfigHistory's
 * (`accountId`, `arn`, `configuration` as a JSON string). Rules only ever see this one.
 * `configuration` keeps the service's own casing: PascalCase for ECR, camelCase for EC2.
 */
export interface ConfigurationItem {
  configurationItemStatus: string;
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  arn?: string;
  awsAccountId: string;
  awsRegion: string;
  configurationItemCaptureTime: string;
  configuration: Record<string, unknown> | null;
  tags: Record<string, string>;
  relationships: Array<{ resourceId?: string; resourceType?: string; resourceName?: string; name?: string }>;
  supplementaryConfiguration: Record<string, unknown>;
}

/** Statuses for which there is nothing left to evaluate. */
export const GONE_STATUSES = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded']);

export type InvokingEvent =
  | { messageType: 'ConfigurationItemChangeNotification'; configurationItem: ConfigurationItem | null; notificationCreationTime?: string }
  | {
      messageType: 'OversizedConfigurationItemChangeNotification';
      configurationItemSummary: { resourceType: string; resourceId: string; configurationItemCaptureTime: string; changeType?: string; configurationItemStatus?: string };
      notificationCreationTime?: string;
    }
  | { messageType: 'ScheduledNotification'; notificationCreationTime: string; awsAccountId?: string };

/** The Lambda event Config sends to a custom rule. */
export interface ConfigRuleEvent {
  invokingEvent: string;
  ruleParameters?: string;
  resultToken: string;
  eventLeftScope?: boolean;
  executionRoleArn?: string;
  configRuleArn?: string;
  configRuleName: string;
  configRuleId?: string;
  accountId: string;
  version?: string;
}

export interface ParsedConfigEvent {
  event: ConfigRuleEvent;
  invokingEvent: InvokingEvent;
  ruleParameters: Record<string, unknown>;
}

const MESSAGE_TYPES = new Set([
  'ConfigurationItemChangeNotification',
  'OversizedConfigurationItemChangeNotification',
  'ScheduledNotification',
]);

function parseJsonField(value: unknown, field: string): unknown {
  if (typeof value !== 'string') throw new ConfigEventError(`Config event field ${field} must be a JSON string, got ${typeof value}.`);
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new ConfigEventError(`Config event field ${field} is not valid JSON: ${(error as Error).message}.`, { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates and decodes the Lambda event; throws ConfigEventError naming what is wrong. */
export function parseConfigEvent(raw: unknown): ParsedConfigEvent {
  if (!isRecord(raw)) throw new ConfigEventError('The Lambda event is not an AWS Config rule event (expected an object).');
  for (const field of ['resultToken', 'configRuleName', 'accountId'] as const) {
    if (typeof raw[field] !== 'string' || raw[field] === '') {
      throw new ConfigEventError(`Config event field ${field} is missing (expected a non-empty string).`);
    }
  }
  const invokingEvent = parseJsonField(raw.invokingEvent, 'invokingEvent');
  if (!isRecord(invokingEvent) || typeof invokingEvent.messageType !== 'string' || !MESSAGE_TYPES.has(invokingEvent.messageType)) {
    const got = isRecord(invokingEvent) ? String(invokingEvent.messageType) : typeof invokingEvent;
    throw new ConfigEventError(`Unsupported invokingEvent.messageType ${got} (expected one of ${[...MESSAGE_TYPES].join(', ')}).`);
  }
  const ruleParameters = raw.ruleParameters === undefined || raw.ruleParameters === '' ? {} : parseJsonField(raw.ruleParameters, 'ruleParameters');
  if (!isRecord(ruleParameters)) throw new ConfigEventError('Config event field ruleParameters must be a JSON object.');
  if (invokingEvent.messageType === 'ConfigurationItemChangeNotification' && invokingEvent.configurationItem) {
    invokingEvent.configurationItem = normaliseEventItem(invokingEvent.configurationItem);
  }
  if (invokingEvent.messageType === 'OversizedConfigurationItemChangeNotification' && !isRecord(invokingEvent.configurationItemSummary)) {
    throw new ConfigEventError('Oversized notification without configurationItemSummary.');
  }
  return { event: raw as unknown as ConfigRuleEvent, invokingEvent: invokingEvent as unknown as InvokingEvent, ruleParameters };
}

/** A scalar field as text (a number too, as String would give it); `fallback` when absent. */
function scalarText(value: unknown, fallback = ''): string {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** Accepts the invoking event's item (and tolerates the snapshot spelling accountId/arn). */
export function normaliseEventItem(raw: unknown): ConfigurationItem {
  if (!isRecord(raw) || typeof raw.resourceType !== 'string' || typeof raw.resourceId !== 'string') {
    throw new ConfigEventError('configurationItem lacks resourceType or resourceId.');
  }
  const configuration = raw.configuration;
  return {
    configurationItemStatus: scalarText(raw.configurationItemStatus, 'OK'),
    resourceType: raw.resourceType,
    resourceId: raw.resourceId,
    ...(typeof raw.resourceName === 'string' ? { resourceName: raw.resourceName } : {}),
    ...(typeof (raw.ARN ?? raw.arn) === 'string' ? { arn: String(raw.ARN ?? raw.arn) } : {}),
    awsAccountId: scalarText(raw.awsAccountId ?? raw.accountId),
    awsRegion: scalarText(raw.awsRegion),
    configurationItemCaptureTime: scalarText(raw.configurationItemCaptureTime),
    configuration: typeof configuration === 'string' ? (JSON.parse(configuration) as Record<string, unknown>) : isRecord(configuration) ? configuration : null,
    tags: isRecord(raw.tags) ? (raw.tags as Record<string, string>) : {},
    relationships: Array.isArray(raw.relationships) ? (raw.relationships as ConfigurationItem['relationships']) : [],
    supplementaryConfiguration: isRecord(raw.supplementaryConfiguration) ? raw.supplementaryConfiguration : {},
  };
}

/** GetResourceConfigHistory's item (oversized notifications) in the same normalised shape. */
export function normaliseHistoryItem(item: HistoryItem): ConfigurationItem {
  let configuration: Record<string, unknown> | null = null;
  if (item.configuration) {
    try {
      configuration = JSON.parse(item.configuration) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigEventError(`GetResourceConfigHistory returned a configuration for ${item.resourceId} that is not JSON.`, { cause: error });
    }
  }
  return {
    configurationItemStatus: item.configurationItemStatus ?? 'OK',
    resourceType: item.resourceType ?? '',
    resourceId: item.resourceId ?? '',
    ...(item.resourceName ? { resourceName: item.resourceName } : {}),
    ...(item.arn ? { arn: item.arn } : {}),
    awsAccountId: item.accountId ?? '',
    awsRegion: item.awsRegion ?? '',
    configurationItemCaptureTime: item.configurationItemCaptureTime?.toISOString() ?? '',
    configuration,
    tags: item.tags ?? {},
    relationships: (item.relationships ?? []).map((relation) => ({
      ...(relation.resourceId ? { resourceId: relation.resourceId } : {}),
      ...(relation.resourceType ? { resourceType: relation.resourceType } : {}),
      ...(relation.resourceName ? { resourceName: relation.resourceName } : {}),
      ...(relation.relationshipName ? { name: relation.relationshipName } : {}),
    })),
    supplementaryConfiguration: Object.fromEntries(
      Object.entries(item.supplementaryConfiguration ?? {}).map(([key, value]) => {
        try {
          return [key, JSON.parse(value) as unknown];
        } catch {
          return [key, value];
        }
      }),
    ),
  };
}
