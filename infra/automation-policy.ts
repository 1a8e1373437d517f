/**
 * What the member automation policy needs from the deployment plan besides its statements
 * (automations/iam-scope.ts): the exemption tag keys it must never write, and the cdk-nag
 * acknowledgements, which say exactly which actions keep `Resource: *` and why.
 */
import { CREATION_TAG_KEYS, scopedWildcards, unscopedActions, unscopedReason } from '../automations/iam-scope.js';
import { ConfigurationError } from './config.js';
import type { DeploymentPlan, RulePlan } from './plan.js';

/** The rules' configured ExemptionTagKey values (a resource with one is exempt from that rule). */
export function exemptionTagKeys(plan: Pick<DeploymentPlan, 'rules'>): string[] {
  return [...new Set(plan.rules.map((r) => r.inputParameters['ExemptionTagKey']).filter((k): k is string => typeof k === 'string' && k !== ''))].sort();
}

/** Refuses an ExemptionTagKey the runbooks write themselves: the automation role would exempt what it creates, or be denied its own tags. */
export function checkExemptionTagKeys(rules: readonly RulePlan[]): void {
  const problems = rules
    .filter((r) => CREATION_TAG_KEYS.includes(r.inputParameters['ExemptionTagKey'] ?? ''))
    .map((r) => `rules.${r.rule.id}.parameters.ExemptionTagKey ${r.inputParameters['ExemptionTagKey']} is a tag the runbooks write on what they create (${CREATION_TAG_KEYS.join(', ')}); choose another key`);
  if (problems.length) throw new ConfigurationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
}

/** The cdk-nag acknowledgements of the automation policy: the remaining `*` resources, each action named with its reason. */
export function automationPolicyAcknowledgements(actions: readonly string[]): { id: string; reason: string }[] {
  const rest = unscopedActions(actions);
  const byReason = new Map<string, string[]>();
  for (const action of rest) byReason.set(unscopedReason(action), [...(byReason.get(unscopedReason(action)) ?? []), action]);
  const wildcard = [...byReason].map(([reason, list]) => `${list.join(', ')}: ${reason}`).join('; ');
  return [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        `Resource * remains only for ${rest.length} actions without a narrower scope in IAM: ${wildcard}. ` +
        'Every other runbook action is scoped to the account (repositories, VPCs, security groups), deletions to resources carrying the runbook tag, tagging to creation. ' +
        'The Deny statement on ec2:CreateTags (exemption tag keys) is on * by design.',
    },
    ...scopedWildcards(actions).map(({ resource, reason }) => ({
      id: `AwsSolutions-IAM5[Resource::${resource.split('${Partition}').join('<AWS::Partition>').split('${Account}').join('<AWS::AccountId>')}]`,
      reason: `Scoped, not *: ${reason}.`,
    })),
  ];
}
