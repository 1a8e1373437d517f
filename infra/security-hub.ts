/**
 * The Security Hub response, deployed when `securityHub.enabled` (docs/security-hub.md):
 *
 * - admin stack of each region: the custom action "ecr-guardrails fix" and its EventBridge
 *   rule, the optional rule for automatic remediation of new FAILED control findings, and a
 *   state machine that runs the orchestrator Lambda (security-hub/handler.ts): `start` once,
 *   then `poll` every `pollSeconds` for each started automation until it ends;
 * - member global stack: `EcrGuardrailsSecurityHubRole`, which the orchestrator assumes to
 *   start the ecr-guardrails runbooks as `EcrGuardrailsAutomationRole` and read their
 *   executions, and nothing else.
 */
import { join } from 'node:path';
import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { AUTOMATIC_ENV, MAX_WAIT_ENV, ROUTES_ENV, SECURITY_HUB_LAMBDA_ROLE_PREFIX, SECURITY_HUB_ROLE_NAME } from '../security-hub/handler.js';
import { ADMIN_ACTIONS, CUSTOM_ACTION_DETAIL_TYPE, IMPORTED_DETAIL_TYPE, MEMBER_ACTIONS } from '../security-hub/orchestrator.js';
import { remediationRoutes, type RemediationRoute } from '../security-hub/routes.js';
import { bundlingOptions, PROJECT_ROOT, RULE_RUNTIME, SECURITY_HUB_HANDLER_ENTRY, sourceMapEnvironment } from './bundling.js';
import { ruleInputParameters } from './config.js';
import { AUTOMATION_ROLE_NAME, configRuleName } from './names.js';
import type { DeploymentPlan } from './plan.js';

/** Custom action: Id at most 20 alphanumeric characters, Name at most 20 characters (CreateActionTarget). */
export const CUSTOM_ACTION_ID = 'EcrGuardrailsFix';
export const CUSTOM_ACTION_NAME = 'ecr-guardrails fix';
export const ORCHESTRATOR_FUNCTION_NAME = 'EcrGuardrails-SecurityHub';
export const STATE_MACHINE_NAME = 'EcrGuardrails-SecurityHub';

/** The routes of a deployment: the plan's rules with their configured parameters. */
export function planRoutes(plan: DeploymentPlan): RemediationRoute[] {
  return remediationRoutes(
    plan.rules.map((r) => r.rule),
    plan.runbooks,
    (rule) => ruleInputParameters(plan.config, rule).params,
    configRuleName,
  );
}

/** The EventBridge pattern of automatic remediation: new, active, FAILED findings of the configured controls (and accounts) of this region. */
export function automaticPattern(controls: readonly string[], accounts: readonly string[] | undefined, region: string): Record<string, unknown> {
  return {
    source: ['aws.securityhub'],
    'detail-type': [IMPORTED_DETAIL_TYPE],
    detail: {
      findings: {
        Compliance: { Status: ['FAILED'], SecurityControlId: [...controls] },
        Workflow: { Status: ['NEW'] },
        RecordState: ['ACTIVE'],
        Region: [region],
        ...(accounts ? { AwsAccountId: [...accounts] } : {}),
      },
    },
  };
}

/**
 * The SSM resources of the member Security Hub role, as the Service Authorization Reference
 * lists them (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html):
 * - `ssm:StartAutomationExecution` authorises `automation-definition`
 *   (`arn:${Partition}:ssm:${Region}:${Account}:automation-definition/${AutomationDefinitionName}:${VersionId}`,
 *   the version being `$DEFAULT`, `$LATEST` or a number), `automation-execution*`
 *   (`...:automation-execution/${AutomationExecutionId}`) and `document*` (`...:document/${DocumentName}`);
 *   the operation also needs `iam:PassRole` with `iam:PassedToService` `ssm.amazonaws.com`, and
 *   `ssm:AddTagsToResource` only when the request carries Tags (the orchestrator sends none);
 * - `ssm:GetAutomationExecution` authorises `automation-execution*`.
 * The documents are exactly those of the routes (security-hub/routes.ts): the non-destructive
 * runbooks without an approval step, so IAM too refuses to start `DeleteStaleEcrImages` from
 * Security Hub.
 */
export function memberResources(plan: DeploymentPlan): string[] {
  const documents = [...new Set(planRoutes(plan).map((route) => route.documentName))].sort();
  return [...documents.flatMap((document) => [`automation-definition/${document}:*`, `document/${document}`]), 'automation-execution/*'];
}

function memberStatements(plan: DeploymentPlan, ssmArn: (resource: string) => string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'StartEcrGuardrailsRunbooks',
      actions: MEMBER_ACTIONS.filter((action) => action === 'ssm:StartAutomationExecution'),
      resources: memberResources(plan).map(ssmArn),
    }),
    new iam.PolicyStatement({ sid: 'ReadExecutions', actions: MEMBER_ACTIONS.filter((action) => action === 'ssm:GetAutomationExecution'), resources: [ssmArn('automation-execution/*')] }),
    new iam.PolicyStatement({
      sid: 'PassAutomationRoleToSsm',
      actions: ['iam:PassRole'],
      resources: [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${AUTOMATION_ROLE_NAME}`],
      conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    }),
  ];
}

/** Member side, global (IAM): the role the orchestrator assumes; created only when the response is enabled. */
export class SecurityHubMemberRole extends Construct {
  readonly role: iam.Role | undefined;

  constructor(scope: Construct, id: string, props: { plan: DeploymentPlan }) {
    super(scope, id);
    const { config } = props.plan;
    if (!config.securityHub.enabled) return;
    const ssmArn = (resource: string): string => `arn:${Aws.PARTITION}:ssm:*:${Aws.ACCOUNT_ID}:${resource}`;
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'ecr-guardrails Security Hub response: start the runbooks Security Hub may start as the automation role, and read their executions.',
      statements: memberStatements(props.plan, ssmArn),
    });
    for (const resource of memberResources(props.plan)) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*:<AWS::AccountId>:${resource}]`,
        reason:
          resource === 'automation-execution/*'
            ? 'Execution ids are generated when a runbook starts; the account is fixed, and a start is also bound to the named documents. IAM is global, so the region is a wildcard.'
            : 'Only the named non-destructive ecr-guardrails runbooks Security Hub may start (any version), in whichever configured region the finding is; IAM is global, so the region is a wildcard.',
      });
    }
    this.role = new iam.Role(this, 'Role', {
      roleName: SECURITY_HUB_ROLE_NAME,
      description: 'Role the ecr-guardrails Security Hub orchestrator assumes: starts ecr-guardrails runbooks and reads their executions.',
      assumedBy: new iam.AccountPrincipal(config.adminAccountId).withConditions({
        ArnLike: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${config.adminAccountId}:role/${SECURITY_HUB_LAMBDA_ROLE_PREFIX}*` },
        StringEquals: { 'aws:PrincipalOrgID': config.organizationId },
      }),
      managedPolicies: [policy],
    });
  }
}

/** Admin side, one per region: custom action, EventBridge rules, the orchestrator Lambda and its state machine. */
export class SecurityHubResponse extends Construct {
  readonly function: NodejsFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly actionTarget: securityhub.CfnActionTarget | undefined;

  constructor(scope: Construct, id: string, props: { plan: DeploymentPlan; deadLetterQueue: sqs.IQueue }) {
    super(scope, id);
    const { config } = props.plan;
    const settings = config.securityHub;
    const region = Stack.of(this).region;

    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: `/aws/lambda/${ORCHESTRATOR_FUNCTION_NAME}`, retention: config.lambda.logRetentionDays as logs.RetentionDays });
    Validations.of(logGroup).acknowledge({ id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', reason: 'CloudWatch Logs encrypts at rest by default; the logs hold finding ids and execution ids, no secrets.' });
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Execution policy of the ecr-guardrails Security Hub orchestrator in ${region}: its own logs, finding updates, and the member Security Hub role.`,
      statements: [
        new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        // Service Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecurityhub.html):
        // securityhub:BatchUpdateFindings authorises the `hub` resource, arn:${Partition}:securityhub:${Region}:${Account}:hub/default
        // (and `hubv2` for BatchUpdateFindingsV2, which is not used). The administrator updates its members' findings on its own hub;
        // the region is a wildcard because the orchestrator updates a finding in the finding's own region.
        new iam.PolicyStatement({ sid: 'UpdateFindings', actions: [...ADMIN_ACTIONS], resources: [`arn:${Aws.PARTITION}:securityhub:*:${Aws.ACCOUNT_ID}:hub/default`] }),
        // sts:AssumeRole authorises the `role` resource, arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}
        // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html).
        new iam.PolicyStatement({
          sid: 'AssumeMemberSecurityHubRole',
          actions: ['sts:AssumeRole'],
          resources: [`arn:${Aws.PARTITION}:iam::*:role/${SECURITY_HUB_ROLE_NAME}`],
          conditions: { StringEquals: { 'aws:ResourceOrgID': config.organizationId } },
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:<AWS::AccountId>:hub/default]',
      reason: 'Only this account\'s own hub; findings aggregated from other regions are updated in their region, so the region is a wildcard.',
    });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${SECURITY_HUB_ROLE_NAME}]`,
      reason: 'The member role has one fixed name in every member account and accounts join over time, so the account is a wildcard bounded by aws:ResourceOrgID to this organisation.',
    });
    const role = new iam.Role(this, 'Role', {
      roleName: `${SECURITY_HUB_LAMBDA_ROLE_PREFIX}${region}`,
      description: 'Execution role of the ecr-guardrails Security Hub orchestrator.',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [policy],
    });
    const routes = planRoutes(props.plan);
    this.function = new NodejsFunction(this, 'Function', {
      functionName: ORCHESTRATOR_FUNCTION_NAME,
      description: 'ecr-guardrails Security Hub response: starts the runbook of a finding in its account and follows it.',
      entry: SECURITY_HUB_HANDLER_ENTRY,
      handler: 'handler',
      runtime: RULE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // The start step keeps START_RESERVE_MS in reserve (security-hub/orchestrator.ts); polls take a second.
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: config.lambda.reservedConcurrency,
      role: role.withoutPolicyUpdates(),
      logGroup,
      environment: {
        [ROUTES_ENV]: JSON.stringify(routes),
        [AUTOMATIC_ENV]: JSON.stringify({ controls: settings.automaticControls, ...(settings.automaticAccounts ? { accounts: settings.automaticAccounts } : {}) }),
        [MAX_WAIT_ENV]: String(settings.maxWaitMinutes * 60),
        ...sourceMapEnvironment(config.lambda.sourceMaps),
      },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: bundlingOptions(config.lambda.sourceMaps),
    });
    Validations.of(this.function).acknowledge({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: 'The function only calls STS, SSM and Security Hub over TLS with SigV4 and accepts no inbound traffic.' });
    Validations.of(this.function).acknowledge({ id: 'NIST.800.53.R5-LambdaDLQ', reason: 'Invoked synchronously by its state machine, which records every failure in its execution history and logs; a dead-letter queue only serves asynchronous invocations.' });

    this.stateMachine = this.buildStateMachine(settings.pollSeconds, settings.maxWaitMinutes, config.lambda.logRetentionDays);

    // EventBridge starts the state machine with a role of its own (managed policy: one action, this state machine).
    const eventsRole = new iam.Role(this, 'EventsRole', {
      description: 'Lets EventBridge start the ecr-guardrails Security Hub state machine.',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      managedPolicies: [
        new iam.ManagedPolicy(this, 'EventsPolicy', {
          description: 'ecr-guardrails Security Hub response: EventBridge starts the state machine.',
          statements: [new iam.PolicyStatement({ sid: 'StartStateMachine', actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] })],
        }),
      ],
    });
    const ruleTarget = new targets.SfnStateMachine(this.stateMachine, { deadLetterQueue: props.deadLetterQueue, retryAttempts: 8, role: eventsRole.withoutPolicyUpdates() });
    if (settings.customAction) {
      this.actionTarget = new securityhub.CfnActionTarget(this, 'CustomAction', {
        id: CUSTOM_ACTION_ID,
        name: CUSTOM_ACTION_NAME,
        description: 'Remediate with ecr-guardrails: starts the non-destructive runbook that fixes the finding, in its account and region, and notes the outcome on the finding.',
      });
      Validations.of(this.actionTarget).acknowledge({
        id: 'CloudFormation-Validate::F3006',
        reason: 'The offline region data of the template validation lacks AWS::SecurityHub::ActionTarget in some regions; the resource type is available wherever Security Hub is (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-securityhub-actiontarget.html).',
      });
      new events.Rule(this, 'CustomActionRule', {
        ruleName: 'EcrGuardrails-SecurityHubCustomAction',
        description: 'ecr-guardrails: findings sent to the custom action "ecr-guardrails fix" start the Security Hub response.',
        eventPattern: { source: ['aws.securityhub'], detailType: [CUSTOM_ACTION_DETAIL_TYPE], resources: [this.actionTarget.attrActionTargetArn] },
        targets: [ruleTarget],
      });
    }
    if (settings.automaticControls.length > 0) {
      const pattern = automaticPattern(settings.automaticControls, settings.automaticAccounts, region);
      new events.Rule(this, 'AutomaticRule', {
        ruleName: 'EcrGuardrails-SecurityHubAutomatic',
        description: `ecr-guardrails: new FAILED findings of ${settings.automaticControls.join(', ')} start the Security Hub response.`,
        eventPattern: { source: pattern.source as string[], detailType: pattern['detail-type'] as string[], detail: pattern.detail as Record<string, unknown> },
        targets: [ruleTarget],
      });
    }
  }

  /** start once; then, for each started run: wait, poll, until the run has ended; fail at the end when some finding could not be started or noted. */
  private buildStateMachine(pollSeconds: number, maxWaitMinutes: number, logRetentionDays: number): sfn.StateMachine {
    const start = new tasks.LambdaInvoke(this, 'Start', {
      lambdaFunction: this.function,
      payload: sfn.TaskInput.fromObject({ step: 'start', event: sfn.JsonPath.entirePayload }),
      payloadResponseOnly: true,
      // Never retried on a function error: a retry could start a runbook twice.
      retryOnServiceExceptions: false,
    });
    start.addRetry({ errors: ['Lambda.TooManyRequestsException'], interval: Duration.seconds(5), maxAttempts: 6, backoffRate: 2 });
    const wait = new sfn.Wait(this, 'WaitForRun', { time: sfn.WaitTime.duration(Duration.seconds(pollSeconds)) });
    const poll = new tasks.LambdaInvoke(this, 'Poll', {
      lambdaFunction: this.function,
      payload: sfn.TaskInput.fromObject({ step: 'poll', run: sfn.JsonPath.objectAt('$.run') }),
      payloadResponseOnly: true,
    });
    // Reading an execution and writing a note may be repeated safely.
    poll.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(30), maxAttempts: 4, backoffRate: 2 });
    const ended = new sfn.Choice(this, 'RunEnded').when(sfn.Condition.booleanEquals('$.done', true), new sfn.Succeed(this, 'RunFollowed')).otherwise(wait);
    wait.next(poll).next(ended);
    const follow = new sfn.Map(this, 'FollowRuns', {
      itemsPath: '$.runs',
      itemSelector: { run: sfn.JsonPath.stringAt('$$.Map.Item.Value') },
      resultPath: sfn.JsonPath.DISCARD,
      maxConcurrency: 10,
    });
    follow.itemProcessor(wait);
    const problems = new sfn.Choice(this, 'AllStarted')
      .when(sfn.Condition.isPresent('$.problems[0]'), new sfn.Fail(this, 'SomeNotStarted', { error: 'EcrGuardrails.NotStarted', causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.problems')) }))
      .otherwise(new sfn.Succeed(this, 'Done'));
    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', { logGroupName: `/aws/vendedlogs/states/${STATE_MACHINE_NAME}`, retention: logRetentionDays as logs.RetentionDays });
    Validations.of(logGroup).acknowledge({ id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', reason: 'CloudWatch Logs encrypts at rest by default; the logs hold finding ids and execution ids, no secrets.' });
    // The state machine's own role: invoke the orchestrator (unqualified ARN only) and deliver its logs.
    const machinePolicy = new iam.ManagedPolicy(this, 'StateMachinePolicy', {
      description: 'ecr-guardrails Security Hub state machine: invoke the orchestrator Lambda and deliver its execution logs.',
      statements: [
        new iam.PolicyStatement({ sid: 'InvokeOrchestrator', actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
        // Step Functions log delivery: these CloudWatch Logs actions support no resource-level permissions.
        new iam.PolicyStatement({
          sid: 'DeliverExecutionLogs',
          actions: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(machinePolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Step Functions log delivery (CreateLogDelivery and the related CloudWatch Logs calls) supports no resource-level permissions: https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html',
    });
    const machineRole = new iam.Role(this, 'StateMachineRole', {
      description: 'Role of the ecr-guardrails Security Hub state machine.',
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      managedPolicies: [machinePolicy],
    });
    const machine = new sfn.StateMachine(this, 'StateMachine', {
      role: machineRole.withoutPolicyUpdates(),
      stateMachineName: STATE_MACHINE_NAME,
      definitionBody: sfn.DefinitionBody.fromChainable(start.next(follow).next(problems)),
      timeout: Duration.minutes(maxWaitMinutes + 30),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: false,
    });
    Validations.of(machine).acknowledge({ id: 'AwsSolutions-SF2', reason: 'Each execution is a start and a few polls of one Lambda; the ALL-level execution log records every step, so X-Ray tracing (and its account-wide permissions) adds nothing.' });
    return machine;
  }
}
