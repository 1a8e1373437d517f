/**
 * The organization stack: the member StackSets, and member templates that are StackSet-safe. Fine-grained assertions on the synthesized templates.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {  planFor } from '../../infra/build.js';
import { synthesizeMemberTemplates, type MemberTemplates } from '../../infra/member.js';
import { TEMPLATE_BODY_LIMIT } from '../../infra/org.js';
import {  defaultApp, runbooks, type DefaultApp } from './default-app.js';
import { ADMIN, OUS, REGIONS, config, onlyResource, render, resourcesOfType, type CfnTemplate } from './support.js';

// CDK synths are CPU-bound and this machine is shared: generous limits, few synths.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

let built: DefaultApp['built'];
let org: DefaultApp['org'];
let orgJson: DefaultApp['orgJson'];
beforeAll(() => {
  ({ built, org, orgJson } = defaultApp());
}, 120_000);

describe('organization stack: the member StackSets', () => {
  const stackSets = (): Record<string, unknown>[] => resourcesOfType(orgJson, 'AWS::CloudFormation::StackSet').map(([, p]) => p);

  it('deploys in the home region of the admin account, after every admin stack', () => {
    expect([built.orgStack.account, built.orgStack.region]).toEqual([ADMIN, REGIONS[0]]);
    expect(built.orgStack.dependencies.map((s) => s.stackName).sort()).toEqual(built.adminStacks.map((s) => s.stackName).sort());
  });

  it('makes both StackSets service-managed, auto-deployed (stacks retained as configured), delegated-admin, with the operation preferences', () => {
    expect(stackSets()).toHaveLength(2);
    for (const stackSet of stackSets()) {
      expect(stackSet).toMatchObject({
        PermissionModel: 'SERVICE_MANAGED',
        CallAs: 'DELEGATED_ADMIN',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        ManagedExecution: { Active: true },
        OperationPreferences: { MaxConcurrentPercentage: 50, FailureTolerancePercentage: 5, RegionConcurrencyType: 'PARALLEL' },
      });
    }
  });

  it('targets the configured OUs: roles in the home region only, everything else in every region', () => {
    org.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'EcrGuardrails-MemberGlobal',
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS }, Regions: [REGIONS[0]] }],
    });
    org.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'EcrGuardrails-MemberRegional',
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS }, Regions: REGIONS }],
    });
  });

  it('carries each member template inline when it fits TemplateBody, by S3 URL otherwise', () => {
    const [, global] = onlyResource(orgJson, 'AWS::CloudFormation::StackSet', (p) => p['StackSetName'] === 'EcrGuardrails-MemberGlobal');
    const [regionalId, regional] = onlyResource(orgJson, 'AWS::CloudFormation::StackSet', (p) => p['StackSetName'] === 'EcrGuardrails-MemberRegional');
    for (const [props, template] of [
      [global, built.member.global],
      [regional, built.member.regional],
    ] as const) {
      const size = Buffer.byteLength(JSON.stringify(template));
      if (size <= TEMPLATE_BODY_LIMIT) {
        expect(JSON.parse(props['TemplateBody'] as string)).toEqual(template);
        expect(props).not.toHaveProperty('TemplateURL');
      } else {
        expect(props).not.toHaveProperty('TemplateBody');
        expect(render(props['TemplateURL'])).toMatch(/^https:\/\/s3\./);
      }
    }
    // The global template (two roles) always fits.
    expect(typeof global['TemplateBody']).toBe('string');
    expect(orgJson.Resources[regionalId]!.DependsOn).toEqual([expect.stringMatching(/^MemberGlobalStackSet/)]);
  });
});

describe('member templates are StackSet-safe', () => {
  it.each(['global', 'regional'] as const)('%s: no CDK metadata, no bootstrap version rule or parameter, no assets', (which) => {
    const template = built.member[which] as CfnTemplate;
    expect(Object.keys(template).sort()).toEqual(['Description', 'Resources']);
    for (const [id, resource] of Object.entries(template.Resources)) {
      expect(resource.Type, id).not.toBe('AWS::CDK::Metadata');
      expect(resource, id).not.toHaveProperty('Metadata');
    }
    expect(JSON.stringify(template)).not.toMatch(/AssetParameters|cdk-hnb659fds|BootstrapVersion/);
  });

  it('stays free of aws:cdk:path metadata under the CDK CLI, whose context turns path metadata on', () => {
    // What `npx cdk synth` passes to the app (CDK_CONTEXT_JSON), besides -c values.
    const saved = process.env['CDK_CONTEXT_JSON'];
    process.env['CDK_CONTEXT_JSON'] = JSON.stringify({ 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:version-reporting': true });
    let underCli: MemberTemplates;
    try {
      underCli = synthesizeMemberTemplates(planFor(config(), { runbooks }), { nag: false });
    } finally {
      if (saved === undefined) delete process.env['CDK_CONTEXT_JSON'];
      else process.env['CDK_CONTEXT_JSON'] = saved;
    }
    for (const template of [underCli.global, underCli.regional] as CfnTemplate[]) {
      expect(Object.keys(template).sort()).toEqual(['Description', 'Resources']);
      for (const [id, resource] of Object.entries(template.Resources)) {
        expect(resource.Type, id).not.toBe('AWS::CDK::Metadata');
        expect(resource, id).not.toHaveProperty('Metadata');
      }
    }
  });
});
