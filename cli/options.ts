import { RULES } from '../rules/index.js';
import { parseRuleParameters } from '../rules/kernel/parameters.js';
import type { Rule } from '../rules/kernel/types.js';
import { UsageError } from './errors.js';
import type { RuleRun } from './scan.js';

/** `--rules a,b`: the chosen rules in registry order; all when not given; an empty list is a usage error. */
export function selectRules(list: string | undefined, available: readonly Rule[] = RULES): Rule[] {
  if (list === undefined) return [...available];
  const wanted = list.split(',').map((id) => id.trim()).filter(Boolean);
  // An empty value (e.g. `--rules "$UNSET"`) chooses nothing: refuse it rather than run all or none.
  if (wanted.length === 0) throw new UsageError(`--rules: expected comma-separated rule ids; available: ${available.map((rule) => rule.id).join(', ')}.`);
  const unknown = wanted.filter((id) => !available.some((rule) => rule.id === id));
  if (unknown.length) {
    throw new UsageError(`--rules: unknown rule ${unknown.join(', ')}; available: ${available.map((rule) => rule.id).join(', ')}.`);
  }
  return available.filter((rule) => wanted.includes(rule.id));
}

/**
 * `--param Key=Value` sets Key for every chosen rule that declares it; `--param rule-id:Key=Value`
 * for one rule. A key that no chosen rule declares is a usage error, and values are validated
 * by the rule's own schema, exactly as in Lambda.
 */
export function ruleRuns(rules: Rule[], params: string[]): RuleRun[] {
  const raw = new Map<string, Record<string, string>>(rules.map((rule) => [rule.id, {}]));
  for (const entry of params) {
    const match = /^(?:([a-z0-9-]+):)?([A-Za-z][A-Za-z0-9]*)=(.*)$/s.exec(entry);
    if (!match) throw new UsageError(`--param ${entry}: expected Key=Value or rule-id:Key=Value.`);
    const [, ruleId, key = '', value = ''] = match;
    const targets = rules.filter((rule) => (ruleId ? rule.id === ruleId : true) && key in rule.parameters.properties);
    if (targets.length === 0) {
      const where = ruleId ? `rule ${ruleId}` : 'any chosen rule';
      throw new UsageError(`--param ${entry}: ${key} is not a parameter of ${where}; see \`ecr-guardrails rules\`.`);
    }
    for (const rule of targets) (raw.get(rule.id) as Record<string, string>)[key] = value;
  }
  return rules.map((rule) => ({ rule, params: parseRuleParameters(rule.id, rule.parameters, raw.get(rule.id)) }));
}

/** Commander option parser for repeatable, comma-separable values: `--region a,b --region c` gives `[a, b, c]`. */
export function collectRepeatable(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];
}
