import {
  DescribeRepositoriesCommand,
  ECRClient,
  ListTagsForResourceCommand,
  paginateDescribeRepositories,
  type ImageTagMutabilityExclusionFilter,
  type Repository,
} from '@aws-sdk/client-ecr';
import pMap from 'p-map';
import { awsCall } from '../kernel/errors.js';
import { unreadableFrom, type Unreadable } from '../kernel/not-readable.js';
import type { CollectContext } from '../kernel/types.js';

/** An ECR repository as the ECR rules see it: plain, JSON-serialisable facts. */
export interface EcrRepository {
  repositoryName: string;
  repositoryArn: string;
  registryId: string;
  createdAt?: string;
  /** MUTABLE | IMMUTABLE | IMMUTABLE_WITH_EXCLUSION | MUTABLE_WITH_EXCLUSION */
  imageTagMutability: string;
  /** WILDCARD filter values of a *_WITH_EXCLUSION mode. */
  exclusionFilters: string[];
  /** Filters of another type or without a value, as `type:value`: cannot be judged. */
  unrecognisedExclusionFilters?: string[];
  tags: Record<string, string>;
  /** Set when the repository's tags could not be read (its policy denies the role): not evaluated. */
  unreadable?: Unreadable;
}


/** Concurrent ListTagsForResource calls (ECR's default rate for it is 20 per second). */
const TAG_CONCURRENCY = 8;

const isWildcard = (filter: ImageTagMutabilityExclusionFilter) => filter.filterType === 'WILDCARD' && typeof filter.filter === 'string' && filter.filter !== '';

/** An ECR repository as the rules see it, from DescribeRepositories and its tags. */
export function repositoryFromApi(repository: Repository, tags: Record<string, string>): EcrRepository {
  const filters = repository.imageTagMutabilityExclusionFilters ?? [];
  const unrecognised = filters.filter((filter) => !isWildcard(filter));
  return {
    repositoryName: repository.repositoryName ?? '',
    repositoryArn: repository.repositoryArn ?? '',
    registryId: repository.registryId ?? '',
    ...(repository.createdAt ? { createdAt: repository.createdAt.toISOString() } : {}),
    imageTagMutability: repository.imageTagMutability ?? 'MUTABLE',
    exclusionFilters: filters.filter(isWildcard).map((filter) => filter.filter!),
    ...(unrecognised.length ? { unrecognisedExclusionFilters: unrecognised.map((filter) => `${filter.filterType ?? '?'}:${filter.filter ?? ''}`) } : {}),
    tags,
  };
}

/** The repository with its tags; a per-repository denial marks it unreadable instead of failing the region. */
async function withTags(ecr: ECRClient, repository: Repository): Promise<EcrRepository> {
  const arn = repository.repositoryArn ?? '';
  try {
    const response = await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    return repositoryFromApi(repository, Object.fromEntries((response.tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])));
  } catch (error) {
    const unreadable = unreadableFrom('ecr:ListTagsForResource', error);
    if (unreadable) return { ...repositoryFromApi(repository, {}), unreadable };
    return awsCall(`ecr:ListTagsForResource ${arn}`, () => Promise.reject(error as Error));
  }
}

/**
 * Every repository of the region with its tags, listed once per run and scope (memoised:
 * the tag-immutability and stale-image rules share it). DescribeRepositories pages at
 * 1000; tags come from ListTagsForResource with bounded concurrency.
 */
export function listRepositories(ctx: CollectContext<unknown>): Promise<EcrRepository[]> {
  return ctx.memo('ecr:repositories', async () => {
    const ecr = ctx.clients.get(ECRClient);
    const repositories: Repository[] = [];
    await awsCall('ecr:DescribeRepositories', async () => {
      for await (const page of paginateDescribeRepositories({ client: ecr, pageSize: 1000 }, {})) {
        repositories.push(...(page.repositories ?? []));
        ctx.progress(`${ctx.accountId} ${ctx.region}: ${repositories.length} ECR repositories listed`);
      }
    });
    return pMap(repositories, (repository) => withTags(ecr, repository), { concurrency: TAG_CONCURRENCY });
  });
}

/** One repository by name, for change-triggered runs whose item lacks newer fields. */
export async function describeRepository(ctx: CollectContext<unknown>, repositoryName: string): Promise<EcrRepository | undefined> {
  const ecr = ctx.clients.get(ECRClient);
  let repository: Repository | undefined;
  try {
    const response = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }));
    repository = response.repositories?.[0];
  } catch (error) {
    if ((error as Error).name === 'RepositoryNotFoundException') return undefined;
    return awsCall(`ecr:DescribeRepositories ${repositoryName}`, async () => {
      throw error;
    });
  }
  return repository ? withTags(ecr, repository) : undefined;
}
