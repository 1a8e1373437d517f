import { describe, expect, it } from 'vitest';
import { defaultRuleParameters } from '../../../rules/kernel/parameters.js';
import { configAnnotation } from '../../../rules/kernel/config-sink.js';
import { evaluate, inventory } from '../../../rules/ecr-stale-images/evaluate.js';
import {
  StaleImagesFactsError,
  type ImageFact,
  type StaleImagesFacts,
  type StaleImagesParams,
  type StaleImagesRepository,
} from '../../../rules/ecr-stale-images/facts.js';
import { analyseLifecyclePolicy } from '../../../rules/ecr-stale-images/lifecycle-policy.js';
import { DAY_MS, ImageSummariser, observationFromFact, summariseImages } from '../../../rules/ecr-stale-images/summarise.js';
import { rule } from '../../../rules/ecr-stale-images/rule.js';

const NOW = new Date('2026-11-20T09:00:00.000Z');
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY_MS - extraMs).toISOString();
const DEFAULTS = defaultRuleParameters<StaleImagesParams>(rule.id, rule.parameters);
const params = (overrides: Partial<StaleImagesParams> = {}): StaleImagesParams => ({ ...DEFAULTS, ...overrides });

let digestCounter = 0;
function image(fields: Partial<ImageFact> & { pushed: string; pulled?: string }): ImageFact {
  const { pushed, pulled, ...rest } = fields;
  digestCounter++;
  return {
    imageDigest: `sha256:${digestCounter.toString(16).padStart(64, 'a')}`,
    imagePushedAt: pushed,
    ...(pulled ? { lastRecordedPullTime: pulled } : {}),
    imageSizeInBytes: 100_000_000,
    imageStatus: 'ACTIVE',
    ...rest,
  };
}

const GOOD_POLICY = JSON.stringify({
  rules: [
    { rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }, action: { type: 'expire' } },
    { rulePriority: 10, selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 90 }, action: { type: 'expire' } },
  ],
});

describe('parameters', () => {
  it('has the documented defaults', () => {
    expect(DEFAULTS).toEqual({
      MaxImageAgeDays: 90,
      MaxIdleDays: 90,
      MaxUntaggedImages: 0,
      ProtectedTagPatterns: [],
      RequireLifecyclePolicy: true,
      ExemptionTagKey: 'ecr-guardrails:exempt',
      Concurrency: 8,
    });
  });
});

describe('image classification (one image per case, default limits 90d/90d)', () => {
  it.each<[string, ImageFact, Partial<StaleImagesParams>, { stale: number; protectedImages: number; untagged: number; inactive: number; active: number }]>([
    // Idle limit well inside the age: only the age comparison decides (`<=` would make it stale).
    ['pushed exactly at the age limit, never pulled, idle limit long past', image({ imageTags: ['v1'], pushed: ago(90) }), { MaxIdleDays: 30 }, { stale: 0, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['pushed 1 ms past the age limit, never pulled (counts by push time)', image({ imageTags: ['v1'], pushed: ago(90, 1) }), {}, { stale: 1, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['old, pulled exactly at the idle limit', image({ imageTags: ['v1'], pushed: ago(400), pulled: ago(90) }), {}, { stale: 0, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['old, pulled 1 ms past the idle limit', image({ imageTags: ['v1'], pushed: ago(400), pulled: ago(90, 1) }), {}, { stale: 1, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['old but still pulled', image({ imageTags: ['v1'], pushed: ago(400), pulled: ago(3) }), {}, { stale: 0, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['young, never pulled', image({ imageTags: ['v1'], pushed: ago(30) }), {}, { stale: 0, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['past the age limit but idle limit longer', image({ imageTags: ['v1'], pushed: ago(100) }), { MaxIdleDays: 120 }, { stale: 0, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['idle limit shorter than age: young image is not stale', image({ imageTags: ['v1'], pushed: ago(60) }), { MaxIdleDays: 30 }, { stale: 0, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['multi-tag image, one tag protected', image({ imageTags: ['sha-1234', 'release-1.2'], pushed: ago(400) }), { ProtectedTagPatterns: ['release-*'] }, { stale: 0, protectedImages: 1, untagged: 0, inactive: 0, active: 1 }],
    ['multi-tag image, no tag protected', image({ imageTags: ['sha-1234', 'feature-x'], pushed: ago(400) }), { ProtectedTagPatterns: ['release-*'] }, { stale: 1, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['protected pattern is anchored (prefix-release-1 does not match release-*)', image({ imageTags: ['prefix-release-1'], pushed: ago(400) }), { ProtectedTagPatterns: ['release-*'] }, { stale: 1, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['protected but young: not counted as protected', image({ imageTags: ['release-9'], pushed: ago(5) }), { ProtectedTagPatterns: ['release-*'] }, { stale: 0, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['archived old image is never stale', image({ imageTags: ['v0'], pushed: ago(900), imageStatus: 'ARCHIVED' }), {}, { stale: 0, protectedImages: 0, untagged: 0, inactive: 1, active: 0 }],
    ['image being restored (ACTIVATING) is never stale', image({ imageTags: ['v0'], pushed: ago(900), imageStatus: 'ACTIVATING' }), {}, { stale: 0, protectedImages: 0, untagged: 0, inactive: 1, active: 0 }],
    ['missing imageStatus means ACTIVE', image({ imageTags: ['v0'], pushed: ago(900), imageStatus: undefined }), {}, { stale: 1, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['untagged exactly one day old is still in grace', image({ pushed: ago(1) }), {}, { stale: 0, protectedImages: 0, untagged: 0, inactive: 0, active: 1 }],
    ['untagged 1 ms past one day', image({ pushed: ago(1, 1) }), {}, { stale: 0, protectedImages: 0, untagged: 1, inactive: 0, active: 1 }],
    ['untagged and stale counts as both', image({ pushed: ago(200) }), {}, { stale: 1, protectedImages: 0, untagged: 1, inactive: 0, active: 1 }],
    ['untagged referrer (signature) is ignored', image({ pushed: ago(200), subjectManifestDigest: 'sha256:abc' }), {}, { stale: 0, protectedImages: 0, untagged: 0, inactive: 0, active: 0 }],
  ])('%s', (_name, fact, overrides, expected) => {
    const summary = summariseImages([fact], params(overrides), NOW);
    expect({
      stale: summary.staleImages,
      protectedImages: summary.protectedImages,
      untagged: summary.untaggedImages,
      inactive: summary.inactiveImages,
      active: summary.activeImages,
    }).toEqual(expected);
  });

  it('counts reclaimable bytes once for an image that is both stale and untagged', () => {
    const summary = summariseImages(
      [image({ pushed: ago(200), imageSizeInBytes: 7 }), image({ imageTags: ['old'], pushed: ago(200), imageSizeInBytes: 11 }), image({ pushed: ago(2), imageSizeInBytes: 13 }), image({ imageTags: ['new'], pushed: ago(2), imageSizeInBytes: 17 })],
      params(),
      NOW,
    );
    expect(summary).toMatchObject({ staleImages: 2, staleBytes: 18, untaggedImages: 2, reclaimableBytes: 31, activeBytes: 48 });
  });
});

describe('oldest stale images', () => {
  it('keeps the three least recently used, oldest first, whatever the input order', () => {
    const lastUses = [300, 120, 500, 95, 410, 220, 130];
    const images = lastUses.map((days, i) => image({ imageTags: [`t${days}`], pushed: ago(days + 10), pulled: ago(days), imageSizeInBytes: i }));
    const summariser = new ImageSummariser(params(), NOW);
    for (const fact of images) summariser.add(observationFromFact(fact));
    const summary = summariser.summary();
    expect(summary.staleImages).toBe(7);
    expect(summary.oldestStale.map((kept) => kept.ref)).toEqual(['t500', 't410', 't300']);
    expect(summary.oldestStale[0]).toEqual({ ref: 't500', pushedAt: ago(510), lastPulledAt: ago(500), sizeBytes: 2 });
  });

  it('names an untagged image by its short digest and a never-pulled one without lastPulledAt', () => {
    const summary = summariseImages([{ imageDigest: 'sha256:0123456789abcdef0123', imagePushedAt: ago(365) }], params(), NOW);
    expect(summary.oldestStale).toEqual([{ ref: 'sha256:0123456789ab', pushedAt: ago(365), sizeBytes: 0 }]);
  });
});

describe('lifecycle policy analysis', () => {
  const expire = (rulePriority: number, selection: Record<string, unknown>, type = 'expire') => ({ rulePriority, selection, action: { type, ...(type === 'transition' ? { targetStorageClass: 'archive' } : {}) } });
  const pushedDays = (n: number) => ({ countType: 'sinceImagePushed', countUnit: 'days', countNumber: n });
  const policy = (...rules: unknown[]) => JSON.stringify({ rules });

  it.each<[string, string | null, Partial<StaleImagesParams>, { state: string; untaggedCovered: boolean; agedCovered: boolean; gaps?: string[] }]>([
    ['no policy', null, {}, { state: 'absent', untaggedCovered: false, agedCovered: false }],
    ['not JSON', '{rules:', {}, { state: 'unreadable', untaggedCovered: false, agedCovered: false }],
    ['JSON without rules', '{"foo":1}', {}, { state: 'unreadable', untaggedCovered: false, agedCovered: false }],
    // ECR requires rulePriority, a unique integer: https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
    ['a rule without rulePriority (order unknown)', JSON.stringify({ rules: [{ selection: { tagStatus: 'any', ...pushedDays(30) }, action: { type: 'expire' } }] }), {}, { state: 'unreadable', untaggedCovered: false, agedCovered: false }],
    ['two rules with the same rulePriority', policy(expire(1, { tagStatus: 'any', ...pushedDays(30) }), expire(1, { tagStatus: 'untagged', ...pushedDays(1) })), {}, { state: 'unreadable', untaggedCovered: false, agedCovered: false }],
    ['untagged 1d + any 90d', GOOD_POLICY, {}, { state: 'present', untaggedCovered: true, agedCovered: true, gaps: [] }],
    ['a single any-rule by age covers both', policy(expire(1, { tagStatus: 'any', ...pushedDays(60) })), {}, { state: 'present', untaggedCovered: true, agedCovered: true, gaps: [] }],
    ['any-rule longer than the age limit covers neither', policy(expire(1, { tagStatus: 'any', ...pushedDays(180) })), {}, {
      state: 'present', untaggedCovered: false, agedCovered: false,
      gaps: ['rule 1 selects untagged images but does not expire them beyond 0 by count or within 90 days', 'rule 1 selects every tagged image without expiring it within 90 days'],
    }],
    // An untagged count rule keeps countNumber images, and ECR never lets a later rule expire what an
    // earlier rule's selection matched: https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lifecycle_policy_evaluation
    ['only untagged by count within MaxUntaggedImages (the Security Hub ECR.3 minimum)', policy(expire(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 })), { MaxUntaggedImages: 5 }, {
      state: 'present', untaggedCovered: true, agedCovered: false,
      gaps: ['no rule expires every tagged image past 90 days (tagStatus any with sinceImagePushed or sinceImagePulled)'],
    }],
    ['untagged count rule keeping more than MaxUntaggedImages does not cover untagged', policy(expire(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 10000 })), { MaxUntaggedImages: 5 }, {
      state: 'present', untaggedCovered: false, agedCovered: false,
      gaps: ['rule 1 selects untagged images but does not expire them beyond 5 by count or within 90 days', 'no rule expires every tagged image past 90 days (tagStatus any with sinceImagePushed or sinceImagePulled)'],
    }],
    ['... nor does a later any-age rule (the count rule selected the untagged images first)', policy(expire(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 10000 }), expire(2, { tagStatus: 'any', ...pushedDays(30) })), {}, {
      state: 'present', untaggedCovered: false, agedCovered: true,
      gaps: ['rule 1 selects untagged images but does not expire them beyond 0 by count or within 90 days'],
    }],
    ['untagged count rule beyond MaxUntaggedImages (default 0)', policy(expire(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 })), {}, {
      state: 'present', untaggedCovered: false, agedCovered: false,
      gaps: ['rule 1 selects untagged images but does not expire them beyond 0 by count or within 90 days', 'no rule expires every tagged image past 90 days (tagStatus any with sinceImagePushed or sinceImagePulled)'],
    }],
    ['only tagged by age: untagged missing', policy(expire(1, { tagStatus: 'tagged', tagPatternList: ['*'], ...pushedDays(30) })), {}, {
      state: 'present', untaggedCovered: false, agedCovered: true, gaps: ['no rule selects untagged images'],
    }],
    ['keep-last-N for all images is not an age limit', policy(expire(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 })), { MaxUntaggedImages: 50 }, {
      state: 'present', untaggedCovered: true, agedCovered: false, gaps: ['rule 1 selects every tagged image without expiring it within 90 days'],
    }],
    ['sinceImagePulled within the idle limit covers age', policy(expire(1, { tagStatus: 'untagged', ...pushedDays(7) }), expire(2, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 })), {}, {
      state: 'present', untaggedCovered: true, agedCovered: true, gaps: [],
    }],
    ['sinceImagePulled longer than the idle limit does not', policy(expire(1, { tagStatus: 'untagged', ...pushedDays(7) }), expire(2, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 91 })), {}, {
      state: 'present', untaggedCovered: true, agedCovered: false, gaps: ['rule 2 selects every tagged image without expiring it within 90 days'],
    }],
    ['archiving (transition) counts as removing from active storage', policy(expire(1, { tagStatus: 'any', ...pushedDays(90) }, 'transition')), {}, {
      state: 'present', untaggedCovered: true, agedCovered: true, gaps: [],
    }],
    ['rules on archived images do not cover active ones', policy(expire(1, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 30 })), {}, {
      state: 'present', untaggedCovered: false, agedCovered: false,
      gaps: ['no rule selects untagged images', 'no rule expires every tagged image past 90 days (tagStatus any with sinceImagePushed or sinceImagePulled)'],
    }],
    ['a keep-N rule on unprotected tags shields them from the later age rule', policy(expire(1, { tagStatus: 'tagged', tagPrefixList: ['release'], countType: 'imageCountMoreThan', countNumber: 50 }), expire(2, { tagStatus: 'any', ...pushedDays(90) })), {}, {
      state: 'present', untaggedCovered: true, agedCovered: false, gaps: ["rule 1 keeps images tagged 'release*' regardless of age (not in ProtectedTagPatterns)"],
    }],
    ['... which is fine when those tags are protected', policy(expire(1, { tagStatus: 'tagged', tagPrefixList: ['release'], countType: 'imageCountMoreThan', countNumber: 50 }), expire(2, { tagStatus: 'any', ...pushedDays(90) })), { ProtectedTagPatterns: ['release*'] }, {
      state: 'present', untaggedCovered: true, agedCovered: true, gaps: [],
    }],
    ['a protected pattern narrower than the rule does not cover it', policy(expire(1, { tagStatus: 'tagged', tagPatternList: ['*'] , countType: 'imageCountMoreThan', countNumber: 50 }), expire(2, { tagStatus: 'any', ...pushedDays(90) })), { ProtectedTagPatterns: ['release*'] }, {
      state: 'present', untaggedCovered: true, agedCovered: false, gaps: ['rule 1 selects every tagged image without expiring it within 90 days'],
    }],
    ['a partial tagged rule with its own age limit does not shield', policy(expire(1, { tagStatus: 'tagged', tagPatternList: ['dev-*'], ...pushedDays(14) }), expire(2, { tagStatus: 'any', ...pushedDays(90) })), {}, {
      state: 'present', untaggedCovered: true, agedCovered: true, gaps: [],
    }],
    ['rule order follows rulePriority, not array order', policy(expire(20, { tagStatus: 'any', ...pushedDays(90) }), expire(3, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 400 })), {}, {
      state: 'present', untaggedCovered: false, agedCovered: true, gaps: ['rule 3 selects untagged images but does not expire them beyond 0 by count or within 90 days'],
    }],
  ])('%s', (_name, text, overrides, expected) => {
    const analysis = analyseLifecyclePolicy(text, params(overrides));
    expect(analysis).toMatchObject(expected);
  });
});

describe('evaluate', () => {
  const repo = (repositoryName: string, fields: Partial<StaleImagesRepository> = {}): StaleImagesRepository => ({
    repositoryName,
    tags: {},
    lifecyclePolicyText: GOOD_POLICY,
    images: [],
    ...fields,
  });

  it.each<[string, StaleImagesRepository, Partial<StaleImagesParams>, { complianceType: string; annotation: string; runbook?: string }]>([
    ['fresh images only', repo('fresh', { images: [image({ imageTags: ['v2'], pushed: ago(3) }), image({ imageTags: ['v1'], pushed: ago(40), pulled: ago(1) })] }), {}, {
      complianceType: 'COMPLIANT',
      annotation: 'No stale images among 2 active (pushed >90d ago, not pulled in 90d); lifecycle policy covers untagged and aged images.',
    }],
    ['stale and never pulled, policy fine: prune', repo('stale', {
      images: [image({ imageTags: ['v1.0.0'], pushed: ago(200), imageSizeInBytes: 1_500_000_000 }), image({ imageTags: ['v1.1.0'], pushed: ago(150), pulled: ago(120), imageSizeInBytes: 500_000_000 }), image({ imageTags: ['v2'], pushed: ago(2) })],
    }), {}, {
      complianceType: 'NON_COMPLIANT',
      annotation: '2 stale images (pushed >90d ago, not pulled in 90d); oldest v1.0.0 pushed 2026-05-04, never pulled; 2.0 GB reclaimable.',
      runbook: 'DeleteStaleEcrImages',
    }],
    ['old but recently pulled', repo('pulled', { images: [image({ imageTags: ['base'], pushed: ago(700), pulled: ago(1) })] }), {}, {
      complianceType: 'COMPLIANT',
      annotation: 'No stale images among 1 active (pushed >90d ago, not pulled in 90d); lifecycle policy covers untagged and aged images.',
    }],
    ['untagged build-up over the limit', repo('untagged', { images: [image({ pushed: ago(5), imageSizeInBytes: 1000 }), image({ pushed: ago(3), imageSizeInBytes: 1000 }), image({ pushed: ago(0.5), imageSizeInBytes: 1000 })] }), { MaxUntaggedImages: 1 }, {
      complianceType: 'NON_COMPLIANT',
      annotation: '2 untagged >1d (max 1); 2.0 KB reclaimable.',
      runbook: 'DeleteStaleEcrImages',
    }],
    ['untagged within the limit', repo('untagged-ok', { images: [image({ pushed: ago(5) })] }), { MaxUntaggedImages: 1 }, {
      complianceType: 'COMPLIANT',
      annotation: 'No stale images among 1 active (pushed >90d ago, not pulled in 90d); 1 untagged >1d (max 1); lifecycle policy covers untagged and aged images.',
    }],
    ['protected tags keep old images', repo('protected', { images: [image({ imageTags: ['release-1.0'], pushed: ago(800) })] }), { ProtectedTagPatterns: ['release-*'] }, {
      complianceType: 'COMPLIANT',
      annotation: 'No stale images among 1 active (pushed >90d ago, not pulled in 90d); 1 old but protected; lifecycle policy covers untagged and aged images.',
    }],
    ['no lifecycle policy: apply one (default runbook)', repo('no-policy', { lifecyclePolicyText: null, images: [image({ imageTags: ['v1'], pushed: ago(10) })] }), {}, {
      complianceType: 'NON_COMPLIANT',
      annotation: 'No lifecycle policy.',
    }],
    ['insufficient policy plus stale images: the policy first', repo('weak-policy', {
      lifecyclePolicyText: JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 10 }, action: { type: 'expire' } }] }),
      images: [image({ imageTags: ['v1'], pushed: ago(100), pulled: ago(95), imageSizeInBytes: 2_000_000 })],
    }), { MaxUntaggedImages: 10 }, {
      complianceType: 'NON_COMPLIANT',
      annotation:
        '1 stale image (pushed >90d ago, not pulled in 90d); oldest v1 pushed 2026-08-12, last pulled 2026-08-17; lifecycle policy misses >90d images; 2.0 MB reclaimable. No rule expires every tagged image past 90 days (tagStatus any with sinceImagePushed or sinceImagePulled).',
    }],
    ['policy not required', repo('no-policy-ok', { lifecyclePolicyText: undefined, images: [image({ imageTags: ['v1'], pushed: ago(10) })] }), { RequireLifecyclePolicy: false }, {
      complianceType: 'COMPLIANT',
      annotation: 'No stale images among 1 active (pushed >90d ago, not pulled in 90d).',
    }],
    ['archived images are ignored', repo('archived', { images: [image({ imageTags: ['v0'], pushed: ago(900), imageStatus: 'ARCHIVED' }), image({ imageTags: ['v9'], pushed: ago(1) })] }), {}, {
      complianceType: 'COMPLIANT',
      annotation: 'No stale images among 1 active (pushed >90d ago, not pulled in 90d); 1 archived; lifecycle policy covers untagged and aged images.',
    }],
    ['exempt', repo('exempt', { tags: { 'ecr-guardrails:exempt': 'vendor mirror, JIRA-12' }, lifecyclePolicyText: null, images: [image({ pushed: ago(900) })] }), {}, {
      complianceType: 'NOT_APPLICABLE',
      annotation: 'Exempt by tag ecr-guardrails:exempt: vendor mirror, JIRA-12.',
    }],
    ['empty repository', repo('empty'), {}, {
      complianceType: 'COMPLIANT',
      annotation: 'No stale images among 0 active (pushed >90d ago, not pulled in 90d); lifecycle policy covers untagged and aged images.',
    }],
  ])('%s', (_name, repository, overrides, expected) => {
    const [evaluation] = evaluate({ repositories: [repository] }, params(overrides), NOW);
    expect(evaluation).toEqual({ resourceType: 'AWS::ECR::Repository', resourceId: repository.repositoryName, ...expected });
  });

  it('keeps the essentials of the worst case within 256 characters', () => {
    const longTag = `feature-${'x'.repeat(120)}`;
    const images = [image({ imageTags: [longTag], pushed: ago(6000), pulled: ago(5999), imageSizeInBytes: 999_999_999_999 })];
    for (let i = 0; i < 150; i++) images.push(image({ pushed: ago(5000), imageSizeInBytes: 1 }));
    const [evaluation] = evaluate({ repositories: [repo('worst', { images, lifecyclePolicyText: '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["a"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}' })] }, params({ MaxImageAgeDays: 3650, MaxIdleDays: 1000, MaxUntaggedImages: 100 }), NOW);
    const head = evaluation!.annotation.split('. ')[0]!;
    expect(head.length).toBeLessThanOrEqual(256);
    expect(configAnnotation(evaluation!.annotation)!.startsWith(head.slice(0, 200))).toBe(true);
    expect(head).toBe(
      `151 stale images (pushed >3650d ago, not pulled in 1000d); oldest feature-${'x'.repeat(23)}… pushed 2010-06-17, last pulled 2010-06-18; 150 untagged >1d (max 100); lifecycle policy misses untagged and >3650d images; 1.0 TB reclaimable`,
    );
  });

  it('evaluates a collector summary exactly like the raw images it was computed from', () => {
    const images = [image({ imageTags: ['a'], pushed: ago(300) }), image({ pushed: ago(20) }), image({ imageTags: ['b'], pushed: ago(100), pulled: ago(99) }), image({ imageTags: ['c'], pushed: ago(1) })];
    const p = params({ MaxUntaggedImages: 0 });
    const fromImages = evaluate({ repositories: [repo('r', { images })] }, p, NOW);
    const summary = summariseImages(images, p, NOW);
    const facts: StaleImagesFacts = {
      basis: { asOf: NOW.toISOString(), MaxImageAgeDays: 90, MaxIdleDays: 90, ProtectedTagPatterns: [] },
      repositories: [{ repositoryName: 'r', tags: {}, lifecyclePolicyText: GOOD_POLICY, summary }],
    };
    expect(evaluate(facts, p, NOW)).toEqual(fromImages);
    expect(fromImages[0]!.complianceType).toBe('NON_COMPLIANT');
  });

  it('refuses summaries computed with other age limits or protected patterns', () => {
    const facts: StaleImagesFacts = {
      basis: { asOf: NOW.toISOString(), MaxImageAgeDays: 90, MaxIdleDays: 90, ProtectedTagPatterns: [] },
      repositories: [{ repositoryName: 'r', tags: {}, lifecyclePolicyText: null, summary: summariseImages([], params(), NOW) }],
    };
    expect(() => evaluate(facts, params({ MaxImageAgeDays: 30, ProtectedTagPatterns: ['v*'] }), NOW)).toThrow(
      new StaleImagesFactsError(
        'Image summaries were computed with other parameters (MaxImageAgeDays 90 when collected, 30 now; ProtectedTagPatterns [] when collected, ["v*"] now); collect again with these parameters.',
      ),
    );
    expect(() => evaluate({ repositories: facts.repositories }, params(), NOW)).toThrow(StaleImagesFactsError);
  });

  it('refuses to judge a lifecycle policy that was not collected', () => {
    expect(() => evaluate({ repositories: [repo('r', { lifecyclePolicyText: undefined })] }, params(), NOW)).toThrow(/lack the lifecycle policy/);
  });

  it('lists repositories not reached in the inventory without evaluating them', () => {
    const facts: StaleImagesFacts = { repositories: [repo('a')], notReached: ['b', 'c'] };
    expect(evaluate(facts, params(), NOW).map((e) => e.resourceId)).toEqual(['a']);
    expect(inventory(facts)).toEqual(['a', 'b', 'c']);
    expect(rule.inventory!(facts)).toEqual(['a', 'b', 'c']);
  });
});
