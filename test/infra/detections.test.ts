/**
 * Detections deployed: forwarding rules and their role in the member regional template; the
 * central bus, its organisation-only policy, the rule, the Lambda and its least-privilege role,
 * and the alert topic in each admin stack. cdk-nag runs on every synth of these templates.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DETECTIONS } from '../../detections/index.js';
import { detectionRoleActions } from '../../detections/kernel/follow-up.js';
import { DETECTION_BUS_NAME, detectionSources } from '../../infra/detections.js';
import { RULES } from '../../rules/index.js';
import { defaultApp, type DefaultApp } from './default-app.js';
import { ADMIN, ORG_ID, onlyResource, render, resourcesOfType, type CfnTemplate } from './support.js';

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
      expect(rule['EventPattern']).toEqual(detection.pattern);
      expect(rule['State']).toBe(detection.readOnlyEvents ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED');
      const [target] = rule['Targets'] as Record<string, unknown>[];
      expect(render(target!['Arn'])).toBe(`arn:\${AWS::Partition}:events:\${AWS::Region}:${ADMIN}:event-bus/${DETECTION_BUS_NAME}`);
      expect(render(target!['RoleArn'])).toContain('DetectionsRole');
    }
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
        ['PublishAlerts', 'sns:Publish'],
        ['EncryptAlerts', ['kms:Decrypt', 'kms:GenerateDataKey']],
        ['ListOrganizationAccounts', 'organizations:ListAccounts'],
        ['AssumeMemberDetectionRole', 'sts:AssumeRole'],
      ]);
      expect(render(statements[5])).toContain(`"aws:ResourceOrgID":"${ORG_ID}"`);
      expect(render(statements[5])).toContain(':role/EcrGuardrailsDetectionRole');
      // Only ListAccounts (no resource-level permissions) has a wildcard resource.
      expect(statements.filter((s) => render(s).includes('"Resource":"*"')).map((s) => s.Sid)).toEqual(['ListOrganizationAccounts']);
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'EcrGuardrails-Detections',
        Environment: { Variables: Match.objectLike({ SECURITY_HUB_FINDINGS: 'true', CONFIG_RULE_NAMES: JSON.stringify(Object.fromEntries(RULES.map((rule) => [rule.id, `ecr-guardrails-${rule.id}`]))) }) },
      });
    }
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

  it('grants exactly the derived actions: findings into its own default product, re-evaluation of its own rules', () => {
    const json = app.built.member.global as CfnTemplate;
    const [, policy] = onlyResource(json, 'AWS::IAM::ManagedPolicy', (p) => render(p).includes('ImportFindings'));
    const statements = (policy['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements.map((s) => s['Action']).sort()).toEqual(detectionRoleActions(DETECTIONS, RULES, true));
    expect(statements.map((s) => render(s['Resource']))).toEqual([
      'arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:product/${AWS::AccountId}/default',
      'arn:${AWS::Partition}:config:*:${AWS::AccountId}:config-rule/*',
    ]);
  });

  it('derives no re-evaluation without periodic related rules, and nothing at all without Security Hub', () => {
    expect(detectionRoleActions(DETECTIONS, [], true)).toEqual(['securityhub:BatchImportFindings']);
    expect(detectionRoleActions(DETECTIONS, [], false)).toEqual([]);
    expect(detectionRoleActions(DETECTIONS, RULES, false)).toEqual(['config:StartConfigRulesEvaluation']);
  });
});
