/** The only I/O of ecr-tag-immutability: ECR API or Config item -> plain facts. */
import { describeRepository, listRepositories } from '../common/ecr-repositories.js';
import type { ConfigurationItem } from '../kernel/config-item.js';
import type { CollectContext, Collector } from '../kernel/types.js';
import { EXCLUSION_FILTER_VALUE } from './evaluate.js';
import type { TagImmutabilityFacts, TagImmutabilityParams, TagImmutabilityRepository } from './evaluate.js';

type CfnExclusionFilter = { ImageTagMutabilityExclusionFilterType?: string; ImageTagMutabilityExclusionFilterValue?: string };

/**
 * A recorded filter we understand: type WILDCARD (the only one ECR documents) and a value of
 * ECR's filter alphabet, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html
 */
function isReadableFilter(filter: unknown): boolean {
  const { ImageTagMutabilityExclusionFilterType: type, ImageTagMutabilityExclusionFilterValue: value } = (filter ?? {}) as CfnExclusionFilter;
  return type === 'WILDCARD' && typeof value === 'string' && EXCLUSION_FILTER_VALUE.test(value);
}

/**
 * Reads the CloudFormation-shaped configuration Config records for AWS::ECR::Repository.
 * Returns undefined when the item lacks what the evaluation needs: the mode, or the
 * exclusion filters of a *_WITH_EXCLUSION mode (older recordings lack those fields).
 */
export function repositoryFromConfigurationItem(item: ConfigurationItem): TagImmutabilityRepository | undefined {
  const configuration = item.configuration ?? {};
  const mode = configuration.ImageTagMutability;
  if (typeof mode !== 'string') return undefined;
  const recordedFilters = configuration.ImageTagMutabilityExclusionFilters as CfnExclusionFilter[] | undefined;
  if (mode.endsWith('_WITH_EXCLUSION') && !Array.isArray(recordedFilters)) return undefined;
  // An entry we cannot read must not become "no filter": read the repository from the API.
  if (Array.isArray(recordedFilters) && !recordedFilters.every(isReadableFilter)) return undefined;
  const configurationTags = Array.isArray(configuration.Tags) ? (configuration.Tags as Array<{ Key?: string; Value?: string }>) : [];
  return {
    repositoryName: typeof configuration.RepositoryName === 'string' ? configuration.RepositoryName : item.resourceName ?? item.resourceId,
    imageTagMutability: mode,
    exclusionFilters: (recordedFilters ?? []).map((filter) => filter.ImageTagMutabilityExclusionFilterValue ?? '').filter(Boolean),
    tags: { ...Object.fromEntries(configurationTags.map((tag) => [tag.Key ?? '', tag.Value ?? ''])), ...item.tags },
  };
}

export const collector: Collector<TagImmutabilityParams, TagImmutabilityFacts> = {
  async collectAll(ctx: CollectContext<TagImmutabilityParams>) {
    return { repositories: await listRepositories(ctx) };
  },
  async collectForChange(item, ctx) {
    const fromItem = repositoryFromConfigurationItem(item);
    if (fromItem) return { repositories: [fromItem] };
    ctx.logger.info('Configuration item lacks tag mutability fields; reading them from ECR', { repository: item.resourceId });
    const fromApi = await describeRepository(ctx, item.resourceName ?? item.resourceId);
    return { repositories: fromApi ? [fromApi] : [] };
  },
};
