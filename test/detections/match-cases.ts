/**
 * Matcher cases from the EventBridge user guide (content filtering and comparison operators):
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html.
 * Run offline (test/detections/match.test.ts) and against TestEventPattern (test/integration).
 */
import type { EventPattern } from '../../detections/kernel/match.js';

export const MATCH_EVENT = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  account: '111122223333',
  time: '2026-11-28T10:00:00Z',
  region: 'eu-west-3',
  resources: [],
  source: 'aws.ec2',
  detail: { state: 'running', count: 5, tags: ['a', 'b'], nested: { flag: false }, empty: [], nothing: null, list: [{ k: 'x' }, { k: 'y' }] },
};

export const MATCH_CASES: [string, EventPattern, boolean][] = [
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
];

/**
 * Cases where the emulator's matcher (moto's, not AWS's) answers differently from EventBridge
 * as documented; the documentation wins offline, and the integration test pins the emulator's
 * answer so a fix there is noticed. Our detection patterns use neither construct.
 * - Arrays of objects are flattened: a field under an array matches when any element matches
 *   ("If the value in the event is an array, the pattern matches if the intersection ... is
 *   non-empty", eb-event-patterns.html; EventBridge's open-source Event Ruler flattens arrays).
 * - `exists` matches leaf values only; an empty array has none (eb-create-pattern-operators.html#eb-filtering-exists-matching).
 */
export const EMULATOR_DIFFERS: ReadonlySet<string> = new Set(['array of objects: any element', 'exists true on an empty array']);
