/**
 * Name resolution of a VPC changed: a DHCP options set associated (AssociateDhcpOptions,
 * `dhcpOptionsId`, `vpcId`: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateDhcpOptions.html)
 * or a Resolver rule associated or disassociated (AssociateResolverRule / DisassociateResolverRule,
 * `ResolverRuleId`, `VPCId`: https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_AssociateResolverRule.html).
 * Either can send ECR and S3 names to resolvers that do not answer with the endpoints'
 * private addresses. The record alone cannot tell whether the VPC relies on endpoints: the
 * detection Lambda checks that in the member account (endpointReliance) and the related rule
 * re-evaluates the VPC.
 */
import { alertFor, CLOUDTRAIL_DETAIL_TYPE, failed, requestParameters } from '../kernel/cloudtrail.js';
import type { Detection } from '../kernel/types.js';
import { samples } from './samples.js';

/** Route 53 Resolver parameters are looked up case-insensitively (VPCId, vpcId). */
function parameter(parameters: Record<string, unknown>, name: string): string | undefined {
  const key = Object.keys(parameters).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : parameters[key];
  return typeof value === 'string' ? value : undefined;
}

export const detection: Detection = {
  id: 'vpc-dns-resolution-changed',
  title: 'VPC DHCP options or Resolver rules changed',
  severity: 'MEDIUM',
  relatedRule: 'ecr-vpc-endpoints',
  endpointReliance: 'any',
  pattern: {
    source: ['aws.ec2', 'aws.route53resolver'],
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: { eventSource: ['ec2.amazonaws.com', 'route53resolver.amazonaws.com'], eventName: ['AssociateDhcpOptions', 'AssociateResolverRule', 'DisassociateResolverRule'] },
  },
  classify(event) {
    if (failed(event)) return undefined;
    const parameters = requestParameters(event);
    const vpc = parameter(parameters, 'vpcId') ?? 'unknown VPC';
    const dhcp = event.detail.eventName === 'AssociateDhcpOptions';
    const what = dhcp ? `DHCP options ${parameter(parameters, 'dhcpOptionsId') ?? '?'} associated` : `Resolver rule ${parameter(parameters, 'resolverRuleId') ?? '?'} ${event.detail.eventName === 'AssociateResolverRule' ? 'associated' : 'disassociated'}`;
    return alertFor(detection, event, {
      severity: 'MEDIUM',
      resourceType: 'AWS::EC2::VPC',
      resourceId: vpc,
      change: what,
      advice: `If ${vpc} relies on VPC endpoints for ECR or S3, check that ecr.<region>.amazonaws.com and the S3 names still resolve to the endpoints' private addresses (the ecr-vpc-endpoints verdict is re-evaluated).`,
    });
  },
  samples,
};
