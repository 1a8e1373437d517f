/**
 * The admin (delegated administrator) stack, one per region: one Lambda per rule, invoked by
 * AWS Config in the member accounts of that region. Each Lambda assumes the member account's
 * evaluation role to collect facts and report evaluations there (central evaluation); for
 * the admin account's own Config rules (the admin account in a target OU) it uses its own
 * execution role, which therefore also holds the evaluation actions.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DETECTIONS } from '../detections/index.js';
import { AlertTopic, FailureAlarms } from './alerts.js';
import { DetectionCenter } from './detections.js';
import { SecurityHubResponse } from './security-hub.js';
import { logicalId } from './member.js';
import { adminStackName } from './names.js';
import { RULE_FAILURES_QUEUE_NAME } from '../rules/names.js';
import type { DeploymentPlan } from './plan.js';
import { RuleFunction } from './rule-function.js';

/**
 * The central stack of one region in the admin account: a dead-letter queue, one
 * `RuleFunction` per rule, the detection center, and the alert topic with the failure alarms. Takes the deployment plan; `functions` maps rule id to its Lambda.
 */
export class AdminStack extends Stack {
  readonly functions = new Map<string, NodejsFunction>();
  readonly deadLetterQueue: sqs.Queue;
  readonly alerts: AlertTopic;

  constructor(scope: Construct, region: string, plan: DeploymentPlan, props: StackProps = {}) {
    const { config } = plan;
    super(scope, adminStackName(region), {
      ...props,
      stackName: adminStackName(region),
      env: { account: config.adminAccountId, region },
      description: `ecr-guardrails central rule Lambdas for ${region}, invoked by AWS Config in the organization's member accounts.`,
    });

    // Config invokes custom-rule Lambdas asynchronously: an event that still fails after
    // Lambda's retries lands here instead of vanishing.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: RULE_FAILURES_QUEUE_NAME,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    for (const r of plan.rules) {
      const ruleFunction = new RuleFunction(this, logicalId(r.rule.id), { plan, rule: r, region, deadLetterQueue: this.deadLetterQueue });
      this.functions.set(r.rule.id, ruleFunction.function);
    }
    // One topic for detection alerts and failure alarms (issue 15, issue 17 item 3).
    this.alerts = new AlertTopic(this, 'Alerts', { config });
    const detections = new DetectionCenter(this, 'Detections', { plan, detections: DETECTIONS, deadLetterQueue: this.deadLetterQueue, alerts: this.alerts });
    new FailureAlarms(this, 'Alarms', {
      config,
      topic: this.alerts.topic,
      functions: new Map<string, lambda.IFunction>([...this.functions, ['Detections', detections.function]]),
      deadLetterQueue: this.deadLetterQueue,
    });
    if (config.securityHub.enabled) new SecurityHubResponse(this, 'SecurityHub', { plan, deadLetterQueue: this.deadLetterQueue });
  }
}
