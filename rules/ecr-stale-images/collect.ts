/**
 * The only I/O of ecr-stale-images: ECR (and Config, for the resume order) -> plain facts.
 *
 * Each repository's DescribeImages pages (1000 images each) are folded into an
 * `ImageSummariser` as they arrive, so memory stays constant whatever the image count.
 * Repositories are read with bounded concurrency (`Concurrency`) under the SDK's adaptive
 * retry. When the run's time budget runs out, the repositories not reached are listed in
 * `notReached` (inventory, so the kernel does not take them for deleted) and logged; the
 * next run starts with them, because repositories are read in the order of their previous
 * result's time (never evaluated first).
 */
import {
  ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import { ECRClient, GetLifecyclePolicyCommand, paginateDescribeImages, type ImageDetail } from '@aws-sdk/client-ecr';
import pMap from 'p-map';
import { shareImageListing } from '../common/ecr-images.js';
import { isIndex } from '../common/image-index.js';
import { listRepositories, type EcrRepository } from '../common/ecr-repositories.js';
import { previousResults } from '../kernel/previous-results.js';
import { awsCall, AwsCallError, EcrGuardrailsError } from '../kernel/errors.js';
import { unreadableFrom, type Unreadable } from '../kernel/not-readable.js';
import type { CollectContext, Collector } from '../kernel/types.js';
import { RESOURCE_TYPE, type ImageSummary, type StaleImagesFacts, type StaleImagesParams, type StaleImagesRepository } from './facts.js';
// The collector's one dependency on evaluation logic: it folds each DescribeImages page into
// the evaluator's own summariser, so that images are never kept (see summarise.ts).
import { ImageSummariser, lastUseOf, withIndexParent, type ImageObservation } from './summarise.js';
import { IndexUnreadableError, resolveIndexChildren, type IndexImage } from './collect-indexes.js';

/** DescribeImages' largest page. */
export const DESCRIBE_IMAGES_PAGE_SIZE = 1000;
/** How many unreached repository names a log line lists (the count is always logged). */
const LOGGED_NAMES = 100;
const THROTTLING_ERRORS = new Set(['ThrottlingException', 'TooManyRequestsException', 'ThrottledException', 'RequestLimitExceeded']);

/** Raised inside a repository's page loop when the time budget is spent. */
class OutOfTimeError extends EcrGuardrailsError {}

/** A call for one repository was denied (its policy, its KMS key): the repository is reported, the others go on. */
class RepositoryUnreadableError extends EcrGuardrailsError {
  constructor(readonly unreadable: Unreadable) {
    super(`${unreadable.call}: ${unreadable.error}`);
  }
}

/** Runs one per-repository read; a per-resource denial becomes RepositoryUnreadableError. */
async function reading<T>(call: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof IndexUnreadableError) throw new RepositoryUnreadableError(error.unreadable);
    const unreadable = unreadableFrom(call, error);
    throw unreadable ? new RepositoryUnreadableError(unreadable) : error;
  }
}

/** What the stale-images summariser needs of one DescribeImages entry. */
export function observationFromDetail(image: ImageDetail, nowMs: number): ImageObservation {
  return {
    digest: image.imageDigest ?? '',
    tags: image.imageTags ?? [],
    // A missing push time (never seen in practice) counts as fresh: no finding on a guess.
    pushedAtMs: image.imagePushedAt?.getTime() ?? nowMs,
    lastPullMs: image.lastRecordedPullTime?.getTime(),
    sizeBytes: image.imageSizeInBytes ?? 0,
    status: image.imageStatus,
    isReferrer: image.subjectManifestDigest !== undefined,
  };
}

/**
 * Streams one repository's images (ACTIVE only: DescribeImages' default) into a summary, in two
 * listings: tagged images first, whose image indexes are then read (BatchGetImage) to learn
 * their platform manifests, then untagged images, each judged with the index that lists it.
 * Each listing also drops images of the other kind, so an implementation that ignores the
 * `tagStatus` filter cannot count an image twice.
 */
export async function summariseRepository(ctx: CollectContext<StaleImagesParams>, repositoryName: string): Promise<ImageSummary> {
  const ecr = ctx.clients.get(ECRClient);
  const summariser = new ImageSummariser(ctx.params, ctx.now);
  const nowMs = ctx.now.getTime();
  // Rules that registered for this run's image listings (ecr-image-scanning) fold the same pages.
  const shared = await shareImageListing(ctx, repositoryName);
  const indexes: IndexImage[] = [];
  // Pull times are read before any index manifest is: reading a manifest records a pull (see image-index.ts).
  for await (const image of listImages(ctx, repositoryName, 'TAGGED')) {
    const observation = observationFromDetail(image, nowMs);
    summariser.add(observation);
    shared.add(image);
    if (isIndex(image.imageManifestMediaType) && (image.imageStatus ?? 'ACTIVE') === 'ACTIVE') {
      indexes.push({ digest: observation.digest, tags: observation.tags, lastUseMs: lastUseOf(observation) });
    }
  }
  const parents = await reading('ecr:BatchGetImage', () => resolveIndexChildren(ecr, repositoryName, indexes));
  for await (const image of listImages(ctx, repositoryName, 'UNTAGGED')) {
    summariser.add(withIndexParent(observationFromDetail(image, nowMs), parents.get(image.imageDigest ?? '')));
    shared.add(image);
  }
  await shared.complete();
  return summariser.summary();
}

/** One listing of a repository's images with the given tag status, within the time budget. */
async function* listImages(ctx: CollectContext<StaleImagesParams>, repositoryName: string, tagStatus: 'TAGGED' | 'UNTAGGED'): AsyncGenerator<ImageDetail> {
  const pages = paginateDescribeImages({ client: ctx.clients.get(ECRClient), pageSize: DESCRIBE_IMAGES_PAGE_SIZE }, { repositoryName, filter: { tagStatus } });
  for await (const page of pages) {
    for (const image of page.imageDetails ?? []) if ((image.imageTags?.length ?? 0) > 0 === (tagStatus === 'TAGGED')) yield image;
    if (page.nextToken && ctx.remainingTimeMs() <= 0) throw new OutOfTimeError('the time budget of this run is spent');
  }
}

/** The lifecycle policy text, or null when the repository has none. */
export async function lifecyclePolicyText(ctx: CollectContext<unknown>, repositoryName: string): Promise<string | null> {
  const ecr = ctx.clients.get(ECRClient);
  try {
    const response = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName }));
    return response.lifecyclePolicyText ?? null;
  } catch (error) {
    if ((error as Error).name === 'LifecyclePolicyNotFoundException') return null;
    throw error;
  }
}

/**
 * When each repository last got a result from this rule (Config keeps it for us: no extra
 * state, no write permission in the member account).
 */
export async function previousResultTimes(ctx: CollectContext<unknown>, configRuleName: string): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (const result of await previousResults(ctx.clients.get(ConfigServiceClient), configRuleName, ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'])) {
    if (result.resourceType === RESOURCE_TYPE && result.time !== undefined) times.set(result.resourceId, result.time);
  }
  return times;
}

/** Never evaluated first (in listing order), then least recently evaluated first. Stable. */
export function resumeOrder<R extends { repositoryName: string }>(repositories: readonly R[], previous: ReadonlyMap<string, number>): R[] {
  const rank = (repository: R) => previous.get(repository.repositoryName) ?? Number.NEGATIVE_INFINITY;
  return repositories
    .map((repository, index) => ({ repository, index }))
    .sort((a, b) => rank(a.repository) - rank(b.repository) || a.index - b.index)
    .map(({ repository }) => repository);
}

type Outcome = { kind: 'done'; repository: StaleImagesRepository } | { kind: 'notReached'; name: string; throttled?: boolean } | { kind: 'gone' };

/** Collects every repository of the account and region with its image summary and lifecycle policy, within the time budget; unreached repositories are listed for the next run. */
export async function collectStaleImages(ctx: CollectContext<StaleImagesParams>): Promise<StaleImagesFacts> {
  const { params } = ctx;
  const listed = await listRepositories(ctx);
  const ordered = ctx.configRuleName ? resumeOrder(listed, await previousResultTimes(ctx, ctx.configRuleName)) : [...listed];
  let finished = 0;
  let images = 0;

  const outcomes = await pMap(
    ordered,
    async (repository: EcrRepository): Promise<Outcome> => {
      const base = { repositoryName: repository.repositoryName, tags: repository.tags };
      if (repository.unreadable) return { kind: 'done', repository: { ...base, unreadable: repository.unreadable } };
      // Exempt repositories cost no further calls.
      if (repository.tags[params.ExemptionTagKey] !== undefined) return { kind: 'done', repository: base };
      if (ctx.remainingTimeMs() <= 0) return { kind: 'notReached', name: repository.repositoryName };
      try {
        const [summary, policy] = await Promise.all([
          reading('ecr:DescribeImages', () => summariseRepository(ctx, repository.repositoryName)),
          params.RequireLifecyclePolicy ? reading('ecr:GetLifecyclePolicy', () => lifecyclePolicyText(ctx, repository.repositoryName)) : Promise.resolve(undefined),
        ]);
        finished++;
        images += summary.activeImages + summary.inactiveImages;
        if (finished % 50 === 0) ctx.progress(`${ctx.accountId} ${ctx.region}: ${finished}/${ordered.length} repositories, ${images} images read`);
        return { kind: 'done', repository: { ...base, ...(policy !== undefined ? { lifecyclePolicyText: policy } : {}), summary } };
      } catch (error) {
        if (error instanceof OutOfTimeError) return { kind: 'notReached', name: repository.repositoryName };
        if (error instanceof RepositoryUnreadableError) return { kind: 'done', repository: { ...base, unreadable: error.unreadable } };
        const name = (error as Error).name;
        // Deleted since the listing: it is gone, the kernel reports it so.
        if (name === 'RepositoryNotFoundException') return { kind: 'gone' };
        // Still throttled after the SDK's retries: leave it for the next run, which starts with it.
        if (THROTTLING_ERRORS.has(name)) return { kind: 'notReached', name: repository.repositoryName, throttled: true };
        return awsCall(`ecr:DescribeImages/GetLifecyclePolicy ${repository.repositoryName}`, async () => {
          throw error;
        });
      }
    },
    { concurrency: params.Concurrency },
  );

  const repositories: StaleImagesRepository[] = [];
  const notReached: string[] = [];
  let throttled = 0;
  for (const outcome of outcomes) {
    if (outcome.kind === 'done') repositories.push(outcome.repository);
    else if (outcome.kind === 'notReached') {
      notReached.push(outcome.name);
      if (outcome.throttled) throttled++;
    }
  }
  if (notReached.length > 0) {
    if (throttled > 0 && repositories.length === 0) {
      throw new AwsCallError(`ecr:DescribeImages kept throttling: no repository could be read (${throttled} throttled after retries).`);
    }
    ctx.logger.warn('Repositories not evaluated in this run; the next run starts with them', {
      notReached: notReached.length,
      throttled,
      evaluated: repositories.length,
      repositories: notReached.slice(0, LOGGED_NAMES),
    });
  }
  return {
    basis: {
      asOf: ctx.now.toISOString(),
      MaxImageAgeDays: params.MaxImageAgeDays,
      MaxIdleDays: params.MaxIdleDays,
      ProtectedTagPatterns: [...params.ProtectedTagPatterns],
    },
    repositories,
    ...(notReached.length ? { notReached } : {}),
  };
}

export const collector: Collector<StaleImagesParams, StaleImagesFacts> = {
  collectAll: collectStaleImages,
};
