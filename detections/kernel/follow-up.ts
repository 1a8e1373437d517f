/**
 * What the detection Lambda does in the member account after alerting: import the alert into
 * Security Hub, and ask Config to evaluate the related rule again when that rule is periodic
 * (so the compliance view follows within minutes instead of at the next period). It acts
 * through the member's detection role, whose actions are derived here from the detections.
 */
import type { Rule } from '../../rules/kernel/types.js';
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

/** The member detection role's actions, derived from the detections and rules. */
export function detectionRoleActions(detections: readonly Detection[], rules: readonly Rule[], securityHub: boolean): string[] {
  const actions = new Set<string>();
  if (securityHub) actions.add(IMPORT_FINDINGS_ACTION);
  if (detections.some((detection) => periodicRelatedRule(detection, rules))) actions.add(REEVALUATE_ACTION);
  return [...actions].sort();
}
