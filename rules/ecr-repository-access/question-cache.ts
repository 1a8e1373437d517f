/**
 * One simulation per distinct question. Pure.
 *
 * Account probes of a policy with one statement per outside account ask the same question over
 * and over with another account id: "statement S_i grants account A_i these actions; can A_i call
 * one?" IAM treats two outside account ids alike unless something tells them apart, so when the
 * question with the probe's own account id replaced by a placeholder is the same text, the
 * answer is the same, and the simulation of the first decides for the others.
 *
 * "Nothing tells them apart" is checked, never assumed; a question that fails any check gets no
 * key and is simulated on its own:
 * - the account id occurs only as a whole 12-digit token (never inside a longer number or name);
 * - no wildcard (`*`, `?`) touches a digit once the account id is replaced (a pattern such as
 *   `4000*` matches some accounts and not others). A digit run bounded by other characters
 *   matches only a whole equal number, and wildcards consume the account's digits alike for
 *   every account;
 * - no policy variable (`${...}`), and condition operators are only String*, Arn*, Bool, Null
 *   and (Not)IpAddress, with or without ForAnyValue:/ForAllValues: and IfExists (Numeric*,
 *   Date* and Binary* could order or encode account ids);
 * - Sids are left out of the key (they never change a decision; the caller labels the
 *   statements of its own policy).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import type { Probe } from './probes.js';

const PLACEHOLDER = '\u0000account\u0000';
/** The placeholder as it is written inside JSON text. */
const JSON_PLACEHOLDER = JSON.stringify(PLACEHOLDER).slice(1, -1);
const SAFE_OPERATOR = /^(ForAnyValue:|ForAllValues:)?(String|Arn|Bool|Null|IpAddress|NotIpAddress)/;

/** The account id the question is about: the caller's, or the one a service acts for. */
export function subjectAccount(probe: Probe): string | undefined {
  const value = probe.context['aws:PrincipalAccount'] ?? probe.context['aws:SourceAccount'];
  return typeof value === 'string' && /^[0-9]{12}$/.test(value) ? value : undefined;
}

const token = (account: string) => new RegExp(`(?<![0-9])${account}(?![0-9])`, 'g');

/** Whether every condition operator compares strings, ARNs, booleans, presence or addresses (none orders or encodes ids). */
export function operatorsSafe(statements: readonly unknown[]): boolean {
  return statements.every((statement) => {
    const condition = (statement as { Condition?: unknown } | null)?.Condition;
    return !condition || typeof condition !== 'object' || Object.keys(condition).every((operator) => SAFE_OPERATOR.test(operator));
  });
}

/**
 * No policy variable, no wildcard next to a digit, in the key's JSON text. `*` and `?` occur in
 * JSON text only inside strings, so a digit next to one in the text is next to it in a string;
 * the placeholder's escape (`\\u0000`) counts as digits here, which only ever withholds a key.
 */
const wildcardsNeutral = (key: string) => !key.includes('${') && !/[0-9][*?]|[*?][0-9]/.test(key);

/**
 * The key of the probe's questions (append the action), the same for every account the answers
 * hold for; undefined when its questions must be simulated on their own. `statements` are the
 * statements simulated.
 */
export function questionKey(statements: readonly unknown[], probe: Probe, resourceArn: string): string | undefined {
  const account = subjectAccount(probe);
  if (!account || !operatorsSafe(statements)) return undefined;
  const withoutSids = statements.map((statement) => (statement && typeof statement === 'object' ? { ...statement, Sid: undefined } : statement));
  const text = JSON.stringify([withoutSids, probe.kind, probe.principal, probe.context, resourceArn]);
  if (text.includes('\\u0000')) return undefined;
  const pattern = token(account);
  const tokens = text.match(pattern)?.length ?? 0;
  if (text.split(account).length - 1 !== tokens) return undefined;
  const key = text.replace(pattern, JSON_PLACEHOLDER);
  return wildcardsNeutral(key) ? key : undefined;
}

/** `text` with the account replaced by the placeholder (to keep in the cache) ... */
export const templated = (text: string, account: string | undefined) => (account ? text.replace(token(account), PLACEHOLDER) : text);
/** ... and back, for another account of the same question. */
export const instantiated = (text: string, account: string | undefined) => (account ? text.split(PLACEHOLDER).join(account) : text);
