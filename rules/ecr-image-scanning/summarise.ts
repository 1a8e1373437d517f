/**
 * Pure, streaming reduction of a repository's images to what ecr-image-scanning judges:
 * which images are in use, their scan status, and their old findings at or above the
 * severity limit. Memory is constant per repository (counters plus the OLDEST_KEPT images
 * with the oldest findings), so a repository of 100,000 images costs what one of 10 does.
 *
 * Image scan status and finding counts: DescribeImages `imageScanStatus.status` and
 * `imageScanFindingsSummary` (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanStatus.html).
 */
import { shortDigest } from '../common/digest.js';

export const DAY_MS = 86_400_000;
/** How many images with old findings a summary keeps (the annotation names them, oldest first). */
export const OLDEST_KEPT = 3;

/** Severity order, lowest first. ECR basic scanning and Amazon Inspector share these names. */
export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * What each ECR image scan status (API_ImageScanStatus: IN_PROGRESS | COMPLETE | FAILED |
 * UNSUPPORTED_IMAGE | ACTIVE | PENDING | SCAN_ELIGIBILITY_EXPIRED | FINDINGS_UNAVAILABLE |
 * LIMIT_EXCEEDED | IMAGE_ARCHIVED; https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanStatus.html)
 * means for an image in use:
 * - scanned: results exist (COMPLETE for basic scanning, ACTIVE for continuous enhanced scanning);
 * - pending: a scan is queued or running (a note: it resolves itself);
 * - failed: the scan failed (a finding);
 * - no-results: no vulnerability results can be shown (the basic-scanning daily limit was hit,
 *   Inspector's findings are unavailable or its rescan window lapsed, the image is archived,
 *   or it was never scanned): a finding when findings are judged, since "no findings" cannot
 *   be claimed for an image nobody scanned;
 * - unsupported: the scanner cannot scan this image type (a note: rescanning cannot fix it).
 * NEVER_SCANNED stands for an image without `imageScanStatus`; IMAGE_INDEX for an image index
 * or manifest list without one (see `scanStatusOf`). A status not listed here (a
 * value AWS adds later) is treated as no-results: unknown input never passes.
 */
export type ScanStatusClass = 'scanned' | 'pending' | 'failed' | 'no-results' | 'unsupported';
const STATUS_CLASSES: Readonly<Record<string, ScanStatusClass>> = {
  COMPLETE: 'scanned',
  ACTIVE: 'scanned',
  IN_PROGRESS: 'pending',
  PENDING: 'pending',
  FAILED: 'failed',
  LIMIT_EXCEEDED: 'no-results',
  FINDINGS_UNAVAILABLE: 'no-results',
  SCAN_ELIGIBILITY_EXPIRED: 'no-results',
  IMAGE_ARCHIVED: 'no-results',
  NEVER_SCANNED: 'no-results',
  UNSUPPORTED_IMAGE: 'unsupported',
  IMAGE_INDEX: 'unsupported',
};

/**
 * Manifest media types of an image index (OCI) or manifest list (Docker): a multi-architecture
 * image, or the index buildx writes for its attestations. ECR stores the index beside the image
 * manifests it lists (DescribeImages `imageManifestMediaType`,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html) and scans only
 * those: StartImageScan refuses the index ("An artifact with media type
 * 'application/vnd.oci.image.index.v1+json' cannot be scanned",
 * https://github.com/docker/setup-buildx-action/issues/186). Its images are judged one by one.
 */
export const IMAGE_INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** The scan status an image is judged by: its own, else IMAGE_INDEX for an index, else NEVER_SCANNED. */
export function scanStatusOf(image: Pick<ScanObservation, 'scanStatus' | 'manifestMediaType'>): string {
  if (image.scanStatus) return image.scanStatus;
  return image.manifestMediaType !== undefined && IMAGE_INDEX_MEDIA_TYPES.has(image.manifestMediaType) ? 'IMAGE_INDEX' : 'NEVER_SCANNED';
}

/** The class of a scan status (NEVER_SCANNED for an image without one). */
export const scanStatusClass = (status: string): ScanStatusClass => STATUS_CLASSES[status] ?? 'no-results';

export interface SummaryParams {
  InUseDays: number;
  MaxFindingSeverity: string;
  MaxFindingAgeDays: number;
  VulnerabilityCheck: boolean;
}

/** Old findings of one image (ENHANCED: from Amazon Inspector; BASIC: from the image's scan summary). */
export interface OldFindings {
  /** Findings at or above MaxFindingSeverity open longer than MaxFindingAgeDays. */
  count: number;
  /** When the oldest of them was first observed (epoch ms). */
  oldestMs: number;
}

/** One image as the summariser sees it: times in epoch milliseconds. */
export interface ScanObservation {
  digest: string;
  tags: readonly string[];
  pushedAtMs: number | undefined;
  lastPullMs: number | undefined;
  /** imageScanStatus.status; undefined when the image was never scanned. */
  scanStatus: string | undefined;
  /** imageManifestMediaType (an image index has no scan of its own). */
  manifestMediaType?: string | undefined;
  /** imageScanFindingsSummary.imageScanCompletedAt (basic scanning). */
  scanCompletedAtMs: number | undefined;
  /** imageScanFindingsSummary.findingSeverityCounts (basic scanning). */
  severityCounts: Readonly<Record<string, number>> | undefined;
}

export interface ImageRef {
  /** First tag, or the short digest. */
  ref: string;
  /** Old findings at or above the severity limit. */
  findings: number;
  /** ISO day the oldest of them was first observed (or scanned, for basic scanning). */
  since: string;
}

export interface ScanSummary {
  images: number;
  inUse: number;
  /** Images in use per scan status that is not "scanned" (see scanStatusClass), NEVER_SCANNED included. */
  statusCounts: Record<string, number>;
  /** First tag or short digest of the first image in use with each of those statuses. */
  statusExamples: Record<string, string>;
  /** Images in use with old findings, and how many findings in all. */
  vulnerableImages: number;
  oldFindings: number;
  /** Up to OLDEST_KEPT of them, oldest finding first. */
  oldest: ImageRef[];
}

/**
 * Rank of a finding severity, INFORMATIONAL lowest. ECR's UNDEFINED and Inspector's UNTRIAGED
 * mean "no severity assigned" (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanFindingsSummary.html,
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_Finding.html): below every threshold.
 * Any other value is one we do not know: it ranks above CRITICAL, so it counts at every
 * threshold (unknown input never passes).
 */
export function severityRank(severity: string): number {
  const rank = SEVERITIES.indexOf(severity as Severity);
  if (rank !== -1) return rank;
  return severity === 'UNDEFINED' || severity === 'UNTRIAGED' ? -1 : SEVERITIES.length;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Basic scanning records no first-observed time per finding: the only time is the scan's
 * completion (`imageScanCompletedAt`). A finding is therefore taken as open since the scan
 * that reported it, which never makes a finding look older than ECR can show. A summary
 * with counts but no completion time is taken as old (unknown age never passes).
 */
export function basicOldFindings(observation: ScanObservation, params: SummaryParams, nowMs: number): OldFindings | undefined {
  const counts = observation.severityCounts;
  if (!counts) return undefined;
  const floor = severityRank(params.MaxFindingSeverity);
  let count = 0;
  for (const [severity, n] of Object.entries(counts)) if (severityRank(severity) >= floor && n > 0) count += n;
  if (count === 0) return undefined;
  const since = observation.scanCompletedAtMs ?? Number.NEGATIVE_INFINITY;
  if (since > nowMs - params.MaxFindingAgeDays * DAY_MS) return undefined;
  return { count, oldestMs: since };
}

/** Streams one repository's images into a constant-size summary of scan statuses and old findings. */
export class ScanSummariser {
  private readonly inUseCutoff: number;
  private readonly oldest: Array<ImageRef & { oldestMs: number }> = [];
  private readonly summaryData: ScanSummary = { images: 0, inUse: 0, statusCounts: {}, statusExamples: {}, vulnerableImages: 0, oldFindings: 0, oldest: [] };

  /**
   * `enhanced`: old findings per image digest from Amazon Inspector (ENHANCED scanning);
   * undefined for BASIC scanning, whose findings come from the image's own summary.
   */
  constructor(
    private readonly params: SummaryParams,
    private readonly nowMs: number,
    private readonly enhanced: ReadonlyMap<string, OldFindings> | undefined,
  ) {
    this.inUseCutoff = nowMs - params.InUseDays * DAY_MS;
  }

  add(image: ScanObservation): void {
    const s = this.summaryData;
    s.images++;
    // In use: pushed or pulled within InUseDays. A missing push time counts as in use (never a pass on a guess).
    const inUse = image.pushedAtMs === undefined || image.pushedAtMs >= this.inUseCutoff || (image.lastPullMs ?? Number.NEGATIVE_INFINITY) >= this.inUseCutoff;
    if (!inUse) return;
    s.inUse++;
    const ref = image.tags[0] ?? shortDigest(image.digest);
    const status = scanStatusOf(image);
    if (scanStatusClass(status) !== 'scanned') {
      s.statusCounts[status] = (s.statusCounts[status] ?? 0) + 1;
      s.statusExamples[status] ??= ref;
    }
    if (!this.params.VulnerabilityCheck) return;
    const old = this.enhanced ? this.enhanced.get(image.digest) : basicOldFindings(image, this.params, this.nowMs);
    if (!old) return;
    s.vulnerableImages++;
    s.oldFindings += old.count;
    this.keep({ ref, findings: old.count, since: Number.isFinite(old.oldestMs) ? isoDay(old.oldestMs) : 'unknown', oldestMs: old.oldestMs });
  }

  private keep(entry: ImageRef & { oldestMs: number }): void {
    this.oldest.push(entry);
    this.oldest.sort((a, b) => a.oldestMs - b.oldestMs || a.ref.localeCompare(b.ref));
    if (this.oldest.length > OLDEST_KEPT) this.oldest.pop();
  }

  summary(): ScanSummary {
    return { ...this.summaryData, oldest: this.oldest.map(({ ref, findings, since }) => ({ ref, findings, since })) };
  }
}
