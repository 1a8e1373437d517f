/**
 * Pure evaluator for ecr-image-scanning: (facts, params, now) -> evaluations. No SDK, no clock.
 *
 * Unscanned images hide known vulnerabilities (NIST SP 800-190 3.1.1, 4.1.1; Security Hub
 * ECR.1). Per repository the rule decides, in this order:
 * 1. every push is scanned: the *effective* frequency ECR reports for the repository
 *    (BatchGetRepositoryScanningConfiguration) fits the registry's scan type: BASIC needs
 *    SCAN_ON_PUSH; ENHANCED needs SCAN_ON_PUSH or CONTINUOUS_SCAN;
 * 2. enhanced scanning really runs: Amazon Inspector scans ECR in the account;
 * 3. no image in use (pushed or pulled within InUseDays) has a FAILED scan;
 * 4. no image in use carries findings at or above MaxFindingSeverity open longer than
 *    MaxFindingAgeDays (VulnerabilityCheck).
 * Facts that could not be read never pass. Findings of 3 and 4 name no runbook: a runbook
 * cannot fix a vulnerability; rebuilding the image does.
 */
import { exemptionAnnotation } from '../common/exemption.js';
import { EcrGuardrailsError } from '../kernel/errors.js';
import type { Evaluation } from '../kernel/types.js';
import { DAY_MS, ScanSummariser, scanStatusClass, severityRank, type OldFindings, type ScanObservation, type ScanSummary } from './summarise.js';

export const RULE_ID = 'ecr-image-scanning';
export const RESOURCE_TYPE = 'AWS::ECR::Repository';
export const RUNBOOK = 'EnableEcrImageScanning';

export interface ImageScanningParams {
  InUseDays: number;
  MaxFindingSeverity: string;
  MaxFindingAgeDays: number;
  VulnerabilityCheck: boolean;
  ExemptionTagKey: string;
  /** Repositories read in parallel by the collector (no effect on the evaluation). */
  Concurrency: number;
}

/** GetRegistryScanningConfiguration: the registry's scan type and rules. */
export interface RegistryScanning {
  scanType: string;
  rules: Array<{ scanFrequency: string; filters: string[] }>;
}

/** BatchGetRepositoryScanningConfiguration entry: what ECR applies to the repository. */
export interface RepositoryScanning {
  scanFrequency?: string;
  /** The deprecated repository-level setting, as reported. */
  scanOnPush?: boolean;
  appliedScanFilters: string[];
}

/** One image as DescribeImages reports it, ISO dates (demo, hand-written snapshots). */
export interface ImageScanFact {
  imageDigest: string;
  imageTags?: string[];
  imagePushedAt?: string;
  lastRecordedPullTime?: string;
  /** An image index or manifest list has no scan of its own (summarise.ts IMAGE_INDEX_MEDIA_TYPES). */
  imageManifestMediaType?: string;
  imageScanStatus?: { status?: string; description?: string };
  imageScanFindingsSummary?: { imageScanCompletedAt?: string; findingSeverityCounts?: Record<string, number> };
  /** ENHANCED: the image's active Amazon Inspector findings (ListFindings `severity`, `firstObservedAt`). */
  inspectorFindings?: Array<{ severity: string; firstObservedAt: string }>;
}

export interface ImageScanningRepository {
  repositoryName: string;
  tags: Record<string, string>;
  /** Absent with `scanningFailure`: ECR could not report the repository's configuration. */
  scanning?: RepositoryScanning;
  scanningFailure?: string;
  /** Raw images: the demo and hand-written snapshots. */
  images?: ImageScanFact[];
  /** The collector's streamed reduction of the images (see `basis`). */
  summary?: ScanSummary;
}

export interface SummaryBasis {
  asOf: string;
  InUseDays: number;
  MaxFindingSeverity: string;
  MaxFindingAgeDays: number;
  VulnerabilityCheck: boolean;
}

export interface ImageScanningFacts {
  registry: RegistryScanning;
  /** inspector2 BatchGetAccountStatus `resourceState.ecr.status`; collected when the registry is ENHANCED. */
  inspectorEcrStatus?: string;
  basis?: SummaryBasis;
  repositories: ImageScanningRepository[];
  /** Repositories that exist but were not reached in this run (time budget). */
  notReached?: string[];
}

/** Facts that cannot be evaluated with these parameters (e.g. a snapshot taken with others). */
export class ImageScanningFactsError extends EcrGuardrailsError {}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const time = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);

/** Old Inspector findings of one image, from its raw finding list. */
export function inspectorOldFindings(findings: ImageScanFact['inspectorFindings'], params: Pick<ImageScanningParams, 'MaxFindingSeverity' | 'MaxFindingAgeDays'>, nowMs: number): OldFindings | undefined {
  const floor = severityRank(params.MaxFindingSeverity);
  const cutoff = nowMs - params.MaxFindingAgeDays * DAY_MS;
  let count = 0;
  let oldestMs = Number.POSITIVE_INFINITY;
  for (const finding of findings ?? []) {
    const first = time(finding.firstObservedAt) ?? Number.NEGATIVE_INFINITY;
    if (severityRank(finding.severity) < floor || first > cutoff) continue;
    count++;
    oldestMs = Math.min(oldestMs, first);
  }
  return count ? { count, oldestMs } : undefined;
}

/** What the scanning summariser needs of one image fact (hand-written snapshots and the demo). */
export function observationFromFact(image: ImageScanFact): ScanObservation {
  return {
    digest: image.imageDigest,
    tags: image.imageTags ?? [],
    pushedAtMs: time(image.imagePushedAt),
    lastPullMs: time(image.lastRecordedPullTime),
    scanStatus: image.imageScanStatus?.status,
    manifestMediaType: image.imageManifestMediaType,
    scanCompletedAtMs: time(image.imageScanFindingsSummary?.imageScanCompletedAt),
    severityCounts: image.imageScanFindingsSummary?.findingSeverityCounts,
  };
}

/** Summarises raw images with the collector's code (demo and hand-written snapshots). */
export function summariseImages(images: readonly ImageScanFact[], params: ImageScanningParams, enhanced: boolean, now: Date): ScanSummary {
  const nowMs = now.getTime();
  const old = new Map<string, OldFindings>();
  if (enhanced) {
    for (const image of images) {
      const found = inspectorOldFindings(image.inspectorFindings, params, nowMs);
      if (found) old.set(image.imageDigest, found);
    }
  }
  const summariser = new ScanSummariser(params, nowMs, enhanced ? old : undefined);
  for (const image of images) summariser.add(observationFromFact(image));
  return summariser.summary();
}

/** Summaries depend on the time and these parameters: refuse to mix them up. */
export function checkBasis(facts: ImageScanningFacts, params: ImageScanningParams): void {
  if (!facts.repositories.some((repository) => repository.summary && !repository.images)) return;
  const basis = facts.basis;
  if (!basis) throw new ImageScanningFactsError('Facts carry image summaries without the basis they were computed with; collect again.');
  const differences = (['InUseDays', 'MaxFindingSeverity', 'MaxFindingAgeDays', 'VulnerabilityCheck'] as const)
    .filter((name) => basis[name] !== params[name])
    .map((name) => `${name} ${JSON.stringify(basis[name])} when collected, ${JSON.stringify(params[name])} now`);
  if (differences.length) {
    throw new ImageScanningFactsError(`Image summaries were computed with other parameters (${differences.join('; ')}); collect again with these parameters.`);
  }
}

/** Why pushes to this repository are not (known to be) scanned, or undefined when they are. */
export function configurationProblem(repository: ImageScanningRepository, registry: RegistryScanning): string | undefined {
  if (repository.scanningFailure !== undefined) return `ECR could not report the repository's scanning configuration (${repository.scanningFailure})`;
  const frequency = repository.scanning?.scanFrequency;
  if (!frequency) return 'ECR reported no scan frequency for the repository: cannot confirm pushes are scanned';
  const legacy = repository.scanning?.scanOnPush ? '; the deprecated repository-level scanOnPush=true is not in effect' : '';
  switch (registry.scanType) {
    case 'BASIC':
      if (frequency === 'SCAN_ON_PUSH') return undefined;
      return `Pushes are not scanned: registry BASIC scanning, repository frequency ${frequency} (no scan-on-push filter matches)${legacy}`;
    case 'ENHANCED':
      if (frequency === 'SCAN_ON_PUSH' || frequency === 'CONTINUOUS_SCAN') return undefined;
      return `Pushes are not scanned: registry ENHANCED scanning, repository frequency ${frequency} (no enhanced filter matches, scanning disabled)${legacy}`;
    default:
      return `Unrecognised registry scan type ${JSON.stringify(registry.scanType)}: cannot confirm pushes are scanned`;
  }
}

/** How a status that is neither a finding nor pending is named in the annotation. */
const NOTE_TEXT: Readonly<Record<string, string>> = {
  UNSUPPORTED_IMAGE: 'UNSUPPORTED_IMAGE (the scanner cannot scan this image type)',
  IMAGE_INDEX: 'IMAGE_INDEX (an image index: its images are scanned one by one)',
};

function result(repository: ImageScanningRepository, complianceType: Evaluation['complianceType'], annotation: string, runbook?: string | null): Evaluation {
  return { resourceType: RESOURCE_TYPE, resourceId: repository.repositoryName, complianceType, annotation, ...(runbook !== undefined ? { runbook } : {}) };
}

/** The evaluation of one repository from its scanning configuration and image summary. */
export function evaluateRepository(repository: ImageScanningRepository, facts: Pick<ImageScanningFacts, 'registry' | 'inspectorEcrStatus'>, summary: ScanSummary | undefined, params: ImageScanningParams): Evaluation {
  const exempt = exemptionAnnotation(repository.tags, params.ExemptionTagKey);
  if (exempt) return result(repository, 'NOT_APPLICABLE', exempt);
  const configuration: string[] = [];
  const images: string[] = [];
  const notes: string[] = [];

  const problem = configurationProblem(repository, facts.registry);
  if (problem) configuration.push(problem);
  const frequency = repository.scanning?.scanFrequency;
  if (facts.registry.scanType === 'ENHANCED' && !problem && facts.inspectorEcrStatus !== 'ENABLED') {
    configuration.push(
      facts.inspectorEcrStatus === undefined
        ? 'Enhanced scanning is configured but Amazon Inspector\'s ECR status could not be read'
        : `Enhanced scanning is configured but Amazon Inspector ECR scanning is ${facts.inspectorEcrStatus}: no scan runs (enable Inspector for ECR)`,
    );
  }

  if (summary) {
    const failed = summary.statusCounts['FAILED'] ?? 0;
    if (failed) images.push(`${plural(failed, 'image')} in use with a FAILED scan (e.g. ${summary.statusExamples['FAILED']})`);
    if (summary.vulnerableImages) {
      const listed = summary.oldest.map((image) => `${image.ref} (${image.findings} since ${image.since})`).join(', ');
      images.push(
        `${plural(summary.vulnerableImages, 'image')} in use with ${plural(summary.oldFindings, 'finding')} >=${params.MaxFindingSeverity} open >${params.MaxFindingAgeDays}d, oldest first: ${listed}`,
      );
    }
    const noResults: string[] = [];
    let withoutResults = 0;
    for (const [status, count] of Object.entries(summary.statusCounts).sort(([a], [b]) => a.localeCompare(b))) {
      const kind = scanStatusClass(status);
      const label = `${count} ${status === 'NEVER_SCANNED' ? 'never scanned' : status} (e.g. ${summary.statusExamples[status]})`;
      if (kind === 'no-results') {
        withoutResults += count;
        noResults.push(label);
      } else if (kind !== 'failed') notes.push(`${count} in use ${NOTE_TEXT[status] ?? `${status} (scan pending)`} (e.g. ${summary.statusExamples[status]})`);
    }
    // Without scan results nobody can say the image has no findings: a finding when findings are judged.
    if (withoutResults && params.VulnerabilityCheck) {
      images.push(`${plural(withoutResults, 'image')} in use without scan results: ${noResults.join(', ')}; scan them (StartImageScan) or rebuild`);
    } else if (withoutResults) notes.push(`${withoutResults} in use without scan results: ${noResults.join(', ')}`);
  }

  const noteText = notes.length ? ` Not scanned: ${notes.join(', ')}.` : '';
  if (configuration.length === 0 && images.length === 0) {
    const checked = summary ? `; ${summary.inUse} of ${summary.images} images in use (${params.InUseDays}d), none with a FAILED scan${params.VulnerabilityCheck ? ` or findings >=${params.MaxFindingSeverity} open >${params.MaxFindingAgeDays}d` : ''}` : '';
    return result(repository, 'COMPLIANT', `Pushes are scanned (${facts.registry.scanType} ${frequency})${checked}.${noteText}`);
  }
  // The runbook fixes the configuration; vulnerabilities and failed scans need a rebuilt image.
  const runbook = problem ? undefined : null;
  return result(repository, 'NON_COMPLIANT', `${[...configuration, ...images].join('. ')}.${noteText}`, runbook);
}

/** Pure: evaluates every repository of the facts as of `now`; one evaluation per repository. */
export function evaluate(facts: ImageScanningFacts, params: ImageScanningParams, now: Date): Evaluation[] {
  checkBasis(facts, params);
  const enhanced = facts.registry.scanType === 'ENHANCED';
  return facts.repositories.map((repository) => {
    if (repository.tags[params.ExemptionTagKey] !== undefined) return evaluateRepository(repository, facts, undefined, params);
    const summary = repository.images ? summariseImages(repository.images, params, enhanced, now) : repository.summary;
    if (!summary) {
      throw new ImageScanningFactsError(`Facts for repository ${repository.repositoryName} hold neither images nor a summary; collect again with these parameters.`);
    }
    return evaluateRepository(repository, facts, summary, params);
  });
}

/** Every repository the facts show to exist, including those not reached this run. */
export function inventory(facts: ImageScanningFacts): string[] {
  return [...facts.repositories.map((repository) => repository.repositoryName), ...(facts.notReached ?? [])];
}
