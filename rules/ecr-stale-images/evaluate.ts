/**
 * Pure evaluator for ecr-stale-images: (facts, params, now) -> evaluations. No SDK, no clock.
 *
 * Stale images carry known vulnerabilities and get deployed by mistake (NIST SP 800-190
 * 3.2.2); the countermeasure is to prune them. Security Hub ECR.3 only asks whether some
 * lifecycle policy exists; this rule looks at what is actually in the repository and at
 * whether the policy would remove it.
 *
 * Scale: a repository may hold 100,000 images and an account 1,000,000. The collector does
 * not keep images; it feeds each DescribeImages page to an `ImageSummariser` (below), which
 * keeps counters, totals and the few oldest stale images. Facts therefore carry either a
 * `summary` (what the collector writes) or, for hand-written snapshots and the demo, the
 * raw `images`, which the evaluator summarises with the very same code.
 */
import { exemptionAnnotation } from '../common/exemption.js';
import { EcrGuardrailsError } from '../kernel/errors.js';
import type { Evaluation } from '../kernel/types.js';
import { wildcardCovers, wildcardToRegExp } from '../kernel/wildcard.js';

export const RESOURCE_TYPE = 'AWS::ECR::Repository';
export const DAY_MS = 86_400_000;
/** Untagged images younger than this are a build in progress, not build-up. */
export const UNTAGGED_GRACE_MS = DAY_MS;
/** How many of the oldest stale images a summary keeps (the annotation names the first). */
export const OLDEST_KEPT = 3;

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
}

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
  /** Untagged active images pushed more than a day ago (referrers excluded). */
  untaggedImages: number;
  /** Bytes of the images that are stale or old untagged (each counted once). */
  reclaimableBytes: number;
  /** Up to OLDEST_KEPT stale images, least recently used first. */
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

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(':') ? digest.split(':', 2) : ['sha256', digest];
  return `${algorithm}:${(hex ?? '').slice(0, 12)}`;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

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

export function summariseImages(images: readonly ImageFact[], params: StaleImagesParams, now: Date): ImageSummary {
  const summariser = new ImageSummariser(params, now);
  for (const image of images) summariser.add(observationFromFact(image));
  return summariser.summary();
}

// ---------------------------------------------------------------------------------------
// Lifecycle policy analysis
// ---------------------------------------------------------------------------------------

interface PolicyRule {
  rulePriority?: unknown;
  selection?: {
    tagStatus?: unknown;
    tagPrefixList?: unknown;
    tagPatternList?: unknown;
    countType?: unknown;
    countNumber?: unknown;
    storageClass?: unknown;
  };
  action?: { type?: unknown };
}

export interface LifecyclePolicyAnalysis {
  state: 'absent' | 'unreadable' | 'present';
  /** The first rule that selects untagged images expires or archives them. */
  untaggedCovered: boolean;
  /** Every unprotected tagged image past the limits would be expired or archived. */
  agedCovered: boolean;
  /** Why not, in words (rule priorities and patterns). */
  gaps: string[];
}

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : '');
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Tag patterns a tagged rule selects by (prefixes as `prefix*`). */
function rulePatterns(rule: PolicyRule): string[] {
  return [...strings(rule.selection?.tagPatternList), ...strings(rule.selection?.tagPrefixList).map((prefix) => `${prefix}*`)];
}

/** Selects images in standard storage (rules on archived images do not compete for active ones). */
const selectsActive = (rule: PolicyRule) => ['', 'standard'].includes(lower(rule.selection?.storageClass));
/** Expires or archives what it selects. */
const removes = (rule: PolicyRule) => ['expire', 'transition'].includes(lower(rule.action?.type));

function ageBounded(rule: PolicyRule, params: Pick<StaleImagesParams, 'MaxImageAgeDays' | 'MaxIdleDays'>): boolean {
  const count = rule.selection?.countNumber;
  if (typeof count !== 'number') return false;
  switch (rule.selection?.countType) {
    case 'sinceImagePushed':
      return count <= params.MaxImageAgeDays;
    case 'sinceImagePulled':
      return count <= params.MaxIdleDays;
    default:
      return false;
  }
}

const describeRule = (rule: PolicyRule) => `rule ${String(rule.rulePriority)}`;

/**
 * Would this lifecycle policy remove untagged images and images past the age limit?
 * Follows ECR's evaluation order: rules apply by ascending rulePriority, an image is acted on
 * by at most one rule, and an image matching the tag selection of a rule cannot be expired
 * by a later rule, so a tagged rule that keeps images by count shields them from a later
 * age rule (acceptable only when its tags are protected anyway).
 */
export function analyseLifecyclePolicy(text: string | null, params: Pick<StaleImagesParams, 'MaxImageAgeDays' | 'MaxIdleDays' | 'ProtectedTagPatterns'>): LifecyclePolicyAnalysis {
  if (text === null) return { state: 'absent', untaggedCovered: false, agedCovered: false, gaps: [] };
  let rules: PolicyRule[];
  try {
    const parsed = JSON.parse(text) as { rules?: unknown };
    if (!Array.isArray(parsed.rules)) throw new Error('no rules array');
    rules = (parsed.rules as PolicyRule[]).filter((rule) => typeof rule === 'object' && rule !== null);
  } catch {
    return { state: 'unreadable', untaggedCovered: false, agedCovered: false, gaps: ['the lifecycle policy text is not a JSON object with a rules array'] };
  }
  const ordered = rules.filter(selectsActive).sort((a, b) => Number(a.rulePriority) - Number(b.rulePriority));
  const gaps: string[] = [];

  // Untagged: the first rule that selects untagged images decides.
  const untaggedRule = ordered.find((rule) => ['untagged', 'any'].includes(lower(rule.selection?.tagStatus)));
  const untaggedCovered =
    untaggedRule !== undefined && removes(untaggedRule) && (untaggedRule.selection?.countType === 'imageCountMoreThan' || ageBounded(untaggedRule, params));
  if (!untaggedRule) gaps.push('no rule selects untagged images');
  else if (!untaggedCovered) gaps.push(`${describeRule(untaggedRule)} selects untagged images but does not expire them by count or within ${params.MaxImageAgeDays} days`);

  // Tagged: walk the rules until one takes every tagged image; earlier partial rules shield.
  let agedCovered = false;
  let shielded = false;
  let catchAllFound = false;
  for (const rule of ordered) {
    const status = lower(rule.selection?.tagStatus);
    if (status !== 'tagged' && status !== 'any') continue;
    const patterns = rulePatterns(rule);
    const catchAll = status === 'any' || (patterns.length > 0 && patterns.every((pattern) => /^\*+$/.test(pattern)));
    const bounded = removes(rule) && ageBounded(rule, params);
    if (catchAll) {
      catchAllFound = true;
      if (bounded) agedCovered = !shielded;
      else gaps.push(`${describeRule(rule)} selects every tagged image without expiring it within ${params.MaxImageAgeDays} days`);
      break;
    }
    if (bounded) continue;
    // Images must match all patterns of a rule: covered when any one pattern is protected.
    const isProtected = patterns.some((pattern) => params.ProtectedTagPatterns.some((protectedPattern) => wildcardCovers(protectedPattern, pattern)));
    if (!isProtected) {
      shielded = true;
      gaps.push(`${describeRule(rule)} keeps images tagged ${patterns.map((p) => `'${p}'`).join(' and ')} regardless of age (not in ProtectedTagPatterns)`);
    }
  }
  if (!catchAllFound) gaps.push(`no rule expires every tagged image past ${params.MaxImageAgeDays} days (tagStatus any with sinceImagePushed or sinceImagePulled)`);
  return { state: 'present', untaggedCovered, agedCovered, gaps };
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function result(repository: StaleImagesRepository, complianceType: Evaluation['complianceType'], annotation: string, runbook?: string): Evaluation {
  return { resourceType: RESOURCE_TYPE, resourceId: repository.repositoryName, complianceType, annotation, ...(runbook ? { runbook } : {}) };
}

function summaryOf(repository: StaleImagesRepository, params: StaleImagesParams, now: Date): ImageSummary {
  if (repository.images) return summariseImages(repository.images, params, now);
  if (repository.summary) return repository.summary;
  throw new StaleImagesFactsError(
    `Facts for repository ${repository.repositoryName} hold neither images nor a summary (collected with another ExemptionTagKey?); collect again with these parameters.`,
  );
}

/** Summaries depend on the age limits and protected patterns: refuse to mix them up. */
export function checkBasis(facts: StaleImagesFacts, params: StaleImagesParams): void {
  if (!facts.repositories.some((repository) => repository.summary && !repository.images)) return;
  const basis = facts.basis;
  if (!basis) throw new StaleImagesFactsError('Facts carry image summaries without the basis they were computed with; collect again.');
  const differences = (['MaxImageAgeDays', 'MaxIdleDays', 'ProtectedTagPatterns'] as const)
    .filter((name) => JSON.stringify(basis[name]) !== JSON.stringify(params[name]))
    .map((name) => `${name} ${JSON.stringify(basis[name])} when collected, ${JSON.stringify(params[name])} now`);
  if (differences.length) {
    throw new StaleImagesFactsError(`Image summaries were computed with other parameters (${differences.join('; ')}); collect again with these parameters.`);
  }
}

export function evaluateRepository(repository: StaleImagesRepository, summary: ImageSummary, params: StaleImagesParams): Evaluation {
  const exempt = exemptionAnnotation(repository.tags, params.ExemptionTagKey);
  if (exempt) return result(repository, 'NOT_APPLICABLE', exempt);
  const limits = `pushed >${params.MaxImageAgeDays}d ago, not pulled in ${params.MaxIdleDays}d`;
  const parts: string[] = [];
  const details: string[] = [];

  if (summary.staleImages > 0) {
    const oldest = summary.oldestStale[0];
    const named = oldest
      ? `; oldest ${clip(oldest.ref, 32)} pushed ${oldest.pushedAt.slice(0, 10)}, ${oldest.lastPulledAt ? `last pulled ${oldest.lastPulledAt.slice(0, 10)}` : 'never pulled'}`
      : '';
    parts.push(`${plural(summary.staleImages, 'stale image')} (${limits})${named}`);
  }
  const untaggedOver = summary.untaggedImages > params.MaxUntaggedImages;
  if (untaggedOver) parts.push(`${summary.untaggedImages} untagged >1d (max ${params.MaxUntaggedImages})`);

  let policyProblem = false;
  if (params.RequireLifecyclePolicy) {
    if (repository.lifecyclePolicyText === undefined) {
      throw new StaleImagesFactsError(
        `Facts for repository ${repository.repositoryName} lack the lifecycle policy (collected with RequireLifecyclePolicy=false?); collect again with these parameters.`,
      );
    }
    const analysis = analyseLifecyclePolicy(repository.lifecyclePolicyText, params);
    if (analysis.state === 'absent') {
      policyProblem = true;
      parts.push('no lifecycle policy');
    } else if (analysis.state === 'unreadable') {
      policyProblem = true;
      parts.push('lifecycle policy unreadable');
    } else if (!analysis.untaggedCovered || !analysis.agedCovered) {
      policyProblem = true;
      const missing = [!analysis.untaggedCovered ? 'untagged' : '', !analysis.agedCovered ? `>${params.MaxImageAgeDays}d` : ''].filter(Boolean);
      parts.push(`lifecycle policy misses ${missing.join(' and ')} images`);
      details.push(...analysis.gaps);
    }
  }

  if (parts.length === 0) {
    const notes = [
      summary.protectedImages ? `${summary.protectedImages} old but protected` : '',
      summary.inactiveImages ? `${summary.inactiveImages} archived` : '',
      summary.untaggedImages ? `${summary.untaggedImages} untagged >1d (max ${params.MaxUntaggedImages})` : '',
    ].filter(Boolean);
    const policy = params.RequireLifecyclePolicy ? '; lifecycle policy covers untagged and aged images' : '';
    return result(
      repository,
      'COMPLIANT',
      `No stale images among ${summary.activeImages} active (${limits})${notes.length ? `; ${notes.join(', ')}` : ''}${policy}.`,
    );
  }
  if (summary.reclaimableBytes > 0) parts.push(`${formatBytes(summary.reclaimableBytes)} reclaimable`);
  const annotation = `${parts.join('; ')}.${details.length ? ` ${details.map((d) => d[0]!.toUpperCase() + d.slice(1)).join('. ')}.` : ''}`;
  // Stale or untagged images need pruning now (approval-gated); a policy alone fixes the rest.
  const runbook = summary.staleImages > 0 || untaggedOver ? (policyProblem ? undefined : 'DeleteStaleEcrImages') : undefined;
  return result(repository, 'NON_COMPLIANT', annotation[0]!.toUpperCase() + annotation.slice(1), runbook);
}

export function evaluate(facts: StaleImagesFacts, params: StaleImagesParams, now: Date): Evaluation[] {
  checkBasis(facts, params);
  return facts.repositories.map((repository) => {
    if (repository.tags[params.ExemptionTagKey] !== undefined) {
      return evaluateRepository(repository, emptySummary(), params);
    }
    return evaluateRepository(repository, summaryOf(repository, params, now), params);
  });
}

export function emptySummary(): ImageSummary {
  return { activeImages: 0, activeBytes: 0, inactiveImages: 0, staleImages: 0, staleBytes: 0, protectedImages: 0, untaggedImages: 0, reclaimableBytes: 0, oldestStale: [] };
}

/** Every repository the facts show to exist, including those not reached this run. */
export function inventory(facts: StaleImagesFacts): string[] {
  return [...facts.repositories.map((repository) => repository.repositoryName), ...(facts.notReached ?? [])];
}
