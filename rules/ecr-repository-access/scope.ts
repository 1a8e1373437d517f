/**
 * The part of a policy that can apply to one caller, so that each simulation reads only it. Pure.
 *
 * A statement's `Principal` element matches a request when one of its entries does. An `AWS`
 * entry is an account id or an IAM principal ARN, and neither takes wildcards except the whole
 * `"*"`: an entry that does not name the caller's account never matches a principal of that
 * account. `Service`, `Federated` and `CanonicalUser` entries never match an IAM role, user or
 * root user. So, for a caller of account A:
 * - entries naming other accounts are left out of each statement's `AWS` list;
 * - a statement left with no principal entry is left out (it cannot apply, Allow or Deny);
 * - a statement with `"*"`, a wildcard entry, `NotPrincipal`, or a principal element this
 *   module does not recognise is kept exactly as written: the simulator decides.
 * Leaving out what cannot match changes no answer and keeps the cost of a question independent
 * of how many other accounts the policy names (bench/repository-access.bench.ts).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */

import { isObject, listOf } from './policy-values.js';

const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

export interface Scoped {
  /** The statements to simulate (pruned copies where entries were left out). */
  statements: unknown[];
  /** Each one's index in the policy (0-based), for naming the statement in a finding. */
  indices: number[];
}

const ACCOUNT = /(?<![0-9])[0-9]{12}(?![0-9])/g;

/** A statement whose principal names accounts: its `AWS` entries, each with the accounts it names. */
interface Named {
  statement: Record<string, unknown> & { Principal: Record<string, unknown> };
  entries: Array<{ entry: string; accounts: string[] }>;
}

/** Named when its principal is a list of `AWS` accounts/ARNs (with or without other types); undefined: keep as written. */
function named(statement: unknown): Named | undefined {
  if (!isObject(statement) || 'NotPrincipal' in statement || !isObject(statement.Principal)) return undefined;
  const principal = statement.Principal;
  if (!Object.keys(principal).every((type) => PRINCIPAL_TYPES.has(type))) return undefined;
  const aws = principal.AWS === undefined ? [] : listOf(principal.AWS);
  if (!aws.every((entry): entry is string => typeof entry === 'string' && !/[*?]/.test(entry))) return undefined;
  return { statement: statement as Named['statement'], entries: aws.map((entry) => ({ entry, accounts: entry.match(ACCOUNT) ?? [] })) };
}

/**
 * Reads the policy's statements once; the returned function gives the statements that can apply
 * to an IAM principal (a role, user or root user) of `account`, or, without an account (a
 * service principal), the whole policy. Its cost grows with the statements it returns only.
 */
export function scoper(statements: readonly unknown[]): (account: string | undefined) => Scoped {
  const whole: Scoped = { statements: [...statements], indices: statements.map((_, index) => index) };
  const asWritten: number[] = [];
  const namedAt = new Map<number, Named>();
  const byAccount = new Map<string, number[]>();
  statements.forEach((statement, index) => {
    const found = named(statement);
    if (!found) return void asWritten.push(index);
    namedAt.set(index, found);
    for (const account of new Set(found.entries.flatMap(({ accounts }) => accounts))) byAccount.set(account, [...(byAccount.get(account) ?? []), index]);
  });
  return (account) => {
    if (account === undefined) return whole;
    const scoped: Scoped = { statements: [], indices: [] };
    for (const index of [...asWritten, ...(byAccount.get(account) ?? [])].sort((a, b) => a - b)) {
      const found = namedAt.get(index);
      scoped.indices.push(index);
      if (!found) {
        scoped.statements.push(statements[index]);
        continue;
      }
      const { statement, entries } = found;
      const kept = entries.filter(({ accounts }) => accounts.includes(account)).map(({ entry }) => entry);
      const unchanged = kept.length === entries.length && Object.keys(statement.Principal).length === 1;
      scoped.statements.push(unchanged ? statement : { ...statement, Principal: { AWS: Array.isArray(statement.Principal.AWS) ? kept : kept[0]! } });
    }
    return scoped;
  };
}
