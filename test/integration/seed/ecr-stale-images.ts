/**
 * ecr-stale-images cases with the rule's defaults (MaxImageAgeDays 90, MaxIdleDays 90,
 * MaxUntaggedImages 0, RequireLifecyclePolicy true). Images are backdated through the
 * emulator's fake clock; the emulator never records pulls (no lastRecordedPullTime), so an old
 * image here is never pulled. Lifecycle policy semantics:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
 */
import { unique } from '../support/emulator.js';
import { COVERING_POLICY, createRepository, EXEMPTION_TAG_KEY, pushImage, pushImageIndex, putLifecyclePolicy } from './ecr-helpers.js';
import type { GroundTruth, RuleSeed } from './types.js';

export const seed: RuleSeed = {
  ruleId: 'ecr-stale-images',
  async seed(ctx) {
    const truth: GroundTruth = {};
    const clean = await createRepository(ctx, unique('stale-clean'));
    await pushImage(ctx, clean, 'v2', 10);
    await pushImage(ctx, clean, 'v3');
    await putLifecyclePolicy(ctx, clean, COVERING_POLICY);
    truth[clean] = { complianceType: 'COMPLIANT', case: 'recent images, covering lifecycle policy' };

    const noPolicy = await createRepository(ctx, unique('stale-nopolicy'));
    await pushImage(ctx, noPolicy, 'v1', 5);
    truth[noPolicy] = { complianceType: 'NON_COMPLIANT', case: 'recent images, no lifecycle policy' };

    // The common legacy case: old images and no lifecycle policy at all.
    const legacy = await createRepository(ctx, unique('stale-legacy'));
    await pushImage(ctx, legacy, 'v1', 400);
    for (let i = 0; i < 10; i++) await pushImage(ctx, legacy, `v2.${i}`, 30 - i);
    truth[legacy] = { complianceType: 'NON_COMPLIANT', case: '1 stale image behind 10 recent ones, no lifecycle policy' };

    const partialPolicy = await createRepository(ctx, unique('stale-partial'));
    await pushImage(ctx, partialPolicy, 'v1');
    await putLifecyclePolicy(ctx, partialPolicy, [COVERING_POLICY[1]!].map((rule) => ({ ...rule, rulePriority: 1, selection: { ...rule.selection, tagStatus: 'tagged', tagPatternList: ['v*'] } })));
    truth[partialPolicy] = { complianceType: 'NON_COMPLIANT', case: "policy expires only tags 'v*' and no untagged images" };

    // A small repository: the old images are among its most recent few.
    const smallStale = await createRepository(ctx, unique('stale-small'));
    await pushImage(ctx, smallStale, 'old-1', 400);
    await pushImage(ctx, smallStale, 'old-2', 300);
    await pushImage(ctx, smallStale, 'new', 1);
    await putLifecyclePolicy(ctx, smallStale, COVERING_POLICY);
    truth[smallStale] = { complianceType: 'NON_COMPLIANT', case: '2 stale images in a repository of 3, covering policy' };

    // A larger repository: the stale images are older than the 10 most recent ones.
    const largeStale = await createRepository(ctx, unique('stale-large'));
    await pushImage(ctx, largeStale, 'ancient', 500);
    await pushImage(ctx, largeStale, undefined, 200);
    for (let i = 0; i < 10; i++) await pushImage(ctx, largeStale, `build-${i}`, 20 - i);
    await putLifecyclePolicy(ctx, largeStale, COVERING_POLICY);
    truth[largeStale] = { complianceType: 'NON_COMPLIANT', case: '1 stale tagged and 1 old untagged image behind 10 recent ones, covering policy' };

    // Multi-architecture images: the platform manifests of a tagged, recently pushed index are
    // untagged and old, and inherit the index's tags and use: neither stale nor untagged build-up.
    const multiArch = await createRepository(ctx, unique('stale-multiarch'));
    await pushImageIndex(ctx, multiArch, 'v1', 400);
    await putLifecyclePolicy(ctx, multiArch, COVERING_POLICY);
    truth[multiArch] = { complianceType: 'COMPLIANT', case: 'old untagged platform manifests of a recent tagged image index' };

    // The same beside a stale image: DeleteStaleEcrImages is offered and must remove only that one.
    const multiArchStale = await createRepository(ctx, unique('stale-multiarch-mixed'));
    await pushImage(ctx, multiArchStale, 'ancient', 500);
    await pushImageIndex(ctx, multiArchStale, 'v2', 400, 1);
    await putLifecyclePolicy(ctx, multiArchStale, COVERING_POLICY);
    truth[multiArchStale] = { complianceType: 'NON_COMPLIANT', case: '1 stale image beside a recent image index whose platform manifests are old and untagged' };

    const exempt = await createRepository(ctx, unique('stale-exempt'), { tags: [{ Key: EXEMPTION_TAG_KEY, Value: 'archive of audited releases' }] });
    await pushImage(ctx, exempt, 'v0', 600);
    truth[exempt] = { complianceType: 'NOT_APPLICABLE', case: 'exempt by tag' };
    return truth;
  },
};
