/**
 * DNS support or DNS hostnames turned off on a VPC: private DNS of interface endpoints stops
 * resolving. ModifyVpcAttribute (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcAttribute.html),
 * recorded as `vpcId` and `enableDnsSupport` / `enableDnsHostnames` of `{ value }`.
 */
import { alertFor, cloudTrailPattern, ec2Parameters, failed, requiredString } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

const turnedOff = (attribute: unknown): boolean => {
  const value = (attribute as { value?: unknown } | undefined)?.value ?? (attribute as { Value?: unknown } | undefined)?.Value;
  return value === false || value === 'false';
};

export const detection: Detection = {
  id: 'vpc-dns-disabled',
  title: 'VPC DNS support or hostnames turned off',
  severity: 'HIGH',
  relatedRule: 'ecr-vpc-endpoints',
  // Matters only where the VPC resolves ECR or S3 interface endpoints by their private DNS names.
  endpointReliance: 'private-dns',
  pattern: cloudTrailPattern('aws.ec2', 'ec2.amazonaws.com', ['ModifyVpcAttribute']),
  classify(event) {
    if (failed(event)) return undefined;
    const parameters = ec2Parameters(event);
    const off = ['enableDnsSupport', 'enableDnsHostnames'].filter((name) => turnedOff(parameters[name] ?? parameters[name[0]!.toUpperCase() + name.slice(1)]));
    if (off.length === 0) return undefined;
    const vpc = requiredString(event, parameters, parameters.vpcId === undefined ? 'VpcId' : 'vpcId');
    return alertFor(detection, event, {
      severity: 'HIGH',
      resourceType: 'AWS::EC2::VPC',
      resourceId: vpc,
      change: `${off.join(' and ')} turned off`,
      advice: `Private DNS of the VPC endpoints in ${vpc} no longer resolves, so ECR and S3 names resolve to public addresses. Turn the attribute back on (aws ec2 modify-vpc-attribute --vpc-id ${vpc} --enable-dns-support/--enable-dns-hostnames).`,
    });
  },
  samples,
};
