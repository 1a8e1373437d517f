/**
 * Image summary for ecr-stale-images: which images are stale, protected or untagged
 * build-up, reduced to counters. Pure (no SDK, no clock: `now` is passed in).
 *
 * Scale: a repository may hold 100,000 images and an account 1,000,000. The collector
 * (collect.ts) does not keep images; it feeds each DescribeImages page to an
 * `ImageSummariser`, which keeps counters, totals and the few oldest stale images. The
 * evaluator summarises the raw `images` of hand-written snapshots and the demo with the very
 * same class, so both paths classify an image identically. This is a deliberate dependency of
 * the collector on evaluation logic: it is the only one, and it lives in this module.
 */
import { shortDigest } from '../common/digest.js';
import { wildcardToRegExp } from '../kernel/wildcard.js';
import type { ImageFact, ImageSummary, StaleImageRef, StaleImagesParams } from './facts.js';

export const DAY_MS = 86_400_000;
/** Untagged images younger than this are a build in progress, not build-up. */
export const UNTAGGED_GRACE_MS = DAY_MS;
/** How many of the oldest stale images a summary keeps (the annotation names the first). */
export const OLDEST_KEPT = 3;

/** One image as the summariser sees it: times in epoch milliseconds. */
export interface ImageObservation {
  digest: string;
  tags: readonly string[];
  pushedAtMs: number;
  lastPullMs: number | undefined;
  sizeBytes: number;
  status: string | undefined;
  isReferrer: boolean;
}


/**
 * Streams images into a summary. Memory is constant per repository: counters plus the
 * OLDEST_KEPT least recently used stale images.
 */
export class ImageSummariser {
  private readonly ageCutoff: number;
  private readonly idleCutoff: number;
  private readonly untaggedCutoff: number;
  private readonly protectedPatterns: RegExp[];
  private readonly oldest: Array<StaleImageRef & { lastUseMs: number }> = [];
  private readonly counts = { activeImages: 0, activeBytes: 0, inactiveImages: 0, staleImages: 0, staleBytes: 0, protectedImages: 0, untaggedImages: 0, reclaimableBytes: 0 };

  constructor(params: Pick<StaleImagesParams, 'MaxImageAgeDays' | 'MaxIdleDays' | 'ProtectedTagPatterns'>, now: Date) {
    const nowMs = now.getTime();
    this.ageCutoff = nowMs - params.MaxImageAgeDays * DAY_MS;
    this.idleCutoff = nowMs - params.MaxIdleDays * DAY_MS;
    this.untaggedCutoff = nowMs - UNTAGGED_GRACE_MS;
    this.protectedPatterns = params.ProtectedTagPatterns.map(wildcardToRegExp);
  }

  add(image: ImageObservation): void {
    if (image.status !== undefined && image.status !== 'ACTIVE') {
      this.counts.inactiveImages++;
      return;
    }
    if (image.isReferrer) return;
    const c = this.counts;
    c.activeImages++;
    c.activeBytes += image.sizeBytes;
    // Strictly more than the limit: an image exactly MaxImageAgeDays old is not stale yet.
    const lastUseMs = Math.max(image.pushedAtMs, image.lastPullMs ?? image.pushedAtMs);
    const pastLimits = image.pushedAtMs < this.ageCutoff && lastUseMs < this.idleCutoff;
    const isProtected = pastLimits && image.tags.some((tag) => this.protectedPatterns.some((pattern) => pattern.test(tag)));
    const stale = pastLimits && !isProtected;
    const oldUntagged = image.tags.length === 0 && image.pushedAtMs < this.untaggedCutoff;
    if (isProtected) c.protectedImages++;
    if (oldUntagged) c.untaggedImages++;
    if (stale || oldUntagged) c.reclaimableBytes += image.sizeBytes;
    if (!stale) return;
    c.staleImages++;
    c.staleBytes += image.sizeBytes;
    if (this.oldest.length === OLDEST_KEPT && lastUseMs >= this.oldest[OLDEST_KEPT - 1]!.lastUseMs) return;
    const entry = {
      ref: image.tags[0] ?? shortDigest(image.digest),
      pushedAt: new Date(image.pushedAtMs).toISOString(),
      ...(image.lastPullMs !== undefined ? { lastPulledAt: new Date(image.lastPullMs).toISOString() } : {}),
      sizeBytes: image.sizeBytes,
      lastUseMs,
    };
    const at = this.oldest.findIndex((kept) => lastUseMs < kept.lastUseMs);
    this.oldest.splice(at === -1 ? this.oldest.length : at, 0, entry);
    if (this.oldest.length > OLDEST_KEPT) this.oldest.pop();
  }

  summary(): ImageSummary {
    return { ...this.counts, oldestStale: this.oldest.map(({ lastUseMs: _ignored, ...ref }) => ref) };
  }
}

/** What the summariser needs of one image fact (hand-written snapshots and the demo). */
export function observationFromFact(image: ImageFact): ImageObservation {
  return {
    digest: image.imageDigest,
    tags: image.imageTags ?? [],
    pushedAtMs: Date.parse(image.imagePushedAt),
    lastPullMs: image.lastRecordedPullTime ? Date.parse(image.lastRecordedPullTime) : undefined,
    sizeBytes: image.imageSizeInBytes ?? 0,
    status: image.imageStatus,
    isReferrer: image.subjectManifestDigest !== undefined,
  };
}

/** Summarises a list of image facts with the same summariser the collector streams pages into. */
export function summariseImages(images: readonly ImageFact[], params: StaleImagesParams, now: Date): ImageSummary {
  const summariser = new ImageSummariser(params, now);
  for (const image of images) summariser.add(observationFromFact(image));
  return summariser.summary();
}

/** The summary of a repository without images. */
export function emptySummary(): ImageSummary {
  return { activeImages: 0, activeBytes: 0, inactiveImages: 0, staleImages: 0, staleBytes: 0, protectedImages: 0, untaggedImages: 0, reclaimableBytes: 0, oldestStale: [] };
}
