/**
 * Reading CloudTrail events delivered by EventBridge ("AWS API Call via CloudTrail"), whose
 * `detail` is the CloudTrail record (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
 */
import { EcrGuardrailsError } from '../../rules/kernel/errors.js';
import type { Actor, Alert, Detection, DetectionContext, EventBridgeEvent } from './types.js';
import type { EventPattern } from './match.js';

/** An event that lacks what a detection needs to say who changed what. */
export class DetectionEventError extends EcrGuardrailsError {}

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** The pattern of management events `eventNames` from `eventSource` (e.g. ecr.amazonaws.com). */
export function cloudTrailPattern(source: string, eventSource: string, eventNames: string[], requestParameters?: EventPattern): EventPattern {
  const detail: EventPattern = { eventSource: [eventSource], eventName: eventNames };
  if (requestParameters) detail.requestParameters = requestParameters;
  return { source: [source], 'detail-type': [CLOUDTRAIL_DETAIL_TYPE], detail };
}

type Obj = Record<string, unknown>;
const asObject = (value: unknown): Obj => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {});

/** The CloudTrail record's `requestParameters` (an empty object when absent). */
export function requestParameters(event: EventBridgeEvent): Obj {
  return asObject(event.detail.requestParameters);
}

/** A CloudTrail event that failed (errorCode set) changed nothing. */
export function failed(event: EventBridgeEvent): boolean {
  return typeof event.detail.errorCode === 'string';
}

/**
 * The errorCode of a call refused for lack of permission (IAM, SCP, resource policy), as
 * CloudTrail records it: `AccessDenied` / `AccessDeniedException` (ECR, Route 53 Resolver),
 * `Client.UnauthorizedOperation` (EC2). Undefined for a call that succeeded or failed otherwise
 * (not found, validation, EC2 `Client.DryRunOperation`).
 */
export function deniedCode(event: EventBridgeEvent): string | undefined {
  const code = event.detail.errorCode;
  return typeof code === 'string' && /^(?:Client\.)?(?:AccessDenied(?:Exception)?|UnauthorizedOperation)$/.test(code) ? code : undefined;
}

/** Who made the change: the caller ARN, account, role name and source IP; a record without a caller is a DetectionEventError. */
export function actorOf(event: EventBridgeEvent): Actor {
  const identity = asObject(event.detail.userIdentity);
  const issuer = asObject(asObject(identity.sessionContext).sessionIssuer);
  const type = typeof identity.type === 'string' ? identity.type : undefined;
  const account = typeof identity.accountId === 'string' ? identity.accountId : undefined;
  // A call from another account is recorded in the resource owner's trail as type AWSAccount,
  // with accountId and principalId but no arn (cloudtrail-event-reference-user-identity.html).
  const named = account ? `${type ?? 'account'} ${account}${typeof identity.principalId === 'string' ? ` (principal ${identity.principalId})` : ''}` : undefined;
  const arn = typeof identity.arn === 'string' ? identity.arn : typeof identity.invokedBy === 'string' ? identity.invokedBy : named;
  if (!arn) throw new DetectionEventError(`Event ${event.id}: detail.userIdentity has neither "arn", "invokedBy" nor "accountId"; expected a CloudTrail record.`);
  const actor: Actor = { arn };
  if (type) actor.identityType = type;
  if (account) actor.accountId = account;
  if (issuer.type === 'Role' && typeof issuer.userName === 'string') actor.roleName = issuer.userName;
  if (typeof event.detail.sourceIPAddress === 'string') actor.sourceIp = event.detail.sourceIPAddress;
  return actor;
}

/** A string request parameter the detection cannot do without. */
export function requiredString(event: EventBridgeEvent, parameters: Obj, name: string): string {
  const value = parameters[name];
  if (typeof value !== 'string' || value === '') throw new DetectionEventError(`Event ${event.id} (${String(event.detail.eventName)}): requestParameters.${name} is missing; expected a non-empty string.`);
  return value;
}

/**
 * EC2 records some request parameters inside a `<Operation>Request` wrapper and lists as
 * `{tag, content}` items; this unwraps both, so classify reads EC2 parameters by API name.
 */
export function ec2Parameters(event: EventBridgeEvent): Obj {
  const parameters = requestParameters(event);
  const wrapper = parameters[`${String(event.detail.eventName)}Request`];
  return wrapper === undefined ? parameters : asObject(wrapper);
}

/** A parameter by name, whatever the case of its first letter (EC2 records `VpcEndpointId` in the wrapper, `vpcEndpointId` without it). */
export function parameterOf(parameters: Obj, name: string): unknown {
  if (Object.hasOwn(parameters, name)) return parameters[name];
  const key = Object.keys(parameters).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : parameters[key];
}

/** An EC2 request list parameter (`{tag, content}` items, `{item: [...]}` / `{items: [...]}`, or plain) as strings. */
export function ec2List(value: unknown): string[] {
  const wrapped = asObject(value);
  const inner = Array.isArray(wrapped.item) ? wrapped.item : Array.isArray(wrapped.items) ? wrapped.items : undefined;
  const items = inner ?? (Array.isArray(value) ? value : value === undefined ? [] : [value]);
  return items.flatMap((item) => {
    if (typeof item === 'string') return [item];
    const content = asObject(item).content;
    return typeof content === 'string' ? [content] : [];
  });
}

/** Whether `accountId` is known to be in the organisation (false when the organisation is unknown). */
export function inOrganization(accountId: string | undefined, context: DetectionContext): boolean {
  return accountId !== undefined && context.organizationAccounts?.has(accountId) === true;
}

/** Builds the alert common fields from the detection's metadata and the event. */
export function alertFor(detection: Pick<Detection, 'id' | 'title' | 'relatedRule' | 'runbook'>, event: EventBridgeEvent, fields: Pick<Alert, 'severity' | 'resourceType' | 'resourceId' | 'change' | 'advice'> & { actor?: Actor }): Alert {
  const actor = fields.actor ?? actorOf(event);
  const alert: Alert = {
    detectionId: detection.id,
    title: detection.title,
    severity: fields.severity,
    account: event.account,
    region: event.region,
    time: event.time,
    resourceType: fields.resourceType,
    resourceId: fields.resourceId,
    change: fields.change,
    actor,
    advice: fields.advice,
    dedupeKey: [detection.id, event.account, event.region, fields.resourceId, actor.arn, fields.change].join('|'),
  };
  const { eventName, eventID } = event.detail;
  if (typeof eventName === 'string' && typeof eventID === 'string') alert.evidence = { eventName, eventId: eventID };
  if (detection.relatedRule) alert.relatedRule = detection.relatedRule;
  if (detection.runbook) alert.runbook = detection.runbook;
  return alert;
}
