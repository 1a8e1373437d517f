/**
 * ecr-image-scanning: every push to each ECR repository is scanned (the effective registry
 * configuration), enhanced scanning really runs (Amazon Inspector on for ECR), and no image
 * in use carries old findings at or above a severity.
 */
import { LIST_REPOSITORIES_PERMISSIONS } from '../common/ecr-permissions.js';
import { EXEMPTION_TAG_KEY } from '../common/parameters.js';
import { lazyCollector } from '../kernel/lazy-collector.js';
import { defineRule } from '../kernel/types.js';
import { evaluate, inventory, RESOURCE_TYPE, RULE_ID, RUNBOOK, type ImageScanningFacts, type ImageScanningParams } from './evaluate.js';
import { IMAGE_SCANNING_PERMISSIONS } from './permissions.js';

export const rule = defineRule<ImageScanningParams, ImageScanningFacts>({
  id: RULE_ID,
  title: 'ECR images are scanned and carry no old critical vulnerabilities',
  description:
    'Checks that pushes to each ECR repository are scanned (effective registry scanning configuration: BASIC scan on push, or ENHANCED scan on push or continuous), ' +
    'that enhanced scanning runs (Amazon Inspector enabled for ECR), that no image pushed or pulled within InUseDays has a FAILED scan, ' +
    'and that none carries findings at or above MaxFindingSeverity open longer than MaxFindingAgeDays (NIST SP 800-190 3.1.1).',
  resourceType: RESOURCE_TYPE,
  triggers: {
    // Config records ImageScanningConfiguration on the repository; registry settings and findings change without it.
    changeResourceTypes: [RESOURCE_TYPE],
    periodic: 'TwentyFour_Hours',
  },
  parameters: {
    type: 'object',
    properties: {
      InUseDays: {
        type: 'integer',
        description: 'An image pushed or pulled (lastRecordedPullTime) within this many days is in use: its scan status and findings count.',
        default: 30,
        minimum: 1,
        maximum: 3650,
      },
      MaxFindingSeverity: {
        type: 'string',
        description: 'Findings at or above this severity count (LOW, MEDIUM, HIGH or CRITICAL).',
        default: 'CRITICAL',
        enum: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'],
      },
      MaxFindingAgeDays: {
        type: 'integer',
        description: 'Days a counted finding may stay open (first observed; for basic scanning, since the scan that reported it).',
        default: 30,
        minimum: 0,
        maximum: 3650,
      },
      VulnerabilityCheck: {
        type: 'boolean',
        description: 'Judge the findings of images in use (false: judge the scanning configuration and scan statuses only).',
        default: true,
      },
      ExemptionTagKey: EXEMPTION_TAG_KEY,
      Concurrency: {
        type: 'integer',
        description: 'Repositories read in parallel (DescribeImages calls in flight); the SDK adaptive retry paces them to ECR throttling.',
        default: 8,
        minimum: 1,
        maximum: 32,
      },
    },
    required: ['InUseDays', 'MaxFindingSeverity', 'MaxFindingAgeDays', 'VulnerabilityCheck', 'ExemptionTagKey', 'Concurrency'],
    additionalProperties: false,
  },
  permissions: [...LIST_REPOSITORIES_PERMISSIONS, ...IMAGE_SCANNING_PERMISSIONS],
  remediations: [
    {
      runbook: RUNBOOK,
      resourceIdParameter: 'RepositoryName',
      // The verification applies the rule's own image checks with these parameters, and the
      // basic scans of images in use without results are what make a configuration fix complete.
      parameters: (params): Record<string, string> => ({
        Scope: 'repository',
        ScanNow: 'true',
        InUseDays: String(params.InUseDays),
        MaxFindingSeverity: params.MaxFindingSeverity,
        MaxFindingAgeDays: String(params.MaxFindingAgeDays),
        VulnerabilityCheck: String(params.VulnerabilityCheck),
      }),
      summary:
        'Adds the repository to the registry scanning configuration\'s scan-on-push rule (merging: no rule or filter removed, ENHANCED kept), starts basic scans of images in use without results, and verifies as the rule does; fails naming images that still lack results or carry old findings.',
    },
  ],
  findingsWithoutRunbook: 'Old vulnerabilities and FAILED scans of images in use: only a rebuilt image (or a new scan) fixes them.',
  controls: {
    securityHub: ['ECR.1'],
    nist800190: ['3.1.1', '4.1.1'],
    nist80053: ['RA-5', 'SI-2', 'SI-3'],
  },
  collector: lazyCollector(async () => (await import('./collect.js')).collector, { forChange: true, prepare: true }),
  evaluate,
  inventory,
});
