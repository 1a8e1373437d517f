/**
 * ecr-tag-immutability cases, one repository per tag-mutability mode ECR offers
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html),
 * checked with the rule's default parameters (no allowed exclusion filters).
 */
import { unique } from '../support/emulator.js';
import { createRepository, EXEMPTION_TAG_KEY, pushImage } from './ecr-helpers.js';
import type { GroundTruth, RuleSeed } from './types.js';

export const seed: RuleSeed = {
  ruleId: 'ecr-tag-immutability',
  async seed(ctx) {
    const truth: GroundTruth = {};
    const mutable = await createRepository(ctx, unique('tags-mutable'), { imageTagMutability: 'MUTABLE' });
    await pushImage(ctx, mutable, 'v1');
    truth[mutable] = { complianceType: 'NON_COMPLIANT', case: 'MUTABLE: every tag can be moved' };

    const immutable = await createRepository(ctx, unique('tags-immutable'), { imageTagMutability: 'IMMUTABLE' });
    await pushImage(ctx, immutable, 'v1');
    truth[immutable] = { complianceType: 'COMPLIANT', case: 'IMMUTABLE' };

    const immutableExcluding = await createRepository(ctx, unique('tags-immutable-excl'), {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
    });
    truth[immutableExcluding] = { complianceType: 'NON_COMPLIANT', case: "IMMUTABLE_WITH_EXCLUSION excluding 'latest', not an allowed filter" };

    const mutableExcluding = await createRepository(ctx, unique('tags-mutable-excl'), {
      imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
    });
    truth[mutableExcluding] = { complianceType: 'NON_COMPLIANT', case: "MUTABLE_WITH_EXCLUSION: tags outside 'release-*' can be moved" };

    const exempt = await createRepository(ctx, unique('tags-exempt'), {
      imageTagMutability: 'MUTABLE',
      tags: [{ Key: EXEMPTION_TAG_KEY, Value: 'build cache, tags are overwritten on purpose' }],
    });
    truth[exempt] = { complianceType: 'NOT_APPLICABLE', case: 'exempt by tag' };
    return truth;
  },
};
