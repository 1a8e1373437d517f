/**
 * ASFF findings as Security Hub delivers them, for the mapping and orchestrator tests.
 *
 * - Control findings follow the consolidated sample of
 *   https://docs.aws.amazon.com/securityhub/latest/userguide/sample-control-findings.html
 *   (Id `arn:aws:securityhub:R:A:security-control/<id>/finding/<uuid>`, ProductArn
 *   `arn:aws:securityhub:R::product/aws/securityhub`, GeneratorId `security-control/<id>`,
 *   Compliance.SecurityControlId and AssociatedStandards, ProductFields RelatedAWSResources:0/*
 *   naming the service-linked Config rule), with the resource types of the control reference:
 *   EC2.55/EC2.56 evaluate `AwsEc2Vpc` (https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-55),
 *   ECR.1-ECR.3 `AwsEcrRepository` (https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html).
 * - The standard-specific variant (consolidated control findings off) carries GeneratorId
 *   `aws-foundational-security-best-practices/v/1.0.0/<id>` and ProductFields ControlId /
 *   StandardsArn, still with Compliance.SecurityControlId (same page, FSBP sample).
 * - Findings of our own Config rules follow the AWS Config integration
 *   (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-internal-providers.html#integration-config):
 *   ProductArn `.../product/aws/config`, Id and GeneratorId the Config rule ARN, ProductFields
 *   aws/config/ConfigRuleName, ConfigRuleArn, ConfigComplianceType.
 */
import type { AsffFinding } from '../../security-hub/asff.js';

export const ACCOUNT = '444455556666';
export const REGION = 'eu-west-3';
export const VPC_ID = 'vpc-0a1b2c3d4e5f60789';
export const REPOSITORY = 'team-a/payments-api';

export const vpcArn = (vpcId = VPC_ID, account = ACCOUNT, region = REGION): string => `arn:aws:ec2:${region}:${account}:vpc/${vpcId}`;
export const repositoryArn = (name = REPOSITORY, account = ACCOUNT, region = REGION): string => `arn:aws:ecr:${region}:${account}:repository/${name}`;

const CONTROL_RESOURCES: Record<string, { Type: string; Id: string; linkedRule: string; title: string }> = {
  'EC2.55': { Type: 'AwsEc2Vpc', Id: vpcArn(), linkedRule: 'securityhub-vpc-endpoint-enabled-ecr-api-4c1e2a9b', title: 'VPCs should be configured with an interface endpoint for ECR API' },
  'EC2.56': { Type: 'AwsEc2Vpc', Id: vpcArn(), linkedRule: 'securityhub-vpc-endpoint-enabled-ecr-dkr-77f0c1de', title: 'VPCs should be configured with an interface endpoint for Docker Registry' },
  'ECR.1': { Type: 'AwsEcrRepository', Id: repositoryArn(), linkedRule: 'securityhub-ecr-private-image-scanning-enabled-0d3f5b21', title: 'ECR private repositories should have image scanning configured' },
  'ECR.2': { Type: 'AwsEcrRepository', Id: repositoryArn(), linkedRule: 'securityhub-ecr-private-tag-immutability-enabled-5e8a9c10', title: 'ECR private repositories should have tag immutability configured' },
  'ECR.3': { Type: 'AwsEcrRepository', Id: repositoryArn(), linkedRule: 'securityhub-ecr-private-lifecycle-policy-configured-a2b3c4d5', title: 'ECR repositories should have at least one lifecycle policy configured' },
  'S3.1': { Type: 'AwsAccount', Id: `AWS::::Account:${ACCOUNT}`, linkedRule: 'securityhub-s3-account-level-public-access-blocks-periodic-1a2b3c4d', title: 'S3 general purpose buckets should have block public access settings enabled' },
};

/** A consolidated control finding (consolidated control findings on), FAILED, NEW, ACTIVE. */
export function controlFinding(control: string, overrides: Partial<AsffFinding> = {}): AsffFinding & Record<string, unknown> {
  const resource = CONTROL_RESOURCES[control] ?? { Type: 'AwsEcrRepository', Id: repositoryArn(), linkedRule: 'securityhub-unknown', title: control };
  const id = `arn:aws:securityhub:${REGION}:${ACCOUNT}:security-control/${control}/finding/a1b2c3d4-5678-90ab-cdef-${control.replace('.', '').padEnd(12, '0').toUpperCase()}`;
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${REGION}::product/aws/securityhub`,
    ProductName: 'Security Hub',
    CompanyName: 'AWS',
    Region: REGION,
    GeneratorId: `security-control/${control}`,
    AwsAccountId: ACCOUNT,
    Types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
    FirstObservedAt: '2026-11-20T09:14:07.912Z',
    LastObservedAt: '2026-11-28T09:14:11.004Z',
    CreatedAt: '2026-11-20T09:14:07.912Z',
    UpdatedAt: '2026-11-28T09:14:02.321Z',
    Severity: { Label: 'MEDIUM', Normalized: 40, Original: 'MEDIUM' },
    Title: resource.title,
    Description: `This control checks ${resource.title.toLowerCase()}.`,
    Remediation: { Recommendation: { Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.', Url: `https://docs.aws.amazon.com/console/securityhub/${control}/remediation` } },
    ProductFields: {
      RelatedAWSResources: '',
      'RelatedAWSResources:0/name': resource.linkedRule,
      'RelatedAWSResources:0/type': 'AWS::Config::ConfigRule',
      'aws/securityhub/ProductName': 'Security Hub',
      'aws/securityhub/CompanyName': 'AWS',
      'Resources:0/Id': resource.Id,
      'aws/securityhub/FindingId': `arn:aws:securityhub:${REGION}::product/aws/securityhub/${id}`,
    },
    Resources: [{ Type: resource.Type, Id: resource.Id, Partition: 'aws', Region: REGION }],
    Compliance: {
      Status: 'FAILED',
      SecurityControlId: control,
      AssociatedStandards: [{ StandardsId: 'standards/aws-foundational-security-best-practices/v/1.0.0' }],
    },
    WorkflowState: 'NEW',
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
    FindingProviderFields: { Severity: { Label: 'MEDIUM', Original: 'MEDIUM' }, Types: ['Software and Configuration Checks/Industry and Regulatory Standards'] },
    ...overrides,
  };
}

/** The same control finding with consolidated control findings off (FSBP standard-specific shape). */
export function standardControlFinding(control: string): AsffFinding & Record<string, unknown> {
  const base = controlFinding(control);
  const standard = 'aws-foundational-security-best-practices/v/1.0.0';
  return {
    ...base,
    Id: `arn:aws:securityhub:${REGION}:${ACCOUNT}:subscription/${standard}/${control}/finding/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`,
    GeneratorId: `${standard}/${control}`,
    ProductFields: {
      ...base.ProductFields,
      StandardsArn: `arn:aws:securityhub:::standards/${standard}`,
      StandardsSubscriptionArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:subscription/${standard}`,
      ControlId: control,
      RecommendationUrl: `https://docs.aws.amazon.com/console/securityhub/${control}/remediation`,
      StandardsControlArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:control/${standard}/${control}`,
    },
  };
}

/** A finding of one of our Config rules as Security Hub receives it from AWS Config. */
export function configRuleFinding(configRuleName: string, resource: { Type: string; Id: string }, overrides: Partial<AsffFinding> = {}): AsffFinding & Record<string, unknown> {
  const ruleArn = `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-k5r9xw`;
  const id = `${ruleArn}/finding/3027db7f9b58b5ff20354bc654f0ad706cf70d1a`;
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${REGION}::product/aws/config`,
    ProductName: 'Config',
    CompanyName: 'AWS',
    Region: REGION,
    GeneratorId: ruleArn,
    AwsAccountId: ACCOUNT,
    Types: ['Software and Configuration Checks'],
    CreatedAt: '2026-11-27T22:01:44.185Z',
    UpdatedAt: '2026-11-28T06:03:12.771Z',
    Severity: { Label: 'MEDIUM', Normalized: 40 },
    Title: configRuleName,
    Description: `This finding is created for a resource compliance change for config rule: ${configRuleName}`,
    ProductFields: {
      'aws/securityhub/ProductName': 'Config',
      'aws/securityhub/CompanyName': 'AWS',
      'aws/securityhub/FindingId': `arn:aws:securityhub:${REGION}::product/aws/config/${id}`,
      'aws/config/ConfigRuleArn': ruleArn,
      'aws/config/ConfigRuleName': configRuleName,
      'aws/config/ConfigComplianceType': 'NON_COMPLIANT',
    },
    Resources: [{ ...resource, Partition: 'aws', Region: REGION }],
    Compliance: { Status: 'FAILED' },
    WorkflowState: 'NEW',
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
    ...overrides,
  };
}

/** The EventBridge event of a custom action (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html). */
export function customActionEvent(findings: unknown[], region = REGION, account = '111122223333'): Record<string, unknown> {
  return {
    version: '0',
    id: '1a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
    'detail-type': 'Security Hub Findings - Custom Action',
    source: 'aws.securityhub',
    account,
    time: '2026-11-28T10:00:00Z',
    region,
    resources: [`arn:aws:securityhub:${region}:${account}:action/custom/EcrGuardrailsFix`],
    detail: { actionName: 'ecr-guardrails fix', actionDescription: 'Remediate with ecr-guardrails', findings },
  };
}

/** The EventBridge event of new or updated findings (same page: "Security Hub Findings - Imported"). */
export function importedEvent(findings: unknown[], region = REGION, account = '111122223333'): Record<string, unknown> {
  return {
    version: '0',
    id: '8e5622f9-d81c-4d81-612a-9319e7ee2506',
    'detail-type': 'Security Hub Findings - Imported',
    source: 'aws.securityhub',
    account,
    time: '2026-11-28T10:00:00Z',
    region,
    resources: findings.map((f) => (f as { ProductFields?: Record<string, string> }).ProductFields?.['aws/securityhub/FindingId'] ?? ''),
    detail: { findings },
  };
}
