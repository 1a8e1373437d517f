/**
 * Routes: for each rule, the runbook a Security Hub finding of its controls (or of its own
 * Config rule) is fixed with, and that runbook's parameters as the rule's configured
 * parameters ask. Computed once from the rules registry and the runbook catalog, at synth
 * time (infra/security-hub.ts puts them in the orchestrator's environment) and in tests.
 *
 * Destructive runbooks (`destructive: true`) and runbooks that wait for an approval
 * (`aws:approve`) are never routed: Security Hub only ever starts a rule's non-destructive fix.
 */
import type { Runbook } from '../automations/catalog.js';
import type { Rule } from '../rules/kernel/types.js';

export interface RemediationRoute {
  ruleId: string;
  /** Config resource type of the rule's findings (`AWS::EC2::VPC`, `AWS::ECR::Repository`). */
  resourceType: string;
  /** Security Hub control ids the rule maps to (`rule.controls.securityHub`). */
  controls: string[];
  /** The rule's Config rule name in the member accounts (findings Security Hub receives from Config). */
  configRuleName: string;
  /** VerbNoun runbook and its deployed document name. */
  runbook: string;
  documentName: string;
  /** The runbook parameter that receives the resource id. */
  resourceIdParameter: string;
  /** Further runbook parameters, as StartAutomationExecution takes them (StringList values split). */
  parameters: Record<string, string[]>;
  /**
   * Whether the runbook's Success proves the finding resolved: always for Security Hub's own
   * controls (each runbook ends with the rule's verification, stricter than the control); for
   * the rule's own Config findings only when every finding of the rule has a runbook.
   */
  resolves: { control: boolean; configRule: boolean };
}

/** True when a runbook can delete data or waits for a person: never started from Security Hub. */
export function needsAPerson(runbook: Runbook, destructive: boolean | undefined): boolean {
  return destructive === true || runbook.document.mainSteps.some((step) => step.action === 'aws:approve');
}

/**
 * One route per rule that has a runbook Security Hub may start. `paramsOf` gives the rule's
 * parsed parameters, `configRuleNameOf` its Config rule name (infra/names.ts).
 */
export function remediationRoutes(
  rules: readonly Rule[],
  runbooks: readonly Runbook[],
  paramsOf: (rule: Rule) => unknown,
  configRuleNameOf: (ruleId: string) => string,
): RemediationRoute[] {
  const routes: RemediationRoute[] = [];
  for (const rule of rules) {
    for (const ref of rule.remediations) {
      const runbook = runbooks.find((r) => r.name === ref.runbook);
      if (!runbook || needsAPerson(runbook, ref.destructive)) continue;
      const declared = runbook.document.parameters ?? {};
      const parameters: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(ref.parameters ? ref.parameters(paramsOf(rule)) : {})) {
        parameters[name] = declared[name]?.type === 'StringList' ? value.split(',').map((v) => v.trim()).filter((v) => v !== '') : [value];
      }
      routes.push({
        ruleId: rule.id,
        resourceType: rule.resourceType,
        controls: [...rule.controls.securityHub],
        configRuleName: configRuleNameOf(rule.id),
        runbook: runbook.name,
        documentName: runbook.documentName,
        resourceIdParameter: ref.resourceIdParameter,
        parameters,
        resolves: { control: true, configRule: rule.findingsWithoutRunbook === undefined },
      });
      break;
    }
  }
  return routes;
}

/** Every Security Hub control id some route handles, sorted. */
export function routedControls(routes: readonly RemediationRoute[]): string[] {
  return [...new Set(routes.flatMap((route) => route.controls))].sort();
}
