/**
 * `deploymentMode: conformance-pack` through CDK (issue 17 item 6): one
 * EcrGuardrails-ConformancePack-<region> stack per region with the
 * AWS::Config::OrganizationConformancePack, its ExcludedAccounts resolved from the target OUs,
 * deployed after the organization stack; none of it in `stackset` mode. The automation role in
 * the pack carries the management account id, which AWS Config replaces with each member's
 * ("Prerequisites for conformance packs", https://docs.aws.amazon.com/config/latest/developerguide/cpack-prerequisites.html).
 */
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildGuardrailsApp, type GuardrailsApp } from '../../infra/build.js';
import { validateConfig } from '../../infra/config.js';
import { conformancePackTemplate } from '../../infra/conformance-pack.js';
import { conformancePackStackName, EXCLUDED_ACCOUNTS_REFRESH_CONTEXT } from '../../infra/conformance-pack-stack.js';
import { AUTOMATION_ROLE_NAME, CONFORMANCE_PACK_NAME, ORG_STACK_NAME } from '../../infra/names.js';
import { runbooks } from './default-app.js';
import { ADMIN, MANAGEMENT, OUS, REGIONS, config, onlyResource, rawConfig, resourcesOfType, type CfnTemplate } from './support.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

const build = (overrides: Record<string, unknown>, context: Record<string, unknown> = {}): GuardrailsApp =>
  buildGuardrailsApp(config(overrides), { runbooks, bundle: false, conformancePackDir: false, appProps: { context } });

describe('conformance-pack mode', () => {
  let built: GuardrailsApp;
  let templates: Map<string, CfnTemplate>;
  beforeAll(() => {
    built = build({ deploymentMode: 'conformance-pack', organizationalUnitIds: [...OUS].reverse() });
    const assembly = built.app.synth();
    templates = new Map(built.conformancePackStacks.map((s) => [s.region, assembly.getStackByName(s.stackName).template as CfnTemplate]));
  }, 180_000);

  it('deploys one organization conformance pack per region, in the admin account, after the organization stack', () => {
    expect(built.conformancePackStacks.map((s) => [s.stackName, s.region, s.account])).toEqual(REGIONS.map((r) => [conformancePackStackName(r), r, ADMIN]));
    for (const stack of built.conformancePackStacks) expect(stack.dependencies.map((d) => d.stackName)).toContain(ORG_STACK_NAME);
  });

  it.each(REGIONS.map((r) => [r]))('%s: the pack carries the generated template, with the management-account role ARN', (region) => {
    const [, pack] = onlyResource(templates.get(region)!, 'AWS::Config::OrganizationConformancePack');
    expect(pack['OrganizationConformancePackName']).toBe(CONFORMANCE_PACK_NAME);
    expect(load(pack['TemplateBody'] as string)).toEqual(conformancePackTemplate(built.plan, region));
    const body = pack['TemplateBody'] as string;
    expect(body).toContain(`arn:aws:iam::${MANAGEMENT}:role/${AUTOMATION_ROLE_NAME}`);
    expect(body).not.toContain(`arn:aws:iam::${ADMIN}:role/${AUTOMATION_ROLE_NAME}`);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(51_200);
  });

  it('excludes the accounts the custom resource resolves from the target OUs (sorted), at every deployment', () => {
    const template = templates.get(REGIONS[0]!)!;
    const [crId, resolver] = onlyResource(template, 'AWS::CloudFormation::CustomResource');
    expect(resolver['OrganizationalUnitIds']).toEqual([...OUS].sort());
    expect(resolver).not.toHaveProperty('Refresh');
    const [, pack] = onlyResource(template, 'AWS::Config::OrganizationConformancePack');
    expect(pack['ExcludedAccounts']).toEqual({ 'Fn::Split': [',', { 'Fn::GetAtt': [crId, 'Accounts'] }] });
    const refreshed = build({ deploymentMode: 'conformance-pack' }, { [EXCLUDED_ACCOUNTS_REFRESH_CONTEXT]: '1732850000' });
    const again = refreshed.app.synth().getStackByName(refreshed.conformancePackStacks[0]!.stackName).template as CfnTemplate;
    expect(onlyResource(again, 'AWS::CloudFormation::CustomResource')[1]['Refresh']).toBe('1732850000');
  });

  it('puts no Config rule in the member StackSet (the pack has them)', () => {
    expect(resourcesOfType(built.member.regional as CfnTemplate, 'AWS::Config::ConfigRule')).toEqual([]);
  });

  it('stackset mode has no pack stack and no organization conformance pack', () => {
    const stackset = build({});
    expect(stackset.conformancePackStacks).toEqual([]);
    const assembly = stackset.app.synth();
    for (const stack of assembly.stacks) expect(JSON.stringify(stack.template)).not.toContain('AWS::Config::OrganizationConformancePack');
  });
});

describe('managementAccountId', () => {
  it('is required for conformance-pack mode from a delegated administrator', () => {
    const { managementAccountId: _, ...raw } = rawConfig({ deploymentMode: 'conformance-pack' });
    expect(() => validateConfig(raw)).toThrow(/managementAccountId is missing: conformance-pack mode names the automation role with the management account id/);
    expect(() => validateConfig({ ...raw, deploymentMode: 'stackset' })).not.toThrow();
  });

  it('defaults to the admin account with callAs SELF, and must equal it', () => {
    const { managementAccountId: _, ...raw } = rawConfig({ deploymentMode: 'conformance-pack', stackSet: { callAs: 'SELF' } });
    expect(validateConfig(raw).managementAccountId).toBe(ADMIN);
    expect(() => validateConfig({ ...raw, managementAccountId: MANAGEMENT })).toThrow(/managementAccountId 999988887777 must equal adminAccountId 111122223333 with stackSet.callAs SELF/);
  });
});
