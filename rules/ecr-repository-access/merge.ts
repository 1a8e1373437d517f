/**
 * Statements that differ only in the values of one condition, simulated as one statement. Pure.
 *
 * "If a single condition operator includes multiple values for a context key, those values are
 * evaluated using a logical OR" (IAM User Guide, conditions with multiple context keys or values,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html).
 * So statements S1..Sn that are the same in everything but their Sid and the values V1..Vn of
 * their single condition `{Operator: {Key: Vi}}` grant (or deny) exactly what one statement with
 * `{Operator: {Key: V1 ∪ ... ∪ Vn}}` does. Merged only when nothing makes that union differ:
 * - the Condition holds exactly one operator with exactly one key, the same operator and key
 *   (as written) in every statement merged;
 * - the operator matches positively (StringEquals, StringEqualsIgnoreCase, StringLike,
 *   ArnEquals, ArnLike, IpAddress, with or without IfExists): a negated operator's values are a
 *   NOR, and set operators (ForAllValues:, ForAnyValue:) compare sets;
 * - the key is one the caller or the repository sets (aws:SourceIp, aws:SourceVpce, tags, ...),
 *   never one a probe fixes (probes.ts KNOWN_KEYS: who the caller is): the simulation reports
 *   such a key as a condition of the access instead of deciding on its value;
 * - every value is a string without a policy variable.
 * A policy granting access from fifty networks in fifty statements is then simulated as one
 * statement, and the cost of the question no longer grows with them
 * (bench/repository-access.bench.ts); findings still name every statement merged.
 */
import { isObject } from './policy-values.js';
import { FIXED_KEYS } from './probes.js';

const MERGEABLE_OPERATOR = /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)(IfExists)?$/;

export interface Merged {
  /** The statements to simulate. */
  statements: unknown[];
  /** For each, the indices (0-based) of the policy's statements it stands for. */
  origins: number[][];
}


interface Mergeable {
  /** Same for statements that may merge. */
  group: string;
  operator: string;
  key: string;
  values: string[];
}

function mergeable(statement: unknown): Mergeable | undefined {
  if (!isObject(statement) || !isObject(statement.Condition)) return undefined;
  const operators = Object.entries(statement.Condition);
  if (operators.length !== 1) return undefined;
  const [operator, block] = operators[0]!;
  if (!MERGEABLE_OPERATOR.test(operator) || !isObject(block)) return undefined;
  const keys = Object.entries(block);
  if (keys.length !== 1) return undefined;
  const [key, raw] = keys[0]!;
  if (FIXED_KEYS.has(key.toLowerCase())) return undefined;
  const values = Array.isArray(raw) ? raw : [raw];
  if (!values.every((value): value is string => typeof value === 'string' && !value.includes('${'))) return undefined;
  const { Sid: _sid, Condition: _condition, ...rest } = statement;
  return { group: JSON.stringify([rest, operator, key]), operator, key, values };
}

/** The policy's statements with those that differ only in one condition's values merged. */
export function mergeConditionValues(statements: readonly unknown[]): Merged {
  const merged: Merged = { statements: [], origins: [] };
  const groups = new Map<string, { position: number; found: Mergeable; values: Set<string> }>();
  statements.forEach((statement, index) => {
    const found = mergeable(statement);
    const group = found ? groups.get(found.group) : undefined;
    if (group) {
      merged.origins[group.position]!.push(index);
      for (const value of found!.values) group.values.add(value);
      return;
    }
    if (found) groups.set(found.group, { position: merged.statements.length, found, values: new Set(found.values) });
    merged.statements.push(statement);
    merged.origins.push([index]);
  });
  for (const { position, found, values } of groups.values()) {
    if (merged.origins[position]!.length === 1) continue;
    const { Sid: _sid, ...first } = merged.statements[position] as Record<string, unknown>;
    merged.statements[position] = { ...first, Condition: { [found.operator]: { [found.key]: [...values] } } };
  }
  return merged;
}
