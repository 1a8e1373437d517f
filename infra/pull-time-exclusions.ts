/**
 * Reading an image manifest (ecr:BatchGetImage) is what a pull does, and ECR records it as a
 * pull (lastRecordedPullTime; https://github.com/aws/containers-roadmap/issues/2390). The rules
 * and runbooks that read image-index manifests to find their platform manifests would otherwise
 * make every index they read look recently used, and ecr-stale-images would stop finding stale
 * multi-architecture images. ECR's pull-time update exclusions stop that per principal and
 * registry (region): https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegisterPullTimeUpdateExclusion.html,
 * AWS::ECR::PullTimeUpdateExclusion in CloudFormation.
 *
 * Derived like the roles' policies: a role is excluded exactly when its derived actions include
 * ecr:BatchGetImage.
 */
import { Aws } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type { Construct } from 'constructs';
import { AUTOMATION_ROLE_NAME, EVALUATION_ROLE_NAME } from './names.js';
import type { DeploymentPlan } from './plan.js';

export const MANIFEST_READ_ACTION = 'ecr:BatchGetImage';

/** The member roles whose manifest reads must not count as pulls, by logical id. */
export function excludedRoles(plan: Pick<DeploymentPlan, 'evaluationActions' | 'automationActions'>): Array<[string, string]> {
  return [
    ['EvaluationRolePullTimeExclusion', EVALUATION_ROLE_NAME, plan.evaluationActions] as const,
    ['AutomationRolePullTimeExclusion', AUTOMATION_ROLE_NAME, plan.automationActions] as const,
  ]
    .filter(([, , actions]) => actions.includes(MANIFEST_READ_ACTION))
    .map(([id, name]) => [id, name]);
}

/** One exclusion per role and region (the registry of the stack's account and region). */
export function addPullTimeExclusions(scope: Construct, plan: Pick<DeploymentPlan, 'evaluationActions' | 'automationActions'>): void {
  for (const [id, roleName] of excludedRoles(plan)) {
    new ecr.CfnPullTimeUpdateExclusion(scope, id, { principalArn: `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${roleName}` });
  }
}
