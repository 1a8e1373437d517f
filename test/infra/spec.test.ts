/**
 * Offline check of every generated template against the CloudFormation resource
 * specification (@aws-cdk/aws-service-spec): resource types exist, property names are valid
 * (nested property types too), required properties are present, enumerated values allowed.
 * Covers the admin and org stacks, both member templates as they travel inside the
 * StackSets, and the conformance pack.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { PropertyType, SpecDatabase } from '@aws-cdk/service-spec-types';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { buildGuardrailsApp, type GuardrailsApp } from '../../infra/build.js';
import { conformancePackTemplate } from '../../infra/conformance-pack.js';
import { REGIONS, config, type CfnTemplate } from './support.js';

// CDK synths are CPU-bound and this machine is shared: generous limits, few synths.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

type Props = Record<string, { type: PropertyType; required?: boolean }>;

let db: SpecDatabase;
let built: GuardrailsApp;
let outdir: string;

beforeAll(async () => {
  db = await loadAwsServiceSpec();
  const runbooks = loadRunbooks();
  outdir = mkdtempSync(join(tmpdir(), 'ecr-guardrails-spec-'));
  built = buildGuardrailsApp(config(), { runbooks, bundle: false, nag: false, appProps: { outdir }, conformancePackDir: false });
  built.app.synth();
}, 120_000);

const isIntrinsic = (value: unknown): boolean =>
  !!value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && /^(Ref|Fn::|Condition$)/.test(Object.keys(value)[0]!);

function checkValue(value: unknown, type: PropertyType, path: string): string[] {
  if (isIntrinsic(value)) return [];
  switch (type.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string, got ${JSON.stringify(value)}`];
      return type.allowedValues && !type.allowedValues.includes(value) ? [`${path}: ${value} is not one of ${type.allowedValues.join(', ')}`] : [];
    case 'integer':
    case 'number':
      return typeof value === 'number' ? [] : [`${path}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'json':
      return typeof value === 'object' && value !== null ? [] : [`${path}: expected a JSON object`];
    case 'tag':
      return typeof value === 'object' && value !== null && 'Key' in value && 'Value' in value ? [] : [`${path}: expected a tag`];
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => checkValue(v, type.element, `${path}[${i}]`)) : [`${path}: expected a list`];
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => checkValue(v, type.element, `${path}.${k}`))
        : [`${path}: expected a map`];
    case 'union': {
      const attempts = type.types.map((t) => checkValue(value, t, path));
      return attempts.some((a) => a.length === 0) ? [] : attempts.flat();
    }
    case 'ref': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
      const definition = db.get('typeDefinition', type.reference.$ref);
      return checkProperties(value as Record<string, unknown>, definition.properties, path);
    }
    default:
      return [];
  }
}

function checkProperties(value: Record<string, unknown>, properties: Props, path: string): string[] {
  const problems: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value)) problems.push(`${path}: required property ${name} is missing`);
  }
  for (const [name, v] of Object.entries(value)) {
    const property = properties[name];
    if (!property) {
      problems.push(`${path}: unknown property ${name}`);
      continue;
    }
    // The current (most detailed) type only: older looser types (e.g. Json) would hide mistakes.
    problems.push(...checkValue(v, property.type, `${path}.${name}`));
  }
  return problems;
}

/** Every problem of a template against the resource specification. */
function checkTemplate(template: CfnTemplate): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const found = db.lookup('resource', 'cloudFormationType', 'equals', resource.Type);
    if (found.length !== 1) {
      problems.push(`${id}: unknown resource type ${resource.Type}`);
      continue;
    }
    problems.push(...checkProperties(resource.Properties ?? {}, found[0]!.properties, `${id} (${resource.Type})`));
    const dependsOn = resource.DependsOn === undefined ? [] : ([] as unknown[]).concat(resource.DependsOn);
    for (const target of dependsOn) if (typeof target !== 'string' || !(target in template.Resources)) problems.push(`${id}: DependsOn ${String(target)} is not a resource`);
  }
  return problems;
}

describe('the checker itself', () => {
  it('reports unknown types, unknown and missing properties, bad nested values', () => {
    const problems = checkTemplate({
      Resources: {
        A: { Type: 'AWS::Nope::Thing', Properties: {} },
        B: { Type: 'AWS::Config::RemediationConfiguration', Properties: { ConfigRuleName: 'r', TargetType: 'SSM_DOCUMENT', Bogus: 1, Parameters: { X: { StaticValue: { Valuez: ['a'] } } } } },
        C: { Type: 'AWS::CloudFormation::StackSet', Properties: { StackSetName: 's', PermissionModel: 'SOMETIMES', AutoDeployment: { Enabledd: true } } },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'A: unknown resource type AWS::Nope::Thing',
        'B (AWS::Config::RemediationConfiguration): required property TargetId is missing',
        'B (AWS::Config::RemediationConfiguration): unknown property Bogus',
        'B (AWS::Config::RemediationConfiguration).Parameters.X.StaticValue: unknown property Valuez',
        'C (AWS::CloudFormation::StackSet).AutoDeployment: unknown property Enabledd',
        'C (AWS::CloudFormation::StackSet).PermissionModel: SOMETIMES is not one of SERVICE_MANAGED, SELF_MANAGED',
      ]),
    );
  });
});

describe('generated templates match the CloudFormation resource specification', () => {
  it('admin stacks', () => {
    for (const stack of built.adminStacks) expect(checkTemplate(Template.fromStack(stack).toJSON() as CfnTemplate)).toEqual([]);
  });

  it('org stack, and each member template as it travels in its StackSet (TemplateBody, or the TemplateURL asset)', () => {
    const org = Template.fromStack(built.orgStack).toJSON() as CfnTemplate;
    expect(checkTemplate(org)).toEqual([]);
    const bodies = Object.values(org.Resources)
      .filter((r) => r.Type === 'AWS::CloudFormation::StackSet')
      .map((r): CfnTemplate => {
        const body = r.Properties!['TemplateBody'];
        if (typeof body === 'string') return JSON.parse(body) as CfnTemplate;
        const hash = /([0-9a-f]{64})\.json/.exec(JSON.stringify(r.Properties!['TemplateURL']))![1]!;
        return JSON.parse(readFileSync(join(outdir, `asset.${hash}.json`), 'utf8')) as CfnTemplate;
      });
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(Object.keys(body.Resources).length).toBeGreaterThan(0);
      expect(checkTemplate(body)).toEqual([]);
    }
  });

  it.each(REGIONS.map((r) => [r]))('conformance pack for %s', (region) => {
    expect(checkTemplate(conformancePackTemplate(built.plan, region) as unknown as CfnTemplate)).toEqual([]);
  });
});
