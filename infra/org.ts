/**
 * The organization stack (admin account, home region): the two service-managed StackSets that
 * put the member templates into every account of the target OUs, now and as accounts join.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { MEMBER_GLOBAL_STACKSET_NAME, MEMBER_REGIONAL_STACKSET_NAME, ORG_STACK_NAME } from './names.js';
import type { DeploymentPlan } from './plan.js';

/** CloudFormation's limit on an inline StackSet TemplateBody (bytes); larger templates go by URL. */
export const TEMPLATE_BODY_LIMIT = 51_200;

/** Inline body when it fits, otherwise an S3 asset (in the admin account) referenced by URL. */
function templateSource(scope: Construct, id: string, template: Record<string, unknown>, limit: number): { templateBody: string } | { templateUrl: string } {
  const body = JSON.stringify(template);
  if (Buffer.byteLength(body, 'utf8') <= limit) return { templateBody: body };
  const dir = mkdtempSync(join(tmpdir(), 'ecr-guardrails-template-'));
  const path = join(dir, `${id}.template.json`);
  writeFileSync(path, body);
  return { templateUrl: new Asset(scope, `${id}Template`, { path }).httpUrl };
}

export interface OrgStackProps extends StackProps {
  templates: { global: Record<string, unknown>; regional: Record<string, unknown> };
  /** For tests: the inline size limit (defaults to CloudFormation's 51,200 bytes). */
  templateBodyLimit?: number;
}

/** The organization stack (admin account, home region): the two service-managed member StackSets, with auto-deployment to the target OUs. */
export class OrgStack extends Stack {
  readonly globalStackSet: cloudformation.CfnStackSet;
  readonly regionalStackSet: cloudformation.CfnStackSet;

  constructor(scope: Construct, plan: DeploymentPlan, props: OrgStackProps) {
    const { config } = plan;
    super(scope, ORG_STACK_NAME, {
      ...props,
      stackName: ORG_STACK_NAME,
      env: { account: config.adminAccountId, region: config.homeRegion },
      description: 'ecr-guardrails member StackSets: roles, runbooks and (in stackset mode) Config rules for every account of the target OUs.',
    });
    const limit = props.templateBodyLimit ?? TEMPLATE_BODY_LIMIT;
    const common: Omit<cloudformation.CfnStackSetProps, 'stackSetName'> = {
      permissionModel: 'SERVICE_MANAGED',
      callAs: config.stackSet.callAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: config.stackSet.retainStacksOnAccountRemoval },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      // Untyped in the L1 (Json): CloudFormation's own casing.
      managedExecution: { Active: true },
      operationPreferences: {
        maxConcurrentPercentage: config.stackSet.maxConcurrentPercentage,
        failureTolerancePercentage: config.stackSet.failureTolerancePercentage,
        regionConcurrencyType: config.stackSet.regionConcurrencyType,
      },
    };

    // IAM roles are global: one stack instance per account, in the home region only.
    this.globalStackSet = new cloudformation.CfnStackSet(this, 'MemberGlobalStackSet', {
      ...common,
      stackSetName: MEMBER_GLOBAL_STACKSET_NAME,
      description: 'ecr-guardrails member roles (evaluation role, automation role).',
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: config.organizationalUnitIds }, regions: [config.homeRegion] }],
      ...templateSource(this, 'MemberGlobal', props.templates.global, limit),
    });

    this.regionalStackSet = new cloudformation.CfnStackSet(this, 'MemberRegionalStackSet', {
      ...common,
      stackSetName: MEMBER_REGIONAL_STACKSET_NAME,
      description:
        config.deploymentMode === 'stackset'
          ? 'ecr-guardrails member runbooks, Config rules and remediation configurations.'
          : 'ecr-guardrails member runbooks (Config rules come from the conformance pack).',
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: config.organizationalUnitIds }, regions: config.regions }],
      ...templateSource(this, 'MemberRegional', props.templates.regional, limit),
    });
    // Roles first, so the first remediation finds its role.
    this.regionalStackSet.addResourceDependency(this.globalStackSet);
  }
}
