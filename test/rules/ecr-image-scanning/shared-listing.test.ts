/**
 * One CLI scan lists each repository's images once: ecr-stale-images lists them and
 * ecr-image-scanning folds the same DescribeImages pages (rules/common/ecr-images.ts), with the
 * same facts as when it lists them itself. Shapes: DescribeImages ImageDetail
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html).
 */
import {
  BatchGetRepositoryScanningConfigurationCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRegistryScanningConfigurationCommand,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  type ImageDetail,
} from '@aws-sdk/client-ecr';
import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectSnapshot, type RuleRun } from '../../../cli/scan.js';
import { registerImageConsumer, shareImageListing, takeImageFoldResult } from '../../../rules/common/ecr-images.js';
import type { ImageScanningFacts, ImageScanningParams } from '../../../rules/ecr-image-scanning/evaluate.js';
import { rule as imageScanning } from '../../../rules/ecr-image-scanning/rule.js';
import { rule as staleImages } from '../../../rules/ecr-stale-images/rule.js';
import { ClientFactory } from '../../../rules/kernel/clients.js';
import { createCollectContext } from '../../../rules/kernel/context.js';
import { silentLogger } from '../../../rules/kernel/logger.js';
import { defaultRuleParameters } from '../../../rules/kernel/parameters.js';
import { MEMBER_ACCOUNT, REGION } from '../../support/config-events.js';
import { ecrRepository } from '../../support/ecr.js';

const ecr = mockClient(ECRClient);
const inspector = mockClient(Inspector2Client);
const NOW = new Date('2026-11-20T09:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const NAMES = ['team/a', 'team/b', 'vendor/mirror'];
const run = (rule: typeof staleImages | typeof imageScanning): RuleRun => ({ rule, params: defaultRuleParameters(rule.id, rule.parameters) });
const target = () => ({ accountId: MEMBER_ACCOUNT, region: REGION, partition: 'aws', clients: new ClientFactory(REGION) });

function images(name: string): ImageDetail[] {
  return Array.from({ length: 3 }, (_, i) => ({
    registryId: MEMBER_ACCOUNT,
    repositoryName: name,
    imageDigest: `sha256:${String(i + 1).repeat(64)}`,
    imageTags: [`v${i}`],
    imageSizeInBytes: 10_000_000,
    imagePushedAt: daysAgo(40 + i * 100),
    lastRecordedPullTime: daysAgo(2),
    imageStatus: 'ACTIVE',
    imageScanStatus: { status: i === 2 ? 'FAILED' : 'COMPLETE' },
    imageScanFindingsSummary: { imageScanCompletedAt: daysAgo(40), findingSeverityCounts: i === 0 ? { CRITICAL: 2 } : {} },
  }));
}

beforeEach(() => {
  ecr.reset();
  inspector.reset();
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: NAMES.map((name) => ecrRepository(name)) });
  ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
  // Exempt (both rules use the default exemption tag): no rule lists its images.
  ecr.on(ListTagsForResourceCommand, { resourceArn: ecrRepository('vendor/mirror').repositoryArn }).resolves({ tags: [{ Key: 'ecr-guardrails:exempt', Value: 'vendor' }] });
  ecr.on(GetLifecyclePolicyCommand).rejects(new LifecyclePolicyNotFoundException({ message: 'Lifecycle policy does not exist', $metadata: {} }));
  ecr.on(DescribeImagesCommand).callsFake((input: { repositoryName: string }) => ({ imageDetails: images(input.repositoryName) }));
  ecr.on(GetRegistryScanningConfigurationCommand).resolves({ registryId: MEMBER_ACCOUNT, scanningConfiguration: { scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }] } });
  ecr.on(BatchGetRepositoryScanningConfigurationCommand).callsFake((input: { repositoryNames: string[] }) => ({
    scanningConfigurations: input.repositoryNames.map((repositoryName) => ({ repositoryName, scanOnPush: false, scanFrequency: 'SCAN_ON_PUSH', appliedScanFilters: [{ filter: '*', filterType: 'WILDCARD' }] })),
    failures: [],
  }));
});

const describeImagesCalls = () =>
  ecr
    .commandCalls(DescribeImagesCommand)
    .map((call) => [call.args[0].input.repositoryName, call.args[0].input.filter?.tagStatus].filter(Boolean).join(' '))
    .sort();

describe('one DescribeImages listing per repository in a CLI scan', () => {
  it('stale-images lists, image-scanning folds the same pages: same facts as listing alone, no second listing', async () => {
    const alone = await collectSnapshot([target()], [run(imageScanning)], { now: NOW });
    expect(describeImagesCalls()).toEqual(['team/a', 'team/b']);
    ecr.resetHistory();

    const both = await collectSnapshot([target()], [run(staleImages), run(imageScanning)], { now: NOW });

    expect(both.problems).toEqual([]);
    // One listing per repository in all (stale-images' tagged and untagged halves), not one per rule.
    expect(describeImagesCalls()).toEqual(['team/a TAGGED', 'team/a UNTAGGED', 'team/b TAGGED', 'team/b UNTAGGED']);
    expect(both.snapshot.scopes[0]!.facts['ecr-image-scanning']).toEqual(alone.snapshot.scopes[0]!.facts['ecr-image-scanning']);
    const evaluations = imageScanning.evaluate(both.snapshot.scopes[0]!.facts['ecr-image-scanning'] as ImageScanningFacts, defaultRuleParameters<ImageScanningParams>(imageScanning.id, imageScanning.parameters), NOW);
    expect(evaluations.map((e) => `${e.resourceId} ${e.complianceType}`)).toEqual(['team/a NON_COMPLIANT', 'team/b NON_COMPLIANT', 'vendor/mirror NOT_APPLICABLE']);
  });

  it('a consumer whose reads fail never breaks the listing rule; the consumer reports its own failure', async () => {
    ecr.on(GetRegistryScanningConfigurationCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const both = await collectSnapshot([target()], [run(staleImages), run(imageScanning)], { now: NOW });
    expect(both.snapshot.scopes[0]!.facts['ecr-stale-images']).toBeDefined();
    expect(both.problems).toEqual([expect.objectContaining({ ruleId: 'ecr-image-scanning', message: expect.stringMatching(/ecr:GetRegistryScanningConfiguration failed: AccessDeniedException/) })]);
    expect(inspector.calls()).toHaveLength(0);
  });
});

describe('shareImageListing', () => {
  const ctx = () => createCollectContext(target(), {}, { now: NOW, logger: silentLogger });

  it('stores a consumer result only when the listing completed, once', async () => {
    const context = ctx();
    await registerImageConsumer(context, { id: 'counter', begin: async () => { let n = 0; return { add: () => void n++, result: () => n }; } });
    const cut = await shareImageListing(context, 'team/a');
    cut.add(images('team/a')[0]!);
    // Never completed (time budget): nothing stored, the consumer lists it itself.
    expect(await takeImageFoldResult(context, 'counter', 'team/a')).toBeUndefined();
    const full = await shareImageListing(context, 'team/b');
    for (const image of images('team/b')) full.add(image);
    await full.complete();
    expect(await takeImageFoldResult(context, 'counter', 'team/b')).toBe(3);
    expect(await takeImageFoldResult(context, 'counter', 'team/b')).toBeUndefined();
  });

  it('drops a consumer whose fold throws, keeping the others', async () => {
    const context = ctx();
    await registerImageConsumer(context, { id: 'broken', begin: async () => ({ add: () => { throw new Error('boom'); }, result: () => 'never' }) });
    await registerImageConsumer(context, { id: 'fine', begin: async () => ({ add: () => undefined, result: () => 'ok' }) });
    const listing = await shareImageListing(context, 'team/a');
    for (const image of images('team/a')) listing.add(image);
    await listing.complete();
    expect(await takeImageFoldResult(context, 'broken', 'team/a')).toBeUndefined();
    expect(await takeImageFoldResult(context, 'fine', 'team/a')).toBe('ok');
  });
});
