/**
 * Fine-grained assertions on the synthesized templates. One synth per configuration (in
 * beforeAll), without esbuild bundling (bundle.test.ts bundles for real once).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { automationRoleActions, loadRunbooks } from '../../automations/catalog.js';
import type { AutomationDocument } from '../../automations/document.js';
import { scriptReference } from '../../automations/script-files.js';
import { buildGuardrailsApp, planFor, type GuardrailsApp } from '../../infra/build.js';
import { conformancePackTemplate, conformancePackYaml } from '../../infra/conformance-pack.js';
import { synthesizeMemberTemplates, type MemberTemplates } from '../../infra/member.js';
import { addNagChecks, nagPacks } from '../../infra/nag.js';
import { AUTOMATION_ROLE_NAME, EVALUATION_ROLE_NAME, configRuleName, functionName, lambdaRoleName } from '../../infra/names.js';
import { TEMPLATE_BODY_LIMIT } from '../../infra/org.js';
import { RULES } from '../../rules/index.js';
import { formatRuleParameters, parseRuleParameters } from '../../rules/kernel/parameters.js';
import { evaluationRoleActions } from '../../rules/permissions.js';
import { ADMIN, ORG_ID, OUS, REGIONS, config, onlyResource, render, resourcesOfType, type CfnTemplate } from './support.js';

// CDK synths are CPU-bound and this machine is shared: generous limits, few synths.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

const runbooks = loadRunbooks();
const outdir = (): string => mkdtempSync(join(tmpdir(), 'ecr-guardrails-test-'));

let built: GuardrailsApp;
let admin: Template[];
let org: Template;
let orgJson: CfnTemplate;

beforeAll(() => {
  const dir = outdir();
  built = buildGuardrailsApp(config(), { runbooks, bundle: false, appProps: { outdir: dir }, conformancePackDir: join(dir, 'packs') });
  built.app.synth();
  admin = built.adminStacks.map((stack) => Template.fromStack(stack));
  org = Template.fromStack(built.orgStack);
  orgJson = org.toJSON() as CfnTemplate;
}, 120_000);

const configuredParameters = (ruleId: string): Record<string, unknown> => (ruleId === 'ecr-tag-immutability' ? { AllowedExclusionFilters: 'latest, dev-*' } : {});
const expectedInputParameters = (ruleId: string): Record<string, string> => {
  const rule = RULES.find((r) => r.id === ruleId)!;
  return formatRuleParameters(parseRuleParameters(rule.id, rule.parameters, configuredParameters(rule.id)));
};

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
      const permissions = resourcesOfType(template.toJSON() as CfnTemplate, 'AWS::Lambda::Permission');
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

describe('member regional template (stackset mode)', () => {
  let json: CfnTemplate;
  let template: Template;
  beforeAll(() => {
    json = built.member.regional as CfnTemplate;
    template = Template.fromJSON(json);
  });

  it('has one SSM Automation document per runbook, named EcrGuardrails-<VerbNoun>, updated as new versions', () => {
    expect(resourcesOfType(json, 'AWS::SSM::Document')).toHaveLength(runbooks.length);
    for (const runbook of runbooks) {
      template.hasResourceProperties('AWS::SSM::Document', {
        Name: `EcrGuardrails-${runbook.name}`,
        DocumentType: 'Automation',
        DocumentFormat: 'JSON',
        UpdateMethod: 'NewVersion',
        Content: runbook.document,
      });
    }
  });

  it('deploys every runbook script inline: the code of the Python file the YAML names, sibling modules included', () => {
    let checked = 0;
    for (const runbook of runbooks) {
      const [, props] = onlyResource(json, 'AWS::SSM::Document', (p) => p['Name'] === runbook.documentName);
      const deployed = (props['Content'] as AutomationDocument).mainSteps;
      for (const step of (load(runbook.yaml) as AutomationDocument).mainSteps) {
        const reference = scriptReference(step.inputs['Script']);
        if (reference === undefined) continue;
        const script = deployed.find((s) => s.name === step.name)?.inputs['Script'];
        expect(typeof script, `${runbook.name} ${step.name}`).toBe('string');
        const file = join(dirname(runbook.path), reference);
        const siblingModule = (line: string): string | undefined => {
          const name = /^from (\w+) import /.exec(line)?.[1];
          const path = name ? join(dirname(file), `${name}.py`) : undefined;
          return path && existsSync(path) ? path : undefined;
        };
        const fileLines = readFileSync(file, 'utf8').trimEnd().split('\n');
        const expected = fileLines.flatMap((line) => {
          const module = siblingModule(line);
          return module ? readFileSync(module, 'utf8').trimEnd().split('\n') : [line];
        });
        const deployedLines = String(script).split('\n');
        expect(expected.filter((line) => !deployedLines.includes(line)), `${runbook.name} ${step.name}`).toEqual([]);
        expect(deployedLines.filter((line) => siblingModule(line)), `${runbook.name} ${step.name}`).toEqual([]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it.each(RULES.map((r) => [r.id]))('%s: Config rule pointing at the central Lambda of the same region, with its triggers, scope and parameters', (ruleId) => {
    const rule = RULES.find((r) => r.id === ruleId)!;
    const [, props] = onlyResource(json, 'AWS::Config::ConfigRule', (p) => p['ConfigRuleName'] === configRuleName(ruleId));
    const source = props['Source'] as Record<string, unknown>;
    expect(source['Owner']).toBe('CUSTOM_LAMBDA');
    expect(render(source['SourceIdentifier'])).toBe(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:${ADMIN}:function:${functionName(ruleId)}`);
    const messageTypes = (source['SourceDetails'] as Record<string, string>[]).map((d) => d['MessageType']);
    const expected = [
      ...(rule.triggers.changeResourceTypes.length ? ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification'] : []),
      ...(rule.triggers.periodic ? ['ScheduledNotification'] : []),
    ];
    expect(messageTypes).toEqual(expected);
    for (const detail of source['SourceDetails'] as Record<string, string>[]) {
      expect(detail['EventSource']).toBe('aws.config');
      expect(detail['MaximumExecutionFrequency']).toBe(detail['MessageType'] === 'ScheduledNotification' ? rule.triggers.periodic : undefined);
    }
    if (rule.triggers.changeResourceTypes.length) expect(props['Scope']).toEqual({ ComplianceResourceTypes: rule.triggers.changeResourceTypes });
    else expect(props).not.toHaveProperty('Scope');
    expect(props['InputParameters']).toEqual(expectedInputParameters(ruleId));
    expect((props['Description'] as string).length).toBeLessThanOrEqual(256);
  });

  it.each(RULES.map((r) => [r.id]))('%s: remediation configuration maps NON_COMPLIANT resources to its runbook with the resource id and the automation role', (ruleId) => {
    const rule = RULES.find((r) => r.id === ruleId)!;
    const [id, props] = onlyResource(json, 'AWS::Config::RemediationConfiguration', (p) => p['ConfigRuleName'] === configRuleName(ruleId));
    const plan = built.plan.rules.find((r) => r.rule.id === ruleId)!;
    const ref = plan.remediation.ref;
    expect(props).toMatchObject({ TargetType: 'SSM_DOCUMENT', TargetId: `EcrGuardrails-${ref.runbook}`, ResourceType: rule.resourceType });
    const parameters = props['Parameters'] as Record<string, Record<string, { Values?: unknown[]; Value?: string }>>;
    expect(parameters[ref.resourceIdParameter]).toEqual({ ResourceValue: { Value: 'RESOURCE_ID' } });
    expect(render(parameters['AutomationAssumeRole']!['StaticValue']!.Values![0])).toBe(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${AUTOMATION_ROLE_NAME}`);
    const params = parseRuleParameters(rule.id, rule.parameters, configuredParameters(rule.id));
    const statics = ref.parameters ? ref.parameters(params) : {};
    expect(Object.keys(parameters).sort()).toEqual([ref.resourceIdParameter, 'AutomationAssumeRole', ...Object.keys(statics)].sort());
    // The rule and the document exist before the remediation configuration.
    const dependsOn = json.Resources[id]!.DependsOn as string[];
    expect(dependsOn.some((d) => json.Resources[d]?.Type === 'AWS::Config::ConfigRule')).toBe(true);
    expect(dependsOn.some((d) => json.Resources[d]?.Type === 'AWS::SSM::Document')).toBe(true);
  });

  it('turns configured rule parameters into the runbook parameters (tag immutability with exclusion filters, automatic)', () => {
    if (!RULES.some((r) => r.id === 'ecr-tag-immutability')) return;
    const [, props] = onlyResource(json, 'AWS::Config::RemediationConfiguration', (p) => p['ConfigRuleName'] === configRuleName('ecr-tag-immutability'));
    expect(props).toMatchObject({
      Automatic: true,
      MaximumAutomaticAttempts: 5,
      RetryAttemptSeconds: 120,
      Parameters: {
        Mode: { StaticValue: { Values: ['IMMUTABLE_WITH_EXCLUSION'] } },
        ExclusionFilters: { StaticValue: { Values: ['latest', 'dev-*'] } },
      },
    });
  });

  it('leaves manual rules with the Remediate button only (Automatic false, no retry settings)', () => {
    const manual = synthesizeMemberTemplates(planFor(config({ rules: {} }), { runbooks }), { nag: false });
    for (const [, props] of resourcesOfType(manual.regional as CfnTemplate, 'AWS::Config::RemediationConfiguration')) {
      expect(props['Automatic']).toBe(false);
      expect(props).not.toHaveProperty('MaximumAutomaticAttempts');
      expect(props).not.toHaveProperty('RetryAttemptSeconds');
    }
  });
});

describe('conformance-pack mode', () => {
  let member: MemberTemplates;
  beforeAll(() => {
    member = synthesizeMemberTemplates(planFor(config({ deploymentMode: 'conformance-pack' }), { runbooks }));
  }, 60_000);

  it('keeps documents and roles in the StackSet templates but no Config rule or remediation', () => {
    const regional = member.regional as CfnTemplate;
    expect(resourcesOfType(regional, 'AWS::SSM::Document')).toHaveLength(runbooks.length);
    expect(resourcesOfType(regional, 'AWS::Config::ConfigRule')).toHaveLength(0);
    expect(resourcesOfType(regional, 'AWS::Config::RemediationConfiguration')).toHaveLength(0);
    expect(resourcesOfType(member.global as CfnTemplate, 'AWS::IAM::Role')).toHaveLength(2);
  });
});

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
      const automationRole = `arn:aws:iam::${ADMIN}:role/${AUTOMATION_ROLE_NAME}`;
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
