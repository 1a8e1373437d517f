/**
 * Pure evaluator for ecr-stale-images: (facts, params, now) -> evaluations. No SDK, no clock.
 *
 * Stale images carry known vulnerabilities and get deployed by mistake (NIST SP 800-190
 * 3.2.2); the countermeasure is to prune them. Security Hub ECR.3 only asks whether some
 * lifecycle policy exists; this rule looks at what is actually in the repository
 * (summarise.ts) and at whether the policy would remove it (lifecycle-policy.ts).
 *
 * Facts carry either a `summary` per repository (what the collector writes) or, for
 * hand-written snapshots and the demo, the raw `images`, which are summarised here with
 * the same `ImageSummariser` the collector uses.
 */
import { exemptionAnnotation } from '../common/exemption.js';
import { notReadableEvaluation } from '../kernel/not-readable.js';
import type { Evaluation } from '../kernel/types.js';
import {
  RESOURCE_TYPE,
  StaleImagesFactsError,
  type ImageSummary,
  type StaleImagesFacts,
  type StaleImagesParams,
  type StaleImagesRepository,
} from './facts.js';
import { analyseLifecyclePolicy } from './lifecycle-policy.js';
import { emptySummary, summariseImages } from './summarise.js';

/** Bytes in a short human form (2.7 GB). */
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

/** The evaluation of one repository from its image summary and lifecycle policy. */
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

/** Pure: evaluates every repository of the facts as of `now`; one evaluation per repository. */
export function evaluate(facts: StaleImagesFacts, params: StaleImagesParams, now: Date): Evaluation[] {
  checkBasis(facts, params);
  return facts.repositories.map((repository) => {
    if (repository.unreadable) return notReadableEvaluation(RESOURCE_TYPE, repository.repositoryName, repository.unreadable);
    if (repository.tags[params.ExemptionTagKey] !== undefined) {
      return evaluateRepository(repository, emptySummary(), params);
    }
    return evaluateRepository(repository, summaryOf(repository, params, now), params);
  });
}


/** Every repository the facts show to exist, including those not reached this run. */
export function inventory(facts: StaleImagesFacts): string[] {
  return [...facts.repositories.map((repository) => repository.repositoryName), ...(facts.notReached ?? [])];
}
