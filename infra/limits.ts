/**
 * AWS Config limits checked at synth, so a configuration that every member account's
 * PutConfigRule or PutRemediationConfigurations would refuse fails `cdk synth` with a message
 * naming the configuration key, instead of failing the StackSet in every account:
 * - ConfigRule InputParameters: a JSON string of 1 to 1,024 characters
 *   (https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigRule.html);
 * - a remediation StaticValue: at most 25 values of 1 to 256 characters each
 *   (https://docs.aws.amazon.com/config/latest/APIReference/API_StaticValue.html).
 */
import { ConfigurationError } from './config.js';
import { remediationParameters, type RulePlan } from './plan.js';

export const INPUT_PARAMETERS_MAX = 1024;
export const STATIC_VALUE_MAX_LENGTH = 256;
export const STATIC_VALUES_MAX = 25;

/** The problems of one rule's plan against Config's limits (empty when it fits). */
export function configLimitProblems(r: RulePlan): string[] {
  const problems: string[] = [];
  const input = JSON.stringify(r.inputParameters);
  if (input.length > INPUT_PARAMETERS_MAX) {
    const longest = Object.entries(r.inputParameters).sort(([, a], [, b]) => b.length - a.length)[0];
    problems.push(
      `rules.${r.rule.id}.parameters: the Config rule's InputParameters would be ${input.length} characters, over Config's limit of ${INPUT_PARAMETERS_MAX}` +
        (longest ? ` (the longest is ${longest[0]}, ${longest[1].length} characters: shorten it, e.g. with wildcards)` : ''),
    );
  }
  // The automation role ARN is a CloudFormation token in the StackSet; only literal values are checked here.
  for (const [name, value] of Object.entries(remediationParameters(r.remediation, 'role-arn'))) {
    if (!('StaticValue' in value)) continue;
    const values = value.StaticValue.Values.map(String);
    if (values.length > STATIC_VALUES_MAX) {
      problems.push(`rules.${r.rule.id}: remediation parameter ${name} of ${r.remediation.runbook.name} has ${values.length} values, over Config's limit of ${STATIC_VALUES_MAX}`);
    }
    const tooLong = values.find((v) => v.length > STATIC_VALUE_MAX_LENGTH);
    if (tooLong !== undefined) {
      problems.push(
        `rules.${r.rule.id}: remediation parameter ${name} of ${r.remediation.runbook.name} is ${tooLong.length} characters, over Config's limit of ${STATIC_VALUE_MAX_LENGTH} per value`,
      );
    }
  }
  return problems;
}

/** Throws a ConfigurationError listing every rule that does not fit Config's limits. */
export function checkConfigLimits(rules: readonly RulePlan[]): void {
  const problems = rules.flatMap(configLimitProblems);
  if (problems.length) throw new ConfigurationError(`Invalid configuration (AWS Config limits):\n  - ${problems.join('\n  - ')}`);
}
