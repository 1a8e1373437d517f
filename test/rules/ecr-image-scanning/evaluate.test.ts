/**
 * ecr-image-scanning evaluator, case by case. Fixtures are shaped like the API responses:
 * - registry: GetRegistryScanningConfiguration
 *   https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRegistryScanningConfiguration.html
 * - repository: BatchGetRepositoryScanningConfiguration (effective frequency per repository)
 *   https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetRepositoryScanningConfiguration.html
 * - images: DescribeImages ImageDetail (imageScanStatus, imageScanFindingsSummary)
 *   https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html
 * - Inspector: BatchGetAccountStatus resourceState.ecr.status, ListFindings severity/firstObservedAt
 *   https://docs.aws.amazon.com/inspector/v2/APIReference/API_BatchGetAccountStatus.html
 *   https://docs.aws.amazon.com/inspector/v2/APIReference/API_Finding.html
 */
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  ImageScanningFactsError,
  inventory,
  type ImageScanFact,
  type ImageScanningFacts,
  type ImageScanningParams,
  type ImageScanningRepository,
} from '../../../rules/ecr-image-scanning/evaluate.js';
import { rule } from '../../../rules/ecr-image-scanning/rule.js';
import { defaultRuleParameters, parseRuleParameters } from '../../../rules/kernel/parameters.js';
import { RuleParameterError } from '../../../rules/kernel/errors.js';

const NOW = new Date('2026-11-20T09:00:00Z');
const defaults = defaultRuleParameters<ImageScanningParams>(rule.id, rule.parameters);
const withParams = (raw: Record<string, string>) => parseRuleParameters<ImageScanningParams>(rule.id, rule.parameters, raw);
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

const BASIC_ALL = { scanType: 'BASIC', rules: [{ scanFrequency: 'SCAN_ON_PUSH', filters: ['*'] }] };
const ENHANCED_ALL = { scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', filters: ['*'] }] };

const repo = (scanning: ImageScanningRepository['scanning'], images: ImageScanFact[] = [], extra: Partial<ImageScanningRepository> = {}): ImageScanningRepository => ({
  repositoryName: 'team/app',
  tags: {},
  ...(scanning ? { scanning } : {}),
  images,
  ...extra,
});
const onPush = { scanFrequency: 'SCAN_ON_PUSH', scanOnPush: false, appliedScanFilters: ['*'] };
const continuous = { scanFrequency: 'CONTINUOUS_SCAN', scanOnPush: false, appliedScanFilters: ['*'] };
const manual = { scanFrequency: 'MANUAL', scanOnPush: false, appliedScanFilters: [] };

function image(tag: string, extra: Partial<ImageScanFact> = {}): ImageScanFact {
  return {
    imageDigest: `sha256:${tag.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a')}`,
    imageTags: [tag],
    imagePushedAt: daysAgo(5),
    imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
    imageScanFindingsSummary: { imageScanCompletedAt: daysAgo(5), findingSeverityCounts: {} },
    ...extra,
  };
}

function one(facts: Partial<ImageScanningFacts> & { repositories: ImageScanningRepository[] }, params: ImageScanningParams = defaults) {
  const [evaluation] = evaluate({ registry: BASIC_ALL, ...facts }, params, NOW);
  return evaluation!;
}

describe('ecr-image-scanning parameters', () => {
  it('declares the documented defaults', () => {
    expect(defaults).toEqual({
      InUseDays: 30,
      MaxFindingSeverity: 'CRITICAL',
      MaxFindingAgeDays: 30,
      VulnerabilityCheck: true,
      ExemptionTagKey: 'ecr-guardrails:exempt',
      Concurrency: 8,
    });
  });

  it.each([
    [{ MaxFindingSeverity: 'SEVERE' }, /MaxFindingSeverity/],
    [{ InUseDays: '0' }, /InUseDays/],
    [{ VulnerabilityCheck: 'maybe' }, /VulnerabilityCheck/],
    [{ MaxFindingAgeDays: '-1' }, /MaxFindingAgeDays/],
  ])('rejects %j with a message naming the parameter', (raw, message) => {
    expect(() => withParams(raw)).toThrow(RuleParameterError);
    expect(() => withParams(raw)).toThrow(message);
  });
});

describe('ecr-image-scanning: scanning configured for every push (effective configuration)', () => {
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html:
  // BASIC repositories matching no scan-on-push filter are MANUAL; ENHANCED ones matching no filter have scanning disabled.
  it.each([
    ['BASIC, SCAN_ON_PUSH', BASIC_ALL, onPush, 'COMPLIANT', /^Pushes are scanned \(BASIC SCAN_ON_PUSH\); 1 of 1 images in use/],
    ['BASIC, MANUAL', BASIC_ALL, manual, 'NON_COMPLIANT', /^Pushes are not scanned: registry BASIC scanning, repository frequency MANUAL \(no scan-on-push filter matches\)\.$/],
    ['ENHANCED, CONTINUOUS_SCAN', ENHANCED_ALL, continuous, 'COMPLIANT', /^Pushes are scanned \(ENHANCED CONTINUOUS_SCAN\)/],
    ['ENHANCED, SCAN_ON_PUSH', ENHANCED_ALL, onPush, 'COMPLIANT', /^Pushes are scanned \(ENHANCED SCAN_ON_PUSH\)/],
    ['ENHANCED, MANUAL', ENHANCED_ALL, manual, 'NON_COMPLIANT', /^Pushes are not scanned: registry ENHANCED scanning, repository frequency MANUAL \(no enhanced filter matches, scanning disabled\)/],
    // The deprecated repository-level flag is reported but ECR's effective frequency decides
    // (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageScanningConfiguration.html: deprecated in favour of the registry level).
    ['BASIC, MANUAL with legacy scanOnPush', BASIC_ALL, { ...manual, scanOnPush: true }, 'NON_COMPLIANT', /; the deprecated repository-level scanOnPush=true is not in effect\.$/],
    ['BASIC, no frequency reported', BASIC_ALL, { appliedScanFilters: [] }, 'NON_COMPLIANT', /^ECR reported no scan frequency for the repository: cannot confirm pushes are scanned\.$/],
    ['unknown scan type', { scanType: 'PREMIUM', rules: [] }, onPush, 'NON_COMPLIANT', /^Unrecognised registry scan type "PREMIUM": cannot confirm pushes are scanned\.$/],
  ])('%s -> %s', (_name, registry, scanning, complianceType, annotation) => {
    const evaluation = one({ registry, inspectorEcrStatus: 'ENABLED', repositories: [repo(scanning, [image('v1')])] });
    expect(evaluation.complianceType).toBe(complianceType);
    expect(evaluation.annotation).toMatch(annotation);
    // Configuration findings offer the rule's runbook (the default remediation).
    expect(evaluation.runbook).toBeUndefined();
  });

  it('a repository ECR could not report on never passes', () => {
    const evaluation = one({ repositories: [repo(undefined, [], { scanningFailure: 'SCAN_CONFIGURATION_NOT_FOUND: no configuration' })] });
    expect(evaluation).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: "ECR could not report the repository's scanning configuration (SCAN_CONFIGURATION_NOT_FOUND: no configuration)." });
  });
});

describe('ecr-image-scanning: enhanced scanning that really runs', () => {
  it.each([
    ['DISABLED', /Amazon Inspector ECR scanning is DISABLED: no scan runs/],
    ['SUSPENDED', /Amazon Inspector ECR scanning is SUSPENDED/],
    [undefined, /Amazon Inspector's ECR status could not be read/],
  ])('Inspector ECR status %s -> NON_COMPLIANT', (status, annotation) => {
    const evaluation = one({ registry: ENHANCED_ALL, ...(status ? { inspectorEcrStatus: status } : {}), repositories: [repo(continuous)] });
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toMatch(annotation);
    // The runbook cannot enable Inspector: no runbook is offered.
    expect(evaluation.runbook).toBeNull();
  });

  it('BASIC scanning needs no Inspector', () => {
    expect(one({ registry: BASIC_ALL, repositories: [repo(onPush)] }).complianceType).toBe('COMPLIANT');
  });
});

describe('ecr-image-scanning: scan statuses of images in use', () => {
  // ImageScanStatus values: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanStatus.html
  it('a FAILED scan of an image in use is a finding that names no runbook', () => {
    const evaluation = one({ repositories: [repo(onPush, [image('v1', { imageScanStatus: { status: 'FAILED', description: 'Unable to scan' } })])] });
    expect(evaluation).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: '1 image in use with a FAILED scan (e.g. v1).', runbook: null });
  });

  it('a FAILED scan of an image out of use (pushed and pulled long ago) is not counted', () => {
    const old = image('v0', { imagePushedAt: daysAgo(200), lastRecordedPullTime: daysAgo(100), imageScanStatus: { status: 'FAILED' } });
    expect(one({ repositories: [repo(onPush, [old])] }).complianceType).toBe('COMPLIANT');
  });

  it('an old image pulled recently is in use', () => {
    const pulled = image('v0', { imagePushedAt: daysAgo(200), lastRecordedPullTime: daysAgo(2), imageScanStatus: { status: 'FAILED' } });
    expect(one({ repositories: [repo(onPush, [pulled])] }).complianceType).toBe('NON_COMPLIANT');
  });

  // Statuses: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanStatus.html. An image
  // in use without scan results cannot be said to have no findings: never a pass when findings are judged.
  it('an image in use without any scan status (pushed before scanning was configured) is a finding: no results to judge', () => {
    const unscanned = { imageDigest: `sha256:${'c'.repeat(64)}`, imageTags: ['old-build'], imagePushedAt: daysAgo(3) };
    const evaluation = one({ repositories: [repo(onPush, [unscanned])] });
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toBe('1 image in use without scan results: 1 never scanned (e.g. old-build); scan them (StartImageScan) or rebuild.');
    // The configuration is fine: the runbook (which fixes configuration) is not offered.
    expect(evaluation.runbook).toBeNull();
  });

  it.each(['LIMIT_EXCEEDED', 'FINDINGS_UNAVAILABLE', 'SCAN_ELIGIBILITY_EXPIRED', 'IMAGE_ARCHIVED', 'SOME_FUTURE_STATUS'])('%s in use is "without scan results": a finding', (status) => {
    const evaluation = one({ registry: ENHANCED_ALL, inspectorEcrStatus: 'ENABLED', repositories: [repo(continuous, [image('v1', { imageScanStatus: { status } })])] });
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toContain(`1 image in use without scan results: 1 ${status} (e.g. v1)`);
  });

  it('without the vulnerability check, images without results are named but not a finding', () => {
    const evaluation = one({ repositories: [repo(onPush, [image('v1', { imageScanStatus: { status: 'LIMIT_EXCEEDED' } })])] }, { ...defaults, VulnerabilityCheck: false });
    expect(evaluation.complianceType).toBe('COMPLIANT');
    expect(evaluation.annotation).toMatch(/ Not scanned: 1 in use without scan results: 1 LIMIT_EXCEEDED \(e\.g\. v1\)\.$/);
  });

  it('pending scans and UNSUPPORTED_IMAGE in use are named, not a finding alone', () => {
    const evaluation = one({
      registry: ENHANCED_ALL,
      inspectorEcrStatus: 'ENABLED',
      repositories: [
        repo(continuous, [
          image('v1', { imageScanStatus: { status: 'PENDING' } }),
          image('v2', { imageScanStatus: { status: 'UNSUPPORTED_IMAGE' } }),
          image('v3', { imageScanStatus: { status: 'IN_PROGRESS' } }),
          image('v4', { imageScanStatus: { status: 'ACTIVE' } }),
        ]),
      ],
    });
    expect(evaluation.complianceType).toBe('COMPLIANT');
    expect(evaluation.annotation).toMatch(
      / Not scanned: 1 in use IN_PROGRESS \(scan pending\) \(e\.g\. v3\), 1 in use PENDING \(scan pending\) \(e\.g\. v1\), 1 in use UNSUPPORTED_IMAGE \(the scanner cannot scan this image type\) \(e\.g\. v2\)\.$/,
    );
  });
});

describe('ecr-image-scanning: image indexes (multi-architecture images, buildx attestations)', () => {
  // An image index / manifest list is stored beside the images it lists (DescribeImages
  // imageManifestMediaType, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html)
  // and gets no scan of its own: ECR refuses it ("An artifact with media type
  // 'application/vnd.oci.image.index.v1+json' cannot be scanned", https://github.com/docker/setup-buildx-action/issues/186,
  // https://github.com/aws/containers-roadmap/issues/1683); its images are scanned and judged one by one.
  const index = (tag: string, mediaType: string) => image(tag, { imageManifestMediaType: mediaType, imageScanStatus: undefined, imageScanFindingsSummary: undefined });
  const child = (tag: string, extra: Partial<ImageScanFact> = {}) => image(tag, { imageTags: [], imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json', ...extra });

  it.each(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'])('an index (%s) without a scan is named, not a finding "without scan results"', (mediaType) => {
    const evaluation = one({ repositories: [repo(onPush, [index('v1', mediaType), child('amd64')])] });
    expect(evaluation.complianceType).toBe('COMPLIANT');
    expect(evaluation.annotation).toMatch(/ Not scanned: 1 in use IMAGE_INDEX \(an image index: its images are scanned one by one\) \(e\.g\. v1\)\.$/);
  });

  it('the images an index lists are still judged: one never scanned is a finding', () => {
    const evaluation = one({ repositories: [repo(onPush, [index('v1', 'application/vnd.oci.image.index.v1+json'), child('amd64', { imageScanStatus: undefined, imageScanFindingsSummary: undefined })])] });
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toMatch(/^1 image in use without scan results: 1 never scanned/);
  });

  it('an image manifest (not an index) without a scan stays a finding', () => {
    const evaluation = one({ repositories: [repo(onPush, [child('v1', { imageTags: ['v1'], imageScanStatus: undefined, imageScanFindingsSummary: undefined })])] });
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
  });
});

describe('ecr-image-scanning: old findings in images in use', () => {
  // BASIC: imageScanFindingsSummary.findingSeverityCounts, age from imageScanCompletedAt
  // (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanFindingsSummary.html).
  const basic = (tag: string, completedDaysAgo: number | undefined, counts: Record<string, number>, pushedDaysAgo = completedDaysAgo ?? 40) =>
    image(tag, {
      imagePushedAt: daysAgo(pushedDaysAgo),
      lastRecordedPullTime: daysAgo(1),
      imageScanFindingsSummary: { ...(completedDaysAgo !== undefined ? { imageScanCompletedAt: daysAgo(completedDaysAgo) } : {}), findingSeverityCounts: counts },
    });

  it('BASIC: critical findings reported by a scan 45 days ago, image still pulled -> NON_COMPLIANT, oldest first, no runbook', () => {
    const evaluation = one({ repositories: [repo(onPush, [basic('v2', 35, { CRITICAL: 1, HIGH: 4 }), basic('v1', 45, { CRITICAL: 2 }), basic('v3', 10, { CRITICAL: 3 })])] });
    expect(evaluation).toEqual({
      resourceType: 'AWS::ECR::Repository',
      resourceId: 'team/app',
      complianceType: 'NON_COMPLIANT',
      annotation: `2 images in use with 3 findings >=CRITICAL open >30d, oldest first: v1 (2 since ${daysAgo(45).slice(0, 10)}), v2 (1 since ${daysAgo(35).slice(0, 10)}).`,
      runbook: null,
    });
  });

  it('BASIC: HIGH findings count with MaxFindingSeverity HIGH, not with the default', () => {
    const images = [basic('v1', 45, { HIGH: 4 })];
    expect(one({ repositories: [repo(onPush, images)] }).complianceType).toBe('COMPLIANT');
    expect(one({ repositories: [repo(onPush, images)] }, withParams({ MaxFindingSeverity: 'HIGH' })).annotation).toMatch(/^1 image in use with 4 findings >=HIGH open >30d/);
  });

  it('BASIC: counts without a scan completion time are taken as old (unknown age never passes)', () => {
    expect(one({ repositories: [repo(onPush, [basic('v1', undefined, { CRITICAL: 1 }, 3)])] }).annotation).toMatch(/v1 \(1 since unknown\)/);
  });

  it('VulnerabilityCheck=false judges configuration and statuses only', () => {
    expect(one({ repositories: [repo(onPush, [basic('v1', 45, { CRITICAL: 2 })])] }, withParams({ VulnerabilityCheck: 'false' })).complianceType).toBe('COMPLIANT');
  });

  it('ENHANCED: Inspector findings by firstObservedAt, not the image summary', () => {
    const enhancedImage = image('v1', {
      lastRecordedPullTime: daysAgo(1),
      imageScanStatus: { status: 'ACTIVE' },
      imageScanFindingsSummary: { findingSeverityCounts: { CRITICAL: 9 } },
      inspectorFindings: [
        { severity: 'CRITICAL', firstObservedAt: daysAgo(60) },
        { severity: 'CRITICAL', firstObservedAt: daysAgo(3) },
        { severity: 'HIGH', firstObservedAt: daysAgo(90) },
      ],
    });
    const evaluation = one({ registry: ENHANCED_ALL, inspectorEcrStatus: 'ENABLED', repositories: [repo(continuous, [enhancedImage])] });
    expect(evaluation.annotation).toBe(`1 image in use with 1 finding >=CRITICAL open >30d, oldest first: v1 (1 since ${daysAgo(60).slice(0, 10)}).`);
  });

  it('configuration and vulnerability problems together offer the runbook for the configuration', () => {
    const evaluation = one({ repositories: [repo(manual, [basic('v1', 45, { CRITICAL: 1 })])] });
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.runbook).toBeUndefined();
    expect(evaluation.annotation).toMatch(/^Pushes are not scanned: .*\. 1 image in use with 1 finding >=CRITICAL/);
  });
});

describe('ecr-image-scanning: exemption, summaries and inventory', () => {
  it('an exempt repository is NOT_APPLICABLE with the reason', () => {
    const evaluation = one({ repositories: [repo(manual, [], { tags: { 'ecr-guardrails:exempt': 'vendor mirror (SEC-77)' } })] });
    expect(evaluation).toMatchObject({ complianceType: 'NOT_APPLICABLE', annotation: 'Exempt by tag ecr-guardrails:exempt: vendor mirror (SEC-77).' });
  });

  it('refuses summaries computed with other parameters', () => {
    const summary = { images: 1, inUse: 1, statusCounts: {}, statusExamples: {}, vulnerableImages: 0, oldFindings: 0, oldest: [] };
    const facts: ImageScanningFacts = {
      registry: BASIC_ALL,
      basis: { asOf: NOW.toISOString(), InUseDays: 30, MaxFindingSeverity: 'HIGH', MaxFindingAgeDays: 30, VulnerabilityCheck: true },
      repositories: [{ repositoryName: 'team/app', tags: {}, scanning: onPush, summary }],
    };
    expect(() => evaluate(facts, defaults, NOW)).toThrow(ImageScanningFactsError);
    expect(() => evaluate(facts, defaults, NOW)).toThrow(/MaxFindingSeverity "HIGH" when collected, "CRITICAL" now/);
  });

  it('facts without images or summary fail loudly', () => {
    expect(() => evaluate({ registry: BASIC_ALL, repositories: [{ repositoryName: 'x', tags: {}, scanning: onPush }] }, defaults, NOW)).toThrow(/neither images nor a summary/);
  });

  it('inventory lists repositories not reached', () => {
    expect(inventory({ registry: BASIC_ALL, repositories: [repo(onPush)], notReached: ['team/late'] })).toEqual(['team/app', 'team/late']);
  });
});
