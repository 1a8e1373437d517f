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
import { IndexParents, isIndex, type IndexParent } from '../common/image-index.js';
import { wildcardToRegExp } from '../kernel/wildcard.js';
import { StaleImagesFactsError, type ImageFact, type ImageSummary, type StaleImageRef, type StaleImagesParams } from './facts.js';

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
  /** Set for a manifest that a tagged image index lists: it is judged with the index. */
  isIndexChild?: boolean;
}

/**
 * A platform manifest of an image index takes the index's tags and last use: it is stale only
 * when its index is, and never untagged build-up while its index is tagged (image-index.ts).
 */
export function withIndexParent(image: ImageObservation, parent: IndexParent | undefined): ImageObservation {
  if (!parent) return image;
  const tags = [...new Set([...image.tags, ...parent.tags])];
  const lastPullMs = Math.max(image.lastPullMs ?? Number.NEGATIVE_INFINITY, parent.lastUseMs);
  return { ...image, tags, lastPullMs: Number.isFinite(lastPullMs) ? lastPullMs : undefined, isIndexChild: true };
}

/** An image's last use: its push or its last recorded pull, whichever is later (epoch ms). */
export const lastUseOf = (image: Pick<ImageObservation, 'pushedAtMs' | 'lastPullMs'>): number => Math.max(image.pushedAtMs, image.lastPullMs ?? image.pushedAtMs);


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
  private readonly counts = { activeImages: 0, activeBytes: 0, inactiveImages: 0, staleImages: 0, staleBytes: 0, protectedImages: 0, untaggedImages: 0, reclaimableBytes: 0, indexChildren: 0 };

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
    if (image.isIndexChild) c.indexChildren++;
    // Strictly more than the limit: an image exactly MaxImageAgeDays old is not stale yet.
    const lastUseMs = lastUseOf(image);
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
    const { indexChildren, ...counts } = this.counts;
    return { ...counts, ...(indexChildren ? { indexChildren } : {}), oldestStale: this.oldest.map(({ lastUseMs: _ignored, ...ref }) => ref) };
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

/** The children of the active tagged indexes among image facts (their `manifestDigests`). */
export function indexParentsOfFacts(images: readonly ImageFact[]): IndexParents {
  const parents = new IndexParents();
  for (const image of images) {
    if ((image.imageStatus ?? 'ACTIVE') !== 'ACTIVE' || !image.imageTags?.length || !isIndex(image.imageManifestMediaType)) continue;
    if (!image.manifestDigests) {
      throw new StaleImagesFactsError(`Image index ${image.imageDigest} carries no manifestDigests: its platform manifests cannot be told apart from untagged images.`);
    }
    parents.addIndex(image.manifestDigests, image.imageTags, lastUseOf(observationFromFact(image)));
  }
  return parents;
}

/** Summarises a list of image facts with the same summariser the collector streams pages into. */
export function summariseImages(images: readonly ImageFact[], params: StaleImagesParams, now: Date): ImageSummary {
  const summariser = new ImageSummariser(params, now);
  const parents = indexParentsOfFacts(images);
  for (const image of images) summariser.add(withIndexParent(observationFromFact(image), parents.get(image.imageDigest)));
  return summariser.summary();
}

/** The summary of a repository without images. */
export function emptySummary(): ImageSummary {
  return { activeImages: 0, activeBytes: 0, inactiveImages: 0, staleImages: 0, staleBytes: 0, protectedImages: 0, untaggedImages: 0, reclaimableBytes: 0, oldestStale: [] };
}
