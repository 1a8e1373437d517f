/**
 * The mapping from a Security Hub finding to our runbook and its parameters, on the finding
 * shapes of findings.ts (each cites the AWS page it follows).
 */
import { describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../automations/catalog.js';
import { configRuleName } from '../../infra/names.js';
import { RULES } from '../../rules/index.js';
import { AUTOMATION_ROLE_NAME } from '../../rules/names.js';
import { parseRuleParameters } from '../../rules/kernel/parameters.js';
import { mapFinding, resourceIdFromArn, type MappingResult, type Remediation } from '../../security-hub/mapping.js';
import { remediationRoutes, routedControls } from '../../security-hub/routes.js';
import { ACCOUNT, REGION, REPOSITORY, VPC_ID, configRuleFinding, controlFinding, repositoryArn, standardControlFinding, vpcArn } from './findings.js';

const runbooks = loadRunbooks();
/** Default rule parameters, except the tag-immutability exclusions a deployment would set. */
const params = (ruleId: string): Record<string, unknown> => (ruleId === 'ecr-tag-immutability' ? { AllowedExclusionFilters: 'latest, dev-*' } : {});
const routes = remediationRoutes(RULES, runbooks, (rule) => parseRuleParameters(rule.id, rule.parameters, params(rule.id)), configRuleName);
const context = { routes, automationRoleName: AUTOMATION_ROLE_NAME };
const role = `arn:aws:iam::${ACCOUNT}:role/${AUTOMATION_ROLE_NAME}`;

function remediation(result: MappingResult): Remediation {
  if (result.kind !== 'remediate') throw new Error(`expected a remediation, got: ${result.reason}`);
  return result.remediation;
}

describe('routes', () => {
  it('route the five controls the rules map to, and never a destructive or approval-gated runbook', () => {
    expect(routedControls(routes)).toEqual(['EC2.55', 'EC2.56', 'ECR.1', 'ECR.2', 'ECR.3']);
    expect(routes.map((r) => r.runbook)).not.toContain('DeleteStaleEcrImages');
    for (const route of routes) {
      const runbook = runbooks.find((r) => r.name === route.runbook)!;
      expect(runbook.document.mainSteps.some((s) => s.action === 'aws:approve'), route.runbook).toBe(false);
    }
  });
});

describe('destructive and approval-gated runbooks are never routed, whatever a rule declares', () => {
  const stale = RULES.find((rule) => rule.id === 'ecr-stale-images')!;
  const withRemediations = (remediations: unknown[]) => [{ ...stale, remediations }] as unknown as typeof RULES;
  const routesOf = (rules: typeof RULES) => remediationRoutes(rules, runbooks, (rule) => parseRuleParameters(rule.id, rule.parameters, {}), configRuleName);
  const ref = (runbook: string, destructive?: boolean) => ({ runbook, resourceIdParameter: 'RepositoryName', summary: 'test', ...(destructive === undefined ? {} : { destructive }) });

  it.each([
    ['DeleteStaleEcrImages (aws:approve) even when not flagged destructive', [ref('DeleteStaleEcrImages', false)], []],
    ['RestrictEcrRepositoryPolicy (a policy change with aws:approve)', [ref('RestrictEcrRepositoryPolicy')], []],
    ['a runbook flagged destructive even without an approval step', [ref('ApplyEcrLifecyclePolicy', true)], []],
    ['the first non-destructive runbook after a destructive one', [ref('DeleteStaleEcrImages', true), ref('ApplyEcrLifecyclePolicy')], ['ApplyEcrLifecyclePolicy']],
  ])('%s', (_case, remediations, expected) => {
    expect(routesOf(withRemediations(remediations)).map((r) => r.runbook)).toEqual(expected);
  });
});

describe('Security Hub control findings pick the rule\'s runbook and its parameters', () => {
  it.each([
    ['EC2.55', 'ecr-vpc-endpoints', 'EcrGuardrails-CreateEcrVpcEndpoints', { VpcId: [VPC_ID], Services: ['ecr.api,ecr.dkr,s3'], RequireAllWorkloadAzs: ['false'] }],
    ['EC2.56', 'ecr-vpc-endpoints', 'EcrGuardrails-CreateEcrVpcEndpoints', { VpcId: [VPC_ID], Services: ['ecr.api,ecr.dkr,s3'], RequireAllWorkloadAzs: ['false'] }],
    ['ECR.1', 'ecr-image-scanning', 'EcrGuardrails-EnableEcrImageScanning', { RepositoryName: [REPOSITORY], Scope: ['repository'], ScanNow: ['true'], InUseDays: ['30'], MaxFindingSeverity: ['CRITICAL'], MaxFindingAgeDays: ['30'], VulnerabilityCheck: ['true'] }],
    ['ECR.2', 'ecr-tag-immutability', 'EcrGuardrails-EnableEcrTagImmutability', { RepositoryName: [REPOSITORY], Mode: ['IMMUTABLE_WITH_EXCLUSION'], ExclusionFilters: ['latest', 'dev-*'] }],
    [
      'ECR.3',
      'ecr-stale-images',
      'EcrGuardrails-ApplyEcrLifecyclePolicy',
      { RepositoryName: [REPOSITORY], MaxImageAgeDays: ['90'], MaxIdleDays: ['90'], UntaggedExpireDays: ['1'], MaxUntaggedImages: ['0'] },
    ],
  ])('%s -> %s: %s', (control, ruleId, documentName, expected) => {
    for (const finding of [controlFinding(control), standardControlFinding(control)]) {
      const r = remediation(mapFinding(finding, context));
      expect(r.route.ruleId).toBe(ruleId);
      expect(r.route.documentName).toBe(documentName);
      expect(r).toMatchObject({ account: ACCOUNT, region: REGION, partition: 'aws', source: 'control', matched: control, resolves: true });
      expect(r.finding).toEqual({ Id: finding.Id, ProductArn: `arn:aws:securityhub:${REGION}::product/aws/securityhub` });
      expect(r.parameters).toEqual({ ...expected, AutomationAssumeRole: [role] });
    }
  });

  it('takes the control id from the consolidated GeneratorId when Compliance.SecurityControlId is absent', () => {
    const finding = controlFinding('EC2.56', { Compliance: { Status: 'FAILED' } });
    expect(remediation(mapFinding(finding, context)).matched).toBe('EC2.56');
  });

  it('follows the rule parameters of the deployment (RequiredServices without s3)', () => {
    const custom = remediationRoutes(RULES, runbooks, (rule) => parseRuleParameters(rule.id, rule.parameters, rule.id === 'ecr-vpc-endpoints' ? { RequiredServices: 'ecr.api,ecr.dkr' } : {}), configRuleName);
    const r = remediation(mapFinding(controlFinding('EC2.56'), { routes: custom, automationRoleName: AUTOMATION_ROLE_NAME }));
    expect(r.parameters['Services']).toEqual(['ecr.api,ecr.dkr']);
  });
});

describe('findings of our own Config rules (through the AWS Config integration)', () => {
  it.each([
    ['ecr-guardrails-ecr-vpc-endpoints', { Type: 'AwsEc2Vpc', Id: vpcArn() }, 'EcrGuardrails-CreateEcrVpcEndpoints', 'VpcId', VPC_ID, true],
    ['ecr-guardrails-ecr-tag-immutability', { Type: 'AwsEcrRepository', Id: repositoryArn() }, 'EcrGuardrails-EnableEcrTagImmutability', 'RepositoryName', REPOSITORY, true],
    ['ecr-guardrails-ecr-stale-images', { Type: 'AwsEcrRepository', Id: repositoryArn() }, 'EcrGuardrails-ApplyEcrLifecyclePolicy', 'RepositoryName', REPOSITORY, true],
    // Vulnerability findings of this rule have no runbook: success cannot resolve the finding.
    ['ecr-guardrails-ecr-image-scanning', { Type: 'AwsEcrRepository', Id: repositoryArn() }, 'EcrGuardrails-EnableEcrImageScanning', 'RepositoryName', REPOSITORY, false],
    ['ecr-guardrails-ecr-tag-immutability-conformance-pack-x1y2z3ab', { Type: 'AwsEcrRepository', Id: repositoryArn() }, 'EcrGuardrails-EnableEcrTagImmutability', 'RepositoryName', REPOSITORY, true],
  ])('%s -> %s', (name, resource, documentName, parameter, id, resolves) => {
    const r = remediation(mapFinding(configRuleFinding(name, resource), context));
    expect(r).toMatchObject({ source: 'config-rule', matched: name, resolves, account: ACCOUNT, region: REGION, resourceId: id });
    expect(r.route.documentName).toBe(documentName);
    expect(r.parameters[parameter]).toEqual([id]);
    expect(r.parameters['AutomationAssumeRole']).toEqual([role]);
  });
});

describe('everything else is ignored, saying why', () => {
  it.each([
    ['another control', controlFinding('S3.1'), /control S3.1 is not one/],
    ['a control finding that PASSED', controlFinding('ECR.2', { Compliance: { Status: 'PASSED', SecurityControlId: 'ECR.2' } }), /PASSED, not FAILED/],
    ['a control finding without compliance status', controlFinding('ECR.2', { Compliance: { SecurityControlId: 'ECR.2' } }), /missing, not FAILED/],
    ['an archived finding', controlFinding('ECR.2', { RecordState: 'ARCHIVED' }), /ARCHIVED, not ACTIVE/],
    ['a CIS standard-specific generator id without SecurityControlId', controlFinding('ECR.2', { Compliance: { Status: 'FAILED' }, GeneratorId: 'cis-aws-foundations-benchmark/v/1.2.0/2.7' }), /without a security control id/],
    ['a finding of another Config rule', configRuleFinding('s3-bucket-level-public-access-prohibited', { Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::bucket' }), /not an ecr-guardrails rule/],
    ['a look-alike Config rule name', configRuleFinding('ecr-guardrails-ecr-tag-immutability-copy', { Type: 'AwsEcrRepository', Id: repositoryArn() }), /not an ecr-guardrails rule/],
    ['a custom product imitating a control finding', controlFinding('ECR.2', { ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default` }), /neither Security Hub's controls nor AWS Config/],
    ['no resource of the rule\'s type', controlFinding('ECR.2', { Resources: [{ Type: 'AwsAccount', Id: `AWS::::Account:${ACCOUNT}` }] }), /names 0 resources of type AwsEcrRepository/],
    ['two repositories', controlFinding('ECR.2', { Resources: [{ Type: 'AwsEcrRepository', Id: repositoryArn('a') }, { Type: 'AwsEcrRepository', Id: repositoryArn('b') }] }), /names 2 resources/],
    ['a resource of another account', controlFinding('ECR.2', { Resources: [{ Type: 'AwsEcrRepository', Id: repositoryArn(REPOSITORY, '999988887777') }] }), /not in the finding's partition, account and region/],
    ['a resource of another region', controlFinding('EC2.56', { Resources: [{ Type: 'AwsEc2Vpc', Id: vpcArn(VPC_ID, ACCOUNT, 'us-east-1') }] }), /not in the finding's partition, account and region/],
    ['a malformed account', controlFinding('ECR.2', { AwsAccountId: '4444' }), /not an account id/],
    ['no Id', controlFinding('ECR.2', { Id: '' }), /no Id and ProductArn/],
  ])('%s', (_case, finding, reason) => {
    const result = mapFinding(finding, context);
    expect(result.kind).toBe('ignored');
    expect(result.kind === 'ignored' && result.reason).toMatch(reason);
  });
});

describe('resource ids from ASFF resource ARNs', () => {
  const where = { partition: 'aws', account: ACCOUNT, region: REGION };
  it.each([
    ['AWS::EC2::VPC', vpcArn(), VPC_ID],
    ['AWS::ECR::Repository', repositoryArn('a/b/c'), 'a/b/c'],
    ['AWS::EC2::VPC', `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-0123456789abcdef0`, { problem: expect.stringMatching(/not a VPC ARN/) as unknown }],
    ['AWS::ECR::Repository', `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/UPPER`, { problem: expect.stringMatching(/not an ECR repository ARN/) as unknown }],
    ['AWS::ECR::Repository', 'team-a/payments-api', { problem: expect.stringMatching(/not an ARN/) as unknown }],
  ])('%s %s', (type, arn, expected) => {
    expect(resourceIdFromArn(type, arn, where)).toEqual(expected);
  });
});
