import type { Finding } from '../scan.js';

/** What naming a resource needs (scan findings and detection alerts both carry it). */
export type ResourceRef = Pick<Finding, 'partition' | 'region' | 'accountId' | 'resourceType' | 'resourceId'>;

/**
 * How each evaluated resource type is named outside Config: its ARN and its ASFF resource
 * type (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-resources.html).
 */
const RESOURCE_TYPES: Readonly<Record<string, { asffType: string; arn: (f: ResourceRef) => string }>> = {
  'AWS::ECR::Repository': {
    asffType: 'AwsEcrRepository',
    arn: (f) => `arn:${f.partition}:ecr:${f.region}:${f.accountId}:repository/${f.resourceId}`,
  },
  'AWS::EC2::VPC': {
    asffType: 'AwsEc2Vpc',
    arn: (f) => `arn:${f.partition}:ec2:${f.region}:${f.accountId}:vpc/${f.resourceId}`,
  },
};

/** The resource's ARN, or a stable pseudo-identifier for a type without a known ARN form. */
export function resourceArn(finding: ResourceRef): string {
  const known = RESOURCE_TYPES[finding.resourceType];
  return known ? known.arn(finding) : `${finding.accountId}/${finding.region}/${finding.resourceType}/${finding.resourceId}`;
}

/** ASFF `Resources[].Type`; `Other` for types Security Hub does not name. */
export function asffResourceType(resourceType: string): string {
  return RESOURCE_TYPES[resourceType]?.asffType ?? 'Other';
}
