import { describe, expect, it } from 'vitest';
import { RuleParameterError } from '../../../rules/kernel/errors.js';
import { expectedForm, formatRuleParameters, parseRuleParameters } from '../../../rules/kernel/parameters.js';
import type { ParametersSchema } from '../../../rules/kernel/types.js';

const schema: ParametersSchema = {
  type: 'object',
  properties: {
    MaxImageAgeDays: { type: 'integer', description: 'age', default: 90, minimum: 1, maximum: 3650 },
    RequireLifecyclePolicy: { type: 'boolean', default: true },
    ProtectedTagPatterns: { type: 'array', default: [], items: { type: 'string', pattern: '^[0-9a-zA-Z._*-]{1,128}$' } },
    ExemptionTagKey: { type: 'string', default: 'ecr-guardrails:exempt', minLength: 1 },
  },
  required: ['MaxImageAgeDays', 'RequireLifecyclePolicy', 'ProtectedTagPatterns', 'ExemptionTagKey'],
  additionalProperties: false,
};
const parse = (raw: Record<string, unknown> | undefined) => parseRuleParameters('test-rule', schema, raw);
const failure = (raw: Record<string, unknown>) => {
  try {
    parse(raw);
  } catch (error) {
    return error;
  }
  throw new Error('expected a RuleParameterError');
};

describe('rule parameters', () => {
  it('fills every default when Config sends none', () => {
    expect(parse(undefined)).toEqual({ MaxImageAgeDays: 90, RequireLifecyclePolicy: true, ProtectedTagPatterns: [], ExemptionTagKey: 'ecr-guardrails:exempt' });
  });

  it.each([
    [{ MaxImageAgeDays: '30' }, { MaxImageAgeDays: 30 }],
    [{ MaxImageAgeDays: ' 30 ' }, { MaxImageAgeDays: 30 }],
    [{ MaxImageAgeDays: '' }, { MaxImageAgeDays: 90 }],
    [{ RequireLifecyclePolicy: 'false' }, { RequireLifecyclePolicy: false }],
    [{ ProtectedTagPatterns: 'release-*, v*,,prod' }, { ProtectedTagPatterns: ['release-*', 'v*', 'prod'] }],
    [{ ProtectedTagPatterns: '' }, { ProtectedTagPatterns: [] }],
  ])('coerces Config strings %j', (raw, expected) => {
    expect(parse(raw)).toMatchObject(expected);
  });

  it.each([
    [{ MaxImageAgeDays: 'abc' }, 'Invalid parameters for rule test-rule: MaxImageAgeDays is "abc": expected an integer from 1 to 3650; default 90.'],
    [{ MaxImageAgeDays: '-1' }, 'Invalid parameters for rule test-rule: MaxImageAgeDays is "-1": expected an integer from 1 to 3650; default 90.'],
    [{ MaxImageAgeDays: '1.5' }, 'Invalid parameters for rule test-rule: MaxImageAgeDays is "1.5": expected an integer from 1 to 3650; default 90.'],
    [{ RequireLifecyclePolicy: 'yes' }, 'Invalid parameters for rule test-rule: RequireLifecyclePolicy is "yes": expected true or false; default true.'],
    [{ ProtectedTagPatterns: 'ok,not ok' }, 'Invalid parameters for rule test-rule: ProtectedTagPatterns is "ok,not ok": expected a comma-separated list of values matching ^[0-9a-zA-Z._*-]{1,128}$; default empty.'],
    [{ MaxImagAgeDays: '30' }, 'Invalid parameters for rule test-rule: unknown parameter MaxImagAgeDays; this rule accepts MaxImageAgeDays, RequireLifecyclePolicy, ProtectedTagPatterns, ExemptionTagKey.'],
    [
      { MaxImageAgeDays: '0', RequireLifecyclePolicy: 'maybe' },
      'Invalid parameters for rule test-rule: MaxImageAgeDays is "0": expected an integer from 1 to 3650; default 90; RequireLifecyclePolicy is "maybe": expected true or false; default true.',
    ],
  ])('rejects %j naming the parameter and the expected form', (raw, message) => {
    const error = failure(raw);
    expect(error).toBeInstanceOf(RuleParameterError);
    expect((error as Error).message).toBe(message);
  });

  it('formats parameters back as Config InputParameters strings', () => {
    expect(formatRuleParameters(parse({ ProtectedTagPatterns: 'a,b' }) as Record<string, unknown>)).toEqual({
      MaxImageAgeDays: '90',
      RequireLifecyclePolicy: 'true',
      ProtectedTagPatterns: 'a,b',
      ExemptionTagKey: 'ecr-guardrails:exempt',
    });
  });

  it('describes each expected form for help texts', () => {
    expect(expectedForm({ type: 'integer', minimum: 1 })).toBe('an integer of at least 1');
    expect(expectedForm({ type: 'string', enum: ['a', 'b'], default: 'a' })).toBe('one of a, b; default a');
  });
});
