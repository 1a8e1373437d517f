/**
 * Deterministic names, so that the admin stacks, the member StackSets and the conformance
 * pack find each other without cross-stack references (they live in different accounts).
 * The names member accounts and the CLI share come from `rules/names.ts`.
 */
import { AUTOMATION_ROLE_NAME, CONFIG_RULE_PREFIX, EVALUATION_ROLE_NAME, FUNCTION_PREFIX } from '../rules/names.js';
import { ConfigurationError } from './config.js';

export { AUTOMATION_ROLE_NAME, EVALUATION_ROLE_NAME };

export const ADMIN_STACK_PREFIX = 'EcrGuardrails-Admin-';
export const ORG_STACK_NAME = 'EcrGuardrails-Org';
/** IAM roles (global): deployed once per account, in the home region. */
export const MEMBER_GLOBAL_STACKSET_NAME = 'EcrGuardrails-MemberGlobal';
/** SSM documents, Config rules and remediations: deployed in every configured region. */
export const MEMBER_REGIONAL_STACKSET_NAME = 'EcrGuardrails-MemberRegional';
export const CONFORMANCE_PACK_NAME = 'EcrGuardrails';

function checkLength(kind: string, name: string, max: number): string {
  if (name.length > max) throw new ConfigurationError(`${kind} ${name} is longer than ${max} characters; use a shorter rule id or region.`);
  return name;
}

/** Name of the admin stack of a region. */
export const adminStackName = (region: string): string => `${ADMIN_STACK_PREFIX}${region}`;

/** The Config rule in each member account. */
export const configRuleName = (ruleId: string): string => checkLength('Config rule name', `${CONFIG_RULE_PREFIX}${ruleId}`, 128);

/** The rule Lambda in the admin account (same name in every region). */
export const functionName = (ruleId: string): string => checkLength('Lambda function name', `${FUNCTION_PREFIX}${ruleId}`, 64);

/** Prefix of the rule Lambdas' execution roles. */
export const LAMBDA_ROLE_PREFIX = 'EcrGuardrailsRule-';

/** The rule Lambda's execution role (IAM is global: one per region). */
export const lambdaRoleName = (ruleId: string, region: string): string =>
  checkLength('IAM role name', `${LAMBDA_ROLE_PREFIX}${ruleId}-${region}`, 64);

/** ARN of a rule's central Lambda in a region of the admin account. */
export const functionArn = (partition: string, region: string, account: string, ruleId: string): string =>
  `arn:${partition}:lambda:${region}:${account}:function:${functionName(ruleId)}`;

/** ARN of an IAM role. */
export const roleArn = (partition: string, account: string, roleName: string): string => `arn:${partition}:iam::${account}:role/${roleName}`;
