/**
 * The offline matcher against the semantics of EventBridge's content filtering, case by case
 * from https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html.
 */
import { describe, expect, it } from 'vitest';
import { EventPatternError, matchesPattern, type EventPattern } from '../../detections/kernel/match.js';
import { MATCH_CASES, MATCH_EVENT } from './match-cases.js';

describe('matchesPattern', () => {
  it.each(MATCH_CASES)('%s', (_name, pattern, expected) => {
    expect(matchesPattern(MATCH_EVENT, pattern)).toBe(expected);
  });

  it.each<[string, EventPattern, RegExp]>([
    ['an unsupported operator', { detail: { state: [{ wildcard: 'run*' }] } }, /operator "wildcard" is not supported offline/],
    ['a scalar instead of an array', { source: 'aws.ec2' } as unknown as EventPattern, /expected an array of values or a nested object/],
    ['a bad numeric operator', { detail: { count: [{ numeric: ['>>', 1] }] } }, /unknown numeric operator/],
  ])('rejects %s instead of guessing', (_name, pattern, message) => {
    expect(() => matchesPattern(MATCH_EVENT, pattern)).toThrow(EventPatternError);
    expect(() => matchesPattern(MATCH_EVENT, pattern)).toThrow(message);
  });
});
