/**
 * The streaming summary ecr-image-scanning keeps per repository instead of its images.
 * Observations are shaped after DescribeImages' ImageDetail
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html).
 */
import { describe, expect, it } from 'vitest';
import { basicOldFindings, OLDEST_KEPT, ScanSummariser, type ScanObservation } from '../../../rules/ecr-image-scanning/summarise.js';

const NOW = Date.parse('2026-11-20T09:00:00Z');
const DAY = 86_400_000;
const params = { InUseDays: 30, MaxFindingSeverity: 'CRITICAL', MaxFindingAgeDays: 30, VulnerabilityCheck: true };
const observation = (n: number, extra: Partial<ScanObservation> = {}): ScanObservation => ({
  digest: `sha256:${n.toString(16).padStart(64, '0')}`,
  tags: [`v${n}`],
  pushedAtMs: NOW - 40 * DAY,
  lastPullMs: NOW - DAY,
  scanStatus: 'COMPLETE',
  scanCompletedAtMs: NOW - (31 + n) * DAY,
  severityCounts: { CRITICAL: 1 },
  ...extra,
});

describe('ScanSummariser', () => {
  it(`keeps only the ${OLDEST_KEPT} images with the oldest findings, oldest first, and counts them all`, () => {
    const summariser = new ScanSummariser(params, NOW, undefined);
    for (const n of [5, 1, 9, 3, 7]) summariser.add(observation(n));
    const summary = summariser.summary();
    expect(summary).toMatchObject({ images: 5, inUse: 5, vulnerableImages: 5, oldFindings: 5 });
    expect(summary.oldest.map((image) => image.ref)).toEqual(['v9', 'v7', 'v5']);
  });

  it('in use means pushed or pulled within InUseDays, boundary included; a missing push time counts as in use', () => {
    const summariser = new ScanSummariser(params, NOW, undefined);
    summariser.add(observation(1, { pushedAtMs: NOW - 30 * DAY, lastPullMs: undefined }));
    summariser.add(observation(2, { pushedAtMs: NOW - 31 * DAY, lastPullMs: undefined }));
    summariser.add(observation(3, { pushedAtMs: NOW - 90 * DAY, lastPullMs: NOW - 30 * DAY }));
    summariser.add(observation(4, { pushedAtMs: undefined, lastPullMs: undefined }));
    expect(summariser.summary()).toMatchObject({ images: 4, inUse: 3 });
  });

  it('ENHANCED: findings come from the Inspector map by digest, not from the image summary', () => {
    const enhanced = new Map([[observation(2).digest, { count: 4, oldestMs: NOW - 50 * DAY }]]);
    const summariser = new ScanSummariser(params, NOW, enhanced);
    summariser.add(observation(1));
    summariser.add(observation(2));
    expect(summariser.summary()).toMatchObject({ vulnerableImages: 1, oldFindings: 4, oldest: [{ ref: 'v2', findings: 4, since: '2026-10-01' }] });
  });

  it('an untagged image is named by its short digest', () => {
    const summariser = new ScanSummariser(params, NOW, undefined);
    summariser.add(observation(255, { tags: [] }));
    expect(summariser.summary().oldest[0]!.ref).toBe('sha256:000000000000');
  });
});

describe('basicOldFindings', () => {
  it.each([
    [{ CRITICAL: 2, HIGH: 3 }, 'CRITICAL', 45, { count: 2 }],
    [{ CRITICAL: 2, HIGH: 3 }, 'HIGH', 45, { count: 5 }],
    [{ HIGH: 3, UNDEFINED: 9 }, 'CRITICAL', 45, undefined],
    [{ CRITICAL: 2 }, 'CRITICAL', 29, undefined],
    [{ CRITICAL: 0 }, 'LOW', 45, undefined],
    // UNDEFINED: no severity assigned (below every threshold); a value we do not know counts at every threshold.
    [{ UNDEFINED: 4, INFORMATIONAL: 1 }, 'INFORMATIONAL', 45, { count: 1 }],
    [{ SEVERE: 2 }, 'CRITICAL', 45, { count: 2 }],
  ])('%j at %s, scanned %d days ago -> %j', (counts, severity, scannedDaysAgo, expected) => {
    const found = basicOldFindings(observation(1, { severityCounts: counts, scanCompletedAtMs: NOW - scannedDaysAgo * DAY }), { ...params, MaxFindingSeverity: severity }, NOW);
    if (expected) expect(found).toMatchObject(expected);
    else expect(found).toBeUndefined();
  });
});
