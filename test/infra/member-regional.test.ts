/**
 * The member regional template: documents, Config rules and remediations (stackset mode), and conformance-pack mode. Fine-grained assertions on the synthesized templates.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {  Template } from 'aws-cdk-lib/assertions';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AutomationDocument } from '../../automations/document.js';
import { scriptReference } from '../../automations/script-files.js';
import { compactScript } from '../../automations/script-compact.js';
import {  planFor } from '../../infra/build.js';
import { synthesizeMemberTemplates, type MemberTemplates } from '../../infra/member.js';
import { AUTOMATION_ROLE_NAME, configRuleName, functionName } from '../../infra/names.js';
import { RULES } from '../../rules/index.js';
import { configuredParameters, defaultApp, expectedInputParameters, runbooks, type DefaultApp } from './default-app.js';
import {  parseRuleParameters } from '../../rules/kernel/parameters.js';
import { ADMIN, config, onlyResource, render, resourcesOfType, type CfnTemplate } from './support.js';

// CDK synths are CPU-bound and this machine is shared: generous limits, few synths.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

let built: DefaultApp['built'];
beforeAll(() => {
  ({ built } = defaultApp());
}, 120_000);

describe('member regional template (stackset mode)', () => {
  let json: CfnTemplate;
  let template: Template;
  beforeAll(() => {
    json = built.member.regional as CfnTemplate;
    template = Template.fromJSON(json);
  });

  it('has one SSM Automation document per runbook, named EcrGuardrails-<VerbNoun>, updated as new versions', () => {
    expect(resourcesOfType(json, 'AWS::SSM::Document')).toHaveLength(runbooks.length);
    for (const runbook of runbooks) {
      template.hasResourceProperties('AWS::SSM::Document', {
        Name: `EcrGuardrails-${runbook.name}`,
        DocumentType: 'Automation',
        DocumentFormat: 'JSON',
        UpdateMethod: 'NewVersion',
        Content: runbook.document,
      });
    }
  });

  it('deploys every runbook script inline: the code of the Python file the YAML names, sibling modules included', () => {
    let checked = 0;
    for (const runbook of runbooks) {
      const [, props] = onlyResource(json, 'AWS::SSM::Document', (p) => p['Name'] === runbook.documentName);
      const deployed = (props['Content'] as AutomationDocument).mainSteps;
      for (const step of (load(runbook.yaml) as AutomationDocument).mainSteps) {
        const reference = scriptReference(step.inputs['Script']);
        if (reference === undefined) continue;
        const script = deployed.find((s) => s.name === step.name)?.inputs['Script'];
        expect(typeof script, `${runbook.name} ${step.name}`).toBe('string');
        const file = join(dirname(runbook.path), reference);
        // A module beside the step, else in scripts/common/ (modules may import modules).
        const siblingModule = (line: string): string | undefined => {
          const name = /^from (\w+) import /.exec(line)?.[1];
          const paths = name ? [join(dirname(file), `${name}.py`), join(dirname(file), '..', 'common', `${name}.py`)] : [];
          return paths.find((path) => existsSync(path));
        };
        const linesOf = (path: string): string[] =>
          readFileSync(path, 'utf8')
            .trimEnd()
            .split('\n')
            .flatMap((line) => {
              const module = siblingModule(line);
              return module ? linesOf(module) : [line];
            });
        // `{file, compact: true}`: the same code with comments and indentation reduced (script-compact.ts).
        const compact = (step.inputs['Script'] as { compact?: boolean }).compact === true;
        const expected = compact ? compactScript(linesOf(file).join('\n')).split('\n') : linesOf(file);
        const deployedLines = String(script).split('\n');
        expect(expected.filter((line) => !deployedLines.includes(line)), `${runbook.name} ${step.name}`).toEqual([]);
        expect(deployedLines.filter((line) => siblingModule(line)), `${runbook.name} ${step.name}`).toEqual([]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it.each(RULES.map((r) => [r.id]))('%s: Config rule pointing at the central Lambda of the same region, with its triggers, scope and parameters', (ruleId) => {
    const rule = RULES.find((r) => r.id === ruleId)!;
    const [, props] = onlyResource(json, 'AWS::Config::ConfigRule', (p) => p['ConfigRuleName'] === configRuleName(ruleId));
    const source = props['Source'] as Record<string, unknown>;
    expect(source['Owner']).toBe('CUSTOM_LAMBDA');
    expect(render(source['SourceIdentifier'])).toBe(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:${ADMIN}:function:${functionName(ruleId)}`);
    const messageTypes = (source['SourceDetails'] as Record<string, string>[]).map((d) => d['MessageType']);
    const expected = [
      ...(rule.triggers.changeResourceTypes.length ? ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification'] : []),
      ...(rule.triggers.periodic ? ['ScheduledNotification'] : []),
    ];
    expect(messageTypes).toEqual(expected);
    for (const detail of source['SourceDetails'] as Record<string, string>[]) {
      expect(detail['EventSource']).toBe('aws.config');
      expect(detail['MaximumExecutionFrequency']).toBe(detail['MessageType'] === 'ScheduledNotification' ? rule.triggers.periodic : undefined);
    }
    if (rule.triggers.changeResourceTypes.length) expect(props['Scope']).toEqual({ ComplianceResourceTypes: rule.triggers.changeResourceTypes });
    else expect(props).not.toHaveProperty('Scope');
    expect(props['InputParameters']).toEqual(expectedInputParameters(ruleId));
    expect((props['Description'] as string).length).toBeLessThanOrEqual(256);
  });

  it.each(RULES.map((r) => [r.id]))('%s: remediation configuration maps NON_COMPLIANT resources to its runbook with the resource id and the automation role', (ruleId) => {
    const rule = RULES.find((r) => r.id === ruleId)!;
    const [id, props] = onlyResource(json, 'AWS::Config::RemediationConfiguration', (p) => p['ConfigRuleName'] === configRuleName(ruleId));
    const plan = built.plan.rules.find((r) => r.rule.id === ruleId)!;
    const ref = plan.remediation.ref;
    expect(props).toMatchObject({ TargetType: 'SSM_DOCUMENT', TargetId: `EcrGuardrails-${ref.runbook}`, ResourceType: rule.resourceType });
    const parameters = props['Parameters'] as Record<string, Record<string, { Values?: unknown[]; Value?: string }>>;
    expect(parameters[ref.resourceIdParameter]).toEqual({ ResourceValue: { Value: 'RESOURCE_ID' } });
    expect(render(parameters['AutomationAssumeRole']!['StaticValue']!.Values![0])).toBe(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${AUTOMATION_ROLE_NAME}`);
    const params = parseRuleParameters(rule.id, rule.parameters, configuredParameters(rule.id));
    const statics = ref.parameters ? ref.parameters(params) : {};
    expect(Object.keys(parameters).sort()).toEqual([ref.resourceIdParameter, 'AutomationAssumeRole', ...Object.keys(statics)].sort());
    // The rule and the document exist before the remediation configuration.
    const dependsOn = json.Resources[id]!.DependsOn as string[];
    expect(dependsOn.some((d) => json.Resources[d]?.Type === 'AWS::Config::ConfigRule')).toBe(true);
    expect(dependsOn.some((d) => json.Resources[d]?.Type === 'AWS::SSM::Document')).toBe(true);
  });

  it('turns configured rule parameters into the runbook parameters (tag immutability with exclusion filters, automatic)', () => {
    if (!RULES.some((r) => r.id === 'ecr-tag-immutability')) return;
    const [, props] = onlyResource(json, 'AWS::Config::RemediationConfiguration', (p) => p['ConfigRuleName'] === configRuleName('ecr-tag-immutability'));
    expect(props).toMatchObject({
      Automatic: true,
      MaximumAutomaticAttempts: 5,
      RetryAttemptSeconds: 120,
      Parameters: {
        Mode: { StaticValue: { Values: ['IMMUTABLE_WITH_EXCLUSION'] } },
        ExclusionFilters: { StaticValue: { Values: ['latest', 'dev-*'] } },
      },
    });
  });

  it('registers the evaluation and automation roles as ECR pull-time update exclusions (their manifest reads are not pulls)', () => {
    // Both read image-index manifests (ecr:BatchGetImage): ecr-stale-images and DeleteStaleEcrImages.
    expect(built.plan.evaluationActions).toContain('ecr:BatchGetImage');
    expect(built.plan.automationActions).toContain('ecr:BatchGetImage');
    const exclusions = resourcesOfType(json, 'AWS::ECR::PullTimeUpdateExclusion').map(([, properties]) => JSON.stringify(properties.PrincipalArn));
    expect(exclusions.sort()).toEqual(
      [`role/${AUTOMATION_ROLE_NAME}`, 'role/EcrGuardrailsEvaluationRole'].map((suffix) => JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:${suffix}`]] })).sort(),
    );
  });

  it('leaves manual rules with the Remediate button only (Automatic false, no retry settings)', () => {
    const manual = synthesizeMemberTemplates(planFor(config({ rules: {} }), { runbooks }), { nag: false });
    for (const [, props] of resourcesOfType(manual.regional as CfnTemplate, 'AWS::Config::RemediationConfiguration')) {
      expect(props['Automatic']).toBe(false);
      expect(props).not.toHaveProperty('MaximumAutomaticAttempts');
      expect(props).not.toHaveProperty('RetryAttemptSeconds');
    }
  });
});

describe('conformance-pack mode', () => {
  let member: MemberTemplates;
  beforeAll(() => {
    member = synthesizeMemberTemplates(planFor(config({ deploymentMode: 'conformance-pack' }), { runbooks }));
  }, 60_000);

  it('keeps documents and roles in the StackSet templates but no Config rule or remediation', () => {
    const regional = member.regional as CfnTemplate;
    expect(resourcesOfType(regional, 'AWS::SSM::Document')).toHaveLength(runbooks.length);
    expect(resourcesOfType(regional, 'AWS::Config::ConfigRule')).toHaveLength(0);
    expect(resourcesOfType(regional, 'AWS::Config::RemediationConfiguration')).toHaveLength(0);
    // Evaluation and automation roles, and the detection role (Security Hub findings only: no rules to re-evaluate).
    expect(resourcesOfType(member.global as CfnTemplate, 'AWS::IAM::Role').map(([, role]) => role['RoleName']).sort()).toEqual(['EcrGuardrailsAutomationRole', 'EcrGuardrailsDetectionRole', 'EcrGuardrailsEvaluationRole']);
  });
});
