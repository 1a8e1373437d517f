/**
 * ecr-repository-access: nobody outside the organisation (and TrustedAccounts) can push, delete
 * or change an ECR repository, nobody outside AllowedPullAccounts can pull from it, and no
 * service principal can be used for an outside account (confused deputy).
 */
import { LIST_REPOSITORIES_PERMISSIONS } from '../common/ecr-permissions.js';
import { EXEMPTION_TAG_KEY } from '../common/parameters.js';
import { lazyCollector } from '../kernel/lazy-collector.js';
import { defineRule } from '../kernel/types.js';
import { evaluate, RESOURCE_TYPE, RULE_ID, RUNBOOK, type RepositoryAccessFacts, type RepositoryAccessParams } from './evaluate.js';
import { REPOSITORY_ACCESS_PERMISSIONS } from './permissions.js';

const accountList = (description: string) => ({ type: 'array', description, default: [] as string[], items: { type: 'string', pattern: '^[0-9]{12}$' } }) as const;

export const rule = defineRule<RepositoryAccessParams, RepositoryAccessFacts, ReturnType<typeof evaluate>>({
  id: RULE_ID,
  title: 'ECR repositories are reachable only from the organisation',
  description:
    'Checks, by simulating each repository policy (and the registry policy) with an IAM policy simulator, that no principal outside the organisation and TrustedAccounts can push, delete or change the repository, ' +
    'that only AllowedPullAccounts can pull from outside, that service principals carry aws:SourceAccount/aws:SourceArn/aws:SourceOrgID, and that registry replication stays inside (NIST SP 800-190 3.2.3).',
  resourceType: RESOURCE_TYPE,
  triggers: {
    // Config records RepositoryPolicyText on the repository; registry policy and replication change without it.
    changeResourceTypes: [RESOURCE_TYPE],
    periodic: 'TwentyFour_Hours',
  },
  parameters: {
    type: 'object',
    properties: {
      OrganizationId: {
        type: 'string',
        description: 'The organisation (o-...) whose principals may reach repositories. The CDK app fills it in from the deployment configuration; empty: the account\'s own organisation (organizations:DescribeOrganization).',
        default: '',
        pattern: '^(o-[a-z0-9]{10,32})?$',
      },
      TrustedAccounts: accountList('Comma-separated account ids trusted like the organisation (may read and write), e.g. a partner CI account.'),
      AllowedPullAccounts: accountList('Comma-separated outside account ids that may pull (Read and List actions) but never write, e.g. a vendor sharing images.'),
      ExemptionTagKey: EXEMPTION_TAG_KEY,
      UseAccessAnalyzer: {
        type: 'boolean',
        description:
          'Also compare each repository with the ACTIVE findings of the account\'s IAM Access Analyzer external access analyzer (type ACCOUNT, or ORGANIZATION where visible) in the region. A finding can add a NON_COMPLIANT verdict, never remove one; no active analyzer or an unreadable listing is "Not readable" (see the rule page).',
        default: false,
      },
    },
    required: ['OrganizationId', 'TrustedAccounts', 'AllowedPullAccounts', 'ExemptionTagKey', 'UseAccessAnalyzer'],
    additionalProperties: false,
  },
  permissions: [...LIST_REPOSITORIES_PERMISSIONS, ...REPOSITORY_ACCESS_PERMISSIONS],
  remediations: [
    {
      runbook: RUNBOOK,
      resourceIdParameter: 'RepositoryName',
      parameters: (params): Record<string, string> => ({
        Mode: 'confine',
        ...(params.OrganizationId ? { OrganizationId: params.OrganizationId } : {}),
        ...(params.TrustedAccounts.length ? { TrustedAccounts: params.TrustedAccounts.join(',') } : {}),
        ...(params.AllowedPullAccounts.length ? { AllowedPullAccounts: params.AllowedPullAccounts.join(',') } : {}),
      }),
      summary:
        'After approval (showing the statements before and after), confines each offending repository policy statement to the organisation (or removes it with Mode=remove), keeps every other statement, and verifies the policy written.',
    },
  ],
  controls: {
    securityHub: [],
    nist800190: ['3.2.3', '4.2.3'],
    nist80053: ['AC-3', 'AC-6', 'AC-21'],
  },
  severity: 'HIGH',
  collector: lazyCollector(async () => (await import('./collect.js')).collector, { forChange: true }),
  evaluate: (facts, params) => evaluate(facts, params),
});
