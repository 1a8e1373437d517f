/**
 * Conditions the simulation cannot judge as written, made explicit. Pure.
 *
 * A key the probe fixes (who the caller is, whose resource it is: KNOWN_KEYS) compared with a
 * policy variable the caller sets, such as `"StringEquals": {"aws:ResourceOrgID":
 * "${aws:PrincipalTag/org}"}`: the caller tags its own role, so it decides whether the two match.
 * The simulator, not knowing the tag, would read the comparison as unmet (a grant passes unseen)
 * or, negated in a Deny, as met (a Deny that the caller can step around blocks a grant). So the
 * caller is assumed to choose whatever serves it:
 * - in an Allow statement such a comparison is left out (it can be met), unless it matches
 *   positively (StringEquals/Like, ArnEquals/Like, with ForAnyValue:/ForAllValues:/IfExists):
 *   then each variable becomes `*` under the Like operator, so the rest of the value still
 *   decides (`arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}` admits no role of another
 *   account, whatever the tag). A `*` matches every value the variable could take, so the
 *   pattern admits at least what any tag would. The probes are also drawn from these patterns
 *   (policy-risk.ts), so `o-a1b2${aws:PrincipalTag/org}` is asked about an organisation `o-a1b2...`;
 * - a Deny statement with such a comparison is left out (it can be avoided).
 * Both only widen what the simulation finds, never narrow it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
import { isObject } from './policy-values.js';
import { FIXED_KEYS } from './probes.js';

/** `${key}` or `${key, 'default'}`; `${*}`, `${?}` and `${$}` are escaped characters, not variables. */
const VARIABLE = /\$\{([^}*?$,][^},]*)(?:,[^}]*)?\}/g;

/** Operators whose match only grows with the values' matches: the Like form of each. */
const POSITIVE = /^(ForAnyValue:|ForAllValues:)?(String|Arn)(Equals|Like)(IfExists)?$/;

const chosenName = (name: string) => !FIXED_KEYS.has(name.trim().toLowerCase());

/** Whether the condition entry compares a fixed key with a variable the caller sets. */
function callerChosen(key: string, values: unknown): boolean {
  if (!FIXED_KEYS.has(key.toLowerCase())) return false;
  return (Array.isArray(values) ? values : [values]).some((value) => [...String(value).matchAll(VARIABLE)].some(([, name]) => chosenName(name!)));
}

/** The entry with each caller-set variable as `*` under the Like operator; undefined when the operator is not positive. */
function widened(operator: string, key: string, values: unknown): { operator: string; values: string[] } | undefined {
  const parts = POSITIVE.exec(operator);
  // The repository's keys are left out as before: aws:ResourceOrgID is absent from the probes when
  // the organisation is unknown, and a pattern would then read as unmet.
  if (!parts || /^aws:Resource/i.test(key)) return undefined;
  const list = (Array.isArray(values) ? values : [values]).map((value) => String(value).replace(VARIABLE, (variable, name: string) => (chosenName(name) ? '*' : variable)));
  return { operator: `${parts[1] ?? ''}${parts[2]!}Like${parts[4] ?? ''}`, values: list };
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
    for (const { operator, key, values } of entries) {
      const wide = callerChosen(key, values) ? widened(operator, key, values) : undefined;
      // Left out when the Like operator already compares the key (both would have to hold).
      if (wide && !Object.keys(condition[wide.operator] ?? {}).some((other) => other.toLowerCase() === key.toLowerCase())) (condition[wide.operator] ??= {})[key] = wide.values;
    }
    const { Condition: _, ...rest } = statement;
    out.push(Object.keys(condition).length ? { ...rest, Condition: condition } : rest);
  }
  return out;
}
