/**
 * What the detection Lambda does in the member account after alerting: import the alert into
 * Security Hub, and ask Config to evaluate the related rule again when that rule is periodic
 * (so the compliance view follows within minutes instead of at the next period); before
 * alerting, it reads the VPC endpoints of the VPC a DNS change touched (endpoint-reliance.ts).
 * It acts through the member's detection role, whose actions are derived here from the
 * detections; the Lambda's own dedupe-table action is derived here too.
 */
import type { Rule } from '../../rules/kernel/types.js';
import { DEDUPE_TABLE_ACTION } from './dedupe-table.js';
import { ENDPOINT_RELIANCE_ACTION } from './endpoint-reliance.js';
import type { Detection } from './types.js';

/** The member role the detection Lambda assumes. */
export const DETECTION_ROLE_NAME = 'EcrGuardrailsDetectionRole';

export const IMPORT_FINDINGS_ACTION = 'securityhub:BatchImportFindings';
export const REEVALUATE_ACTION = 'config:StartConfigRulesEvaluation';

/** The related rule of a detection when that rule is deployed and periodic. */
export function periodicRelatedRule(detection: Pick<Detection, 'relatedRule'>, rules: readonly Rule[]): Rule | undefined {
  const rule = rules.find((candidate) => candidate.id === detection.relatedRule);
  return rule?.triggers.periodic ? rule : undefined;
}

/** Rule id -> Config rule name of the rules a related change re-evaluates: the periodic ones (change-triggered rules follow by themselves). */
export function reevaluatedRuleNames(rules: readonly Rule[], configRuleName: (ruleId: string) => string): Record<string, string> {
  return Object.fromEntries(rules.filter((rule) => rule.triggers.periodic).map((rule) => [rule.id, configRuleName(rule.id)]));
}

/** The member detection role's actions, derived from the detections and rules. */
export function detectionRoleActions(detections: readonly Detection[], rules: readonly Rule[], securityHub: boolean): string[] {
  const actions = new Set<string>();
  if (securityHub) actions.add(IMPORT_FINDINGS_ACTION);
  if (detections.some((detection) => periodicRelatedRule(detection, rules))) actions.add(REEVALUATE_ACTION);
  if (detections.some((detection) => detection.endpointReliance)) actions.add(ENDPOINT_RELIANCE_ACTION);
  return [...actions].sort();
}

/** The detection Lambda's actions on its own dedupe table (admin account): none when deduplication is off (window 0). */
export function dedupeTableActions(windowSeconds: number): string[] {
  return windowSeconds > 0 ? [DEDUPE_TABLE_ACTION] : [];
}
