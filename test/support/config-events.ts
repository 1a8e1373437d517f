/**
 * Builders for the Lambda events AWS Config sends to custom rules, shaped like the real
 * ones: `invokingEvent` and `ruleParameters` are JSON strings, the configuration item uses
 * the invoking-event spelling (awsAccountId, ARN).
 */
export const MEMBER_ACCOUNT = '111122223333';
export const CENTRAL_ACCOUNT = '999988887777';
export const REGION = 'eu-west-3';
export const CAPTURE_TIME = '2026-11-20T08:15:42.512Z';
export const NOTIFICATION_TIME = '2026-11-20T09:00:00.000Z';

export interface EventOptions {
  ruleParameters?: Record<string, string>;
  resultToken?: string;
  eventLeftScope?: boolean;
  accountId?: string;
  configRuleName?: string;
}

function envelope(invokingEvent: unknown, options: EventOptions) {
  const accountId = options.accountId ?? MEMBER_ACCOUNT;
  const configRuleName = options.configRuleName ?? 'ecr-guardrails-test-rule';
  return {
    version: '1.0',
    invokingEvent: JSON.stringify(invokingEvent),
    ruleParameters: JSON.stringify(options.ruleParameters ?? {}),
    resultToken: options.resultToken ?? 'eyJlbmNyeXB0ZWREYXRhIjpbMTEzLC0xMjMsMTE4XX0=',
    eventLeftScope: options.eventLeftScope ?? false,
    executionRoleArn: `arn:aws:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    configRuleArn: `arn:aws:config:${REGION}:${accountId}:config-rule/config-rule-a1b2c3`,
    configRuleName,
    configRuleId: 'config-rule-a1b2c3',
    accountId,
  };
}

export interface ItemOptions {
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  arn?: string;
  status?: string;
  configuration?: Record<string, unknown> | null;
  tags?: Record<string, string>;
  relationships?: Array<Record<string, string>>;
  accountId?: string;
}

export function configurationItem(item: ItemOptions) {
  return {
    relatedEvents: [],
    relationships: item.relationships ?? [],
    configuration: item.configuration === undefined ? {} : item.configuration,
    supplementaryConfiguration: {},
    tags: item.tags ?? {},
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: CAPTURE_TIME,
    configurationStateId: 1763626542512,
    awsAccountId: item.accountId ?? MEMBER_ACCOUNT,
    configurationItemStatus: item.status ?? 'OK',
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    resourceName: item.resourceName ?? item.resourceId,
    ARN: item.arn ?? `arn:aws:unknown:${REGION}:${MEMBER_ACCOUNT}:${item.resourceId}`,
    awsRegion: REGION,
    availabilityZone: 'Regional',
    configurationStateMd5Hash: '',
    resourceCreationTime: '2024-03-11T08:12:40.000Z',
  };
}

export function changeEvent(item: ItemOptions | null, options: EventOptions = {}) {
  return envelope(
    {
      configurationItemDiff: null,
      configurationItem: item ? configurationItem(item) : null,
      notificationCreationTime: CAPTURE_TIME,
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
    },
    options,
  );
}

export function oversizedEvent(resourceType: string, resourceId: string, options: EventOptions = {}) {
  return envelope(
    {
      configurationItemSummary: {
        changeType: 'UPDATE',
        configurationItemVersion: '1.3',
        configurationItemCaptureTime: CAPTURE_TIME,
        configurationStateId: 1763626542512,
        awsAccountId: options.accountId ?? MEMBER_ACCOUNT,
        configurationItemStatus: 'OK',
        resourceType,
        resourceId,
        resourceName: resourceId,
        ARN: `arn:aws:unknown:${REGION}:${MEMBER_ACCOUNT}:${resourceId}`,
        awsRegion: REGION,
        availabilityZone: 'Regional',
        configurationStateMd5Hash: '',
        resourceCreationTime: '2024-03-11T08:12:40.000Z',
      },
      s3DeliverySummary: { s3BucketLocation: 'config-bucket/AWSLogs/oversized.json.gz', errorCode: null, errorMessage: null },
      notificationCreationTime: CAPTURE_TIME,
      messageType: 'OversizedConfigurationItemChangeNotification',
      recordVersion: '1.3',
    },
    options,
  );
}

export function scheduledEvent(options: EventOptions = {}) {
  return envelope(
    {
      awsAccountId: options.accountId ?? MEMBER_ACCOUNT,
      notificationCreationTime: NOTIFICATION_TIME,
      messageType: 'ScheduledNotification',
      recordVersion: '1.0',
    },
    options,
  );
}

/** A Lambda context in the central account (or the member account for same-account tests). */
export function lambdaContext(account = CENTRAL_ACCOUNT, remainingMs = 900_000) {
  return {
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${account}:function:ecr-guardrails-test-rule`,
    getRemainingTimeInMillis: () => remainingMs,
  };
}
