import { ec2Event } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// EC2 records the query parameters of these APIs inside "<Operation>Request", lists as {tag, content}
// items (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html#requestParameters);
// parameter names from the API reference pages cited in detection.ts.
const source = 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html';

export const samples: Detection['samples'] = {
  positive: [
    { name: 'endpoint deleted', source, event: ec2Event('DeleteVpcEndpoints', { DeleteVpcEndpointsRequest: { VpcEndpointId: { tag: 1, content: 'vpce-0a1b2c3d4e5f60718' } } }) },
    { name: 'private DNS off', source, event: ec2Event('ModifyVpcEndpoint', { ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-0a1b2c3d4e5f60718', PrivateDnsEnabled: false } }) },
    { name: 'deletion denied (Client.UnauthorizedOperation): reported as an attempt', source, event: ec2Event('DeleteVpcEndpoints', { DeleteVpcEndpointsRequest: { VpcEndpointId: { tag: 1, content: 'vpce-0a1b2c3d4e5f60718' } } }, { errorCode: 'Client.UnauthorizedOperation' }) },
    { name: 'two endpoints deleted', source, event: ec2Event('DeleteVpcEndpoints', { DeleteVpcEndpointsRequest: { VpcEndpointId: [{ tag: 1, content: 'vpce-0a1b2c3d4e5f60718' }, { tag: 2, content: 'vpce-0f1e2d3c4b5a69788' }] } }) },
    { name: 'subnet and security group removed', source, event: ec2Event('ModifyVpcEndpoint', { ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-0a1b2c3d4e5f60718', RemoveSubnetId: { tag: 1, content: 'subnet-0123456789abcdef0' }, RemoveSecurityGroupId: { tag: 1, content: 'sg-0fedcba9876543210' } } }) },
  ],
  negative: [
    { name: 'subnet added', source, event: ec2Event('ModifyVpcEndpoint', { ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-0a1b2c3d4e5f60718', AddSubnetId: { tag: 1, content: 'subnet-0123456789abcdef1' } } }) },
    { name: 'endpoint created', source, event: ec2Event('CreateVpcEndpoint', { CreateVpcEndpointRequest: { VpcId: 'vpc-0a1b2c3d', ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr' } }) },
    { name: 'dry run (Client.DryRunOperation: nothing deleted)', source, event: ec2Event('DeleteVpcEndpoints', { DeleteVpcEndpointsRequest: { VpcEndpointId: { tag: 1, content: 'vpce-0a1b2c3d4e5f60718' }, DryRun: true } }, { errorCode: 'Client.DryRunOperation' }) },
  ],
};
