/**
 * The conformance pack template, oversized StackSet templates, and cdk-nag. Fine-grained assertions on the synthesized templates.
 */
import {  readFileSync } from 'node:fs';
import {  join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import {  Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildGuardrailsApp, planFor } from '../../infra/build.js';
import { conformancePackTemplate, conformancePackYaml } from '../../infra/conformance-pack.js';
import { addNagChecks, nagPacks } from '../../infra/nag.js';
import { AUTOMATION_ROLE_NAME, configRuleName, functionName } from '../../infra/names.js';
import { RULES } from '../../rules/index.js';
import {  defaultApp, outdir, runbooks, type DefaultApp } from './default-app.js';
import { ADMIN, MANAGEMENT, REGIONS, config, onlyResource, render, resourcesOfType, type CfnTemplate } from './support.js';

// CDK synths are CPU-bound and this machine is shared: generous limits, few synths.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

let built: DefaultApp['built'];
beforeAll(() => {
  ({ built } = defaultApp());
}, 120_000);

describe('conformance pack template', () => {
  it('writes one YAML file per region during the synth', () => {
    expect(built.conformancePackFiles.map((f) => f.split('/').pop())).toEqual(REGIONS.map((r) => `ecr-guardrails-conformance-pack.${r}.yaml`));
    const parsed = load(readFileSync(built.conformancePackFiles[1]!, 'utf8'));
    expect(parsed).toEqual(conformancePackTemplate(built.plan, REGIONS[1]!));
  });

  it.each(REGIONS.map((r) => [r]))('%s: the same rules and remediations as the StackSet, with literal values only', (region) => {
    const pack = conformancePackTemplate(built.plan, region) as unknown as CfnTemplate;
    const yaml = conformancePackYaml(built.plan, region);
    expect(yaml).not.toMatch(/Fn::|!Ref|!Sub|!GetAtt|\bRef:|AWS::(Partition|Region|AccountId|StackName|NoValue)/);
    const stackset = built.member.regional as CfnTemplate;
    for (const rule of RULES) {
      const [, packRule] = onlyResource(pack, 'AWS::Config::ConfigRule', (p) => p['ConfigRuleName'] === configRuleName(rule.id));
      const [, stackRule] = onlyResource(stackset, 'AWS::Config::ConfigRule', (p) => p['ConfigRuleName'] === configRuleName(rule.id));
      expect(packRule['Source']).toEqual({
        ...(stackRule['Source'] as object),
        SourceIdentifier: `arn:aws:lambda:${region}:${ADMIN}:function:${functionName(rule.id)}`,
      });
      for (const key of ['InputParameters', 'Scope', 'Description']) expect(packRule[key]).toEqual(stackRule[key]);

      const [, packRemediation] = onlyResource(pack, 'AWS::Config::RemediationConfiguration', (p) => p['ConfigRuleName'] === configRuleName(rule.id));
      const [, stackRemediation] = onlyResource(stackset, 'AWS::Config::RemediationConfiguration', (p) => p['ConfigRuleName'] === configRuleName(rule.id));
      // The management account id, which AWS Config replaces with each member's (docs/deployment.md, cpack-prerequisites).
      const automationRole = `arn:aws:iam::${MANAGEMENT}:role/${AUTOMATION_ROLE_NAME}`;
      expect(packRemediation).toEqual({
        ...stackRemediation,
        Parameters: { ...(stackRemediation['Parameters'] as object), AutomationAssumeRole: { StaticValue: { Values: [automationRole] } } },
      });
    }
    expect(Object.values(pack.Resources).every((r) => ['AWS::Config::ConfigRule', 'AWS::Config::RemediationConfiguration'].includes(r.Type))).toBe(true);
    expect(Buffer.byteLength(yaml)).toBeLessThanOrEqual(51_200);
  });

  it('uses the configured partition in ARNs', () => {
    const pack = conformancePackTemplate(planFor(config({ partition: 'aws-us-gov', regions: ['us-gov-west-1'] }), { runbooks }), 'us-gov-west-1') as unknown as CfnTemplate;
    for (const [, props] of resourcesOfType(pack, 'AWS::Config::ConfigRule')) {
      expect((props['Source'] as Record<string, string>)['SourceIdentifier']).toMatch(/^arn:aws-us-gov:lambda:us-gov-west-1:/);
    }
  });
});

describe('StackSet template too large for TemplateBody', () => {
  it('travels by S3 asset URL instead, with the same template in the asset', () => {
    const dir = outdir();
    const large = buildGuardrailsApp(config({ regions: ['eu-west-3'] }), { runbooks, bundle: false, nag: false, templateBodyLimit: 1_000, appProps: { outdir: dir }, conformancePackDir: false });
    large.app.synth();
    const json = Template.fromStack(large.orgStack).toJSON() as CfnTemplate;
    const stackSets = resourcesOfType(json, 'AWS::CloudFormation::StackSet');
    expect(stackSets).toHaveLength(2);
    for (const [, props] of stackSets) {
      expect(props).not.toHaveProperty('TemplateBody');
      const url = render(props['TemplateURL']);
      expect(url).toMatch(/^https:\/\/s3\.eu-west-3\.\${AWS::URLSuffix}\/cdk-[a-z0-9]+-assets-111122223333-eu-west-3\/[0-9a-f]{64}\.json$/);
      const hash = /([0-9a-f]{64})\.json$/.exec(url)![1]!;
      const asset = JSON.parse(readFileSync(join(dir, `asset.${hash}.json`), 'utf8')) as CfnTemplate;
      const expected = props['StackSetName'] === 'EcrGuardrails-MemberGlobal' ? large.member.global : large.member.regional;
      expect(asset).toEqual(expected);
    }
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the admin, org and member stacks (AwsSolutions and NIST 800-53 rev 5)', () => {
    for (const app of [built.app, built.member.app]) {
      for (const pack of nagPacks(app)) {
        const report = pack.validateScope(app);
        expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
      }
    }
  });

  it('fails the synth on an unacknowledged finding', () => {
    const app = new App({ outdir: outdir(), context: { '@aws-cdk/core:appMode': 'inmemory' } });
    new sqs.Queue(new Stack(app, 'Unsafe'), 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    addNagChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });
});
