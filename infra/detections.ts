/**
 * Detections, deployed: in every member account and region (regional StackSet), one
 * EventBridge rule per detection forwards matching events to the central bus of the same
 * region in the admin account; there, a bus whose policy admits only the organisation
 * (aws:PrincipalOrgID), one rule invoking the detection Lambda, which publishes to the admin
 * stack's alert topic (infra/alerts.ts, shared with the failure alarms).
 */
import { join } from 'node:path';
import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Detection } from '../detections/kernel/types.js';
import { forwardingPattern } from '../detections/kernel/forwarding.js';
import { DEDUPE_KEY_ATTRIBUTE, DEDUPE_TTL_ATTRIBUTE } from '../detections/kernel/dedupe-table.js';
import { ENDPOINT_RELIANCE_ACTION } from '../detections/kernel/endpoint-reliance.js';
import { ALLOWED_PULL_ACCOUNTS_ENV, CONFIG_RULE_NAMES_ENV, DEDUPE_TABLE_ENV, ORGANIZATION_ID_ENV, PARTITION_ENV, SECURITY_HUB_ENV, TOPIC_ENV, TRUSTED_ACCOUNTS_ENV, WINDOW_ENV } from '../detections/handler.js';
import type { RepositoryAccessParams } from '../rules/ecr-repository-access/evaluate.js';
import { ruleInputParameters } from './config.js';
import { dedupeTableActions, DETECTION_ROLE_NAME, detectionRoleActions, IMPORT_FINDINGS_ACTION, REEVALUATE_ACTION, reevaluatedRuleNames } from '../detections/kernel/follow-up.js';
import { RULES } from '../rules/index.js';
import { DETECTION_FUNCTION_NAME } from '../rules/names.js';
import { configRuleName } from './names.js';
import { logicalId } from './member.js';
import type { DeploymentPlan } from './plan.js';
import { ALERT_TOPIC_NAME, type AlertTopic } from './alerts.js';
import { bundlingOptions, DETECTION_HANDLER_ENTRY, PROJECT_ROOT, RULE_RUNTIME, sourceMapEnvironment } from './bundling.js';

export const DETECTION_BUS_NAME = 'EcrGuardrails-Detections';
export { DETECTION_FUNCTION_NAME };
export const DETECTION_TOPIC_NAME = ALERT_TOPIC_NAME;
/** The member role EventBridge uses to put events on the central bus (one per region: IAM names are global). */
export const FORWARDING_ROLE_PREFIX = 'EcrGuardrailsDetectionForwarding-';

/** Event sources of the detections: the central rule forwards these to the Lambda. */
export function detectionSources(detections: readonly Detection[]): string[] {
  return [...new Set(detections.flatMap((d) => (d.pattern.source as string[] | undefined) ?? []))].sort();
}

/** Member side: forwarding role and one rule per detection (regional StackSet). */
export class DetectionForwarding extends Construct {
  constructor(scope: Construct, id: string, props: { plan: DeploymentPlan; detections: readonly Detection[] }) {
    super(scope, id);
    const busArn = Fn.sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:${props.plan.config.adminAccountId}:event-bus/${DETECTION_BUS_NAME}`);
    // EventBridge needs a role for a cross-account bus target whose policy admits an organisation.
    const role = new iam.Role(this, 'Role', {
      roleName: `${FORWARDING_ROLE_PREFIX}${Aws.REGION}`,
      description: 'ecr-guardrails: lets EventBridge forward detection events to the central bus in the admin account.',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          // Only the forwarding rules below (named EcrGuardrails-<detection id>) may use the role.
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/EcrGuardrails-*` },
        },
      }),
      managedPolicies: [
        new iam.ManagedPolicy(this, 'Policy', {
          description: 'ecr-guardrails detection forwarding: put events on the central bus of this region only.',
          statements: [new iam.PolicyStatement({ sid: 'PutEventsOnCentralBus', actions: ['events:PutEvents'], resources: [busArn] })],
        }),
      ],
    });
    for (const detection of props.detections) {
      new events.CfnRule(this, logicalId(detection.id, 'Forward'), {
        name: `EcrGuardrails-${detection.id}`.slice(0, 64),
        description: `ecr-guardrails detection ${detection.id}: ${detection.title}. Forwards to the central bus.`,
        eventPattern: forwardingPattern(detection, Aws.ACCOUNT_ID),
        state: detection.readOnlyEvents ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED',
        targets: [{ id: 'CentralBus', arn: busArn, roleArn: role.roleArn }],
      });
    }
  }
}

/**
 * Member side, global (IAM): the role the detection Lambda assumes to import findings and
 * re-evaluate rules. Trusted only by the detection Lambda roles of the admin account, inside
 * the organisation; actions derived from the detections (detectionRoleActions).
 */
export class DetectionMemberRole extends Construct {
  readonly role: iam.Role | undefined;

  constructor(scope: Construct, id: string, props: { plan: DeploymentPlan; detections: readonly Detection[] }) {
    super(scope, id);
    const { config } = props.plan;
    const ruleIds = props.plan.rules.map((r) => r.rule.id);
    const rules = RULES.filter((rule) => ruleIds.includes(rule.id));
    const actions = detectionRoleActions(props.detections, config.deploymentMode === 'stackset' ? rules : [], config.detections.securityHub);
    if (actions.length === 0) return;
    const statements: iam.PolicyStatement[] = [];
    if (actions.includes(IMPORT_FINDINGS_ACTION)) {
      statements.push(new iam.PolicyStatement({ sid: 'ImportFindings', actions: [IMPORT_FINDINGS_ACTION], resources: [`arn:${Aws.PARTITION}:securityhub:*:${Aws.ACCOUNT_ID}:product/${Aws.ACCOUNT_ID}/default`] }));
    }
    if (actions.includes(REEVALUATE_ACTION)) {
      statements.push(new iam.PolicyStatement({ sid: 'ReevaluateRules', actions: [REEVALUATE_ACTION], resources: [`arn:${Aws.PARTITION}:config:*:${Aws.ACCOUNT_ID}:config-rule/*`] }));
    }
    if (actions.includes(ENDPOINT_RELIANCE_ACTION)) {
      statements.push(new iam.PolicyStatement({ sid: 'CheckEndpointReliance', actions: [ENDPOINT_RELIANCE_ACTION], resources: ['*'] }));
    }
    const policy = new iam.ManagedPolicy(this, 'Policy', { description: 'ecr-guardrails detections: import alerts into Security Hub, re-evaluate the related periodic rules, and check whether a VPC relies on ECR or S3 endpoints.', statements });
    if (actions.includes(ENDPOINT_RELIANCE_ACTION)) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ec2:DescribeVpcEndpoints supports no resource-level permissions (Service Authorization Reference, Amazon EC2: no resource type for DescribeVpcEndpoints); it is read-only and the only action on *.',
      });
    }
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:<AWS::AccountId>:product/<AWS::AccountId>/default]',
      reason: 'Findings go to this account\'s own default product in whichever configured region the change happened; IAM is global, so the region is a wildcard.',
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:config:*:<AWS::AccountId>:config-rule/*]',
      reason: 'Config rule ARNs carry a generated id (config-rule/config-rule-xxxx), not the rule name, so only this account (and any region) can be named.',
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: DETECTION_ROLE_NAME,
      description: 'Role the ecr-guardrails detection Lambda assumes: Security Hub findings and Config re-evaluation.',
      assumedBy: new iam.AccountPrincipal(config.adminAccountId).withConditions({
        ArnLike: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${config.adminAccountId}:role/${DETECTION_LAMBDA_ROLE_PREFIX}*` },
        StringEquals: { 'aws:PrincipalOrgID': config.organizationId },
      }),
      managedPolicies: [policy],
    });
  }
}

/**
 * The dedupe table of one admin region: on demand, the key as partition key, the window end as
 * TTL, encrypted with the AWS managed key, point-in-time recovery on. Its items are only
 * "already alerted until" marks, so the table is deleted with the stack.
 */
export class DedupeTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: DEDUPE_KEY_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: DEDUPE_TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.table).acknowledge({
      id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
      reason: 'The table holds only "already alerted until" marks that expire with the dedupe window (TTL); point-in-time recovery is on, and losing the marks at worst repeats an alert.',
    });
  }
}

/** Prefix of the detection Lambda's execution role (one per region). */
export const DETECTION_LAMBDA_ROLE_PREFIX = 'EcrGuardrailsDetections-';

/** Admin side: the central bus and its policy, the alert topic, the detection Lambda and its rule. */
export class DetectionCenter extends Construct {
  readonly bus: events.CfnEventBus;
  readonly topic: sns.Topic;
  readonly function: NodejsFunction;
  readonly dedupeTable: dynamodb.Table | undefined;

  constructor(scope: Construct, id: string, props: { plan: DeploymentPlan; detections: readonly Detection[]; deadLetterQueue: sqs.IQueue; alerts: AlertTopic }) {
    super(scope, id);
    const { config } = props.plan;
    const accessRule = RULES.find((rule) => rule.id === 'ecr-repository-access')!;
    const accessParams = ruleInputParameters(config, accessRule).params as RepositoryAccessParams;
    this.bus = new events.CfnEventBus(this, 'Bus', { name: DETECTION_BUS_NAME, description: 'ecr-guardrails: detection events forwarded by the member accounts.' });
    new events.CfnEventBusPolicy(this, 'BusPolicy', {
      eventBusName: this.bus.ref,
      statementId: 'OrganizationPutEvents',
      statement: {
        Sid: 'OrganizationPutEvents',
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: this.bus.attrArn,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': config.organizationId } },
      },
    });

    // The admin stack's one alert topic (infra/alerts.ts), shared with the failure alarms.
    this.topic = props.alerts.topic;

    // Deduplication shared by every execution environment: one item per alert key until the window ends (TTL).
    const tableActions = dedupeTableActions(config.detections.dedupeWindowSeconds);
    this.dedupeTable = tableActions.length > 0 ? new DedupeTable(this, 'DedupeTable').table : undefined;

    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: `/aws/lambda/${DETECTION_FUNCTION_NAME}`, retention: config.lambda.logRetentionDays as logs.RetentionDays });
    Validations.of(logGroup).acknowledge({ id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', reason: 'CloudWatch Logs encrypts at rest by default; the logs hold alert summaries, no secrets.' });
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Execution policy of the ecr-guardrails detection Lambda in ${Stack.of(this).region}: its own logs, dead letters, and publishing to the alert topic.`,
      statements: [
        new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        new iam.PolicyStatement({ sid: 'SendDeadLetters', actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }),
        // The conditional PutItem that claims an alert key (derived: dedupeTableActions), on its table only.
        ...(this.dedupeTable ? [new iam.PolicyStatement({ sid: 'ClaimAlertKeys', actions: tableActions, resources: [this.dedupeTable.tableArn] })] : []),
        // sns:Publish on the topic and its key (customer-managed, so CloudWatch alarms can publish too).
        ...props.alerts.publishStatements(),
        // The organisation's accounts, for "outside the organisation" (no resource-level permissions).
        new iam.PolicyStatement({ sid: 'ListOrganizationAccounts', actions: ['organizations:ListAccounts'], resources: ['*'] }),
        // The member detection role, only in accounts of our organisation.
        new iam.PolicyStatement({
          sid: 'AssumeMemberDetectionRole',
          actions: ['sts:AssumeRole'],
          resources: [`arn:${Aws.PARTITION}:iam::*:role/${DETECTION_ROLE_NAME}`],
          conditions: { StringEquals: { 'aws:ResourceOrgID': config.organizationId } },
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'organizations:ListAccounts supports no resource-level permissions (it lists the accounts of the caller\'s organisation, read-only).',
    });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${DETECTION_ROLE_NAME}]`,
      reason: 'The detection role has one fixed name in every member account and accounts join over time, so the account is a wildcard bounded by aws:ResourceOrgID to this organisation.',
    });
    const role = new iam.Role(this, 'Role', {
      roleName: `${DETECTION_LAMBDA_ROLE_PREFIX}${Stack.of(this).region}`,
      description: 'Execution role of the ecr-guardrails detection Lambda.',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [policy],
    });
    this.function = new NodejsFunction(this, 'Function', {
      functionName: DETECTION_FUNCTION_NAME,
      description: 'ecr-guardrails detections: classifies forwarded events and publishes alerts.',
      entry: DETECTION_HANDLER_ENTRY,
      handler: 'handler',
      runtime: RULE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      reservedConcurrentExecutions: config.lambda.reservedConcurrency,
      role: role.withoutPolicyUpdates(),
      logGroup,
      deadLetterQueueEnabled: true,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: 2,
      environment: {
        [TOPIC_ENV]: this.topic.topicArn,
        [WINDOW_ENV]: String(config.detections.dedupeWindowSeconds),
        ...(this.dedupeTable ? { [DEDUPE_TABLE_ENV]: this.dedupeTable.tableName } : {}),
        [SECURITY_HUB_ENV]: String(config.detections.securityHub),
        [PARTITION_ENV]: Aws.PARTITION,
        // New repository policies are rated by the ecr-repository-access simulation, with the rule's settings.
        [ORGANIZATION_ID_ENV]: accessParams.OrganizationId,
        [TRUSTED_ACCOUNTS_ENV]: accessParams.TrustedAccounts.join(','),
        [ALLOWED_PULL_ACCOUNTS_ENV]: accessParams.AllowedPullAccounts.join(','),
        // Re-evaluation needs the Config rules this app creates (stackset mode).
        ...(config.deploymentMode === 'stackset' ? { [CONFIG_RULE_NAMES_ENV]: JSON.stringify(reevaluatedRuleNames(props.plan.rules.map((r) => r.rule), configRuleName)) } : {}),
        ...sourceMapEnvironment(config.lambda.sourceMaps),
      },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: bundlingOptions(config.lambda.sourceMaps, { iamData: true }),
    });
    Validations.of(this.function).acknowledge({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: 'The function only calls AWS APIs (SNS, DynamoDB, STS and the member accounts) over TLS with SigV4 and accepts no inbound traffic.' });

    // EventBridge puts events it cannot deliver to the Lambda on the dead-letter queue.
    props.deadLetterQueue.addToResourcePolicy(new iam.PolicyStatement({ sid: 'DetectionRuleDeadLetters', principals: [new iam.ServicePrincipal('events.amazonaws.com')], actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn], conditions: { ArnEquals: { 'aws:SourceArn': Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: `${DETECTION_BUS_NAME}/EcrGuardrails-Detections` }) } } }));
    const rule = new events.CfnRule(this, 'Rule', {
      name: 'EcrGuardrails-Detections',
      description: 'ecr-guardrails: every forwarded detection event to the detection Lambda.',
      eventBusName: this.bus.ref,
      eventPattern: { source: detectionSources(props.detections) },
      // Read-only management events forwarded by the members (image pulls) are matched on a custom
      // bus only by a rule in this state; the bus holds only what members forward, so it adds no noise.
      state: props.detections.some((d) => d.readOnlyEvents) ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED',
      targets: [{ id: 'DetectionFunction', arn: this.function.functionArn, deadLetterConfig: { arn: props.deadLetterQueue.queueArn }, retryPolicy: { maximumRetryAttempts: 8 } }],
    });
    this.function.addPermission('BusInvoke', { principal: new iam.ServicePrincipal('events.amazonaws.com'), action: 'lambda:InvokeFunction', sourceArn: rule.attrArn });
  }
}
