/**
 * The example configuration synthesized once per test worker, without esbuild bundling
 * (bundle.test.ts bundles for real once): the templates the infra test files assert on.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadRunbooks } from '../../automations/catalog.js';
import { buildGuardrailsApp, type GuardrailsApp } from '../../infra/build.js';
import { RULES } from '../../rules/index.js';
import { formatRuleParameters, parseRuleParameters } from '../../rules/kernel/parameters.js';
import { config, ORG_ID, type CfnTemplate } from './support.js';

export const runbooks = loadRunbooks();
export const outdir = (): string => mkdtempSync(join(tmpdir(), 'ecr-guardrails-test-'));

export interface DefaultApp {
  built: GuardrailsApp;
  admin: Template[];
  org: Template;
  orgJson: CfnTemplate;
}

let cached: DefaultApp | undefined;

/** The synthesized example app (one synth per worker: CDK synths are CPU-bound). */
export function defaultApp(): DefaultApp {
  if (cached) return cached;
  const dir = outdir();
  const built = buildGuardrailsApp(config(), { runbooks, bundle: false, appProps: { outdir: dir }, conformancePackDir: join(dir, 'packs') });
  built.app.synth();
  const org = Template.fromStack(built.orgStack);
  cached = { built, admin: built.adminStacks.map((stack) => Template.fromStack(stack)), org, orgJson: org.toJSON() as CfnTemplate };
  return cached;
}

/** Rule parameters the example configuration sets. */
export const configuredParameters = (ruleId: string): Record<string, unknown> =>
  ruleId === 'ecr-tag-immutability'
    ? { AllowedExclusionFilters: 'latest, dev-*' }
    : // The CDK app fills in the deployment's organisation (infra/config.ts ruleInputParameters).
      ruleId === 'ecr-repository-access'
      ? { OrganizationId: ORG_ID }
      : {};

/** The InputParameters the Config rule of a rule must carry. */
export const expectedInputParameters = (ruleId: string): Record<string, string> => {
  const rule = RULES.find((r) => r.id === ruleId)!;
  return formatRuleParameters(parseRuleParameters(rule.id, rule.parameters, configuredParameters(rule.id)));
};
