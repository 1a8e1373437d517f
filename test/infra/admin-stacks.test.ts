/**
 * Admin stacks: one per region, a Lambda per rule. Fine-grained assertions on the synthesized templates.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {  EVALUATION_ROLE_NAME, functionName, lambdaRoleName } from '../../infra/names.js';
import { RULES } from '../../rules/index.js';
import {  defaultApp, type DefaultApp } from './default-app.js';
import { evaluationRoleActions } from '../../rules/permissions.js';
import { ADMIN, ORG_ID, REGIONS, onlyResource, render, resourcesOfType, type CfnTemplate } from './support.js';

// CDK synths are CPU-bound and this machine is shared: generous limits, few synths.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

let built: DefaultApp['built'];
let admin: DefaultApp['admin'];
beforeAll(() => {
  ({ built, admin } = defaultApp());
}, 120_000);

describe('admin stacks (one per region)', () => {
  it('creates one admin stack per configured region, in the admin account', () => {
    expect(built.adminStacks.map((s) => [s.account, s.region])).toEqual(REGIONS.map((r) => [ADMIN, r]));
  });

  it.each(RULES.map((r) => [r.id]))('%s: one Lambda per region with the deterministic name, a Node.js >= 22 runtime and bounded concurrency', (ruleId) => {
    for (const template of admin) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: functionName(ruleId),
        Handler: 'index.handler',
        ReservedConcurrentExecutions: 7,
        DeadLetterConfig: { TargetArn: Match.anyValue() },
        Environment: { Variables: Match.objectLike({ EVALUATION_ROLE_NAME: EVALUATION_ROLE_NAME }) },
        LoggingConfig: { LogGroup: Match.anyValue() },
      });
      const [, fn] = onlyResource(template.toJSON() as CfnTemplate, 'AWS::Lambda::Function', (p) => p['FunctionName'] === functionName(ruleId));
      expect(Number(/^nodejs(\d+)\.x$/.exec(String(fn['Runtime']))?.[1])).toBeGreaterThanOrEqual(22);
    }
  });

  it('no Lambda runs with --enable-source-maps unless lambda.sourceMaps asks for it', () => {
    for (const template of admin) {
      const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{ Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
      expect(functions.length).toBeGreaterThan(0);
      for (const fn of functions) expect(fn.Properties.Environment?.Variables ?? {}).not.toHaveProperty('NODE_OPTIONS');
    }
  });

  it('keeps the rule logs for the configured retention, under the function name', () => {
    for (const template of admin) {
      for (const rule of RULES) {
        template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/lambda/${functionName(rule.id)}`, RetentionInDays: 90 });
      }
    }
  });

  it('sends failed asynchronous invocations to an encrypted dead-letter queue', () => {
    for (const template of admin) {
      template.resourceCountIs('AWS::SQS::Queue', 1);
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    }
  });

  it('lets config.amazonaws.com invoke each function, with no PrincipalOrgID (a service principal never carries it)', () => {
    for (const template of admin) {
      // The detection Lambda's permission (for its bus rule) is asserted in test/infra/detections.test.ts.
      const permissions = resourcesOfType(template.toJSON() as CfnTemplate, 'AWS::Lambda::Permission').filter(([, permission]) => permission['Principal'] === 'config.amazonaws.com');
      expect(permissions).toHaveLength(RULES.length);
      for (const [, permission] of permissions) {
        expect(permission).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'config.amazonaws.com' });
        expect(permission).not.toHaveProperty('PrincipalOrgID');
        expect(permission['FunctionName']).toMatchObject({ 'Fn::GetAtt': [expect.stringMatching(/Function/), 'Arn'] });
      }
    }
  });

  it('limits each Lambda role to assuming the member evaluation role inside the organization, evaluating its own account, its own logs and dead letters', () => {
    REGIONS.forEach((region, i) => {
      const json = admin[i]!.toJSON() as CfnTemplate;
      for (const rule of RULES) {
        const [roleId, role] = onlyResource(json, 'AWS::IAM::Role', (p) => p['RoleName'] === lambdaRoleName(rule.id, region));
        expect(role).not.toHaveProperty('Policies');
        expect(resourcesOfType(json, 'AWS::IAM::Policy')).toHaveLength(0);
        const policies = resourcesOfType(json, 'AWS::IAM::ManagedPolicy').filter(([id]) =>
          (role['ManagedPolicyArns'] as { Ref: string }[]).some((arn) => arn.Ref === id),
        );
        expect(policies, `managed policy of ${roleId}`).toHaveLength(1);
        const statements = (policies[0]![1]['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
        expect(statements.map((s) => s['Sid'])).toEqual(['WriteOwnLogs', 'SendDeadLetters', 'AssumeMemberEvaluationRole', 'EvaluateOwnAccount']);
        expect(statements.slice(0, 3).map((s) => s['Action'])).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents'], 'sqs:SendMessage', 'sts:AssumeRole']);
        const assume = statements.find((s) => s['Action'] === 'sts:AssumeRole')!;
        expect(render(assume['Resource'])).toBe(`arn:\${AWS::Partition}:iam::*:role/${EVALUATION_ROLE_NAME}`);
        expect(assume['Condition']).toEqual({ StringEquals: { 'aws:ResourceOrgID': ORG_ID } });
        // The admin account's own Config rules: no self-assume, so the Lambda role evaluates
        // with exactly the member evaluation role's derived actions, nothing else.
        const own = statements.find((s) => s['Sid'] === 'EvaluateOwnAccount')!;
        expect(own).toEqual({ Sid: 'EvaluateOwnAccount', Effect: 'Allow', Action: built.plan.evaluationActions, Resource: '*' });
        expect(own['Action']).toEqual(evaluationRoleActions(RULES));
        const memberPolicy = resourcesOfType(built.member.global as CfnTemplate, 'AWS::IAM::ManagedPolicy')
          .map(([, p]) => (p['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement[0]!)
          .find((st) => st['Sid'] === 'RuleCollectors')!;
        expect(own['Action']).toEqual(memberPolicy['Action']);
        const granted = statements.flatMap((st) => (Array.isArray(st['Action']) ? st['Action'] : [st['Action']]) as string[]);
        expect(granted).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage', 'sts:AssumeRole', ...evaluationRoleActions(RULES)]);
      }
    });
  });
});
