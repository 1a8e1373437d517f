/**
 * The names and ids the probe callers carry, chosen per policy so that no value of the policy
 * singles them out. Pure.
 *
 * An outside account names its own roles, users and sessions, and AWS assigns unique ids it
 * cannot foresee: a Deny that matches only the names a probe happens to carry
 * (`ArnLike aws:PrincipalArn arn:aws:iam::*:role/ecr-guardrails-access-probe`,
 * `StringLike aws:userid AROAECRGUARDRAILSPROBE:*`) would block the probe and no real caller.
 * So a probe's name, unique id, organisation path and unnamed service are taken from candidates
 * until none is matched by a value of the policy, except by a value that matches every name
 * (`*`, `arn:aws:iam::*:role/*`: it matches real callers too). Values are read whole and from
 * each `:` and `/` on (the name part of an ARN, the session part of an aws:userid).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-userid
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
 */
import { wildcard } from './policy-values.js';

export interface ProbeIdentity {
  /** Role, user and session name. */
  name: string;
  /** Unique id after its prefix (AROA, AIDA), upper case; lower-cased in organisation path ids. */
  id: string;
  /** A service principal the policy does not name. */
  service: string;
}

export const DEFAULT_IDENTITY: ProbeIdentity = { name: 'ecr-guardrails-access-probe', id: 'ECRGUARDRAILSPROBE', service: 'ecr-guardrails-probe.amazonaws.com' };

/** Names unlike each other: a value matching all of them matches every name. */
const CONTROLS = ['a', 'Zq9', 'x.y_z-w+v=u,t@s', 'x'.repeat(64)];
const NAME_CHARACTERS = 'abcdefghijklmnopqrstuvwxyz0123456789+=,.@_-';
const ID_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const TRIES = 200;

/** Deterministic candidates after the first, of lengths from `shortest` on (a policy gets the same probes every time). */
function* candidates(first: string, alphabet: string, shortest: number): Generator<string> {
  yield first;
  let state = 0x2545f491;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) % alphabet.length;
  for (let k = 0; k < TRIES; k++) yield Array.from({ length: shortest + (k % 40) }, () => alphabet[next()]).join('');
}

interface Segments {
  plain: Set<string>;
  patterns: RegExp[];
}

function segmentsOf(values: readonly string[]): Segments {
  const segments: Segments = { plain: new Set(), patterns: [] };
  for (const value of values) {
    const starts = [0, ...[...value.matchAll(/[:/]/g)].map((match) => match.index + 1)];
    for (const start of new Set(starts)) {
      const segment = value.slice(start);
      if (/[*?]/.test(segment)) segments.patterns.push(wildcard(segment, 'i'));
      else segments.plain.add(segment.toLowerCase());
    }
  }
  return segments;
}

/** The first candidate whose forms no segment singles out (matches without matching the same form of every control). */
function free(segments: Segments, options: Iterable<string>, forms: (candidate: string) => string[]): string | undefined {
  const controls = CONTROLS.map(forms);
  for (const option of options) {
    if (forms(option).every((form, k) => !segments.plain.has(form.toLowerCase()) && segments.patterns.every((re) => !re.test(form) || controls.every((control) => re.test(control[k]!))))) return option;
  }
  return undefined;
}

/** Probe names and ids for a policy with these string values; undefined when every candidate is singled out. */
export function probeIdentity(values: readonly string[]): ProbeIdentity | undefined {
  const segments = segmentsOf(values);
  const name = free(segments, candidates(DEFAULT_IDENTITY.name, NAME_CHARACTERS, 1), (n) => [n]);
  if (name === undefined) return undefined;
  const id = free(segments, candidates(DEFAULT_IDENTITY.id, ID_CHARACTERS, 8), (i) => [`AROA${i}`, `AIDA${i}`, `AROA${i}:${name}`, `r-${i.toLowerCase()}`, `ou-${i.toLowerCase()}`]);
  if (id === undefined) return undefined;
  const service = free(segments, candidates(DEFAULT_IDENTITY.service.split('.')[0]!, 'abcdefghijklmnopqrstuvwxyz0123456789', 1), (s) => [`${s}.amazonaws.com`]);
  if (service === undefined) return undefined;
  return { name, id, service: `${service}.amazonaws.com` };
}
