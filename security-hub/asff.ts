/**
 * What the Security Hub response reads of an ASFF finding (AWS Security Finding Format), and
 * nothing more. Shapes as AWS documents them:
 * - control findings: https://docs.aws.amazon.com/securityhub/latest/userguide/sample-control-findings.html
 *   (`ProductArn` `arn:P:securityhub:R::product/aws/securityhub`; `Compliance.SecurityControlId`;
 *   `GeneratorId` `security-control/<id>` with consolidated control findings on, or
 *   `<standard>/v/<version>/<id>` with it off);
 * - findings of AWS Config rules: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-internal-providers.html#integration-config
 *   (`ProductArn` `arn:P:securityhub:R::product/aws/config`; `ProductFields["aws/config/ConfigRuleName"]`);
 * - attributes: https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html
 *   and https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html.
 * Everything is optional here: findings arrive as event JSON, and a missing field must never
 * make a finding look remediable.
 */

/** The ASFF attributes the mapping reads (a subset of AwsSecurityFinding). */
export interface AsffFinding {
  Id?: string;
  ProductArn?: string;
  GeneratorId?: string;
  AwsAccountId?: string;
  Region?: string;
  Title?: string;
  ProductFields?: Record<string, string>;
  Resources?: { Type?: string; Id?: string; Partition?: string; Region?: string }[];
  Compliance?: { Status?: string; SecurityControlId?: string; AssociatedStandards?: { StandardsId?: string }[] };
  Workflow?: { Status?: string };
  RecordState?: string;
}

/** What BatchUpdateFindings needs to name a finding. */
export interface FindingIdentifier {
  Id: string;
  ProductArn: string;
}

/** ProductFields key of findings that Security Hub receives from AWS Config rules. */
export const CONFIG_RULE_NAME_FIELD = 'aws/config/ConfigRuleName';

/** ASFF resource types of the Config resource types our rules evaluate. */
export const ASFF_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'AWS::EC2::VPC': 'AwsEc2Vpc',
  'AWS::ECR::Repository': 'AwsEcrRepository',
};

const PRODUCT_ARN = /^arn:(aws[a-z-]*):securityhub:([a-z0-9-]+)::product\/aws\/(securityhub|config)$/;

/** The AWS product that produced the finding: Security Hub's own controls, or AWS Config rules. */
export function productOf(finding: AsffFinding): { product: 'securityhub' | 'config'; partition: string } | undefined {
  const match = PRODUCT_ARN.exec(finding.ProductArn ?? '');
  return match ? { product: match[3] as 'securityhub' | 'config', partition: match[1]! } : undefined;
}

/**
 * The security control id of a Security Hub control finding: `Compliance.SecurityControlId`,
 * else the consolidated `GeneratorId` (`security-control/EC2.56`). Standard-specific generator
 * ids (`cis-aws-foundations-benchmark/v/1.2.0/2.7`) number controls per standard and are not used.
 */
export function securityControlId(finding: AsffFinding): string | undefined {
  const fromCompliance = finding.Compliance?.SecurityControlId;
  if (typeof fromCompliance === 'string' && fromCompliance !== '') return fromCompliance;
  const generator = finding.GeneratorId ?? '';
  return generator.startsWith('security-control/') ? generator.slice('security-control/'.length) || undefined : undefined;
}

/** The Config rule of a finding Security Hub received from AWS Config. */
export function configRuleNameOf(finding: AsffFinding): string | undefined {
  const name = finding.ProductFields?.[CONFIG_RULE_NAME_FIELD];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** `{ Id, ProductArn }` of a finding, when both are present. */
export function identifierOf(finding: AsffFinding): FindingIdentifier | undefined {
  return typeof finding.Id === 'string' && finding.Id !== '' && typeof finding.ProductArn === 'string' && finding.ProductArn !== ''
    ? { Id: finding.Id, ProductArn: finding.ProductArn }
    : undefined;
}
