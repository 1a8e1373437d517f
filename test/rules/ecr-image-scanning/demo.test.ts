import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ImageScanningFacts, ImageScanningParams } from '../../../rules/ecr-image-scanning/evaluate.js';
import { rule } from '../../../rules/ecr-image-scanning/rule.js';
import { defaultRuleParameters } from '../../../rules/kernel/parameters.js';

const estate = JSON.parse(readFileSync(new URL('../../../examples/demo-estate.json', import.meta.url), 'utf8')) as {
  collectedAt: string;
  scopes: Array<{ facts: Record<string, unknown> }>;
};
const facts = estate.scopes[0]!.facts['ecr-image-scanning'] as ImageScanningFacts;
const now = new Date(estate.collectedAt);
const params = (overrides: Partial<ImageScanningParams> = {}) => ({ ...defaultRuleParameters<ImageScanningParams>(rule.id, rule.parameters), ...overrides });
const outcome = (overrides: Partial<ImageScanningParams> = {}) =>
  Object.fromEntries(
    rule.evaluate(facts, params(overrides), now).map((e) => [e.resourceId, `${e.complianceType} ${e.runbook === null ? '-' : (e.runbook ?? rule.remediations[0].runbook)}`]),
  );

describe('demo estate: ecr-image-scanning', () => {
  it('covers every status, with the runbook only where a runbook fixes it', () => {
    expect(outcome()).toEqual({
      'payments/api': 'COMPLIANT EnableEcrImageScanning', // scanned on push; its old critical image is out of use
      'payments/worker': 'NON_COMPLIANT -', // critical findings open >30 days in images still pulled: rebuild
      'platform/base-images': 'NON_COMPLIANT -', // FAILED scan of an image in use
      'platform/ci-runner': 'COMPLIANT EnableEcrImageScanning',
      'frontend/web': 'NON_COMPLIANT EnableEcrImageScanning', // MANUAL despite the deprecated repository-level flag
      'sandbox/experiments': 'NOT_APPLICABLE EnableEcrImageScanning', // exempt
    });
  });

  it('MaxFindingSeverity=HIGH also flags the HIGH finding of payments/api', () => {
    expect(outcome({ MaxFindingSeverity: 'HIGH' })['payments/api']).toBe('NON_COMPLIANT -');
  });
});
