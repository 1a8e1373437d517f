/**
 * The evaluation role's IAM actions, derived from the rules: what the kernel needs in every
 * evaluated account plus each rule's collector `permissions`. The single source of the
 * evaluation role policy (infra/) and of what `scan --org` needs in member accounts.
 */
import { KERNEL_PERMISSIONS } from './kernel/permissions.js';
import type { Rule } from './kernel/types.js';

/** Sorted union of KERNEL_PERMISSIONS and every rule's `permissions`. */
export function evaluationRoleActions(rules: readonly Pick<Rule, 'permissions'>[]): string[] {
  return [...new Set<string>([...KERNEL_PERMISSIONS, ...rules.flatMap((rule) => rule.permissions)])].sort();
}
