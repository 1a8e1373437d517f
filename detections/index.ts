/**
 * DETECTIONS: the single registry of detections. The CLI, the tests and the CDK app loop over
 * it, as they do over RULES.
 */
import { detection as ecrImagePulledOutsideOrg } from './ecr-image-pulled-outside-org/detection.js';
import { detection as ecrImageScanCritical } from './ecr-image-scan-critical/detection.js';
import { detection as ecrImagesBatchDeleted } from './ecr-images-batch-deleted/detection.js';
import { detection as ecrLifecyclePolicyDeleted } from './ecr-lifecycle-policy-deleted/detection.js';
import { detection as ecrRegistryExternalAccess } from './ecr-registry-external-access/detection.js';
import { detection as ecrRepositoryDeleted } from './ecr-repository-deleted/detection.js';
import { detection as ecrRepositoryPolicy } from './ecr-repository-policy/detection.js';
import { detection as ecrScanningWeakened } from './ecr-scanning-weakened/detection.js';
import { detection as ecrTagMutability } from './ecr-tag-mutability/detection.js';
import type { Detection } from './kernel/types.js';
import { detection as vpcDnsDisabled } from './vpc-dns-disabled/detection.js';
import { detection as vpcDnsResolutionChanged } from './vpc-dns-resolution-changed/detection.js';
import { detection as vpcEndpointWeakened } from './vpc-endpoint-weakened/detection.js';

export const DETECTIONS: readonly Detection[] = [
  ecrTagMutability,
  ecrRepositoryPolicy,
  ecrLifecyclePolicyDeleted,
  ecrScanningWeakened,
  ecrRegistryExternalAccess,
  ecrRepositoryDeleted,
  ecrImagesBatchDeleted,
  ecrImageScanCritical,
  ecrImagePulledOutsideOrg,
  vpcEndpointWeakened,
  vpcDnsDisabled,
  vpcDnsResolutionChanged,
];
