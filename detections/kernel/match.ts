/**
 * Offline EventBridge event-pattern matching, for `ecr-guardrails detections --event` and
 * the tests. It implements the part of EventBridge's content filtering our patterns use, with
 * EventBridge's semantics (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
 * every key of the pattern must match (AND); a leaf is an array of alternatives (OR); a value
 * matches a field that is an array when it matches any element; a field that is absent matches
 * only `{"exists": false}`; strings compare case-sensitively. An operator outside this subset
 * is an error (never a silent match or miss). The integration tier checks the same samples
 * against EventBridge's own `TestEventPattern`.
 */
import { EcrGuardrailsError } from '../../rules/kernel/errors.js';

/** A pattern this matcher cannot evaluate the way EventBridge would. */
export class EventPatternError extends EcrGuardrailsError {}

export type PatternLeaf = string | number | boolean | null | Record<string, unknown>;
export interface EventPattern {
  [key: string]: EventPattern | readonly PatternLeaf[];
}

type Json = unknown;
const ABSENT = Symbol('absent');

/** Whether an event matches an EventBridge event pattern, with EventBridge's semantics for the operators listed above; any other operator is an error, never a guess. */
export function matchesPattern(event: Json, pattern: EventPattern): boolean {
  return matchObject(event, pattern, '');
}

function matchObject(value: Json, pattern: EventPattern, path: string): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    const here = path ? `${path}.${key}` : key;
    const field = isObject(value) && Object.hasOwn(value, key) ? value[key] : ABSENT;
    if (Array.isArray(sub)) {
      if (!matchLeaf(field, sub, here)) return false;
    } else if (isObject(sub)) {
      if (field === ABSENT) return false;
      const candidates = Array.isArray(field) ? field : [field];
      if (!candidates.some((candidate) => matchObject(candidate, sub, here))) return false;
    } else {
      throw new EventPatternError(`Event pattern at "${here}": expected an array of values or a nested object, got ${JSON.stringify(sub)}.`);
    }
  }
  return true;
}

function matchLeaf(field: unknown, alternatives: readonly PatternLeaf[], path: string): boolean {
  return alternatives.some((alternative) => {
    if (isObject(alternative)) return matchOperator(field, alternative, path);
    if (field === ABSENT) return false;
    const values = Array.isArray(field) ? field : [field];
    return values.some((value) => value === alternative);
  });
}

function matchOperator(field: unknown, operator: Record<string, unknown>, path: string): boolean {
  const entries = Object.entries(operator);
  if (entries.length !== 1) throw new EventPatternError(`Event pattern at "${path}": an operator object has exactly one key, got ${JSON.stringify(operator)}.`);
  const [name, argument] = entries[0]!;
  if (name === 'exists') {
    if (typeof argument !== 'boolean') throw new EventPatternError(`Event pattern at "${path}": "exists" takes true or false.`);
    // EventBridge: exists matches leaf values only; an empty array counts as absent.
    const present = field !== ABSENT && !(Array.isArray(field) && field.length === 0);
    return present === argument;
  }
  if (field === ABSENT) return false;
  const values: Json[] = Array.isArray(field) ? field : [field];
  switch (name) {
    case 'prefix':
      return values.some((value) => typeof value === 'string' && value.startsWith(stringArgument(argument, name, path)));
    case 'suffix':
      return values.some((value) => typeof value === 'string' && value.endsWith(stringArgument(argument, name, path)));
    case 'equals-ignore-case':
      return values.some((value) => typeof value === 'string' && value.toLowerCase() === stringArgument(argument, name, path).toLowerCase());
    case 'anything-but':
      return values.some((value) => !anythingButExcludes(value, argument, path));
    case 'numeric':
      return values.some((value) => typeof value === 'number' && numericMatches(value, argument, path));
    default:
      throw new EventPatternError(`Event pattern at "${path}": operator "${name}" is not supported offline (supported: exists, prefix, suffix, equals-ignore-case, anything-but, numeric).`);
  }
}

function anythingButExcludes(value: Json, argument: unknown, path: string): boolean {
  if (isObject(argument)) {
    const [[name, inner]] = Object.entries(argument) as [[string, unknown]];
    if (name === 'prefix') return typeof value === 'string' && value.startsWith(stringArgument(inner, name, path));
    throw new EventPatternError(`Event pattern at "${path}": "anything-but" with "${name}" is not supported offline.`);
  }
  const excluded = Array.isArray(argument) ? argument : [argument];
  return excluded.some((item) => item === value);
}

function numericMatches(value: number, argument: unknown, path: string): boolean {
  if (!Array.isArray(argument) || argument.length % 2 !== 0) throw new EventPatternError(`Event pattern at "${path}": "numeric" takes pairs of operator and number.`);
  const pairs = argument as unknown[];
  for (let i = 0; i < pairs.length; i += 2) {
    const op = pairs[i];
    const bound = pairs[i + 1];
    if (typeof bound !== 'number') throw new EventPatternError(`Event pattern at "${path}": "numeric" bound must be a number.`);
    const ok = op === '=' ? value === bound : op === '>' ? value > bound : op === '>=' ? value >= bound : op === '<' ? value < bound : op === '<=' ? value <= bound : undefined;
    if (ok === undefined) throw new EventPatternError(`Event pattern at "${path}": unknown numeric operator ${JSON.stringify(op)}.`);
    if (!ok) return false;
  }
  return true;
}

function stringArgument(argument: unknown, name: string, path: string): string {
  if (typeof argument !== 'string') throw new EventPatternError(`Event pattern at "${path}": "${name}" takes a string.`);
  return argument;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
