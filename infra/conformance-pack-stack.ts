/**
 * `conformance-pack` mode: one stack per region in the admin account,
 * `EcrGuardrails-ConformancePack-<region>`, deployed after the organization stack (the member
 * roles and runbooks must exist first). It holds the AWS::Config::OrganizationConformancePack
 * (the same rules and remediations as the StackSet mode, from conformance-pack.ts) and keeps
 * its ExcludedAccounts in line with the target OUs: a custom resource resolves, at every
 * deployment, the organization's accounts outside the OUs plus the management account
 * (infra/excluded-accounts). Organization conformance packs target the whole organization;
 * without the exclusions, accounts with no roles or runbooks would get the rules.
 */
import { join } from 'node:path';
import { CfnCustomResource, Duration, Fn, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bundlingOptions, EXCLUDED_ACCOUNTS_HANDLER_ENTRY, PROJECT_ROOT, RULE_RUNTIME, sourceMapEnvironment } from './bundling.js';
import { conformancePackTemplateBody } from './conformance-pack.js';
import { CONFORMANCE_PACK_NAME } from './names.js';
import type { DeploymentPlan } from './plan.js';

export const CONFORMANCE_PACK_STACK_PREFIX = 'EcrGuardrails-ConformancePack-';
export const conformancePackStackName = (region: string): string => `${CONFORMANCE_PACK_STACK_PREFIX}${region}`;
/** Context key whose new value makes the next deployment resolve the excluded accounts again (`-c excludedAccountsRefresh=$(date +%s)`). */
export const EXCLUDED_ACCOUNTS_REFRESH_CONTEXT = 'excludedAccountsRefresh';
const FUNCTION_NAME = 'EcrGuardrails-ExcludedAccounts';

export class ConformancePackStack extends Stack {
  readonly pack: config.CfnOrganizationConformancePack;
  readonly excludedAccounts: CfnCustomResource;

  constructor(scope: Construct, region: string, plan: DeploymentPlan, props: StackProps = {}) {
    const { config: settings } = plan;
    super(scope, conformancePackStackName(region), {
      ...props,
      stackName: conformancePackStackName(region),
      env: { account: settings.adminAccountId, region },
      description: `ecr-guardrails organization conformance pack for ${region}: the Config rules and remediations, excluding the accounts outside the target OUs.`,
    });

    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: `/aws/lambda/${FUNCTION_NAME}`, retention: settings.lambda.logRetentionDays as logs.RetentionDays });
    Validations.of(logGroup).acknowledge({ id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', reason: 'CloudWatch Logs encrypts at rest by default; the logs hold account ids, no secrets.' });
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'ecr-guardrails: read the organization structure to find the accounts outside the target OUs.',
      statements: [
        new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        new iam.PolicyStatement({
          sid: 'ReadOrganization',
          actions: ['organizations:DescribeOrganization', 'organizations:ListAccounts', 'organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'DescribeOrganization and ListAccounts support no resource-level permissions; the List*ForParent calls walk every OU under the targets (read-only).',
    });
    const role = new iam.Role(this, 'Role', {
      roleName: `EcrGuardrailsExcludedAccounts-${region}`,
      description: 'Execution role of the ecr-guardrails excluded-accounts custom resource.',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [policy],
    });
    const fn = new NodejsFunction(this, 'Function', {
      functionName: FUNCTION_NAME,
      description: 'ecr-guardrails: the organization conformance pack\'s ExcludedAccounts (accounts outside the target OUs, and the management account).',
      entry: EXCLUDED_ACCOUNTS_HANDLER_ENTRY,
      handler: 'handler',
      runtime: RULE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: 1,
      role: role.withoutPolicyUpdates(),
      logGroup,
      environment: sourceMapEnvironment(settings.lambda.sourceMaps),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: bundlingOptions(settings.lambda.sourceMaps),
    });
    Validations.of(fn).acknowledge({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: 'The function only calls the Organizations API over TLS with SigV4 and accepts no inbound traffic.' });
    Validations.of(fn).acknowledge({ id: 'NIST.800.53.R5-LambdaDLQ', reason: 'A CloudFormation custom resource: a failure fails the stack operation, which reports it; there is nothing to replay.' });

    this.excludedAccounts = new CfnCustomResource(this, 'ExcludedAccounts', { serviceToken: fn.functionArn });
    this.excludedAccounts.addPropertyOverride('OrganizationalUnitIds', [...settings.organizationalUnitIds].sort());
    const refresh = this.node.tryGetContext(EXCLUDED_ACCOUNTS_REFRESH_CONTEXT) as string | undefined;
    if (refresh !== undefined) this.excludedAccounts.addPropertyOverride('Refresh', String(refresh));

    this.pack = new config.CfnOrganizationConformancePack(this, 'Pack', {
      organizationConformancePackName: CONFORMANCE_PACK_NAME,
      templateBody: conformancePackTemplateBody(plan, region),
      // Never empty: the management account is always excluded.
      excludedAccounts: Fn.split(',', this.excludedAccounts.getAtt('Accounts').toString()),
    });
  }
}
