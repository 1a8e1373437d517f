/**
 * Conditions the simulation cannot judge as written, made explicit. Pure.
 *
 * A key the probe fixes (who the caller is, whose resource it is: KNOWN_KEYS) compared with a
 * policy variable the caller sets, such as `"StringEquals": {"aws:ResourceOrgID":
 * "${aws:PrincipalTag/org}"}`: the caller tags its own role, so it decides whether the two match.
 * The simulator, not knowing the tag, would read the comparison as unmet (a grant passes unseen)
 * or, negated in a Deny, as met (a Deny that the caller can step around blocks a grant). So the
 * caller is assumed to choose whatever serves it:
 * - in an Allow statement such a comparison is left out (it can be met);
 * - a Deny statement with such a comparison is left out (it can be avoided).
 * Both only widen what the simulation finds, never narrow it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
import { isObject } from './policy-values.js';
import { KNOWN_KEYS } from './probes.js';

const FIXED_KEYS = new Set(KNOWN_KEYS.map((key) => key.toLowerCase()));
/** `${key}` or `${key, 'default'}`; `${*}`, `${?}` and `${$}` are escaped characters, not variables. */
const VARIABLE = /\$\{([^}*?$,][^},]*)(?:,[^}]*)?\}/g;

/** Whether the condition entry compares a fixed key with a variable the caller sets. */
function callerChosen(key: string, values: unknown): boolean {
  if (!FIXED_KEYS.has(key.toLowerCase())) return false;
  return (Array.isArray(values) ? values : [values]).some((value) => [...String(value).matchAll(VARIABLE)].some(([, name]) => !FIXED_KEYS.has(name!.trim().toLowerCase())));
}

/**
 * The statements with such comparisons resolved in the caller's favour, the others unchanged;
 * `undefined` where a statement is left out (same positions as `statements`).
 */
export function withCallerChoices(statements: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const statement of statements) {
    if (!isObject(statement) || !isObject(statement.Condition)) {
      out.push(statement);
      continue;
    }
    const entries = Object.entries(statement.Condition).flatMap(([operator, block]) => (isObject(block) ? Object.entries(block).map(([key, values]) => ({ operator, key, values })) : []));
    if (!entries.some(({ key, values }) => callerChosen(key, values))) {
      out.push(statement);
      continue;
    }
    if (statement.Effect !== 'Allow') {
      out.push(undefined);
      continue;
    }
    const condition: Record<string, Record<string, unknown>> = {};
    for (const { operator, key, values } of entries) if (!callerChosen(key, values)) (condition[operator] ??= {})[key] = values;
    const { Condition: _, ...rest } = statement;
    out.push(Object.keys(condition).length ? { ...rest, Condition: condition } : rest);
  }
  return out;
}
