/**
 * ecr-image-scanning reaches every part of the deployment: the central Lambda, the member
 * Config rule (change + periodic), its remediation configuration, the conformance pack, and
 * the derived evaluation and automation role actions.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { automationRoleActions } from '../../automations/catalog.js';
import type { GuardrailsApp } from '../../infra/build.js';
import { conformancePackTemplate } from '../../infra/conformance-pack.js';
import { configRuleName, functionName } from '../../infra/names.js';
import { RULES } from '../../rules/index.js';
import { evaluationRoleActions } from '../../rules/permissions.js';
import { defaultApp, runbooks } from './default-app.js';
import { onlyResource, REGIONS, type CfnTemplate } from './support.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

const RULE_ID = 'ecr-image-scanning';
let built: GuardrailsApp;

beforeAll(() => {
  built = defaultApp().built;
}, 180_000);

describe('ecr-image-scanning in the deployment', () => {
  it('is registered', () => {
    expect(RULES.map((rule) => rule.id)).toContain(RULE_ID);
  });

  it('has a central Lambda in every admin stack', () => {
    for (const stack of built.adminStacks) {
      const [, fn] = onlyResource(Template.fromStack(stack).toJSON() as CfnTemplate, 'AWS::Lambda::Function', (p) => p['FunctionName'] === functionName(RULE_ID));
      expect(fn['Handler']).toBe('index.handler');
    }
  });

  it('has a member Config rule triggered by repository changes and every 24 hours, with the default parameters', () => {
    const [, props] = onlyResource(built.member.regional as CfnTemplate, 'AWS::Config::ConfigRule', (p) => p['ConfigRuleName'] === configRuleName(RULE_ID));
    expect(props['Scope']).toEqual({ ComplianceResourceTypes: ['AWS::ECR::Repository'] });
    const details = props['Source'] as { SourceDetails: Array<{ MessageType: string; MaximumExecutionFrequency?: string }> };
    expect(details.SourceDetails.map((d) => d.MessageType)).toEqual(['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification', 'ScheduledNotification']);
    expect(details.SourceDetails[2]!.MaximumExecutionFrequency).toBe('TwentyFour_Hours');
    expect(props['InputParameters']).toMatchObject({ InUseDays: '30', MaxFindingSeverity: 'CRITICAL', MaxFindingAgeDays: '30', VulnerabilityCheck: 'true' });
  });

  it('maps NON_COMPLIANT repositories to EcrGuardrails-EnableEcrImageScanning with Scope=repository', () => {
    const [, props] = onlyResource(built.member.regional as CfnTemplate, 'AWS::Config::RemediationConfiguration', (p) => p['ConfigRuleName'] === configRuleName(RULE_ID));
    expect(props).toMatchObject({
      TargetType: 'SSM_DOCUMENT',
      TargetId: 'EcrGuardrails-EnableEcrImageScanning',
      ResourceType: 'AWS::ECR::Repository',
      Parameters: { RepositoryName: { ResourceValue: { Value: 'RESOURCE_ID' } }, Scope: { StaticValue: { Values: ['repository'] } } },
    });
  });

  it.each(REGIONS.map((region) => [region]))('%s: is in the conformance pack with its remediation', (region) => {
    const pack = conformancePackTemplate(built.plan, region) as unknown as CfnTemplate;
    expect(onlyResource(pack, 'AWS::Config::ConfigRule', (p) => p['ConfigRuleName'] === configRuleName(RULE_ID))[1]['Scope']).toEqual({ ComplianceResourceTypes: ['AWS::ECR::Repository'] });
    expect(onlyResource(pack, 'AWS::Config::RemediationConfiguration', (p) => p['ConfigRuleName'] === configRuleName(RULE_ID))[1]['TargetId']).toBe('EcrGuardrails-EnableEcrImageScanning');
  });

  it('derives the evaluation and automation role actions it needs, and no wildcard action', () => {
    expect(evaluationRoleActions(RULES)).toEqual(
      expect.arrayContaining([
        'ecr:GetRegistryScanningConfiguration',
        'ecr:BatchGetRepositoryScanningConfiguration',
        'ecr:DescribeImages',
        'inspector2:BatchGetAccountStatus',
        'inspector2:ListFindings',
      ]),
    );
    const automation = automationRoleActions(runbooks);
    expect(automation).toEqual(
      expect.arrayContaining(['ecr:GetRegistryScanningConfiguration', 'ecr:PutRegistryScanningConfiguration', 'ecr:StartImageScan', 'inspector2:BatchGetAccountStatus']),
    );
    expect([...evaluationRoleActions(RULES), ...automation].filter((action) => action.includes('*'))).toEqual([]);
  });
});
