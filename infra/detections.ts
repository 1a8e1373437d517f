/**
 * Detections, deployed: in every member account and region (regional StackSet), one
 * EventBridge rule per detection forwards matching events to the central bus of the same
 * region in the admin account; there, a bus whose policy admits only the organisation
 * (aws:PrincipalOrgID), one rule invoking the detection Lambda, and the SNS topic alerts go to.
 */
import { join } from 'node:path';
import { Aws, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Detection } from '../detections/kernel/types.js';
import { TOPIC_ENV, WINDOW_ENV } from '../detections/handler.js';
import { logicalId } from './member.js';
import type { DeploymentPlan } from './plan.js';
import { PROJECT_ROOT, RULE_RUNTIME } from './rule-function.js';

export const DETECTION_BUS_NAME = 'EcrGuardrails-Detections';
export const DETECTION_FUNCTION_NAME = 'EcrGuardrails-Detections';
export const DETECTION_TOPIC_NAME = 'EcrGuardrails-Alerts';
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
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
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
        eventPattern: detection.pattern,
        state: detection.readOnlyEvents ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED',
        targets: [{ id: 'CentralBus', arn: busArn, roleArn: role.roleArn }],
      });
    }
  }
}

/** Admin side: the central bus and its policy, the alert topic, the detection Lambda and its rule. */
export class DetectionCenter extends Construct {
  readonly bus: events.CfnEventBus;
  readonly topic: sns.Topic;
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: { plan: DeploymentPlan; detections: readonly Detection[]; deadLetterQueue: sqs.IQueue }) {
    super(scope, id);
    const { config } = props.plan;
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

    const key = kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns');
    this.topic = new sns.Topic(this, 'Topic', { topicName: DETECTION_TOPIC_NAME, displayName: 'ecr-guardrails alerts', masterKey: key, enforceSSL: true });
    // Subscriptions from the configuration: e-mail, HTTPS webhooks (chat integrations), SQS, Lambda.
    config.detections.subscriptions.forEach((subscription, index) => {
      new sns.Subscription(this, `Subscription${index}`, { topic: this.topic, protocol: subscription.protocol as sns.SubscriptionProtocol, endpoint: subscription.endpoint });
    });

    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: `/aws/lambda/${DETECTION_FUNCTION_NAME}`, retention: config.lambda.logRetentionDays as logs.RetentionDays });
    Validations.of(logGroup).acknowledge({ id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', reason: 'CloudWatch Logs encrypts at rest by default; the logs hold alert summaries, no secrets.' });
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Execution policy of the ecr-guardrails detection Lambda in ${Stack.of(this).region}: its own logs, dead letters, and publishing to the alert topic.`,
      statements: [
        new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        new iam.PolicyStatement({ sid: 'SendDeadLetters', actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }),
        new iam.PolicyStatement({ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
      ],
    });
    const role = new iam.Role(this, 'Role', {
      roleName: `EcrGuardrailsDetections-${Stack.of(this).region}`,
      description: 'Execution role of the ecr-guardrails detection Lambda.',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [policy],
    });
    this.function = new NodejsFunction(this, 'Function', {
      functionName: DETECTION_FUNCTION_NAME,
      description: 'ecr-guardrails detections: classifies forwarded events and publishes alerts.',
      entry: join(PROJECT_ROOT, 'detections', 'handler.ts'),
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
      environment: { [TOPIC_ENV]: this.topic.topicArn, [WINDOW_ENV]: String(config.detections.dedupeWindowSeconds), NODE_OPTIONS: '--enable-source-maps' },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: "import { createRequire as __ecrGuardrailsCreateRequire } from 'node:module'; const require = __ecrGuardrailsCreateRequire(import.meta.url);",
        externalModules: [],
        target: 'node24',
        minify: true,
        sourceMap: true,
      },
    });
    Validations.of(this.function).acknowledge({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: 'The function only calls SNS over TLS with SigV4 and accepts no inbound traffic.' });

    // EventBridge puts events it cannot deliver to the Lambda on the dead-letter queue.
    props.deadLetterQueue.addToResourcePolicy(new iam.PolicyStatement({ sid: 'DetectionRuleDeadLetters', principals: [new iam.ServicePrincipal('events.amazonaws.com')], actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn], conditions: { ArnEquals: { 'aws:SourceArn': Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: `${DETECTION_BUS_NAME}/EcrGuardrails-Detections` }) } } }));
    const rule = new events.CfnRule(this, 'Rule', {
      name: 'EcrGuardrails-Detections',
      description: 'ecr-guardrails: every forwarded detection event to the detection Lambda.',
      eventBusName: this.bus.ref,
      eventPattern: { source: detectionSources(props.detections) },
      state: 'ENABLED',
      targets: [{ id: 'DetectionFunction', arn: this.function.functionArn, deadLetterConfig: { arn: props.deadLetterQueue.queueArn }, retryPolicy: { maximumRetryAttempts: 8 } }],
    });
    this.function.addPermission('BusInvoke', { principal: new iam.ServicePrincipal('events.amazonaws.com'), action: 'lambda:InvokeFunction', sourceArn: rule.attrArn });
  }
}
