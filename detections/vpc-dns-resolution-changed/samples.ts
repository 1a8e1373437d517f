import { cloudTrailEvent, ec2Event } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

const source = 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/logging-using-cloudtrail.html';
const resolver = (eventName: string) => cloudTrailEvent({ source: 'aws.route53resolver', eventSource: 'route53resolver.amazonaws.com', eventName, requestParameters: { resolverRuleId: 'rslvr-rr-5328a0899aexample', vPCId: 'vpc-0a1b2c3d4e5f60718', name: 'corp-forward' } });

export const samples: Detection['samples'] = {
  positive: [
    { name: 'DHCP options associated', source: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateDhcpOptions.html', event: ec2Event('AssociateDhcpOptions', { dhcpOptionsId: 'dopt-0a1b2c3d4e5f60718', vpcId: 'vpc-0a1b2c3d4e5f60718' }) },
    { name: 'Resolver rule associated', source, event: resolver('AssociateResolverRule') },
    { name: 'Resolver rule disassociated', source, event: resolver('DisassociateResolverRule') },
    { name: 'association denied (AccessDeniedException): reported as an attempt', source, event: cloudTrailEvent({ source: 'aws.route53resolver', eventSource: 'route53resolver.amazonaws.com', eventName: 'AssociateResolverRule', requestParameters: { resolverRuleId: 'rslvr-rr-5328a0899aexample', vPCId: 'vpc-0a1b2c3d4e5f60718' }, errorCode: 'AccessDeniedException' }) },
  ],
  negative: [
    { name: 'DHCP options created, not associated', source: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDhcpOptions.html', event: ec2Event('CreateDhcpOptions', { dhcpConfigurationSet: { item: [{ key: 'domain-name-servers', valueSet: { item: [{ value: 'AmazonProvidedDNS' }] } }] } }) },
    { name: 'association refused (rule not found)', source, event: cloudTrailEvent({ source: 'aws.route53resolver', eventSource: 'route53resolver.amazonaws.com', eventName: 'AssociateResolverRule', requestParameters: { resolverRuleId: 'rslvr-rr-5328a0899aexample', vPCId: 'vpc-0a1b2c3d4e5f60718' }, errorCode: 'ResourceNotFoundException' }) },
  ],
};
