/**
 * The data ecr-stale-images passes from its collector to its evaluator: parameters, facts
 * (per repository: tags, lifecycle policy text, raw images or their summary) and the error
 * raised when facts cannot be evaluated with the parameters given. No logic.
 */
import { EcrGuardrailsError } from '../kernel/errors.js';
import type { Unreadable } from '../kernel/not-readable.js';

export const RESOURCE_TYPE = 'AWS::ECR::Repository';

export interface StaleImagesParams {
  /** An image pushed more than this many days ago ... */
  MaxImageAgeDays: number;
  /** ... and not pulled within this many days is stale. */
  MaxIdleDays: number;
  /** Untagged images older than a day allowed before it is a finding. */
  MaxUntaggedImages: number;
  /** Images with a tag matching one of these ECR wildcards are never stale. */
  ProtectedTagPatterns: string[];
  /** Require a lifecycle policy that expires untagged images and images past the age limit. */
  RequireLifecyclePolicy: boolean;
  /** A repository carrying this tag is NOT_APPLICABLE; the tag's value is the reason. */
  ExemptionTagKey: string;
  /** Repositories read in parallel by the collector (no effect on the evaluation). */
  Concurrency: number;
}

/** One image as DescribeImages reports it, with ISO dates (demo, hand-written snapshots). */
export interface ImageFact {
  imageDigest: string;
  imageTags?: string[];
  imagePushedAt: string;
  /** Approximate: ECR updates it at most once a day. Absent when never pulled. */
  lastRecordedPullTime?: string;
  imageSizeInBytes?: number;
  /** ACTIVE | ARCHIVED | ACTIVATING; absent means ACTIVE (older API responses). */
  imageStatus?: string;
  /** Set for referrers (signatures, SBOMs): they live and die with their subject image. */
  subjectManifestDigest?: string;
  /** DescribeImages `imageManifestMediaType`; an image index when it is an index media type. */
  imageManifestMediaType?: string;
  /**
   * For an image index: the digests its manifest lists (what BatchGetImage returns). Its
   * children inherit its tags and last use (rules/common/image-index.ts).
   */
  manifestDigests?: string[];
}

/** An image the summary keeps to name in the annotation. */
export interface StaleImageRef {
  /** First tag, or the short digest (`sha256:` + 12 hex digits). */
  ref: string;
  pushedAt: string;
  lastPulledAt?: string;
  sizeBytes: number;
}

/** What is kept per repository instead of its images. */
export interface ImageSummary {
  activeImages: number;
  activeBytes: number;
  /** ARCHIVED or ACTIVATING images seen: never stale. */
  inactiveImages: number;
  staleImages: number;
  staleBytes: number;
  /** Past both limits but kept by ProtectedTagPatterns. */
  protectedImages: number;
  /** Untagged active images pushed more than a day ago (referrers and children of tagged indexes excluded). */
  untaggedImages: number;
  /** Active images that are platform manifests of a tagged image index (judged with their index). */
  indexChildren?: number;
  /** Bytes of the images that are stale or old untagged (each counted once). */
  reclaimableBytes: number;
  /** Up to OLDEST_KEPT (summarise.ts) stale images, least recently used first. */
  oldestStale: StaleImageRef[];
}

/** The parameters and time summaries were computed with (they depend on them). */
export interface SummaryBasis {
  asOf: string;
  MaxImageAgeDays: number;
  MaxIdleDays: number;
  ProtectedTagPatterns: string[];
}

export interface StaleImagesRepository {
  repositoryName: string;
  tags: Record<string, string>;
  /** GetLifecyclePolicy text; null: the repository has none; absent: not collected. */
  lifecyclePolicyText?: string | null;
  /** Raw images: the demo and hand-written snapshots. */
  images?: ImageFact[];
  /** The collector's streamed reduction of the images (see `basis`). */
  summary?: ImageSummary;
  /** Set when a call for this repository was denied: it is reported as not readable. */
  unreadable?: Unreadable;
}

export interface StaleImagesFacts {
  /** Present when any repository carries a `summary`. */
  basis?: SummaryBasis;
  repositories: StaleImagesRepository[];
  /** Repositories that exist but were not reached in this run (time budget). */
  notReached?: string[];
}

/** Facts that cannot be evaluated with these parameters (e.g. a snapshot taken with others). */
export class StaleImagesFactsError extends EcrGuardrailsError {}
