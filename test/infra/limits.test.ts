import { describe, expect, it } from 'vitest';
import { planFor } from '../../infra/build.js';
import { ConfigurationError } from '../../infra/config.js';
import { INPUT_PARAMETERS_MAX, STATIC_VALUE_MAX_LENGTH } from '../../infra/limits.js';
import { config } from './support.js';

/** `n` distinct protected-tag wildcards, comma-separated, `width` characters each. */
const patterns = (n: number, width = 20): string =>
  Array.from({ length: n }, (_, i) => `release-${String(i).padStart(width - 10, '0')}*`).join(',');

const planWith = (rule: string, parameters: Record<string, string>) => () => planFor(config({ rules: { [rule]: { parameters } } }));

// Config's limits: ConfigRule InputParameters 1-1,024 characters
// (https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigRule.html); StaticValue
// at most 25 values of 1-256 characters (https://docs.aws.amazon.com/config/latest/APIReference/API_StaticValue.html).
describe('AWS Config limits, checked at synth', () => {
  it('accepts the example configuration', () => {
    expect(() => planFor(config())).not.toThrow();
  });

  it('refuses rule parameters whose InputParameters exceed 1,024 characters, naming the rule, the key and the limit', () => {
    const build = planWith('ecr-stale-images', { ProtectedTagPatterns: patterns(60) });
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(new RegExp(`rules\\.ecr-stale-images\\.parameters: the Config rule's InputParameters would be \\d+ characters, over Config's limit of ${INPUT_PARAMETERS_MAX} \\(the longest is ProtectedTagPatterns`));
  });

  it('refuses a remediation parameter value over 256 characters even when InputParameters fit', () => {
    // 14 patterns of 20 characters: 293 characters in one StaticValue, well under 1,024 in InputParameters.
    const value = patterns(14);
    expect(value.length).toBeGreaterThan(STATIC_VALUE_MAX_LENGTH);
    const build = planWith('ecr-stale-images', { ProtectedTagPatterns: value });
    let message = '';
    try {
      build();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/rules\.ecr-stale-images: remediation parameter ProtectedTagPatterns of \w+ (is \d+ characters, over Config's limit of 256 per value|has \d+ values, over Config's limit of 25)/);
    expect(message).not.toContain('InputParameters would be');
  });
});
