/**
 * One rule's central Lambda in the admin account, with everything it needs: its log group,
 * its execution role and managed policy (its own logs and dead letters, the member evaluation
 * role, the evaluation actions for its own account), and the permission for Config to invoke
 * it. `AdminStack` creates one per rule.
 */
import { join } from 'node:path';
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVALUATION_ROLE_ENV, RULE_TIMEOUT_ENV } from '../rules/names.js';
import { EVALUATION_ROLE_NAME, lambdaRoleName } from './names.js';
import { bundlingOptions, PROJECT_ROOT, RULE_RUNTIME, ruleHandlerEntry, RULES_WITH_IAM_DATA, sourceMapEnvironment } from './bundling.js';
import type { DeploymentPlan, RulePlan } from './plan.js';
import { ruleLambdaSettings } from './rule-lambda.js';

export interface RuleFunctionProps {
  plan: DeploymentPlan;
  rule: RulePlan;
  region: string;
  /** Where Lambda puts events that still fail after its retries. */
  deadLetterQueue: sqs.IQueue;
}

/** One rule's central Lambda with its log group, execution role and policy, and Config's invoke permission. */
export class RuleFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: RuleFunctionProps) {
    super(scope, id);
    const { plan, rule: r, region } = props;
    const { config } = plan;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${r.functionName}`,
      retention: config.lambda.logRetentionDays as logs.RetentionDays,
    });
    Validations.of(logGroup).acknowledge({
      id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      reason: 'CloudWatch Logs encrypts log data at rest by default; the logs hold evaluation summaries and resource ids, no secrets, so a customer-managed KMS key is not required.',
    });

    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Execution policy of the ecr-guardrails ${r.rule.id} rule Lambda in ${region}: its own logs and dead letters, the member evaluation role, and evaluating its own account (read-only calls, config:PutEvaluations).`,
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
        new iam.PolicyStatement({
          sid: 'SendDeadLetters',
          actions: ['sqs:SendMessage'],
          resources: [props.deadLetterQueue.queueArn],
        }),
        // For every other account the function assumes the evaluation role, and only in
        // accounts of our organization. Config can invoke the function
        // for any account (see the permission below); aws:ResourceOrgID keeps a Config
        // rule created outside the organization from making it act there.
        new iam.PolicyStatement({
          sid: 'AssumeMemberEvaluationRole',
          actions: ['sts:AssumeRole'],
          resources: [`arn:${Aws.PARTITION}:iam::*:role/${EVALUATION_ROLE_NAME}`],
          conditions: { StringEquals: { 'aws:ResourceOrgID': config.organizationId } },
        }),
        // The admin account may itself be in a target OU. Its own Config rules invoke this
        // function, and the kernel never assumes a role in its own account (no self-assume),
        // so it evaluates with this identity: exactly the member evaluation role's actions
        // (the same derived list), which only reach the admin account's own resources.
        new iam.PolicyStatement({
          sid: 'EvaluateOwnAccount',
          actions: plan.evaluationActions,
          resources: ['*'],
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${EVALUATION_ROLE_NAME}]`,
      reason:
        'The evaluation role has one fixed name in every member account and accounts join the organization over time, so the account is a wildcard, bounded by the aws:ResourceOrgID condition to this organization.',
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Own-account evaluation (the admin account in a target OU): the same derived read-only List/Describe/Get actions and config:PutEvaluations as the member evaluation role, which either do not support resource-level permissions or must see every resource of the account to evaluate it (access-analyzer:ListFindings takes only the Analyzer resource type, and Access Analyzer has no resource-based policies, so "*" reaches no more than this account\'s analyzers).',
    });
    const role = new iam.Role(this, 'Role', {
      roleName: lambdaRoleName(r.rule.id, region),
      description: `Execution role of the ecr-guardrails ${r.rule.id} rule Lambda in ${region}: assumes the member evaluation role, evaluates its own account directly.`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [policy],
    });

    const settings = ruleLambdaSettings(config, r.rule.id);
    this.function = new NodejsFunction(this, 'Function', {
      functionName: r.functionName,
      description: `ecr-guardrails Config rule ${r.rule.id}: ${r.rule.title}`,
      entry: ruleHandlerEntry(r.rule.id),
      handler: 'handler',
      runtime: RULE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: settings.memorySizeMb,
      timeout: Duration.seconds(settings.timeoutSeconds),
      reservedConcurrentExecutions: settings.reservedConcurrency,
      // Grants CDK would add (dead-letter queue) go to an inline policy; the managed policy
      // above already holds them.
      role: role.withoutPolicyUpdates(),
      logGroup,
      deadLetterQueueEnabled: true,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: 2,
      environment: {
        [EVALUATION_ROLE_ENV]: EVALUATION_ROLE_NAME,
        // The kernel sizes its reporting reserve from the timeout (rules/kernel/time-budget.ts).
        [RULE_TIMEOUT_ENV]: String(settings.timeoutSeconds),
        ...sourceMapEnvironment(config.lambda.sourceMaps),
      },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: bundlingOptions(config.lambda.sourceMaps, { iamData: RULES_WITH_IAM_DATA.has(r.rule.id) }),
    });
    Validations.of(this.function).acknowledge({
      id: 'NIST.800.53.R5-LambdaInsideVPC',
      reason:
        'The function only calls AWS APIs (STS, Config, ECR, EC2) over TLS with SigV4; placing it in a VPC would add interface endpoints or NAT without reducing exposure, since it accepts no inbound traffic.',
    });

    // Who may invoke: config.amazonaws.com, from the member accounts' Config rules. What a
    // Lambda resource policy can scope for a service principal (AddPermission):
    // - SourceAccount takes ONE account: unusable for an organization whose accounts come
    //   and go (auto-deployment); one statement per account would also hit the 20 KB
    //   policy limit.
    // - SourceArn must name the account in the ARN (no wildcard is accepted there), and a
    //   Config rule ARN carries a generated id, not the rule name.
    // - PrincipalOrgID becomes an aws:PrincipalOrgID condition, which only account
    //   principals carry: a service principal never matches it, so it would block Config.
    // So the statement allows the Config service principal for this function only (no
    // wildcard function), and the organization boundary is enforced where it can be: the
    // function can only assume roles whose account is in our organization (aws:ResourceOrgID
    // above), the member role only trusts these Lambda roles from our organization
    // (aws:PrincipalOrgID), and reserved concurrency bounds what an outside caller can cost.
    this.function.addPermission('ConfigInvoke', {
      principal: new iam.ServicePrincipal('config.amazonaws.com'),
      action: 'lambda:InvokeFunction',
    });
  }
}
