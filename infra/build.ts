/**
 * Builds the whole CDK app from a validated configuration: the member templates (own App,
 * with cdk-nag), one admin stack per region, the organization stack with the StackSets, and
 * the conformance pack templates. `infra/app.ts` calls this for `cdk synth` / `cdk deploy`;
 * tests call it with their own configuration.
 *
 * IAM actions come from the runbook toolchain and the rule registry, never from here:
 * `automationRoleActions(runbooks)` (automations/catalog.ts) and `evaluationRoleActions(rules)`
 * (rules/permissions.ts).
 */
import { App, type AppProps } from 'aws-cdk-lib';
import { automationRoleActions, loadRunbooks, type Runbook } from '../automations/catalog.js';
import { RULES } from '../rules/index.js';
import type { Rule } from '../rules/kernel/types.js';
import { evaluationRoleActions } from '../rules/permissions.js';
import { AdminStack } from './admin.js';
import type { GuardrailsConfig } from './config.js';
import { writeConformancePacks } from './conformance-pack.js';
import { ConformancePackStack } from './conformance-pack-stack.js';
import { synthesizeMemberTemplates, type MemberTemplates } from './member.js';
import { addNagChecks } from './nag.js';
import { OrgStack } from './org.js';
import { buildPlan, type DeploymentPlan } from './plan.js';

export interface BuildOptions {
  /** Defaults to RULES. */
  rules?: readonly Rule[];
  /** Defaults to every runbook in automations/. */
  runbooks?: readonly Runbook[];
  /** Props of the admin App (outdir, context). */
  appProps?: AppProps;
  /** Run cdk-nag (default true). */
  nag?: boolean;
  /** Bundle the Lambdas with esbuild (default true); false skips bundling (tests). */
  bundle?: boolean;
  /** For tests: the inline StackSet template size limit. */
  templateBodyLimit?: number;
  /** Where to write the conformance pack templates (default: the app's outdir). */
  conformancePackDir?: string | false;
}

export interface GuardrailsApp {
  app: App;
  plan: DeploymentPlan;
  member: MemberTemplates;
  adminStacks: AdminStack[];
  orgStack: OrgStack;
  /** `conformance-pack` mode: one per region (the organization conformance packs); empty in `stackset` mode. */
  conformancePackStacks: ConformancePackStack[];
  conformancePackFiles: string[];
}

/** The deployment plan of a configuration: every rule and runbook of the project, with the derived IAM actions. */
export function planFor(config: GuardrailsConfig, options: Pick<BuildOptions, 'rules' | 'runbooks'> = {}): DeploymentPlan {
  const rules = options.rules ?? RULES;
  const runbooks = options.runbooks ?? loadRunbooks();
  return buildPlan({
    config,
    rules,
    runbooks,
    automationActions: automationRoleActions(runbooks),
    evaluationActions: evaluationRoleActions(rules),
  });
}

/** Builds the whole CDK app for a configuration: one admin stack per region, the organization stack (member StackSets), conformance packs and cdk-nag. */
export function buildGuardrailsApp(config: GuardrailsConfig, options: BuildOptions = {}): GuardrailsApp {
  const plan = planFor(config, options);
  const member = synthesizeMemberTemplates(plan, { nag: options.nag !== false });

  const context: Record<string, unknown> = { ...(options.appProps?.context ?? {}) };
  // An empty bundling-stacks list makes NodejsFunction skip esbuild (placeholder code).
  if (options.bundle === false) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ ...options.appProps, context });

  const adminStacks = config.regions.map((region) => new AdminStack(app, region, plan));
  const orgStack = new OrgStack(app, plan, {
    templates: { global: member.global, regional: member.regional },
    ...(options.templateBodyLimit !== undefined ? { templateBodyLimit: options.templateBodyLimit } : {}),
  });
  // The Config rules the StackSet creates need the Lambdas (and their invoke permission) first.
  for (const stack of adminStacks) orgStack.addStackDependency(stack);
  // The packs' remediations need the member roles and runbooks: after the StackSets.
  const conformancePackStacks =
    config.deploymentMode === 'conformance-pack' ? config.regions.map((region) => new ConformancePackStack(app, region, plan)) : [];
  for (const stack of conformancePackStacks) stack.addStackDependency(orgStack);
  if (options.nag !== false) addNagChecks(app);

  const conformancePackDir = options.conformancePackDir ?? app.outdir;
  // The pack names the automation role with the management account id (stackset mode may not know it).
  const writePacks = conformancePackDir !== false && config.managementAccountId !== undefined;
  const conformancePackFiles = writePacks ? writeConformancePacks(plan, conformancePackDir) : [];
  return { app, plan, member, adminStacks, orgStack, conformancePackStacks, conformancePackFiles };
}
