/**
 * IAM actions the kernel itself needs in an evaluated account, whatever the rule:
 * reporting results, fetching oversized configuration items, and cleaning up results for
 * resources that no longer exist. Each rule adds its collector's actions in `rule.ts`.
 */
export const KERNEL_PERMISSIONS = [
  'config:PutEvaluations',
  'config:GetResourceConfigHistory',
  'config:GetComplianceDetailsByConfigRule',
] as const;
