/**
 * ecr-stale-images: repositories hold no images that nobody has pushed or pulled for a long
 * time, no build-up of untagged images, and a lifecycle policy that keeps it that way.
 * Periodic only: Config does not record images.
 */
import { LIST_REPOSITORIES_PERMISSIONS } from '../common/ecr-permissions.js';
import { EXEMPTION_TAG_KEY, wildcardList } from '../common/parameters.js';
import { lazyCollector } from '../kernel/lazy-collector.js';
import { defineRule } from '../kernel/types.js';
import { evaluate, inventory } from './evaluate.js';
import { RESOURCE_TYPE, type StaleImagesFacts, type StaleImagesParams } from './facts.js';

/** Repositories read in parallel; see docs/rules/ecr-stale-images.md for the reasoning. */
export const DEFAULT_CONCURRENCY = 8;

export const rule = defineRule<StaleImagesParams, StaleImagesFacts>({
  id: 'ecr-stale-images',
  title: 'ECR repositories hold no stale images',
  description:
    'Checks each ECR repository for images pushed more than MaxImageAgeDays ago and not pulled within MaxIdleDays (lastRecordedPullTime), ' +
    'for more than MaxUntaggedImages untagged images older than a day, and for a lifecycle policy that expires untagged and aged images. ' +
    'Stale images carry known vulnerabilities and get deployed by mistake (NIST SP 800-190 3.2.2).',
  resourceType: RESOURCE_TYPE,
  triggers: {
    changeResourceTypes: [],
    periodic: 'TwentyFour_Hours',
  },
  parameters: {
    type: 'object',
    properties: {
      MaxImageAgeDays: {
        type: 'integer',
        description: 'An image pushed more than this many days ago and not pulled within MaxIdleDays is stale.',
        default: 90,
        minimum: 1,
        maximum: 3650,
      },
      MaxIdleDays: {
        type: 'integer',
        description: 'Days without a recorded pull (lastRecordedPullTime, updated by ECR about daily) after which an old image is stale.',
        default: 90,
        minimum: 1,
        maximum: 3650,
      },
      MaxUntaggedImages: {
        type: 'integer',
        description: 'Untagged images older than one day a repository may hold.',
        default: 0,
        minimum: 0,
        maximum: 100000,
      },
      ProtectedTagPatterns: wildcardList('Comma-separated wildcards (e.g. release-*,prod) whose images are never stale. Default: none.'),
      RequireLifecyclePolicy: {
        type: 'boolean',
        description: 'Require a lifecycle policy that expires (or archives) untagged images and images past the age limits.',
        default: true,
      },
      ExemptionTagKey: EXEMPTION_TAG_KEY,
      Concurrency: {
        type: 'integer',
        description: 'Repositories read in parallel (DescribeImages and GetLifecyclePolicy calls in flight); the SDK adaptive retry paces them to ECR throttling.',
        default: DEFAULT_CONCURRENCY,
        minimum: 1,
        maximum: 32,
      },
    },
    required: ['MaxImageAgeDays', 'MaxIdleDays', 'MaxUntaggedImages', 'ProtectedTagPatterns', 'RequireLifecyclePolicy', 'ExemptionTagKey', 'Concurrency'],
    additionalProperties: false,
  },
  permissions: [
    ...LIST_REPOSITORIES_PERMISSIONS,
    'ecr:DescribeImages',
    // The manifests of image indexes: which untagged images are their platform manifests.
    'ecr:BatchGetImage',
    'ecr:GetLifecyclePolicy',
    // Resume order: when each repository last got a result (also a kernel permission).
    'config:GetComplianceDetailsByConfigRule',
  ],
  remediations: [
    {
      runbook: 'ApplyEcrLifecyclePolicy',
      resourceIdParameter: 'RepositoryName',
      parameters: (params): Record<string, string> => ({
        MaxImageAgeDays: String(params.MaxImageAgeDays),
        // The runbook's default age rule is sinceImagePulled: it must wait no longer than MaxIdleDays.
        MaxIdleDays: String(params.MaxIdleDays),
        // The rule counts untagged images older than one day ...
        UntaggedExpireDays: '1',
        // ... and accepts an untagged count rule only within its allowance.
        MaxUntaggedImages: String(params.MaxUntaggedImages),
        // The verification applies the rule's image semantics too (protected tags are never stale).
        ...(params.ProtectedTagPatterns.length ? { ProtectedTagPatterns: params.ProtectedTagPatterns.join(',') } : {}),
      }),
      summary: 'Adds lifecycle rules that expire untagged images and images past the age limit, keeping every existing rule; fails naming what remains while stale images wait for the policy to expire them.',
    },
    {
      runbook: 'DeleteStaleEcrImages',
      resourceIdParameter: 'RepositoryName',
      parameters: (params): Record<string, string> => ({
        MaxImageAgeDays: String(params.MaxImageAgeDays),
        MaxIdleDays: String(params.MaxIdleDays),
        // Omitted when empty: the runbook's default is none (Config does not pass empty values).
        ...(params.ProtectedTagPatterns.length ? { ProtectedTagPatterns: params.ProtectedTagPatterns.join(',') } : {}),
        // One definition: the runbook removes exactly what the rule counts. The rule counts the
        // most recent images too, so none is spared by recency, and it allows MaxUntaggedImages.
        MaxUntaggedImages: String(params.MaxUntaggedImages),
        IncludeUntagged: 'true',
        KeepLastImages: '0',
      }),
      destructive: true,
      summary: 'Lists the stale images and untagged build-up the rule counts (dry run by default); after an approval step, deletes or archives them in batches of 100, never protected images, and fails unless the rule would then agree.',
    },
  ],
  controls: {
    securityHub: ['ECR.3'],
    nist800190: ['3.2.2', '4.2.2'],
    nist80053: ['SI-2', 'SI-2(6)', 'CM-7'],
  },
  collector: lazyCollector(async () => (await import('./collect.js')).collector, { forChange: false }),
  evaluate,
  inventory,
});
