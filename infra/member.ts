/**
 * What every member account gets, as two StackSet templates:
 *
 * - the global template (IAM is global, so it is deployed once per account, in the home
 *   region): the evaluation role the central rule Lambdas assume, and the automation role
 *   the runbooks run as;
 * - the regional template (every configured region): the SSM Automation documents and, in
 *   `stackset` mode, the Config rules and their remediation configurations.
 *
 * Both are CDK stacks synthesized in-process by a separate App with the bootstrapless
 * synthesizer (assets are impossible, no bootstrap version rule), without version reporting
 * or path metadata, and checked by cdk-nag like every other stack. Their JSON becomes the
 * StackSets' template bodies.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aws, BootstraplessSynthesizer, CfnResource, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { DETECTIONS } from '../detections/index.js';
import { ConfigurationError } from './config.js';
import { SecurityHubMemberRole } from './security-hub.js';
import { DetectionForwarding, DetectionMemberRole } from './detections.js';
import { addNagChecks } from './nag.js';
import { AUTOMATION_ROLE_NAME, EVALUATION_ROLE_NAME, LAMBDA_ROLE_PREFIX, functionName, lambdaRoleName, roleArn } from './names.js';
import { configRuleProperties, remediationProperties } from './config-rules.js';
import { addPullTimeExclusions } from './pull-time-exclusions.js';
import { automationPolicyAcknowledgements, exemptionTagKeys } from './automation-policy.js';
import { automationPolicyStatements } from '../automations/iam-scope.js';
import type { DeploymentPlan } from './plan.js';

/** CloudFormation logical id from a kebab-case or VerbNoun name. */
export function logicalId(name: string, suffix = ''): string {
  return name.replace(/(^|[-_.\s]+)([a-zA-Z0-9])/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '') + suffix;
}

/** IAM's default limit on a role trust policy (characters, whitespace excluded). */
export const TRUST_POLICY_LIMIT = 2048;

/** The accounts of the configured `scanPrincipalArns`, in order of first appearance. */
export function scanPrincipalAccounts(arns: readonly string[]): string[] {
  return [...new Set(arns.map((arn) => arn.split(':')[4]!))];
}

/**
 * The trust statement for `ecr-guardrails scan --org` as IAM stores it (partition rendered):
 * the accounts of the configured roles, narrowed to those roles (ArnLike: they may carry
 * wildcards) and to our organization. Undefined without `scanPrincipalArns`.
 */
export function scanTrustStatementJson(config: DeploymentPlan['config']): Record<string, unknown> | undefined {
  const arns = config.scanPrincipalArns;
  if (!arns?.length) return undefined;
  const accounts = scanPrincipalAccounts(arns).map((account) => `arn:${config.partition}:iam::${account}:root`);
  return {
    Sid: SCAN_TRUST_SID,
    Effect: 'Allow',
    Principal: { AWS: accounts.length === 1 ? accounts[0] : accounts },
    Action: 'sts:AssumeRole',
    Condition: { ArnLike: { 'aws:PrincipalArn': arns }, StringEquals: { 'aws:PrincipalOrgID': config.organizationId } },
  };
}

/** Sid of the evaluation role's trust statement for `scan --org`. */
export const SCAN_TRUST_SID = 'ScanFromCli';

/**
 * The condition naming the rule Lambda roles: every role ARN (rules x regions) while the trust
 * policy stays well under IAM's 2,048-character limit, otherwise the role-name prefix of
 * the rule Lambdas in the admin account (still only roles this app names, in that account).
 * The `scan --org` statement (if any) is part of the same policy, so its size comes off the
 * budget first; if even the prefix form does not fit beside it, the configuration is refused.
 */
export function evaluationRoleTrustCondition(plan: DeploymentPlan, lambdaRoleArns: string[]): Record<string, Record<string, unknown>> {
  const { config } = plan;
  const rendered = plan.rules.flatMap((r) => config.regions.map((region) => roleArn(config.partition, config.adminAccountId, lambdaRoleName(r.rule.id, region))));
  const scan = scanTrustStatementJson(config);
  // The scan statement and the comma that separates it from the Lambda statement.
  const scanLength = scan ? JSON.stringify(scan).length + 1 : 0;
  // Room for the principal, the organization condition and the policy's own structure.
  const budget = TRUST_POLICY_LIMIT - 600 - scanLength;
  if (JSON.stringify(rendered).length <= budget) return { ArnEquals: { 'aws:PrincipalArn': lambdaRoleArns } };
  const prefix = roleArn(config.partition, config.adminAccountId, `${LAMBDA_ROLE_PREFIX}*`);
  if (JSON.stringify(prefix).length > budget) {
    throw new ConfigurationError(
      `scanPrincipalArns: the evaluation role trust policy would exceed IAM's ${TRUST_POLICY_LIMIT} characters ` +
        `(the scan statement alone takes ${scanLength}); list fewer roles, or one wildcard ARN per account.`,
    );
  }
  return { ArnLike: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${config.adminAccountId}:role/${LAMBDA_ROLE_PREFIX}*` } };
}

/** The evaluation and automation roles (IAM: once per account). */
export class MemberGlobalStack extends Stack {
  readonly evaluationRole: iam.Role;
  readonly evaluationPolicy: iam.ManagedPolicy;
  readonly automationRole: iam.Role;
  readonly automationPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, plan: DeploymentPlan) {
    super(scope, id, {
      synthesizer: new BootstraplessSynthesizer(),
      analyticsReporting: false,
      description: 'ecr-guardrails member roles: the read-only evaluation role assumed by the central rule Lambdas, and the SSM Automation role of the runbooks.',
    });
    const { config } = plan;

    // Trusted by the admin account, but only by the rule Lambdas' execution roles (every rule,
    // every region) and only while that account is in our organization. Naming the roles in an
    // aws:PrincipalArn condition instead of as principals keeps the trust policy valid when a
    // Lambda role is re-created (IAM would otherwise rewrite a role principal to its unique id).
    const lambdaRoleArns = plan.rules.flatMap((r) =>
      config.regions.map((region) => `arn:${Aws.PARTITION}:iam::${config.adminAccountId}:role/${lambdaRoleName(r.rule.id, region)}`),
    );
    const trustedLambdaRoles = evaluationRoleTrustCondition(plan, lambdaRoleArns);

    this.evaluationPolicy = new iam.ManagedPolicy(this, 'EvaluationPolicy', {
      description: 'What the ecr-guardrails rule collectors and the rule kernel call in a member account (derived from the rules).',
      statements: [new iam.PolicyStatement({ sid: 'RuleCollectors', actions: plan.evaluationActions, resources: ['*'] })],
    });
    Validations.of(this.evaluationPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The evaluation actions are read-only List/Describe/Get calls and config:PutEvaluations, which either do not support resource-level permissions or must see every resource of the account to evaluate it (access-analyzer:ListFindings takes only the Analyzer resource type, and Access Analyzer has no resource-based policies, so "*" reaches no more than this account\'s analyzers).',
    });
    this.evaluationRole = new iam.Role(this, 'EvaluationRole', {
      roleName: EVALUATION_ROLE_NAME,
      description: 'Read-only role the ecr-guardrails rule Lambdas assume to collect facts and report evaluations (and scan --org, when configured).',
      assumedBy: new iam.AccountPrincipal(config.adminAccountId).withConditions({
        ...trustedLambdaRoles,
        StringEquals: { 'aws:PrincipalOrgID': config.organizationId },
      }),
      managedPolicies: [this.evaluationPolicy],
    });
    // `ecr-guardrails scan --org` from a laptop: the configured roles (e.g. an IAM Identity
    // Center permission set), from their own accounts, inside the organization.
    const scan = config.scanPrincipalArns;
    if (scan?.length) {
      this.evaluationRole.assumeRolePolicy!.addStatements(
        new iam.PolicyStatement({
          sid: SCAN_TRUST_SID,
          actions: ['sts:AssumeRole'],
          principals: scanPrincipalAccounts(scan).map((account) => new iam.AccountPrincipal(account)),
          conditions: { ArnLike: { 'aws:PrincipalArn': scan }, StringEquals: { 'aws:PrincipalOrgID': config.organizationId } },
        }),
      );
    }

    // Exactly the runbooks' actions, each scoped as far as IAM allows (automations/iam-scope.ts).
    const fill = (arn: string): string => arn.split('${Partition}').join(Aws.PARTITION).split('${Account}').join(Aws.ACCOUNT_ID);
    this.automationPolicy = new iam.ManagedPolicy(this, 'AutomationPolicy', {
      description: 'Exactly the API calls the ecr-guardrails runbooks make (derived from the runbook documents), scoped to the account and to what the runbooks tagged where IAM allows.',
      statements: automationPolicyStatements(plan.automationActions, { exemptionTagKeys: exemptionTagKeys(plan) }).map(
        (s) =>
          new iam.PolicyStatement({
            sid: s.Sid,
            effect: s.Effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
            actions: s.Action,
            resources: s.Resource.map(fill),
            ...(s.Condition ? { conditions: s.Condition } : {}),
          }),
      ),
    });
    for (const finding of automationPolicyAcknowledgements(plan.automationActions)) Validations.of(this.automationPolicy).acknowledge(finding);
    this.automationRole = new iam.Role(this, 'AutomationRole', {
      roleName: AUTOMATION_ROLE_NAME,
      description: 'Role the ecr-guardrails SSM Automation runbooks run as (AutomationAssumeRole).',
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ssm:*:${Aws.ACCOUNT_ID}:automation-execution/*` },
      }),
      managedPolicies: [this.automationPolicy],
    });
    new DetectionMemberRole(this, 'Detections', { plan, detections: DETECTIONS });
    new SecurityHubMemberRole(this, 'SecurityHub', { plan });
  }
}

/** SSM documents everywhere; Config rules and remediations in `stackset` mode. */
export class MemberRegionalStack extends Stack {
  constructor(scope: Construct, id: string, plan: DeploymentPlan) {
    super(scope, id, {
      synthesizer: new BootstraplessSynthesizer(),
      analyticsReporting: false,
      description:
        plan.config.deploymentMode === 'stackset'
          ? 'ecr-guardrails member resources: SSM Automation runbooks, Config rules evaluated by the central Lambdas, and their remediation configurations.'
          : 'ecr-guardrails member resources: SSM Automation runbooks (Config rules come from the ecr-guardrails conformance pack).',
    });
    const { config: settings } = plan;

    const documents = new Map<string, ssm.CfnDocument>();
    for (const runbook of plan.runbooks) {
      documents.set(
        runbook.name,
        new ssm.CfnDocument(this, logicalId(runbook.name, 'Document'), {
          name: runbook.documentName,
          documentType: 'Automation',
          documentFormat: 'JSON',
          content: runbook.document,
          updateMethod: 'NewVersion',
        }),
      );
    }
    new DetectionForwarding(this, 'Detections', { plan, detections: DETECTIONS });
    addPullTimeExclusions(this, plan);
    if (settings.deploymentMode !== 'stackset') return;

    const automationRoleArn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${AUTOMATION_ROLE_NAME}`;
    for (const r of plan.rules) {
      // The central Lambda of the same region in the admin account.
      const lambdaArn = Fn.sub(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:${settings.adminAccountId}:function:${functionName(r.rule.id)}`);
      const rule = new CfnResource(this, logicalId(r.rule.id, 'Rule'), { type: 'AWS::Config::ConfigRule', properties: configRuleProperties(r, lambdaArn) });
      const remediation = new CfnResource(this, logicalId(r.rule.id, 'Remediation'), {
        type: 'AWS::Config::RemediationConfiguration',
        properties: remediationProperties(r, automationRoleArn),
      });
      remediation.addResourceDependency(rule);
      const document = documents.get(r.remediation.runbook.name);
      if (document) remediation.addResourceDependency(document);
    }
  }
}

export interface MemberTemplates {
  global: Record<string, unknown>;
  regional: Record<string, unknown>;
  /** The member stacks, for tests and nag reports. */
  app: App;
  globalStack: MemberGlobalStack;
  regionalStack: MemberRegionalStack;
}

/**
 * Synthesizes the member stacks in their own App (with cdk-nag) and returns their templates.
 * Throws when cdk-nag reports an unacknowledged finding.
 */
export function synthesizeMemberTemplates(plan: DeploymentPlan, options: { nag?: boolean; outdir?: string } = {}): MemberTemplates {
  const app = new App({
    outdir: options.outdir ?? mkdtempSync(join(tmpdir(), 'ecr-guardrails-member-')),
    analyticsReporting: false,
    autoSynth: false,
    // After the CLI's context, not before: `cdk synth` / `cdk deploy` pass
    // `aws:cdk:enable-path-metadata: true` (CDK_CONTEXT_JSON), which would override plain
    // `context` and put `aws:cdk:path` Metadata on every resource of the StackSet templates.
    postCliContext: {
      'aws:cdk:enable-path-metadata': false,
      'aws:cdk:disable-stack-trace': true,
      // Throw on validation (cdk-nag) failures even under the CDK CLI. The CLI passes
      // `@aws-cdk/core:failSynthOnValidationErrors: false` (CDK_CONTEXT_JSON) because it reads
      // the app's validation-report.json itself and fails there; but it only reads the report
      // of the assembly it asked for, never this App's (a temporary directory). So this App
      // handles its own report (fail flag back on) and throws it (in-memory app mode).
      '@aws-cdk/core:failSynthOnValidationErrors': true,
      '@aws-cdk/core:appMode': 'inmemory',
    },
  });
  const globalStack = new MemberGlobalStack(app, 'EcrGuardrailsMemberGlobal', plan);
  const regionalStack = new MemberRegionalStack(app, 'EcrGuardrailsMemberRegional', plan);
  if (options.nag !== false) addNagChecks(app);
  const assembly = app.synth();
  return {
    global: assembly.getStackByName(globalStack.stackName).template as Record<string, unknown>,
    regional: assembly.getStackByName(regionalStack.stackName).template as Record<string, unknown>,
    app,
    globalStack,
    regionalStack,
  };
}
