/**
 * The Config rule and remediation configuration of each rule, as CloudFormation properties.
 * One builder serves both places they are deployed: the regional member StackSet
 * (`member.ts`) and the conformance pack template (`conformance-pack.ts`), so the two can
 * never drift apart. Only the values that differ by place are passed in: the Lambda ARN
 * (an intrinsic in the StackSet, a literal in the pack) and the automation role ARN.
 */
import { remediationParameters, sourceDetails, type RulePlan } from './plan.js';

/** Config allows 256 characters of rule description. */
export function ruleDescription(description: string): string {
  return description.length <= 256 ? description : `${description.slice(0, 253)}...`;
}

/** AWS::Config::ConfigRule properties of a custom Lambda rule evaluated by the central function. */
export function configRuleProperties(r: RulePlan, functionArn: unknown): Record<string, unknown> {
  return {
    ConfigRuleName: r.configRuleName,
    Description: ruleDescription(r.rule.description),
    InputParameters: r.inputParameters,
    ...(r.rule.triggers.changeResourceTypes.length ? { Scope: { ComplianceResourceTypes: r.rule.triggers.changeResourceTypes } } : {}),
    Source: { Owner: 'CUSTOM_LAMBDA', SourceIdentifier: functionArn, SourceDetails: sourceDetails(r.rule) },
  };
}

/** AWS::Config::RemediationConfiguration properties: the rule's Remediate button (or automatic remediation). */
export function remediationProperties(r: RulePlan, automationRoleArn: unknown): Record<string, unknown> {
  return {
    ConfigRuleName: r.configRuleName,
    TargetType: 'SSM_DOCUMENT',
    TargetId: r.remediation.runbook.documentName,
    ResourceType: r.rule.resourceType,
    Parameters: remediationParameters(r.remediation, automationRoleArn),
    Automatic: r.remediation.automatic,
    ...(r.remediation.automatic ? { MaximumAutomaticAttempts: r.remediation.maximumAutomaticAttempts, RetryAttemptSeconds: r.remediation.retryAttemptSeconds } : {}),
  };
}
