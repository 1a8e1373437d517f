/**
 * Builds sample events in the shape EventBridge delivers CloudTrail records
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html#eb-api-events)
 * and the records themselves (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html),
 * so each detection's samples state only what differs: the API, its parameters, the caller.
 */
import { CLOUDTRAIL_DETAIL_TYPE } from './cloudtrail.js';
import { AUTOMATION_ROLE_NAME } from '../../rules/names.js';
import type { DetectionContext, EventBridgeEvent } from './types.js';

export const SAMPLE_ACCOUNT = '111122223333';
export const SAMPLE_REGION = 'eu-west-3';
export const OUTSIDE_ACCOUNT = '444455556666';

/** An engineer's SSO session in the member account. */
export function roleSession(roleName = 'AWSReservedSSO_AdministratorAccess_0123456789abcdef', account = SAMPLE_ACCOUNT, session = 'jane.doe@example.com'): Record<string, unknown> {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEID:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`,
    accountId: account,
    accessKeyId: 'ASIAEXAMPLEKEYID',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: `arn:aws:iam::${account}:role/${roleName}`, accountId: account, userName: roleName },
      attributes: { creationDate: '2026-11-28T09:58:12Z', mfaAuthenticated: 'false' },
    },
  };
}

/** A sample EventBridge event carrying a CloudTrail record, shaped as AWS delivers it ("AWS API Call via CloudTrail"). */
export function cloudTrailEvent(options: { source: string; eventSource: string; eventName: string; requestParameters: Record<string, unknown> | null; responseElements?: Record<string, unknown> | null; userIdentity?: Record<string, unknown>; sourceIPAddress?: string; errorCode?: string; readOnly?: boolean }): EventBridgeEvent {
  const detail: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: options.userIdentity ?? roleSession(),
    eventTime: '2026-11-28T10:02:41Z',
    eventSource: options.eventSource,
    eventName: options.eventName,
    awsRegion: SAMPLE_REGION,
    sourceIPAddress: options.sourceIPAddress ?? '203.0.113.24',
    userAgent: 'aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6',
    requestParameters: options.requestParameters,
    responseElements: options.responseElements ?? null,
    requestID: '5b2a0b5e-8e0c-4f61-9d2e-0c2f8c1d9a77',
    eventID: '0f4a3c3e-6d1b-4c8e-9a52-3c7f1f0a9e21',
    readOnly: options.readOnly ?? false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: SAMPLE_ACCOUNT,
    eventCategory: 'Management',
  };
  if (options.errorCode) {
    detail.errorCode = options.errorCode;
    detail.errorMessage = 'User is not authorized to perform this operation';
  }
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': CLOUDTRAIL_DETAIL_TYPE,
    source: options.source,
    account: SAMPLE_ACCOUNT,
    time: '2026-11-28T10:02:41Z',
    region: SAMPLE_REGION,
    resources: [],
    detail,
  };
}

/** A sample ECR API call event. */
export const ecrEvent = (eventName: string, requestParameters: Record<string, unknown>, extra: { userIdentity?: Record<string, unknown>; errorCode?: string; responseElements?: Record<string, unknown>; sourceIPAddress?: string; readOnly?: boolean } = {}): EventBridgeEvent =>
  cloudTrailEvent({ source: 'aws.ecr', eventSource: 'ecr.amazonaws.com', eventName, requestParameters, ...extra });

/** A sample EC2 API call event. */
export const ec2Event = (eventName: string, requestParameters: Record<string, unknown>, extra: { userIdentity?: Record<string, unknown>; errorCode?: string; sourceIPAddress?: string } = {}): EventBridgeEvent =>
  cloudTrailEvent({ source: 'aws.ec2', eventSource: 'ec2.amazonaws.com', eventName, requestParameters, ...extra });

/** Another account of the sample organisation. */
export const ORG_PEER = '777788889999';

/** The context samples are classified in: the organisation of SAMPLE_ACCOUNT and ORG_PEER. */
export const SAMPLE_CONTEXT: DetectionContext = {
  organizationAccounts: new Set([SAMPLE_ACCOUNT, ORG_PEER]),
  automationRoleName: AUTOMATION_ROLE_NAME,
};
