import { describe, expect, it } from 'vitest';
import { evaluateRepository, type TagImmutabilityParams, type TagImmutabilityRepository } from '../../../rules/ecr-tag-immutability/evaluate.js';
import { rule } from '../../../rules/ecr-tag-immutability/rule.js';
import { defaultRuleParameters, parseRuleParameters } from '../../../rules/kernel/parameters.js';

const defaults = defaultRuleParameters<TagImmutabilityParams>(rule.id, rule.parameters);
const withParams = (raw: Record<string, string>) => parseRuleParameters<TagImmutabilityParams>(rule.id, rule.parameters, raw);
const repo = (imageTagMutability: string, exclusionFilters: string[] = [], tags: Record<string, string> = {}): TagImmutabilityRepository => ({
  repositoryName: 'team/app',
  imageTagMutability,
  exclusionFilters,
  tags,
});

describe('ecr-tag-immutability evaluator', () => {
  it('declares the documented defaults', () => {
    expect(defaults).toEqual({ AllowedExclusionFilters: [], ExemptionTagKey: 'ecr-guardrails:exempt' });
  });

  it.each([
    ['IMMUTABLE', [], {}, 'COMPLIANT', 'Tags are immutable: a pushed tag always names the same image.'],
    ['MUTABLE', [], {}, 'NON_COMPLIANT', 'Every tag can be overwritten (MUTABLE): a tag can be moved to different image content under the same name.'],
    ['MUTABLE_WITH_EXCLUSION', ['release-*'], {}, 'NON_COMPLIANT', "Every tag except those matching 'release-*' can be overwritten (MUTABLE_WITH_EXCLUSION)."],
    ['MUTABLE_WITH_EXCLUSION', [], {}, 'NON_COMPLIANT', 'Every tag can be overwritten (MUTABLE_WITH_EXCLUSION without filters).'],
    ['IMMUTABLE_WITH_EXCLUSION', [], {}, 'COMPLIANT', 'Tags are immutable (IMMUTABLE_WITH_EXCLUSION without filters).'],
    [
      'IMMUTABLE_WITH_EXCLUSION',
      ['latest'],
      {},
      'NON_COMPLIANT',
      "Tags matching 'latest' can be overwritten (IMMUTABLE_WITH_EXCLUSION beyond the allowed exclusion filters: none).",
    ],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest'], { AllowedExclusionFilters: 'latest' }, 'COMPLIANT', "Tags are immutable except 'latest', all within the allowed exclusion filters."],
    [
      'IMMUTABLE_WITH_EXCLUSION',
      ['latest', 'dev-*'],
      { AllowedExclusionFilters: 'latest' },
      'NON_COMPLIANT',
      "Tags matching 'dev-*' can be overwritten (IMMUTABLE_WITH_EXCLUSION beyond the allowed exclusion filters: 'latest').",
    ],
    // A broader allowed filter covers a narrower exclusion filter, never the reverse.
    ['IMMUTABLE_WITH_EXCLUSION', ['dev-feature-*'], { AllowedExclusionFilters: 'dev-*' }, 'COMPLIANT', "Tags are immutable except 'dev-feature-*', all within the allowed exclusion filters."],
    [
      'IMMUTABLE_WITH_EXCLUSION',
      ['dev-*'],
      { AllowedExclusionFilters: 'dev-feature-*' },
      'NON_COMPLIANT',
      "Tags matching 'dev-*' can be overwritten (IMMUTABLE_WITH_EXCLUSION beyond the allowed exclusion filters: 'dev-feature-*').",
    ],
    ['IMMUTABLE_WITH_EXCLUSION', ['*'], { AllowedExclusionFilters: 'latest,dev-*' }, 'NON_COMPLIANT', "Tags matching '*' can be overwritten (IMMUTABLE_WITH_EXCLUSION beyond the allowed exclusion filters: 'latest', 'dev-*')."],
    ['SOMETHING_NEW', [], {}, 'NON_COMPLIANT', 'Unrecognised tag mutability "SOMETHING_NEW": cannot confirm that tags are immutable.'],
    // MUTABLE_WITH_EXCLUSION: tags matching a filter are immutable, the rest mutable; ECR's
    // wildcard `*` matches any characters, so a filter `*` makes every tag immutable.
    // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html
    ['MUTABLE_WITH_EXCLUSION', ['*'], {}, 'COMPLIANT', "Tags are immutable: the exclusion filter '*' matches every tag (MUTABLE_WITH_EXCLUSION)."],
    ['MUTABLE_WITH_EXCLUSION', ['release-*', '**'], {}, 'COMPLIANT', "Tags are immutable: the exclusion filter '**' matches every tag (MUTABLE_WITH_EXCLUSION)."],
    ['MUTABLE_WITH_EXCLUSION', ['*-*'], {}, 'NON_COMPLIANT', "Every tag except those matching '*-*' can be overwritten (MUTABLE_WITH_EXCLUSION)."],
    ['MUTABLE_WITH_EXCLUSION', ['release-*'], { AllowedExclusionFilters: '*' }, 'COMPLIANT', "Tags not matching 'release-*' can be overwritten, which the allowed exclusion filter '*' permits."],
    ['MUTABLE_WITH_EXCLUSION', ['release-*'], { AllowedExclusionFilters: 'latest,dev-*' }, 'NON_COMPLIANT', "Every tag except those matching 'release-*' can be overwritten (MUTABLE_WITH_EXCLUSION)."],
  ])('%s %j with %j -> %s', (mode, filters, raw, complianceType, annotation) => {
    const evaluation = evaluateRepository(repo(mode, filters), withParams(raw));
    expect(evaluation).toEqual({ resourceType: 'AWS::ECR::Repository', resourceId: 'team/app', complianceType, annotation });
  });

  it.each([
    [{ 'ecr-guardrails:exempt': 'Scratch images (SEC-1432)' }, {}, 'Exempt by tag ecr-guardrails:exempt: Scratch images (SEC-1432).'],
    [{ 'ecr-guardrails:exempt': '' }, {}, 'Exempt by tag ecr-guardrails:exempt: (no reason given in the tag value).'],
    [{ 'security/exception': 'vendor image' }, { ExemptionTagKey: 'security/exception' }, 'Exempt by tag security/exception: vendor image.'],
  ])('exemption tag %j with %j is NOT_APPLICABLE', (tags, raw, annotation) => {
    const evaluation = evaluateRepository(repo('MUTABLE', [], tags), withParams(raw));
    expect(evaluation.complianceType).toBe('NOT_APPLICABLE');
    expect(evaluation.annotation).toBe(annotation);
  });

  it('ignores the default exemption tag when another key is configured', () => {
    const evaluation = evaluateRepository(repo('MUTABLE', [], { 'ecr-guardrails:exempt': 'x' }), withParams({ ExemptionTagKey: 'other' }));
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
  });

  it('derives the runbook parameters from the rule parameters', () => {
    const remediation = rule.remediations[0];
    expect(remediation.parameters?.(defaults)).toEqual({ Mode: 'IMMUTABLE' });
    expect(remediation.parameters?.(withParams({ AllowedExclusionFilters: 'latest,dev-*' }))).toEqual({
      Mode: 'IMMUTABLE_WITH_EXCLUSION',
      ExclusionFilters: 'latest,dev-*',
    });
  });

  it('never judges a *_WITH_EXCLUSION repository whose filters it cannot read (unknown filter type)', () => {
    const repository = { ...repo('IMMUTABLE_WITH_EXCLUSION', []), unrecognisedExclusionFilters: ['REGEX:^v.*$'] };
    expect(evaluateRepository(repository, defaults)).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: "Unrecognised exclusion filter(s) 'REGEX:^v.*$' (IMMUTABLE_WITH_EXCLUSION): cannot tell which tags can be overwritten.",
    });
  });
});
