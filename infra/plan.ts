/**
 * The deployment plan: what the configuration means for each rule (names, input parameters,
 * the runbook behind its Remediate button, manual or automatic), computed once and used by
 * the admin stacks, the member templates and the conformance pack so they cannot disagree.
 */
import { checkExemptionTagKeys } from './automation-policy.js';
import { checkConfigLimits } from './limits.js';
import type { Runbook } from '../automations/catalog.js';
import type { RemediationRef, Rule } from '../rules/kernel/types.js';
import { ConfigurationError, ruleInputParameters, ruleSettings, type GuardrailsConfig } from './config.js';
import { configRuleName, functionName } from './names.js';

export interface RemediationPlan {
  ref: RemediationRef;
  runbook: Runbook;
  automatic: boolean;
  maximumAutomaticAttempts?: number;
  retryAttemptSeconds?: number;
  /** Runbook parameters with fixed values (from the rule parameters), besides the resource id and the role. */
  staticParameters: Record<string, string>;
}

export interface RulePlan {
  rule: Rule;
  configRuleName: string;
  functionName: string;
  /** Config InputParameters: every rule parameter, defaults filled, as strings. */
  inputParameters: Record<string, string>;
  remediation: RemediationPlan;
}

export interface DeploymentPlan {
  config: GuardrailsConfig;
  rules: RulePlan[];
  runbooks: Runbook[];
  /** Sorted IAM actions of the automation role (derived by the runbook toolchain). */
  automationActions: string[];
  /** Sorted IAM actions of the evaluation role (derived by the runbook toolchain). */
  evaluationActions: string[];
}

export interface PlanInputs {
  config: GuardrailsConfig;
  rules: readonly Rule[];
  runbooks: readonly Runbook[];
  automationActions: readonly string[];
  evaluationActions: readonly string[];
}

function remediationPlan(config: GuardrailsConfig, rule: Rule, params: unknown, runbooks: readonly Runbook[]): RemediationPlan {
  const settings = ruleSettings(config, rule.id).remediation;
  const automatic = settings.mode === 'automatic';
  // The Remediate button runs the rule's first runbook; automatic remediation never runs a
  // destructive (approval-gated) runbook, so it takes the first non-destructive one.
  const ref = automatic ? rule.remediations.find((r) => !r.destructive) : rule.remediations[0];
  if (!ref) {
    throw new ConfigurationError(`rules.${rule.id}.remediation.mode cannot be automatic: every runbook of this rule is destructive.`);
  }
  const runbook = runbooks.find((r) => r.name === ref.runbook);
  if (!runbook) {
    throw new ConfigurationError(
      `Rule ${rule.id} remediates with runbook ${ref.runbook}, but automations/${ref.runbook}.yaml does not exist ` +
        `(runbooks found: ${runbooks.map((r) => r.name).join(', ') || 'none'}).`,
    );
  }
  const declared = runbook.document.parameters ?? {};
  for (const name of [ref.resourceIdParameter, 'AutomationAssumeRole']) {
    if (!(name in declared)) throw new ConfigurationError(`Runbook ${runbook.name} has no parameter ${name}, which rule ${rule.id} passes to it.`);
  }
  const staticParameters = ref.parameters ? ref.parameters(params) : {};
  for (const name of Object.keys(staticParameters)) {
    if (!(name in declared)) throw new ConfigurationError(`Runbook ${runbook.name} has no parameter ${name}, which rule ${rule.id} passes to it.`);
  }
  return {
    ref,
    runbook,
    automatic,
    ...(settings.mode === 'automatic' ? { maximumAutomaticAttempts: settings.maximumAttempts, retryAttemptSeconds: settings.retrySeconds } : {}),
    staticParameters,
  };
}

/** Resolves a validated configuration into what the stacks create: per rule its Config rule name, InputParameters and remediation; checks Config and SSM document limits (limits.ts). */
export function buildPlan(inputs: PlanInputs): DeploymentPlan {
  const { config } = inputs;
  const rules = inputs.rules.map((rule): RulePlan => {
    const { params, inputParameters } = ruleInputParameters(config, rule);
    return {
      rule,
      configRuleName: configRuleName(rule.id),
      functionName: functionName(rule.id),
      inputParameters,
      remediation: remediationPlan(config, rule, params, inputs.runbooks),
    };
  });
  checkConfigLimits(rules, inputs.runbooks);
  checkExemptionTagKeys(rules);
  return {
    config,
    rules,
    runbooks: [...inputs.runbooks],
    automationActions: [...inputs.automationActions],
    evaluationActions: [...inputs.evaluationActions],
  };
}

/** Config SourceDetails of a custom Lambda rule from its triggers. */
export function sourceDetails(rule: Rule): { EventSource: 'aws.config'; MessageType: string; MaximumExecutionFrequency?: string }[] {
  const details: { EventSource: 'aws.config'; MessageType: string; MaximumExecutionFrequency?: string }[] = [];
  if (rule.triggers.changeResourceTypes.length) {
    details.push({ EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' });
    details.push({ EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' });
  }
  if (rule.triggers.periodic) {
    details.push({ EventSource: 'aws.config', MessageType: 'ScheduledNotification', MaximumExecutionFrequency: rule.triggers.periodic });
  }
  return details;
}

/** The remediation configuration's Parameters (Config's RemediationParameterValue map). */
export function remediationParameters(
  remediation: RemediationPlan,
  automationRoleArn: unknown,
): Record<string, { ResourceValue: { Value: 'RESOURCE_ID' } } | { StaticValue: { Values: unknown[] } }> {
  return {
    [remediation.ref.resourceIdParameter]: { ResourceValue: { Value: 'RESOURCE_ID' } },
    AutomationAssumeRole: { StaticValue: { Values: [automationRoleArn] } },
    ...Object.fromEntries(
      Object.entries(remediation.staticParameters).map(([name, value]) => [name, { StaticValue: { Values: staticValues(remediation.runbook, name, value) } }]),
    ),
  };
}

/** A StringList runbook parameter takes its comma-separated value as a list of values. */
function staticValues(runbook: Runbook, name: string, value: string): string[] {
  const type = runbook.document.parameters?.[name]?.type;
  if (type === 'StringList') return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  return [value];
}
