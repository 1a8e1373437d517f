/**
 * The offline matcher against the semantics of EventBridge's content filtering, case by case
 * from https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html.
 */
import { describe, expect, it } from 'vitest';
import { EventPatternError, matchesPattern, type EventPattern } from '../../detections/kernel/match.js';

const event = {
  source: 'aws.ec2',
  detail: { state: 'running', count: 5, tags: ['a', 'b'], nested: { flag: false }, empty: [], nothing: null, list: [{ k: 'x' }, { k: 'y' }] },
};

describe('matchesPattern', () => {
  it.each<[string, EventPattern, boolean]>([
    ['exact value', { source: ['aws.ec2'] }, true],
    ['values are alternatives', { source: ['aws.s3', 'aws.ec2'] }, true],
    ['case-sensitive', { source: ['AWS.EC2'] }, false],
    ['all keys must match', { source: ['aws.ec2'], detail: { state: ['stopped'] } }, false],
    ['array field: any element', { detail: { tags: ['b'] } }, true],
    ['array of objects: any element', { detail: { list: { k: ['y'] } } }, true],
    ['absent field never matches a value', { detail: { missing: ['x'] } }, false],
    ['false is a value', { detail: { nested: { flag: [false] } } }, true],
    ['null is a value', { detail: { nothing: [null] } }, true],
    ['numbers compare as numbers', { detail: { count: [5] } }, true],
    ['string does not equal number', { detail: { count: ['5'] } }, false],
    ['prefix', { detail: { state: [{ prefix: 'run' }] } }, true],
    ['suffix', { detail: { state: [{ suffix: 'ing' }] } }, true],
    ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, true],
    ['anything-but value', { detail: { state: [{ 'anything-but': 'stopped' }] } }, true],
    ['anything-but list excludes', { detail: { state: [{ 'anything-but': ['running', 'stopped'] }] } }, false],
    ['anything-but on an absent field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    ['anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, false],
    ['numeric range', { detail: { count: [{ numeric: ['>', 0, '<=', 5] }] } }, true],
    ['numeric out of range', { detail: { count: [{ numeric: ['>', 5] }] } }, false],
    ['exists true', { detail: { state: [{ exists: true }] } }, true],
    ['exists false on an absent field', { detail: { missing: [{ exists: false }] } }, true],
    ['exists true on an empty array', { detail: { empty: [{ exists: true }] } }, false],
    ['nested object pattern on an absent field', { detail: { absent: { k: ['x'] } } }, false],
  ])('%s', (_name, pattern, expected) => {
    expect(matchesPattern(event, pattern)).toBe(expected);
  });

  it.each<[string, EventPattern, RegExp]>([
    ['an unsupported operator', { detail: { state: [{ wildcard: 'run*' }] } }, /operator "wildcard" is not supported offline/],
    ['a scalar instead of an array', { source: 'aws.ec2' } as unknown as EventPattern, /expected an array of values or a nested object/],
    ['a bad numeric operator', { detail: { count: [{ numeric: ['>>', 1] }] } }, /unknown numeric operator/],
  ])('rejects %s instead of guessing', (_name, pattern, message) => {
    expect(() => matchesPattern(event, pattern)).toThrow(EventPatternError);
    expect(() => matchesPattern(event, pattern)).toThrow(message);
  });
});
