/**
 * Lifecycle policy analysis for ecr-stale-images: would a repository's lifecycle policy
 * expire (or archive) untagged images and images past the age limits? Pure.
 */
import { wildcardCovers } from '../kernel/wildcard.js';
import type { StaleImagesParams } from './facts.js';

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

/** Keeps at most `max` images of what it selects. */
function countBounded(rule: PolicyRule, max: number): boolean {
  const count = rule.selection?.countNumber;
  return rule.selection?.countType === 'imageCountMoreThan' && typeof count === 'number' && count <= max;
}

const describeRule = (rule: PolicyRule) => `rule ${String(rule.rulePriority)}`;

/**
 * Would this lifecycle policy remove untagged images and images past the age limit?
 * Follows ECR's evaluation order: rules apply by ascending rulePriority, an image is acted on
 * by at most one rule, and an image matching the tag selection of a rule cannot be expired
 * by a later rule, so a tagged rule that keeps images by count shields them from a later
 * age rule (acceptable only when its tags are protected anyway).
 */
export function analyseLifecyclePolicy(
  text: string | null,
  params: Pick<StaleImagesParams, 'MaxImageAgeDays' | 'MaxIdleDays' | 'MaxUntaggedImages' | 'ProtectedTagPatterns'>,
): LifecyclePolicyAnalysis {
  if (text === null) return { state: 'absent', untaggedCovered: false, agedCovered: false, gaps: [] };
  let rules: PolicyRule[];
  try {
    const parsed = JSON.parse(text) as { rules?: unknown };
    if (!Array.isArray(parsed.rules)) throw new Error('no rules array');
    rules = (parsed.rules as PolicyRule[]).filter((rule) => typeof rule === 'object' && rule !== null);
  } catch {
    return { state: 'unreadable', untaggedCovered: false, agedCovered: false, gaps: ['the lifecycle policy text is not a JSON object with a rules array'] };
  }
  // ECR requires a unique integer rulePriority per rule; without one the order, and so the verdict, is unknown.
  const priorities = rules.map((rule) => rule.rulePriority);
  if (priorities.some((p) => !Number.isInteger(p)) || new Set(priorities).size !== priorities.length) {
    return { state: 'unreadable', untaggedCovered: false, agedCovered: false, gaps: ['the lifecycle policy has a rule without a unique integer rulePriority'] };
  }
  const ordered = rules.filter(selectsActive).sort((a, b) => Number(a.rulePriority) - Number(b.rulePriority));
  const gaps: string[] = [];

  // Untagged: the first rule that selects untagged images decides.
  const untaggedRule = ordered.find((rule) => ['untagged', 'any'].includes(lower(rule.selection?.tagStatus)));
  // A count rule leaves `countNumber` images: covered only when that many are allowed. It also
  // shields the images it keeps from every later rule (ECR: an image matching a rule's tag
  // selection cannot be expired by a lower-priority rule), so a later age rule does not help.
  const untaggedCovered = untaggedRule !== undefined && removes(untaggedRule) && (countBounded(untaggedRule, params.MaxUntaggedImages) || ageBounded(untaggedRule, params));
  if (!untaggedRule) gaps.push('no rule selects untagged images');
  else if (!untaggedCovered) {
    gaps.push(
      `${describeRule(untaggedRule)} selects untagged images but does not expire them beyond ${params.MaxUntaggedImages} by count or within ${params.MaxImageAgeDays} days`,
    );
  }

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
