/**
 * ecr-tag-immutability: every ECR repository keeps its tags immutable, so a tag names one
 * image for good. Understands ECR's IMMUTABLE_WITH_EXCLUSION / MUTABLE_WITH_EXCLUSION modes.
 */
import { LIST_REPOSITORIES_PERMISSIONS } from '../common/ecr-permissions.js';
import { EXEMPTION_TAG_KEY, wildcardList } from '../common/parameters.js';
import { lazyCollector } from '../kernel/lazy-collector.js';
import { defineRule } from '../kernel/types.js';
import { evaluate, RESOURCE_TYPE, type TagImmutabilityFacts, type TagImmutabilityParams } from './evaluate.js';

export const rule = defineRule<TagImmutabilityParams, TagImmutabilityFacts>({
  id: 'ecr-tag-immutability',
  title: 'ECR tags are immutable',
  description:
    'Checks that each ECR repository has immutable image tags (IMMUTABLE, or IMMUTABLE_WITH_EXCLUSION limited to allowed exclusion filters). ' +
    'A mutable tag can be moved to different image content under the same name, bypassing scans and approvals that trusted it.',
  resourceType: RESOURCE_TYPE,
  triggers: {
    changeResourceTypes: [RESOURCE_TYPE],
    // Periodic too: repositories Config has not recorded yet, and the CLI.
    periodic: 'TwentyFour_Hours',
  },
  parameters: {
    type: 'object',
    properties: {
      AllowedExclusionFilters: wildcardList(
        'Comma-separated wildcard filters an IMMUTABLE_WITH_EXCLUSION repository may exclude from immutability (e.g. latest,dev-*). Default: none.',
      ),
      ExemptionTagKey: EXEMPTION_TAG_KEY,
    },
    required: ['AllowedExclusionFilters', 'ExemptionTagKey'],
    additionalProperties: false,
  },
  permissions: [...LIST_REPOSITORIES_PERMISSIONS],
  remediations: [
    {
      runbook: 'EnableEcrTagImmutability',
      resourceIdParameter: 'RepositoryName',
      parameters: (params): Record<string, string> =>
        params.AllowedExclusionFilters.length
          ? { Mode: 'IMMUTABLE_WITH_EXCLUSION', ExclusionFilters: params.AllowedExclusionFilters.join(',') }
          : { Mode: 'IMMUTABLE' },
      summary: 'Sets the repository to IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION with the allowed filters) and verifies it.',
    },
  ],
  controls: {
    securityHub: ['ECR.2'],
    nist800190: ['3.2.2', '4.2.2'],
    nist80053: ['CM-2', 'CM-8', 'SI-7'],
  },
  collector: lazyCollector(async () => (await import('./collect.js')).collector, { forChange: true }),
  evaluate: (facts, params) => evaluate(facts, params),
});
