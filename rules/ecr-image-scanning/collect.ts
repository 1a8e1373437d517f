/**
 * The only I/O of ecr-image-scanning: ECR and Amazon Inspector -> plain facts.
 *
 * Calls per run (R repositories, n_i images in repository i, F old findings at or above the
 * severity limit): GetRegistryScanningConfiguration 1, BatchGetRepositoryScanningConfiguration
 * ceil(R/25), BatchGetAccountStatus 1 (ENHANCED only), inspector2 ListFindings ceil(F/100)
 * (ENHANCED with VulnerabilityCheck; one account-wide filtered listing instead of one call per
 * image or repository), DescribeImages sum(ceil(n_i/1000)), plus the shared repository listing.
 * Each repository's image pages are folded into a `ScanSummariser` as they arrive, so memory
 * does not grow with the image count.
 */
import {
  BatchGetRepositoryScanningConfigurationCommand,
  ECRClient,
  GetRegistryScanningConfigurationCommand,
  paginateDescribeImages,
  type ImageDetail,
} from '@aws-sdk/client-ecr';
import { BatchGetAccountStatusCommand, Inspector2Client, paginateListFindings, type FilterCriteria } from '@aws-sdk/client-inspector2';
import pMap from 'p-map';
import { registerImageConsumer, takeImageFoldResult, type ImageFold } from '../common/ecr-images.js';
import { describeRepository, listRepositories } from '../common/ecr-repositories.js';
import type { ConfigurationItem } from '../kernel/config-item.js';
import { awsCall, AwsCallError, EcrGuardrailsError } from '../kernel/errors.js';
import type { CollectContext, Collector } from '../kernel/types.js';
import { RULE_ID, type ImageScanningFacts, type ImageScanningParams, type ImageScanningRepository, type RegistryScanning, type RepositoryScanning } from './evaluate.js';
import { DAY_MS, ScanSummariser, SEVERITIES, severityRank, type OldFindings, type ScanObservation, type ScanSummary } from './summarise.js';

/** BatchGetRepositoryScanningConfiguration takes at most 25 names. */
export const SCANNING_BATCH = 25;
export const DESCRIBE_IMAGES_PAGE_SIZE = 1000;
export const LIST_FINDINGS_PAGE_SIZE = 100;
const THROTTLING_ERRORS = new Set(['ThrottlingException', 'TooManyRequestsException', 'ThrottledException']);

class OutOfTimeError extends EcrGuardrailsError {}

/** The registry's scanning configuration (GetRegistryScanningConfiguration), read once per account and region (memo). */
export async function registryScanning(ctx: CollectContext<unknown>): Promise<RegistryScanning> {
  const response = await awsCall('ecr:GetRegistryScanningConfiguration', () => ctx.clients.get(ECRClient).send(new GetRegistryScanningConfigurationCommand({})));
  const configuration = response.scanningConfiguration;
  if (!configuration?.scanType) {
    throw new AwsCallError('ecr:GetRegistryScanningConfiguration returned no scanType: cannot tell how the registry scans.');
  }
  return {
    scanType: configuration.scanType,
    rules: (configuration.rules ?? []).map((rule) => ({
      scanFrequency: rule.scanFrequency ?? '',
      filters: (rule.repositoryFilters ?? []).map((filter) => filter.filter ?? '').filter(Boolean),
    })),
  };
}

/** Inspector's ECR scanning status in this account, or undefined when the response does not say. */
export async function inspectorEcrStatus(ctx: CollectContext<unknown>): Promise<string | undefined> {
  const response = await awsCall('inspector2:BatchGetAccountStatus', () =>
    ctx.clients.get(Inspector2Client).send(new BatchGetAccountStatusCommand({ accountIds: [ctx.accountId] })),
  );
  const account = response.accounts?.find((candidate) => candidate.accountId === ctx.accountId) ?? response.accounts?.[0];
  return account?.resourceState?.ecr?.status;
}

type ScanningOutcome = { scanning: RepositoryScanning } | { failure: string } | { gone: true };

/** Effective scanning configuration per repository name, 25 names per call. */
export async function repositoryScanning(ctx: CollectContext<ImageScanningParams>, names: readonly string[]): Promise<Map<string, ScanningOutcome>> {
  const ecr = ctx.clients.get(ECRClient);
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += SCANNING_BATCH) batches.push(names.slice(i, i + SCANNING_BATCH));
  const outcomes = new Map<string, ScanningOutcome>();
  await pMap(
    batches,
    async (batch) => {
      const response = await awsCall('ecr:BatchGetRepositoryScanningConfiguration', () =>
        ecr.send(new BatchGetRepositoryScanningConfigurationCommand({ repositoryNames: batch })),
      );
      for (const entry of response.scanningConfigurations ?? []) {
        if (!entry.repositoryName) continue;
        outcomes.set(entry.repositoryName, {
          scanning: {
            ...(entry.scanFrequency ? { scanFrequency: entry.scanFrequency } : {}),
            ...(entry.scanOnPush !== undefined ? { scanOnPush: entry.scanOnPush } : {}),
            appliedScanFilters: (entry.appliedScanFilters ?? []).map((filter) => filter.filter ?? '').filter(Boolean),
          },
        });
      }
      for (const failure of response.failures ?? []) {
        if (!failure.repositoryName) continue;
        outcomes.set(
          failure.repositoryName,
          failure.failureCode === 'REPOSITORY_NOT_FOUND' ? { gone: true } : { failure: `${failure.failureCode ?? 'failure'}: ${failure.failureReason ?? 'no reason given'}` },
        );
      }
      for (const name of batch) if (!outcomes.has(name)) outcomes.set(name, { failure: 'repository missing from the response' });
    },
    { concurrency: Math.min(ctx.params.Concurrency, 4) },
  );
  return outcomes;
}

/** The filter for active findings at or above the limit, first observed before the age cutoff. */
export function oldFindingsFilter(params: Pick<ImageScanningParams, 'MaxFindingSeverity' | 'MaxFindingAgeDays'>, accountId: string, now: Date, repositoryName?: string): FilterCriteria {
  const floor = severityRank(params.MaxFindingSeverity);
  return {
    awsAccountId: [{ comparison: 'EQUALS', value: accountId }],
    findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }],
    resourceType: [{ comparison: 'EQUALS', value: 'AWS_ECR_CONTAINER_IMAGE' }],
    severity: SEVERITIES.filter((severity) => severityRank(severity) >= floor).map((value) => ({ comparison: 'EQUALS' as const, value })),
    firstObservedAt: [{ endInclusive: new Date(now.getTime() - params.MaxFindingAgeDays * DAY_MS) }],
    ...(repositoryName ? { ecrImageRepositoryName: [{ comparison: 'EQUALS', value: repositoryName }] } : {}),
  };
}

/** Old findings per repository and image digest, from one filtered Inspector listing. */
export async function inspectorOldFindings(ctx: CollectContext<ImageScanningParams>, repositoryName?: string): Promise<Map<string, Map<string, OldFindings>>> {
  const byRepository = new Map<string, Map<string, OldFindings>>();
  const filterCriteria = oldFindingsFilter(ctx.params, ctx.accountId, ctx.now, repositoryName);
  await awsCall('inspector2:ListFindings', async () => {
    const pages = paginateListFindings({ client: ctx.clients.get(Inspector2Client), pageSize: LIST_FINDINGS_PAGE_SIZE }, { filterCriteria });
    for await (const page of pages) {
      for (const finding of page.findings ?? []) {
        const first = finding.firstObservedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
        for (const resource of finding.resources ?? []) {
          const image = resource.details?.awsEcrContainerImage;
          if (!image?.repositoryName || !image.imageHash) continue;
          let images = byRepository.get(image.repositoryName);
          if (!images) byRepository.set(image.repositoryName, (images = new Map<string, OldFindings>()));
          const old = images.get(image.imageHash);
          images.set(image.imageHash, old ? { count: old.count + 1, oldestMs: Math.min(old.oldestMs, first) } : { count: 1, oldestMs: first });
        }
      }
    }
  });
  return byRepository;
}

/** What the scanning summariser needs of one DescribeImages entry. */
export function observationFromDetail(image: ImageDetail): ScanObservation {
  return {
    digest: image.imageDigest ?? '',
    tags: image.imageTags ?? [],
    pushedAtMs: image.imagePushedAt?.getTime(),
    lastPullMs: image.lastRecordedPullTime?.getTime(),
    scanStatus: image.imageScanStatus?.status,
    manifestMediaType: image.imageManifestMediaType,
    scanCompletedAtMs: image.imageScanFindingsSummary?.imageScanCompletedAt?.getTime(),
    severityCounts: image.imageScanFindingsSummary?.findingSeverityCounts,
  };
}

/** Streams one repository's images into a fold. */
export async function summariseRepository(ctx: CollectContext<ImageScanningParams>, repositoryName: string, fold: ImageFold<ScanSummary>): Promise<ScanSummary> {
  const pages = paginateDescribeImages({ client: ctx.clients.get(ECRClient), pageSize: DESCRIBE_IMAGES_PAGE_SIZE }, { repositoryName });
  for await (const page of pages) {
    for (const image of page.imageDetails ?? []) fold.add(image);
    if (page.nextToken && ctx.remainingTimeMs() <= 0) throw new OutOfTimeError('the time budget of this run is spent');
  }
  return fold.result();
}

type Outcome = { kind: 'done'; repository: ImageScanningRepository } | { kind: 'notReached'; name: string } | { kind: 'gone' };

interface AccountReads {
  registry: RegistryScanning;
  inspectorStatus: string | undefined;
  /** ENHANCED with VulnerabilityCheck: old findings per repository and digest. */
  findings: Map<string, Map<string, OldFindings>> | undefined;
}

/** The account-level reads, for the whole account (`only` undefined) or the one repository a change concerns. */
async function accountReads(ctx: CollectContext<ImageScanningParams>, only?: string): Promise<AccountReads> {
  const registry = await registryScanning(ctx);
  const enhanced = registry.scanType === 'ENHANCED';
  const inspectorStatus = enhanced ? await inspectorEcrStatus(ctx) : undefined;
  const findings = enhanced && ctx.params.VulnerabilityCheck ? await inspectorOldFindings(ctx, only) : undefined;
  return { registry, inspectorStatus, findings };
}

/** Whole-account reads, once per run (the shared image folds and the collector use the same). */
const wholeAccountReads = (ctx: CollectContext<ImageScanningParams>) => ctx.memo(`${RULE_ID}:account-reads`, () => accountReads(ctx));

function scanFold(ctx: CollectContext<ImageScanningParams>, reads: AccountReads, repositoryName: string): ImageFold<ScanSummary> {
  const enhanced = reads.registry.scanType === 'ENHANCED' ? (reads.findings?.get(repositoryName) ?? new Map<string, OldFindings>()) : undefined;
  const summariser = new ScanSummariser(ctx.params, ctx.now.getTime(), enhanced);
  return { add: (image) => summariser.add(observationFromDetail(image)), result: () => summariser.summary() };
}

/**
 * CLI scans: fold the images of repositories another rule lists in the same run
 * (ecr-stale-images), instead of listing them again. Repositories without a stored fold are
 * listed by this collector.
 */
export async function prepare(ctx: CollectContext<ImageScanningParams>): Promise<void> {
  await registerImageConsumer(ctx, {
    id: RULE_ID,
    begin: async (repositoryName) => {
      let reads: AccountReads;
      try {
        reads = await wholeAccountReads(ctx);
      } catch {
        return undefined; // the collector reads again and reports the failure itself
      }
      const byName = await ctx.memo(`${RULE_ID}:repositories-by-name`, async () => new Map((await listRepositories(ctx)).map((r) => [r.repositoryName, r])));
      const repository = byName.get(repositoryName);
      if (!repository || repository.tags[ctx.params.ExemptionTagKey] !== undefined) return undefined;
      return scanFold(ctx, reads, repositoryName);
    },
  });
}

/** Facts for the given repositories (all of them, or the one a change concerns). */
export async function collectRepositories(
  ctx: CollectContext<ImageScanningParams>,
  listed: ReadonlyArray<{ repositoryName: string; tags: Record<string, string> }>,
  only?: string,
): Promise<ImageScanningFacts> {
  const { params } = ctx;
  const reads = only === undefined ? await wholeAccountReads(ctx) : await accountReads(ctx, only);
  const { registry, inspectorStatus } = reads;
  const evaluated = listed.filter((repository) => repository.tags[params.ExemptionTagKey] === undefined);
  const scanning = await repositoryScanning(ctx, evaluated.map((repository) => repository.repositoryName));
  let finished = 0;

  const outcomes = await pMap(
    listed,
    async (repository): Promise<Outcome> => {
      const base = { repositoryName: repository.repositoryName, tags: repository.tags };
      if (repository.tags[params.ExemptionTagKey] !== undefined) return { kind: 'done', repository: base };
      const configured = scanning.get(repository.repositoryName);
      if (!configured || 'gone' in configured) return { kind: 'gone' };
      if (ctx.remainingTimeMs() <= 0) return { kind: 'notReached', name: repository.repositoryName };
      try {
        const summary =
          (only === undefined ? await takeImageFoldResult<ScanSummary>(ctx, RULE_ID, repository.repositoryName) : undefined) ??
          (await summariseRepository(ctx, repository.repositoryName, scanFold(ctx, reads, repository.repositoryName)));
        if (++finished % 50 === 0) ctx.progress(`${ctx.accountId} ${ctx.region}: ${finished}/${listed.length} repositories read`);
        return { kind: 'done', repository: { ...base, ...('scanning' in configured ? { scanning: configured.scanning } : { scanningFailure: configured.failure }), summary } };
      } catch (error) {
        if (error instanceof OutOfTimeError) return { kind: 'notReached', name: repository.repositoryName };
        const name = (error as Error).name;
        if (name === 'RepositoryNotFoundException') return { kind: 'gone' };
        if (THROTTLING_ERRORS.has(name)) return { kind: 'notReached', name: repository.repositoryName };
        return awsCall(`ecr:DescribeImages ${repository.repositoryName}`, () => Promise.reject(error as Error));
      }
    },
    { concurrency: params.Concurrency },
  );

  const repositories: ImageScanningRepository[] = [];
  const notReached: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.kind === 'done') repositories.push(outcome.repository);
    else if (outcome.kind === 'notReached') notReached.push(outcome.name);
  }
  if (notReached.length) {
    if (repositories.length === 0) throw new AwsCallError(`ecr:DescribeImages: no repository could be read in time or without throttling (${notReached.length} not reached).`);
    ctx.logger.warn('Repositories not evaluated in this run', { notReached: notReached.length, evaluated: repositories.length, repositories: notReached.slice(0, 100) });
  }
  return {
    registry,
    ...(inspectorStatus !== undefined ? { inspectorEcrStatus: inspectorStatus } : {}),
    basis: {
      asOf: ctx.now.toISOString(),
      InUseDays: params.InUseDays,
      MaxFindingSeverity: params.MaxFindingSeverity,
      MaxFindingAgeDays: params.MaxFindingAgeDays,
      VulnerabilityCheck: params.VulnerabilityCheck,
    },
    repositories,
    ...(notReached.length ? { notReached } : {}),
  };
}

function tagsFromItem(item: ConfigurationItem): Record<string, string> | undefined {
  const configuration = item.configuration ?? {};
  if (!Array.isArray(configuration.Tags) && !item.tags) return undefined;
  const recorded = Array.isArray(configuration.Tags) ? (configuration.Tags as Array<{ Key?: string; Value?: string }>) : [];
  return { ...Object.fromEntries(recorded.map((tag) => [tag.Key ?? '', tag.Value ?? ''])), ...item.tags };
}

export const collector: Collector<ImageScanningParams, ImageScanningFacts> = {
  async collectAll(ctx) {
    return collectRepositories(ctx, await listRepositories(ctx));
  },
  prepare,
  /**
   * A repository change is judged exactly as the periodic run judges it: the recorded
   * ImageScanningConfiguration holds only the deprecated repository-level flag, so the
   * effective configuration, images and findings are read from the APIs; only the tags
   * come from the item (or from ECR when the item has none).
   */
  async collectForChange(item, ctx) {
    const name = typeof item.configuration?.RepositoryName === 'string' ? item.configuration.RepositoryName : (item.resourceName ?? item.resourceId);
    const tags = tagsFromItem(item) ?? (await describeRepository(ctx, name))?.tags;
    if (tags === undefined) return collectRepositories(ctx, [], name);
    return collectRepositories(ctx, [{ repositoryName: name, tags }], name);
  },
};
