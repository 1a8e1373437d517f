/**
 * A VPC endpoint deleted, its private DNS turned off, or subnets or security groups removed.
 * DeleteVpcEndpoints (`VpcEndpointId.N`, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html)
 * and ModifyVpcEndpoint (`VpcEndpointId`, `PrivateDnsEnabled`, `RemoveSubnetId.N`,
 * `RemoveSecurityGroupId.N`, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html).
 * The record does not name the endpoint's service, so every endpoint is reported; the related
 * rule re-evaluates the VPC and says whether ECR or S3 coverage was lost.
 */
import { alertFor, cloudTrailPattern, ec2List, ec2Parameters, failed, parameterOf } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

export const detection: Detection = {
  id: 'vpc-endpoint-weakened',
  title: 'VPC endpoint deleted or reduced',
  severity: 'MEDIUM',
  relatedRule: 'ecr-vpc-endpoints',
  runbook: 'CreateEcrVpcEndpoints',
  pattern: cloudTrailPattern('aws.ec2', 'ec2.amazonaws.com', ['DeleteVpcEndpoints', 'ModifyVpcEndpoint']),
  classify(event) {
    if (failed(event)) return undefined;
    const parameters = ec2Parameters(event);
    const ids = ec2List(parameterOf(parameters, 'VpcEndpointId'));
    const resourceId = ids.join(',') || 'unknown endpoint';
    const base = { severity: 'MEDIUM' as const, resourceType: 'AWS::EC2::VPCEndpoint', resourceId };
    const advice = 'If this endpoint served ECR (api, dkr) or S3, image pulls in the VPC now go over the internet or fail. Check the ecr-vpc-endpoints verdict for the VPC; run EcrGuardrails-CreateEcrVpcEndpoints to restore coverage.';
    if (event.detail.eventName === 'DeleteVpcEndpoints') return alertFor(detection, event, { ...base, change: `VPC endpoint(s) deleted: ${resourceId}`, advice });
    const changes: string[] = [];
    const privateDns = parameterOf(parameters, 'PrivateDnsEnabled');
    if (privateDns === false || privateDns === 'false') changes.push('private DNS turned off');
    const subnets = ec2List(parameterOf(parameters, 'RemoveSubnetId'));
    if (subnets.length > 0) changes.push(`subnets removed: ${subnets.join(', ')}`);
    const groups = ec2List(parameterOf(parameters, 'RemoveSecurityGroupId'));
    if (groups.length > 0) changes.push(`security groups removed: ${groups.join(', ')}`);
    if (changes.length === 0) return undefined;
    return alertFor(detection, event, { ...base, change: `VPC endpoint ${resourceId}: ${changes.join('; ')}`, advice });
  },
  samples,
};
