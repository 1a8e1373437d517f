import { describe, expect, it } from 'vitest';
import { loadRunbooks, type Runbook } from '../../automations/catalog.js';
import { planFor } from '../../infra/build.js';
import { ConfigurationError } from '../../infra/config.js';
import { INPUT_PARAMETERS_MAX, SSM_DOCUMENT_CONTENT_MAX_BYTES, STATIC_VALUE_MAX_LENGTH, documentContentBytes } from '../../infra/limits.js';
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

// Systems Manager: "The content of the document must not exceed 64KB"
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html).
describe('SSM document size, checked at synth', () => {
  const runbooks = loadRunbooks();
  /** A copy of a real runbook whose document is `bytes` bytes of compact JSON, padded through its description. */
  const grownTo = (name: string, bytes: number): Runbook => {
    const original = runbooks.find((r) => r.name === name)!;
    const document = structuredClone(original.document);
    document.description = '';
    document.description = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(document)));
    return { ...original, document };
  };

  it('every runbook of the project fits', () => {
    for (const runbook of runbooks) expect(documentContentBytes(runbook), runbook.name).toBeLessThanOrEqual(SSM_DOCUMENT_CONTENT_MAX_BYTES);
    expect(() => planFor(config(), { runbooks })).not.toThrow();
  });

  it('refuses a document over 64 KB, naming the runbook, the document and the limit', () => {
    const big = grownTo('CreateEcrVpcEndpoints', SSM_DOCUMENT_CONTENT_MAX_BYTES + 1);
    expect(documentContentBytes(big)).toBe(SSM_DOCUMENT_CONTENT_MAX_BYTES + 1);
    const build = () => planFor(config(), { runbooks: runbooks.map((r) => (r.name === big.name ? big : r)) });
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(
      `automations/CreateEcrVpcEndpoints.yaml: the SSM document EcrGuardrails-CreateEcrVpcEndpoints would be ${SSM_DOCUMENT_CONTENT_MAX_BYTES + 1} bytes (JSON, scripts inlined), over Systems Manager's limit of 65536 bytes (64 KB) per document`,
    );
  });

  it('accepts a document of exactly 64 KB', () => {
    const edge = grownTo('CreateEcrVpcEndpoints', SSM_DOCUMENT_CONTENT_MAX_BYTES);
    expect(() => planFor(config(), { runbooks: runbooks.map((r) => (r.name === edge.name ? edge : r)) })).not.toThrow();
  });
});
