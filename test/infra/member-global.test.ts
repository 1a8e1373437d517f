/**
 * The member global template: the evaluation and automation roles. Fine-grained assertions on the synthesized templates.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { automationRoleActions } from '../../automations/catalog.js';
import {  planFor } from '../../infra/build.js';
import { synthesizeMemberTemplates } from '../../infra/member.js';
import { automationPolicyAcknowledgements } from '../../infra/automation-policy.js';
import { AUTOMATION_ROLE_NAME, EVALUATION_ROLE_NAME, lambdaRoleName } from '../../infra/names.js';
import { RULES } from '../../rules/index.js';
import {  defaultApp, runbooks, type DefaultApp } from './default-app.js';
import { evaluationRoleActions } from '../../rules/permissions.js';
import { ADMIN, ORG_ID, REGIONS, config, onlyResource, render, type CfnTemplate } from './support.js';

// CDK synths are CPU-bound and this machine is shared: generous limits, few synths.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

const list = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : [value as string]);

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

  it('ecr-repository-access UseAccessAnalyzer: the evaluation role reads external access analyzer findings (ListAnalyzers, ListFindings), no CheckNoPublicAccess', () => {
    const actions = list(policyOf(EVALUATION_ROLE_NAME)[0]?.['Action']);
    expect(actions.filter((action) => action.startsWith('access-analyzer:'))).toEqual(['access-analyzer:ListAnalyzers', 'access-analyzer:ListFindings']);
  });

  it('grants the automation role exactly automationRoleActions(runbooks), each action once', () => {
    const statements = policyOf(AUTOMATION_ROLE_NAME);
    const allowed = statements.filter((s) => s['Effect'] === 'Allow').flatMap((s) => list(s['Action']));
    expect([...allowed].sort()).toEqual(automationRoleActions(runbooks));
    expect(new Set(allowed).size).toBe(allowed.length);
    expect(automationRoleActions(runbooks).length).toBeGreaterThan(0);
  });

  // Issue 17 item 5: the synthesized automation policy is as narrow as IAM allows (automations/iam-scope.ts).
  describe('automation policy scoping', () => {
    const statement = (action: string): Record<string, unknown> => {
      const found = policyOf(AUTOMATION_ROLE_NAME).filter((s) => s['Effect'] === 'Allow' && list(s['Action']).includes(action));
      expect(found, action).toHaveLength(1);
      return found[0]!;
    };
    const resources = (s: Record<string, unknown>): string[] => list(s['Resource']).map(render);
    const ec2 = (type: string) => `arn:\${AWS::Partition}:ec2:*:\${AWS::AccountId}:${type}/*`;

    it('deletes endpoints and security groups only when they carry the runbook tag', () => {
      for (const action of ['ec2:DeleteVpcEndpoints', 'ec2:DeleteSecurityGroup']) {
        const s = statement(action);
        expect(resources(s)).toEqual([ec2('vpc-endpoint'), ec2('security-group')]);
        expect(s['Condition']).toEqual({ Null: { 'aws:ResourceTag/ecr-guardrails:created-by': 'false' } });
      }
    });

    it('tags only while creating, only the runbook keys, and never the exemption key', () => {
      const s = statement('ec2:CreateTags');
      expect(list(s['Action'])).toEqual(['ec2:CreateTags']);
      expect(resources(s)).toEqual([ec2('vpc-endpoint'), ec2('security-group')]);
      expect(s['Condition']).toEqual({
        StringEquals: { 'ec2:CreateAction': ['CreateVpcEndpoint', 'CreateSecurityGroup'] },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['Name', 'ecr-guardrails:created-by'] },
      });
      const deny = policyOf(AUTOMATION_ROLE_NAME).filter((d) => d['Effect'] === 'Deny');
      expect(deny).toEqual([
        { Sid: 'NeverTagExemptionKeys', Effect: 'Deny', Action: 'ec2:CreateTags', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['ecr-guardrails:exempt'] } } },
      ]);
    });

    it('acts on ECR repositories of the account only, and associates hosted zones (ARNs without account) only', () => {
      for (const action of automationRoleActions(runbooks).filter((a) => a.startsWith('ecr:') && !a.includes('Registry'))) {
        expect(resources(statement(action)), action).toEqual(['arn:${AWS::Partition}:ecr:*:${AWS::AccountId}:repository/*']);
      }
      expect(resources(statement('route53:AssociateVPCWithHostedZone'))).toEqual(['arn:${AWS::Partition}:route53:::hostedzone/*']);
      expect(resources(statement('ec2:ModifyVpcAttribute'))).toContain(ec2('vpc'));
    });

    it('keeps Resource * only for the actions IAM cannot scope, named in the cdk-nag acknowledgement', () => {
      const star = policyOf(AUTOMATION_ROLE_NAME).filter((s) => s['Effect'] === 'Allow' && list(s['Resource']).includes('*'));
      expect(star).toHaveLength(1);
      const actions = list(star[0]!['Action']);
      expect(actions.filter((a) => !/^(ec2:(Describe|Get)|inspector2:|route53resolver:List)/.test(a))).toEqual([
        'ec2:CreateSecurityGroup',
        'ec2:CreateVpcEndpoint',
        'ec2:ModifyVpcEndpoint',
        'ecr:GetRegistryScanningConfiguration',
        'ecr:PutRegistryScanningConfiguration',
        // RestrictEcrRepositoryPolicy: the account's own organisation, no resource type.
        'organizations:DescribeOrganization',
      ]);
      const [reason] = automationPolicyAcknowledgements(automationRoleActions(runbooks)).filter((a) => a.id === 'AwsSolutions-IAM5[Resource::*]').map((a) => a.reason);
      for (const action of actions) expect(reason).toContain(action);
      expect(reason).toMatch(new RegExp(`Resource \\* remains only for ${actions.length} actions`));
    });

    it('denies the configured exemption keys, and refuses an exemption key the runbooks write', () => {
      const custom = synthesizeMemberTemplates(planFor(config({ rules: { 'ecr-vpc-endpoints': { parameters: { ExemptionTagKey: 'security:exempt' } } } }), { runbooks }), { nag: false });
      const policy = Object.values((custom.global as CfnTemplate).Resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r).includes('NeverTagExemptionKeys'))!;
      expect(JSON.stringify(policy)).toContain('"aws:TagKeys":["ecr-guardrails:exempt","security:exempt"]');
      expect(() => planFor(config({ rules: { 'ecr-vpc-endpoints': { parameters: { ExemptionTagKey: 'ecr-guardrails:created-by' } } } }), { runbooks })).toThrow(
        /rules\.ecr-vpc-endpoints\.parameters\.ExemptionTagKey ecr-guardrails:created-by is a tag the runbooks write/,
      );
    });
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
