/**
 * Pure evaluator for ecr-tag-immutability: (facts, params) -> evaluations. No SDK, no clock.
 *
 * A mutable tag lets anyone with push rights make `app:1.4.2` point at different content
 * without changing its name: deployments, scans and approvals that trusted the tag are
 * silently bypassed (NIST SP 800-190 3.2.x, Security Hub ECR.2).
 */
import { exemptionAnnotation } from '../common/exemption.js';
import type { EcrRepository } from '../common/ecr-repositories.js';
import { wildcardCovers } from '../kernel/wildcard.js';
import { notReadableEvaluation } from '../kernel/not-readable.js';
import type { Evaluation } from '../kernel/types.js';

export const RESOURCE_TYPE = 'AWS::ECR::Repository';

export interface TagImmutabilityParams {
  /** Exclusion filters an IMMUTABLE_WITH_EXCLUSION repository may have (wildcards). */
  AllowedExclusionFilters: string[];
  /** A repository carrying this tag is NOT_APPLICABLE; the tag's value is the reason. */
  ExemptionTagKey: string;
}

/** Only what the evaluator reads; collected from DescribeRepositories or a Config item. */
export type TagImmutabilityRepository = Pick<EcrRepository, 'repositoryName' | 'imageTagMutability' | 'exclusionFilters' | 'unrecognisedExclusionFilters' | 'tags' | 'unreadable'>;

/** ECR's exclusion filter alphabet: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html */
export const EXCLUSION_FILTER_VALUE = /^[0-9a-zA-Z._*-]{1,128}$/;

/** A filter made of `*` only matches every tag (ECR wildcards: `*` matches any run of characters). */
const matchesEveryTag = (filter: string) => /^\*+$/.test(filter);

export interface TagImmutabilityFacts {
  repositories: TagImmutabilityRepository[];
}

const quoted = (filters: string[]) => filters.map((filter) => `'${filter}'`).join(', ');

function result(repository: TagImmutabilityRepository, complianceType: Evaluation['complianceType'], annotation: string): Evaluation {
  return { resourceType: RESOURCE_TYPE, resourceId: repository.repositoryName, complianceType, annotation };
}

/** The evaluation of one repository from its tag mutability mode and exclusion filters. */
export function evaluateRepository(repository: TagImmutabilityRepository, params: TagImmutabilityParams): Evaluation {
  // Tags unreadable: not even the exemption can be judged.
  if (repository.unreadable) return notReadableEvaluation(RESOURCE_TYPE, repository.repositoryName, repository.unreadable);
  const exempt = exemptionAnnotation(repository.tags, params.ExemptionTagKey);
  if (exempt) return result(repository, 'NOT_APPLICABLE', exempt);
  const filters = repository.exclusionFilters;
  const unrecognised = repository.unrecognisedExclusionFilters ?? [];
  if (unrecognised.length && repository.imageTagMutability.endsWith('_WITH_EXCLUSION')) {
    return result(
      repository,
      'NON_COMPLIANT',
      `Unrecognised exclusion filter(s) ${quoted(unrecognised)} (${repository.imageTagMutability}): cannot tell which tags can be overwritten.`,
    );
  }
  // Which tags can be overwritten follows from the mode and the filters; the verdict judges that set.
  switch (repository.imageTagMutability) {
    case 'IMMUTABLE':
      return result(repository, 'COMPLIANT', 'Tags are immutable: a pushed tag always names the same image.');
    case 'IMMUTABLE_WITH_EXCLUSION': {
      const disallowed = filters.filter((filter) => !params.AllowedExclusionFilters.some((allowed) => wildcardCovers(allowed, filter)));
      if (disallowed.length === 0) {
        return result(
          repository,
          'COMPLIANT',
          filters.length === 0
            ? 'Tags are immutable (IMMUTABLE_WITH_EXCLUSION without filters).'
            : `Tags are immutable except ${quoted(filters)}, all within the allowed exclusion filters.`,
        );
      }
      const allowed = params.AllowedExclusionFilters.length ? quoted(params.AllowedExclusionFilters) : 'none';
      return result(
        repository,
        'NON_COMPLIANT',
        `Tags matching ${quoted(disallowed)} can be overwritten (IMMUTABLE_WITH_EXCLUSION beyond the allowed exclusion filters: ${allowed}).`,
      );
    }
    case 'MUTABLE':
      return result(repository, 'NON_COMPLIANT', 'Every tag can be overwritten (MUTABLE): a tag can be moved to different image content under the same name.');
    case 'MUTABLE_WITH_EXCLUSION':
      // Tags matching a filter are immutable; every other tag can be overwritten.
      if (filters.some(matchesEveryTag)) {
        return result(repository, 'COMPLIANT', `Tags are immutable: the exclusion filter ${quoted(filters.filter(matchesEveryTag))} matches every tag (MUTABLE_WITH_EXCLUSION).`);
      }
      if (params.AllowedExclusionFilters.some(matchesEveryTag)) {
        return result(repository, 'COMPLIANT', `Tags not matching ${quoted(filters)} can be overwritten, which the allowed exclusion filter '*' permits.`);
      }
      return result(
        repository,
        'NON_COMPLIANT',
        filters.length
          ? `Every tag except those matching ${quoted(filters)} can be overwritten (MUTABLE_WITH_EXCLUSION).`
          : 'Every tag can be overwritten (MUTABLE_WITH_EXCLUSION without filters).',
      );
    default:
      return result(
        repository,
        'NON_COMPLIANT',
        `Unrecognised tag mutability ${JSON.stringify(repository.imageTagMutability)}: cannot confirm that tags are immutable.`,
      );
  }
}

/** Pure: evaluates every repository of the facts; one evaluation per repository. */
export function evaluate(facts: TagImmutabilityFacts, params: TagImmutabilityParams): Evaluation[] {
  return facts.repositories.map((repository) => evaluateRepository(repository, params));
}
