/**
 * The contract of a detection: an EventBridge pattern (what the member accounts forward), a
 * pure classifier (what of that is worth a person's attention, and how serious), metadata
 * (the related rule and runbook), and sample events with the documentation they follow.
 */
import type { Severity } from '../../rules/kernel/severity.js';
import type { EndpointRelianceNeed } from './endpoint-reliance.js';
import type { EventPattern } from './match.js';

/** An EventBridge event as delivered to rules and targets. */
export interface EventBridgeEvent {
  version?: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: unknown[];
  detail: Record<string, unknown>;
}

/** Who made the change, from CloudTrail's `userIdentity` and `sourceIPAddress`. */
export interface Actor {
  /**
   * The principal: an assumed-role session ARN, a user or root ARN, the invoking AWS service
   * (`invokedBy`), or, for an identity CloudTrail records without an ARN (`AWSAccount`: a call
   * from another account), "AWSAccount <account> (principal <principalId>)".
   */
  arn: string;
  /** CloudTrail's `userIdentity.type` (AssumedRole, IAMUser, Root, AWSAccount, AWSService, ...). */
  identityType?: string;
  /** The account the principal belongs to. */
  accountId?: string;
  /** For a role session: the role's name (sessionContext.sessionIssuer.userName). */
  roleName?: string;
  sourceIp?: string;
}

/** What a detection reports: enough for a person to act without opening CloudTrail. */
export interface Alert {
  detectionId: string;
  title: string;
  severity: Severity;
  account: string;
  region: string;
  time: string;
  /** Config resource type and id the change touched (repository name, VPC endpoint id, ...). */
  resourceType: string;
  resourceId: string;
  /** One sentence: what changed. */
  change: string;
  actor: Actor;
  /** The Config rule whose verdict this change can affect, and the runbook that restores it. */
  relatedRule?: string;
  runbook?: string;
  /** What to do now. */
  advice: string;
  /** The CloudTrail record behind the alert (to look it up: event name and eventID). */
  evidence?: { eventName: string; eventId: string };
  /** Same actor, resource and change: alerts with equal keys within the window are one. */
  dedupeKey: string;
  /**
   * Set when the call was denied (its CloudTrail errorCode, e.g. AccessDenied): the alert
   * reports an attempt that changed nothing (detect.ts `classifyEvent`).
   */
  denied?: string;
}

/** What classify may know beyond the event. Absent knowledge never silences an alert. */
export interface DetectionContext {
  /** Account ids of the organisation; when unknown, "outside the organisation" cannot be ruled out. */
  organizationAccounts?: ReadonlySet<string>;
  /** The organisation's id (o-...), for policies confined with aws:PrincipalOrgID; unknown: such a confinement is not trusted. */
  organizationId?: string;
  /** The role the runbooks run as (its own deletions are expected). */
  automationRoleName: string;
  /** Rates a repository policy document (the ecr-repository-access evaluator), if that rule exists. */
  ratePolicy?: (policyText: string, account: string) => Severity | undefined;
}

export interface DetectionSample {
  name: string;
  /** The AWS documentation the event's shape follows. */
  source: string;
  event: EventBridgeEvent;
}

export interface Detection {
  /** Folder name, kebab-case. */
  id: string;
  title: string;
  /** The highest severity it can report (classify may report lower). */
  severity: Severity;
  relatedRule?: string;
  runbook?: string;
  /** Matches read-only management events: its EventBridge rule needs the state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS. */
  readOnlyEvents?: boolean;
  /**
   * Alerts only on callers of another account: the member forwarding rule drops the account's
   * own calls at the source (forwarding.ts), which classify would drop anyway.
   */
  callersFromOtherAccounts?: boolean;
  pattern: EventPattern;
  /**
   * The change matters only where the VPC relies on ECR or S3 endpoints: the detection Lambda
   * checks the VPC (the alert's resource) in the member account after classify and drops the
   * alert when it relies on none (endpoint-reliance.ts). Absent: no check.
   */
  endpointReliance?: EndpointRelianceNeed;
  /** Pure: undefined when the matched event is not a risk (e.g. tags set back to IMMUTABLE). */
  classify: (event: EventBridgeEvent, context: DetectionContext) => Alert | undefined;
  samples: { positive: DetectionSample[]; negative: DetectionSample[] };
}
