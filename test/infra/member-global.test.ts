/**
 * The member global template: the evaluation and automation roles. Fine-grained assertions on the synthesized templates.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { automationRoleActions } from '../../automations/catalog.js';
import {  planFor } from '../../infra/build.js';
import { synthesizeMemberTemplates } from '../../infra/member.js';
import { AUTOMATION_ROLE_NAME, EVALUATION_ROLE_NAME, lambdaRoleName } from '../../infra/names.js';
import { RULES } from '../../rules/index.js';
import {  defaultApp, runbooks, type DefaultApp } from './default-app.js';
import { evaluationRoleActions } from '../../rules/permissions.js';
import { ADMIN, ORG_ID, REGIONS, config, onlyResource, render, type CfnTemplate } from './support.js';

// CDK synths are CPU-bound and this machine is shared: generous limits, few synths.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

let built: DefaultApp['built'];
beforeAll(() => {
  ({ built } = defaultApp());
}, 120_000);

describe('member global template: roles', () => {
  let json: CfnTemplate;
  beforeAll(() => {
    json = built.member.global as CfnTemplate;
  });

  /** The evaluation role's trust policy as IAM counts it (whole document, partition rendered). */
  const trustLength = (template: CfnTemplate): number => {
    const [, role] = onlyResource(template, 'AWS::IAM::Role', (p) => p['RoleName'] === EVALUATION_ROLE_NAME);
    const document = role['AssumeRolePolicyDocument'];
    const rendered = JSON.stringify(document, (_, v: unknown) => (v && typeof v === 'object' && ('Fn::Join' in v || 'Ref' in v) ? render(v).replace('${AWS::Partition}', 'aws') : v));
    return rendered.length;
  };

  const policyOf = (roleName: string): Record<string, unknown>[] => {
    const [, role] = onlyResource(json, 'AWS::IAM::Role', (p) => p['RoleName'] === roleName);
    expect(role).not.toHaveProperty('Policies');
    const refs = (role['ManagedPolicyArns'] as { Ref: string }[]).map((r) => r.Ref);
    expect(refs).toHaveLength(1);
    return (json.Resources[refs[0]!]!.Properties!['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
  };

  it('grants the evaluation role exactly evaluationRoleActions(RULES)', () => {
    const statements = policyOf(EVALUATION_ROLE_NAME);
    expect(statements).toEqual([{ Sid: 'RuleCollectors', Effect: 'Allow', Action: evaluationRoleActions(RULES), Resource: '*' }]);
  });

  it('grants the automation role exactly automationRoleActions(runbooks)', () => {
    const statements = policyOf(AUTOMATION_ROLE_NAME);
    expect(statements).toHaveLength(1);
    const actions = statements[0]!['Action'];
    expect(Array.isArray(actions) ? actions : [actions]).toEqual(automationRoleActions(runbooks));
    expect(automationRoleActions(runbooks).length).toBeGreaterThan(0);
  });

  it('trusts the evaluation role only to the admin account rule Lambda roles (every rule, every region), inside the organization; no scan statement by default', () => {
    const [, role] = onlyResource(json, 'AWS::IAM::Role', (p) => p['RoleName'] === EVALUATION_ROLE_NAME);
    const [statement, ...rest] = (role['AssumeRolePolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(rest).toEqual([]);
    expect(statement!['Action']).toBe('sts:AssumeRole');
    expect(render((statement!['Principal'] as { AWS: unknown }).AWS)).toBe(`arn:\${AWS::Partition}:iam::${ADMIN}:root`);
    const condition = statement!['Condition'] as { ArnEquals: Record<string, unknown[]>; StringEquals: Record<string, string> };
    expect(condition.StringEquals).toEqual({ 'aws:PrincipalOrgID': ORG_ID });
    expect(condition.ArnEquals['aws:PrincipalArn']!.map(render).sort()).toEqual(
      RULES.flatMap((r) => REGIONS.map((region) => `arn:\${AWS::Partition}:iam::${ADMIN}:role/${lambdaRoleName(r.id, region)}`)).sort(),
    );
  });

  it('keeps the evaluation trust policy under IAM\'s 2,048 characters, switching to the Lambda role prefix for many regions', () => {
    expect(trustLength(json)).toBeLessThanOrEqual(2048);
    const manyRegions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1'];
    const wide = synthesizeMemberTemplates(planFor(config({ regions: manyRegions }), { runbooks }), { nag: false }).global as CfnTemplate;
    expect(trustLength(wide)).toBeLessThanOrEqual(2048);
    const [, role] = onlyResource(wide, 'AWS::IAM::Role', (p) => p['RoleName'] === EVALUATION_ROLE_NAME);
    const condition = (role['AssumeRolePolicyDocument'] as { Statement: { Condition: Record<string, Record<string, unknown>> }[] }).Statement[0]!.Condition;
    expect(condition).not.toHaveProperty('ArnEquals');
    expect(render(condition['ArnLike']!['aws:PrincipalArn'])).toBe(`arn:\${AWS::Partition}:iam::${ADMIN}:role/EcrGuardrailsRule-*`);
    expect(condition['StringEquals']).toEqual({ 'aws:PrincipalOrgID': ORG_ID });
  });

  describe('with scanPrincipalArns (scan --org from a laptop)', () => {
    const sso = `arn:aws:iam::${ADMIN}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAudit_*`;
    const other = 'arn:aws:iam::444455556666:role/SecurityScanner';
    const trustOf = (template: CfnTemplate): Record<string, unknown>[] => {
      const [, role] = onlyResource(template, 'AWS::IAM::Role', (p) => p['RoleName'] === EVALUATION_ROLE_NAME);
      return (role['AssumeRolePolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    };
    let scanJson: CfnTemplate;
    beforeAll(() => {
      // With cdk-nag: the extra trust statement must not need an acknowledgement.
      scanJson = synthesizeMemberTemplates(planFor(config({ scanPrincipalArns: [sso] }), { runbooks })).global as CfnTemplate;
    });

    it('adds a second trust statement: the account of those roles, ArnLike the listed ARNs, inside the organization', () => {
      const [lambdas, scan, ...rest] = trustOf(scanJson);
      expect(rest).toEqual([]);
      // The Lambda statement is unchanged.
      expect(lambdas).toEqual(trustOf(json)[0]);
      expect(scan).toEqual({
        Sid: 'ScanFromCli',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: expect.anything() },
        Condition: { ArnLike: { 'aws:PrincipalArn': [sso] }, StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
      });
      expect(render((scan!['Principal'] as { AWS: unknown }).AWS)).toBe(`arn:\${AWS::Partition}:iam::${ADMIN}:root`);
    });

    it('names each account of the listed roles once as a principal', () => {
      const arns = [sso, other, 'arn:aws:iam::444455556666:role/team/scan-*'];
      const [, scan] = trustOf(synthesizeMemberTemplates(planFor(config({ scanPrincipalArns: arns }), { runbooks }), { nag: false }).global as CfnTemplate);
      expect(((scan!['Principal'] as { AWS: unknown[] }).AWS).map(render)).toEqual([
        `arn:\${AWS::Partition}:iam::${ADMIN}:root`,
        'arn:${AWS::Partition}:iam::444455556666:root',
      ]);
      expect(scan!['Condition']).toEqual({ ArnLike: { 'aws:PrincipalArn': arns }, StringEquals: { 'aws:PrincipalOrgID': ORG_ID } });
    });

    it('counts the scan statement in the 2,048-character budget: the Lambda roles switch to their prefix sooner, too many ARNs are refused', () => {
      const many = (n: number): string[] => Array.from({ length: n }, (_, i) => sso.replace(ADMIN, String(444455556666 + i)));
      // Two regions: the full Lambda role list fits alone (see above), but not beside 8 scan ARNs.
      const crowded = synthesizeMemberTemplates(planFor(config({ scanPrincipalArns: many(8) }), { runbooks }), { nag: false }).global as CfnTemplate;
      const [lambdas, scan] = trustOf(crowded);
      expect(lambdas!['Condition']).not.toHaveProperty('ArnEquals');
      expect(render((lambdas!['Condition'] as { ArnLike: Record<string, unknown> }).ArnLike['aws:PrincipalArn'])).toBe(`arn:\${AWS::Partition}:iam::${ADMIN}:role/EcrGuardrailsRule-*`);
      expect((scan!['Condition'] as { ArnLike: Record<string, unknown> }).ArnLike['aws:PrincipalArn']).toEqual(many(8));
      expect(trustLength(crowded)).toBeLessThanOrEqual(2048);
      expect(() => synthesizeMemberTemplates(planFor(config({ scanPrincipalArns: many(12) }), { runbooks }), { nag: false })).toThrow(
        /^scanPrincipalArns: the evaluation role trust policy would exceed IAM's 2048 characters/,
      );
    });
  });

  it('trusts the automation role only to SSM Automation in the same account', () => {
    const [, role] = onlyResource(json, 'AWS::IAM::Role', (p) => p['RoleName'] === AUTOMATION_ROLE_NAME);
    const statements = (role['AssumeRolePolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Action: 'sts:AssumeRole', Principal: { Service: 'ssm.amazonaws.com' } });
    const condition = statements[0]!['Condition'] as Record<string, Record<string, unknown>>;
    expect(condition['StringEquals']).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(render(condition['ArnLike']!['aws:SourceArn'])).toBe('arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:automation-execution/*');
  });
});
