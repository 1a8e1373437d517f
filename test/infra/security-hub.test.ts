/**
 * The Security Hub response deployed: off by default; when enabled, the custom action, the
 * EventBridge rules, the orchestrator Lambda and its state machine in each admin stack, and
 * the member role the orchestrator assumes, each with least privilege. cdk-nag runs on the synth.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildGuardrailsApp, type GuardrailsApp } from '../../infra/build.js';
import { CUSTOM_ACTION_ID, CUSTOM_ACTION_NAME, automaticPattern, planRoutes } from '../../infra/security-hub.js';
import { ROUTES_ENV, SECURITY_HUB_ROLE_NAME } from '../../security-hub/handler.js';
import { defaultApp, outdir, runbooks } from './default-app.js';
import { ADMIN, ORG_ID, config, onlyResource, render, resourcesOfType, type CfnTemplate } from './support.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

const MEMBER = '444455556666';
let built: GuardrailsApp;
let admin: Template[];
beforeAll(() => {
  const dir = outdir();
  built = buildGuardrailsApp(config({ securityHub: { enabled: true, automaticControls: ['EC2.56', 'ECR.2'], automaticAccounts: [MEMBER], pollSeconds: 30, maxWaitMinutes: 45 } }), {
    runbooks,
    bundle: false,
    appProps: { outdir: dir },
    conformancePackDir: join(dir, 'packs'),
  });
  built.app.synth();
  admin = built.adminStacks.map((stack) => Template.fromStack(stack));
}, 180_000);

describe('disabled (the default)', () => {
  it('deploys nothing of the Security Hub response', () => {
    const app = defaultApp();
    for (const template of app.admin) {
      template.resourceCountIs('AWS::SecurityHub::ActionTarget', 0);
      template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    }
    expect(JSON.stringify(app.built.member.global)).not.toContain(SECURITY_HUB_ROLE_NAME);
  });
});

describe('admin stacks', () => {
  it('create the custom action (Id and Name within the 20 characters CreateActionTarget allows) and route it to the state machine', () => {
    expect(CUSTOM_ACTION_ID).toMatch(/^[A-Za-z0-9]{1,20}$/);
    expect(CUSTOM_ACTION_NAME.length).toBeLessThanOrEqual(20);
    for (const template of admin) {
      template.hasResourceProperties('AWS::SecurityHub::ActionTarget', { Id: CUSTOM_ACTION_ID, Name: CUSTOM_ACTION_NAME, Description: Match.stringLikeRegexp('^Remediate with ecr-guardrails') });
      template.hasResourceProperties('AWS::Events::Rule', {
        Name: 'EcrGuardrails-SecurityHubCustomAction',
        EventPattern: { source: ['aws.securityhub'], 'detail-type': ['Security Hub Findings - Custom Action'], resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('CustomAction'), 'ActionTargetArn'] }] },
        Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('StateMachine') }, DeadLetterConfig: Match.anyValue() })],
      });
    }
  });

  it('filter automatic remediation by control id, FAILED, workflow NEW, ACTIVE, the region and the target accounts', () => {
    built.adminStacks.forEach((stack, i) => {
      admin[i]!.hasResourceProperties('AWS::Events::Rule', {
        Name: 'EcrGuardrails-SecurityHubAutomatic',
        EventPattern: automaticPattern(['EC2.56', 'ECR.2'], [MEMBER], stack.region),
      });
    });
    expect(automaticPattern(['ECR.2'], undefined, 'eu-west-3')).toEqual({
      source: ['aws.securityhub'],
      'detail-type': ['Security Hub Findings - Imported'],
      detail: { findings: { Compliance: { Status: ['FAILED'], SecurityControlId: ['ECR.2'] }, Workflow: { Status: ['NEW'] }, RecordState: ['ACTIVE'], Region: ['eu-west-3'] } },
    });
  });

  it('give the orchestrator its routes (no destructive runbook) and settings, within the 4 KB Lambda environment', () => {
    const template = admin[0]!.toJSON() as CfnTemplate;
    const [, fn] = onlyResource(template, 'AWS::Lambda::Function', (p) => p['FunctionName'] === 'EcrGuardrails-SecurityHub');
    const variables = (fn['Environment'] as { Variables: Record<string, string> }).Variables;
    expect(JSON.parse(variables[ROUTES_ENV]!)).toEqual(planRoutes(built.plan));
    expect(variables[ROUTES_ENV]).not.toContain('DeleteStaleEcrImages');
    expect(JSON.parse(variables['AUTOMATIC_REMEDIATION']!)).toEqual({ controls: ['EC2.56', 'ECR.2'], accounts: [MEMBER] });
    expect(variables['MAX_WAIT_SECONDS']).toBe('2700');
    // Room for a custom action with many findings: the start step stops starting runbooks START_RESERVE_MS before this.
    expect(fn['Timeout']).toBe(300);
    expect(JSON.stringify(variables).length).toBeLessThan(4096);
  });

  it('let the orchestrator update findings on its own hub and assume only the member Security Hub role inside the organisation', () => {
    const template = admin[0]!.toJSON() as CfnTemplate;
    const [, policy] = onlyResource(template, 'AWS::IAM::ManagedPolicy', (p) => render(p).includes('AssumeMemberSecurityHubRole'));
    const statements = (policy['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements.map((s) => s['Action'])).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents'], 'securityhub:BatchUpdateFindings', 'sts:AssumeRole']);
    expect(render(statements[1]!['Resource'])).toBe('arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:hub/default');
    expect(render(statements[2]!['Resource'])).toBe(`arn:\${AWS::Partition}:iam::*:role/${SECURITY_HUB_ROLE_NAME}`);
    expect(statements[2]!['Condition']).toEqual({ StringEquals: { 'aws:ResourceOrgID': ORG_ID } });
    for (const [, p] of resourcesOfType(template, 'AWS::IAM::Policy').concat(resourcesOfType(template, 'AWS::IAM::ManagedPolicy'))) {
      for (const statement of (p['PolicyDocument'] as { Statement: { Action: string | string[] }[] }).Statement) {
        for (const action of [statement.Action].flat()) expect(action, 'no wildcard actions').not.toContain('*');
      }
    }
  });

  it('run start once, then wait and poll each run until it ends, in a state machine with full logging and a timeout past the waiting limit', () => {
    const template = admin[0]!.toJSON() as CfnTemplate;
    const [, machine] = onlyResource(template, 'AWS::StepFunctions::StateMachine');
    const [, parts] = (machine['DefinitionString'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    const definition = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'FUNCTION')).join('')) as { StartAt: string; TimeoutSeconds: number; States: Record<string, Record<string, unknown>> };
    expect(definition.StartAt).toBe('Start');
    expect(definition.TimeoutSeconds).toBe((45 + 30) * 60);
    expect(definition.States['Start']).toMatchObject({ Resource: 'FUNCTION', Parameters: { step: 'start', 'event.$': '$' } });
    expect(definition.States['Start']!['Retry']).toEqual([expect.objectContaining({ ErrorEquals: ['Lambda.TooManyRequestsException'] })]);
    const map = definition.States['FollowRuns'] as { ItemsPath: string; ItemProcessor: { StartAt: string; States: Record<string, Record<string, unknown>> } };
    expect(map.ItemsPath).toBe('$.runs');
    expect(map.ItemProcessor.StartAt).toBe('WaitForRun');
    expect(map.ItemProcessor.States['WaitForRun']).toMatchObject({ Seconds: 30, Next: 'Poll' });
    expect(map.ItemProcessor.States['Poll']).toMatchObject({ Resource: 'FUNCTION', Parameters: { step: 'poll', 'run.$': '$.run' } });
    expect(map.ItemProcessor.States['RunEnded']).toMatchObject({ Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'RunFollowed' }], Default: 'WaitForRun' });
    expect(definition.States['AllStarted']).toMatchObject({ Choices: [{ Variable: '$.problems[0]', IsPresent: true, Next: 'SomeNotStarted' }] });
    expect(machine['LoggingConfiguration']).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
  });
});

describe('member global template', () => {
  it('holds the Security Hub role: trusted by the orchestrator roles of the admin account in the organisation; starts only the routed non-destructive runbooks (the ARN shapes the Service Authorization Reference lists) and passes only the automation role to SSM', () => {
    const json = built.member.global as CfnTemplate;
    const [, role] = onlyResource(json, 'AWS::IAM::Role', (p) => p['RoleName'] === SECURITY_HUB_ROLE_NAME);
    const trust = JSON.stringify(role['AssumeRolePolicyDocument']);
    expect(trust).toContain(`:iam::${ADMIN}:role/EcrGuardrailsSecurityHub-*`);
    expect(trust).toContain('aws:PrincipalOrgID');
    expect(trust).toContain(ORG_ID);
    const [, policy] = onlyResource(json, 'AWS::IAM::ManagedPolicy', (p) => render(p).includes('StartEcrGuardrailsRunbooks'));
    const statements = (policy['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    // Service Authorization Reference, AWS Systems Manager (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html):
    // StartAutomationExecution authorises automation-definition (arn:${Partition}:ssm:${Region}:${Account}:automation-definition/${AutomationDefinitionName}:${VersionId}),
    // automation-execution* (...:automation-execution/${AutomationExecutionId}) and document* (...:document/${DocumentName});
    // GetAutomationExecution authorises automation-execution*. The documents are the routed (non-destructive) runbooks only.
    const ssm = 'arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:';
    const documents = ['EcrGuardrails-ApplyEcrLifecyclePolicy', 'EcrGuardrails-CreateEcrVpcEndpoints', 'EcrGuardrails-EnableEcrImageScanning', 'EcrGuardrails-EnableEcrTagImmutability'];
    expect([...new Set(planRoutes(built.plan).map((r) => r.documentName))].sort()).toEqual(documents);
    expect(statements.map((s) => [s['Sid'], s['Action'], [s['Resource']].flat().map(render)])).toEqual([
      ['StartEcrGuardrailsRunbooks', 'ssm:StartAutomationExecution', [...documents.flatMap((d) => [`${ssm}automation-definition/${d}:*`, `${ssm}document/${d}`]), `${ssm}automation-execution/*`]],
      ['ReadExecutions', 'ssm:GetAutomationExecution', [`${ssm}automation-execution/*`]],
      ['PassAutomationRoleToSsm', 'iam:PassRole', ['arn:${AWS::Partition}:iam::${AWS::AccountId}:role/EcrGuardrailsAutomationRole']],
    ]);
    const started = [statements[0]!['Resource']].flat().map(render);
    for (const arn of started) expect(arn).toMatch(/^arn:\$\{AWS::Partition\}:ssm:\*:\$\{AWS::AccountId\}:(automation-definition\/EcrGuardrails-[A-Za-z]+:\*|document\/EcrGuardrails-[A-Za-z]+|automation-execution\/\*)$/);
    expect(started.join(' '), 'IAM refuses to start a destructive runbook from Security Hub').not.toContain('DeleteStaleEcrImages');
    expect(started.join(' ')).not.toContain('EcrGuardrails-*');
    expect(statements[2]!['Condition']).toEqual({ StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } });
  });
});
