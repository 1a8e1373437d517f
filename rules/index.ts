/**
 * RULES: the single registry. The CLI, the tests, the runbook toolchain and the CDK app all
 * loop over it; adding a rule here is all it takes to ship it everywhere.
 */
import { rule as ecrTagImmutability } from './ecr-tag-immutability/rule.js';
import { rule as ecrStaleImages } from './ecr-stale-images/rule.js';
import { rule as ecrVpcEndpoints } from './ecr-vpc-endpoints/rule.js';
import { rule as ecrImageScanning } from './ecr-image-scanning/rule.js';
import { rule as ecrRepositoryAccess } from './ecr-repository-access/rule.js';
import type { Rule } from './kernel/types.js';

export const RULES: readonly Rule[] = [ecrTagImmutability, ecrVpcEndpoints, ecrStaleImages, ecrImageScanning, ecrRepositoryAccess];
