/**
 * The detection Lambda in the admin account: the rule on the central bus invokes it with each
 * forwarded event; it classifies the event with every matching detection, drops the alerts of
 * DNS changes on VPCs that rely on no ECR or S3 endpoint (checked in the member account),
 * drops repeats within the window (in memory, then in the shared DynamoDB table), and
 * publishes each alert to the SNS topic, a subject and a message a person can act on. A
 * classification error is published too (never a silent drop); an unreachable table or a
 * failed endpoint lookup never stops an alert.
 */
import { ConfigServiceClient, StartConfigRulesEvaluationCommand } from '@aws-sdk/client-config-service';
import { BatchImportFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { EvaluationRoleCredentials } from '../rules/kernel/credentials.js';
import { AUTOMATION_ROLE_NAME } from '../rules/names.js';
import { ClientFactory } from '../rules/kernel/clients.js';
import { awsCall, EcrGuardrailsError } from '../rules/kernel/errors.js';
import { DETECTIONS } from './index.js';
import { alertToAsff } from './kernel/asff.js';
import { createLambdaLogger, silentLogger, type Logger } from '../rules/kernel/logger.js';
import { AlertDeduplicator } from './kernel/dedupe.js';
import { DedupeTable } from './kernel/dedupe-table.js';
import { checkReliance, withReliance, type EndpointLookup } from './kernel/endpoint-reliance.js';
import { ec2EndpointLookup } from './kernel/vpc-endpoint-lookup.js';
import { DETECTION_ROLE_NAME } from './kernel/follow-up.js';
import { OrganizationAccounts } from './kernel/organization.js';
import { asEventBridgeEvent, detect, renderAlert } from './kernel/detect.js';
import { withPolicyRating, type RatingSettings } from './kernel/policy-rating.js';
import type { Alert, Detection, DetectionContext } from './kernel/types.js';

/** Environment: the topic alerts go to, the dedupe window, the organisation's accounts. */
export const TOPIC_ENV = 'ALERT_TOPIC_ARN';
export const WINDOW_ENV = 'DEDUPE_WINDOW_SECONDS';
/** The DynamoDB table shared by every execution environment for deduplication (absent: in memory only). */
export const DEDUPE_TABLE_ENV = 'DEDUPE_TABLE_NAME';
export const ORG_ACCOUNTS_ENV = 'ORGANIZATION_ACCOUNTS';
/** "true" to import alerts into Security Hub in the member account. */
export const SECURITY_HUB_ENV = 'SECURITY_HUB_FINDINGS';
/**
 * JSON object: periodic rule id -> its Config rule name in the member accounts, the rules a
 * related change re-evaluates (`reevaluatedRuleNames`, set by the CDK app; absent: none). The
 * handler needs no rule registry, so its bundle carries no collector or their SDK clients.
 */
export const CONFIG_RULE_NAMES_ENV = 'CONFIG_RULE_NAMES';
export const PARTITION_ENV = 'AWS_PARTITION';
/** Rating of new repository policies (ecr-repository-access): the organisation, and the rule's trusted and allowed-pull accounts (comma lists). */
export const ORGANIZATION_ID_ENV = 'ORGANIZATION_ID';
export const TRUSTED_ACCOUNTS_ENV = 'ACCESS_TRUSTED_ACCOUNTS';
export const ALLOWED_PULL_ACCOUNTS_ENV = 'ACCESS_ALLOWED_PULL_ACCOUNTS';

/** Member-account follow-up: Security Hub import and Config re-evaluation. */
export interface FollowUp {
  partition: string;
  securityHub: boolean;
  configRuleNames: Record<string, string>;
  credentials: (account: string) => Promise<AwsCredentialIdentity>;
  securityHubClient?: (region: string, credentials: AwsCredentialIdentity) => SecurityHubClient;
  configClient?: (region: string, credentials: AwsCredentialIdentity) => ConfigServiceClient;
}

/** A member-account call that failed: reported after every alert is sent, so the Lambda retries. */
export class DetectionFollowUpError extends EcrGuardrailsError {}

/** After an alert: files it in the member account's Security Hub and re-evaluates the periodic related Config rule, as configured; returns what was done. */
export async function followUp(alert: Alert, detection: Detection, plan: FollowUp): Promise<string[]> {
  const done: string[] = [];
  // A denied attempt changed nothing: no re-evaluation.
  const ruleName = detection.relatedRule && !alert.denied ? plan.configRuleNames[detection.relatedRule] : undefined;
  if (!plan.securityHub && !ruleName) return done;
  const credentials = await plan.credentials(alert.account);
  if (plan.securityHub) {
    const client = (plan.securityHubClient ?? ((region, c) => new SecurityHubClient({ region, credentials: c })))(alert.region, credentials);
    const response = await awsCall('securityhub:BatchImportFindings', () => client.send(new BatchImportFindingsCommand({ Findings: [alertToAsff(alert, plan.partition) as AwsSecurityFinding] })));
    if (response.FailedCount) throw new DetectionFollowUpError(`securityhub:BatchImportFindings rejected the finding of ${alert.detectionId} in ${alert.account}: ${JSON.stringify(response.FailedFindings ?? [])}`);
    done.push('security-hub');
  }
  if (ruleName) {
    const client = (plan.configClient ?? ((region, c) => new ConfigServiceClient({ region, credentials: c })))(alert.region, credentials);
    await awsCall('config:StartConfigRulesEvaluation', () => client.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: [ruleName] })));
    done.push(`re-evaluate ${ruleName}`);
  }
  return done;
}

/** The Lambda's environment lacks a setting it needs. */
export class DetectionSetupError extends EcrGuardrailsError {}

/** The dedupe window in seconds (default 900; the deployment sets it from detections.dedupeWindowSeconds). */
export function windowSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[WINDOW_ENV] ?? '900');
  if (!Number.isInteger(value) || value < 0) throw new DetectionSetupError(`${WINDOW_ENV} is ${JSON.stringify(env[WINDOW_ENV])}; expected a whole number of seconds (0 or more).`);
  return value;
}

const deduplicator = new AlertDeduplicator(windowSeconds() * 1000);

/** The classification context from the Lambda's environment: the automation role name and, when set, the organisation's accounts. */
export function contextFromEnvironment(env: NodeJS.ProcessEnv = process.env): DetectionContext {
  const context: DetectionContext = { automationRoleName: AUTOMATION_ROLE_NAME };
  if (env[ORGANIZATION_ID_ENV]) context.organizationId = env[ORGANIZATION_ID_ENV];
  const accounts = env[ORG_ACCOUNTS_ENV]?.split(',').map((id) => id.trim()).filter(Boolean);
  if (accounts?.length) context.organizationAccounts = new Set(accounts);
  return context;
}

/** How new repository policies are rated, from the Lambda's environment (set by the CDK app). */
export function ratingFromEnvironment(env: NodeJS.ProcessEnv = process.env): RatingSettings {
  const list = (name: string) => (env[name] ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  return {
    ...(env[ORGANIZATION_ID_ENV] ? { organizationId: env[ORGANIZATION_ID_ENV] } : {}),
    trustedAccounts: list(TRUSTED_ACCOUNTS_ENV),
    allowedPullAccounts: list(ALLOWED_PULL_ACCOUNTS_ENV),
    partition: env[PARTITION_ENV] ?? 'aws',
  };
}

/** SNS subjects: ASCII, at most 100 characters. */
export function subject(alert: Alert): string {
  return `[${alert.severity}] ${alert.title}: ${alert.resourceId} (${alert.account})`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

/** What `handleEvent` works with: the topic, the context, and the optional shared dedupe table, endpoint lookup, follow-up and policy rating. */
export interface HandlerDeps {
  sns: SNSClient;
  topicArn: string;
  context: DetectionContext;
  now?: number;
  followUp?: FollowUp;
  rating?: RatingSettings;
  /** Deduplication across execution environments (after the in-memory filter). */
  dedupeTable?: DedupeTable;
  /** Looks up a VPC's ECR and S3 endpoints in the member account, for detections with `endpointReliance`. */
  endpointLookup?: EndpointLookup;
  logger?: Logger;
}

/** Classifies one forwarded event, drops alerts of VPCs that rely on no endpoint and repeats within the window, publishes each alert to SNS and runs the follow-up; an event that cannot be classified is itself published as an alert. */
export async function handleEvent(raw: unknown, deps: HandlerDeps): Promise<{ published: number; suppressed: number }> {
  let published = 0;
  let suppressed = 0;
  const logger = deps.logger ?? silentLogger;
  const send = (title: string, message: string) => awsCall('sns:Publish', () => deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, Subject: title, Message: message })));
  let results;
  let event;
  try {
    event = asEventBridgeEvent(raw, 'forwarded event');
    const context = deps.rating ? await withPolicyRating(event, deps.context, deps.rating) : deps.context;
    results = detect(event, context, DETECTIONS);
  } catch (error) {
    await send('[HIGH] ecr-guardrails could not classify an event', `${(error as Error).message}\n\nEvent:\n${JSON.stringify(raw, null, 2).slice(0, 200_000)}`);
    return { published: 1, suppressed: 0 };
  }
  const failures: string[] = [];
  for (const result of results) {
    const { detection } = result;
    let alert = result.alert;
    if (!alert) continue;
    const now = deps.now ?? Date.now();
    const sentFor = deduplicator.sentFor(alert.dedupeKey, now);
    // The alert went out for this very event: this is Lambda's retry after a failed follow-up,
    // which runs again below (never a second alert). For any other event it is a repeat.
    const retry = sentFor !== undefined && sentFor === event.id;
    if (sentFor !== undefined && !retry) {
      suppressed += 1;
      continue;
    }
    if (detection.endpointReliance && deps.endpointLookup) {
      const reliance = await checkReliance(alert, detection.endpointReliance, deps.endpointLookup);
      const kept = withReliance(alert, reliance);
      if (!kept) {
        logger.info('Alert dropped: the VPC relies on no ECR or S3 endpoint', { detectionId: alert.detectionId, account: alert.account, region: alert.region, vpc: alert.resourceId, change: alert.change });
        suppressed += 1;
        continue;
      }
      if (reliance.relies === 'unknown') logger.warn('Endpoint reliance not checked; alert kept', { detectionId: alert.detectionId, vpc: alert.resourceId, reason: reliance.reason });
      alert = kept;
    }
    if (retry) {
      suppressed += 1;
    } else if (deps.dedupeTable) {
      const claim = await deps.dedupeTable.claim(alert.dedupeKey, event.id, now);
      if (claim.outcome === 'repeat') {
        deduplicator.remember(alert.dedupeKey, now);
        suppressed += 1;
        continue;
      }
      if (claim.outcome === 'unchecked') logger.warn('Shared deduplication unavailable; alert sent anyway', { detectionId: alert.detectionId, reason: claim.reason });
    }
    if (!retry) {
      await send(subject(alert), `${renderAlert(alert)}\n\n${JSON.stringify(alert, null, 2)}`);
      deduplicator.remember(alert.dedupeKey, now, event.id);
      published += 1;
    }
    if (deps.followUp) {
      try {
        await followUp(alert, detection, deps.followUp);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  }
  if (failures.length > 0) throw new DetectionFollowUpError(`Alerts were sent, but the member-account follow-up failed: ${failures.join('; ')}`);
  return { published, suppressed };
}

const factory = new ClientFactory(process.env.AWS_REGION ?? 'us-east-1');
const organization = new OrganizationAccounts(factory.get(OrganizationsClient));

/** The context with the organisation's accounts; without them, other accounts are "not verified". */
export async function contextWithOrganization(accounts: OrganizationAccounts, env: NodeJS.ProcessEnv = process.env): Promise<DetectionContext> {
  const context = contextFromEnvironment(env);
  if (context.organizationAccounts) return context;
  try {
    context.organizationAccounts = await accounts.get();
  } catch (error) {
    process.stderr.write(`ecr-guardrails detections: ${(error as Error).message}; accounts outside this one are reported as not verified.\n`);
  }
  return context;
}

/** The detection Lambda: `handleEvent` with the clients and settings of its environment. */
export async function handler(event: unknown): Promise<{ published: number; suppressed: number }> {
  const topicArn = process.env[TOPIC_ENV];
  if (!topicArn) throw new DetectionSetupError(`${TOPIC_ENV} is not set: the detection Lambda needs the alert topic.`);
  const sns = factory.get(SNSClient);
  const plan = followUpFromEnvironment();
  return handleEvent(event, {
    sns,
    topicArn,
    context: await contextWithOrganization(organization),
    followUp: plan,
    rating: ratingFromEnvironment(),
    ...(dedupeTable ? { dedupeTable } : {}),
    endpointLookup: ec2EndpointLookup(plan.credentials),
    logger,
  });
}

const logger = createLambdaLogger('detections');

/** The shared dedupe table from the environment (absent or window 0: in-memory deduplication only). */
export function dedupeTableFromEnvironment(client: DynamoDBClient, env: NodeJS.ProcessEnv = process.env): DedupeTable | undefined {
  const name = env[DEDUPE_TABLE_ENV];
  const window = windowSeconds(env);
  return name && window > 0 ? new DedupeTable(client, name, window) : undefined;
}

const dedupeTable = dedupeTableFromEnvironment(factory.get(DynamoDBClient));

const roleCredentials = new EvaluationRoleCredentials(DETECTION_ROLE_NAME, 'ecr-guardrails-detections');

/** The follow-up settings from the Lambda's environment (partition, Config rule names, Security Hub on or off). */
export function followUpFromEnvironment(env: NodeJS.ProcessEnv = process.env): FollowUp {
  const partition = env[PARTITION_ENV] ?? 'aws';
  let configRuleNames: Record<string, string> = {};
  if (env[CONFIG_RULE_NAMES_ENV]) {
    try {
      configRuleNames = JSON.parse(env[CONFIG_RULE_NAMES_ENV]) as Record<string, string>;
    } catch (error) {
      throw new DetectionSetupError(`${CONFIG_RULE_NAMES_ENV} is not JSON; expected an object of rule id to Config rule name.`, { cause: error });
    }
  }
  return { partition, securityHub: env[SECURITY_HUB_ENV] === 'true', configRuleNames, credentials: (account) => roleCredentials.forAccount(partition, account) };
}
