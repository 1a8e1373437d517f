/**
 * Which candidates (account ids, principal ARNs) a policy cannot tell apart. Pure.
 *
 * Candidates that occur in exactly the same places, in the same surrounding value, and that no
 * other value of the policy matches differently (a wildcard pattern, a name a condition reads),
 * are interchangeable: IAM matches list members independently, so one is simulated for all
 * (probes.ts). Anything that could tell them apart puts them in different classes.
 */
import { statementsOf, strings, wildcard } from './policy-values.js';

/** The name in a principal ARN, without wildcards: its own candidate, and no account's probe has it (unless it is the probe's). */
const PRINCIPAL_NAME = /:(role|user|assumed-role|federated-user)\/[A-Za-z0-9+=,.@_/-]+(?![A-Za-z0-9+=,.@_/*?-])/g;

/**
 * Where each literal occurs: the places (`#statement/path`), each with the value around it (a
 * bare account id and one inside a role ARN are not the same principal; the role's name aside,
 * unless it is `ownName`, the probes' own).
 */
export function placesOf(policy: unknown, pattern: RegExp, ownName: string): Map<string, string> {
  const places = new Map<string, Set<string>>();
  statementsOf(policy).forEach((statement, index) => {
    const found: Array<[string, string]> = [];
    strings(statement, `#${index}`, found);
    for (const [path, value] of found) {
      const matches = value.match(pattern);
      if (!matches) continue;
      for (const match of matches.length === 1 ? matches : new Set(matches)) {
        let set = places.get(match);
        if (!set) places.set(match, (set = new Set()));
        // A value that is the literal alone (a bare account id in a list) needs no rewriting.
        const around = value === match ? '\u0001' : value.split(match).join('\u0001').replace(PRINCIPAL_NAME, (name, type: string) => (name.toLowerCase().endsWith(`/${ownName}`) ? name : `:${type}/\u0001`));
        set.add(`${path}\u0000${around}`);
      }
    }
  });
  return new Map([...places].map(([literal, set]) => [literal, set.size === 1 ? set.values().next().value! : [...set].sort().join('|')]));
}

/**
 * Groups literals by where they occur and by what else tells them apart (`refine`): one class
 * per key. The members of a class are interchangeable: one is simulated for all.
 */
export function classes(places: ReadonlyMap<string, string>, refine: (literal: string) => string): Map<string, string[]> {
  const byClass = new Map<string, string[]>();
  for (const [literal, place] of places) {
    const key = `${place}\u0002${refine(literal)}`;
    const members = byClass.get(key);
    if (members) members.push(literal);
    else byClass.set(key, [literal]);
  }
  return byClass;
}

/**
 * What else tells candidates named in the same places apart: the values of the policy elsewhere
 * (with their place) that match one of a candidate's `forms` (its id, ARNs and names as a request
 * carries them), exactly or as a wildcard pattern, as written or case-insensitively. Candidates
 * with different answers are judged apart.
 */
export function toldApart(found: ReadonlyArray<[string, string]>, pattern: RegExp): (literal: string, forms: readonly string[]) => string {
  const plain = new Map<string, Array<[string, string]>>();
  const wildcards: Array<[string, string, RegExp, RegExp]> = [];
  for (const [path, value] of found) {
    if (/[*?]/.test(value)) wildcards.push([path, value, wildcard(value), wildcard(value, 'i')]);
    else {
      const key = value.toLowerCase();
      const same = plain.get(key);
      if (same) same.push([path, value]);
      else plain.set(key, [[path, value]]);
    }
  }
  return (literal, forms) => {
    let hits: Set<string> | undefined;
    for (const form of forms) {
      const matched: Array<[string, string, boolean]> = [];
      for (const [path, value] of plain.get(form.toLowerCase()) ?? []) matched.push([path, value, value === form]);
      for (const [path, value, exact, folded] of wildcards) if (folded.test(form)) matched.push([path, value, exact.test(form)]);
      for (const [path, value, exact] of matched) {
        // A value naming the candidate itself is one of its places.
        if (value === literal || (value.match(pattern) ?? ([] as string[])).includes(literal)) continue;
        (hits ??= new Set()).add(`${path}\u0000${value}\u0000${+exact}`);
      }
    }
    return hits ? [...hits].sort().join('|') : '';
  };
}
