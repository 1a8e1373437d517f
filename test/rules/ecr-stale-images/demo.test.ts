import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StaleImagesFacts, StaleImagesParams } from '../../../rules/ecr-stale-images/facts.js';
import { rule } from '../../../rules/ecr-stale-images/rule.js';
import { defaultRuleParameters } from '../../../rules/kernel/parameters.js';

const estate = JSON.parse(readFileSync(new URL('../../../examples/demo-estate.json', import.meta.url), 'utf8')) as {
  collectedAt: string;
  scopes: Array<{ facts: Record<string, unknown> }>;
};
const facts = estate.scopes[0]!.facts['ecr-stale-images'] as StaleImagesFacts;
const now = new Date(estate.collectedAt);
const params = (overrides: Partial<StaleImagesParams> = {}) => ({ ...defaultRuleParameters<StaleImagesParams>(rule.id, rule.parameters), ...overrides });
const outcome = (overrides: Partial<StaleImagesParams> = {}) =>
  Object.fromEntries(rule.evaluate(facts, params(overrides), now).map((e) => [e.resourceId, `${e.complianceType} ${e.runbook ?? rule.remediations[0].runbook}`]));

describe('demo estate: ecr-stale-images', () => {
  it('covers each case the issue names, with the expected outcome', () => {
    expect(outcome()).toEqual({
      'payments/api': 'COMPLIANT ApplyEcrLifecyclePolicy', // fresh images, an old one still pulled, full policy
      'payments/worker': 'NON_COMPLIANT DeleteStaleEcrImages', // stale (one never pulled), policy fine: prune
      'platform/base-images': 'NON_COMPLIANT ApplyEcrLifecyclePolicy', // release-* kept by a keep-all rule: insufficient policy
      'platform/ci-runner': 'NON_COMPLIANT ApplyEcrLifecyclePolicy', // untagged build-up, no policy
      'frontend/web': 'COMPLIANT ApplyEcrLifecyclePolicy', // old images archived
      'sandbox/experiments': 'NOT_APPLICABLE ApplyEcrLifecyclePolicy', // exempt
    });
  });

  it('protected tags: with ProtectedTagPatterns=release-* the base images are compliant', () => {
    expect(outcome({ ProtectedTagPatterns: ['release-*'] })['platform/base-images']).toBe('COMPLIANT ApplyEcrLifecyclePolicy');
  });

  it('stays readable: raw images, a handful per repository, no summaries', () => {
    for (const repository of facts.repositories) {
      expect(repository.summary).toBeUndefined();
      expect(repository.images!.length).toBeLessThanOrEqual(8);
    }
  });
});
