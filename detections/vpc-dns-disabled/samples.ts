import { ec2Event } from '../kernel/samples.js';
import type { Detection } from '../kernel/types.js';

// ModifyVpcAttribute is recorded with camelCase names and {value} attributes, as in CloudTrail's
// record contents (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html);
// names from https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcAttribute.html
const source = 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcAttribute.html';

export const samples: Detection['samples'] = {
  positive: [
    { name: 'DNS support off', source, event: ec2Event('ModifyVpcAttribute', { vpcId: 'vpc-0a1b2c3d4e5f60718', enableDnsSupport: { value: false } }) },
    { name: 'DNS hostnames off', source, event: ec2Event('ModifyVpcAttribute', { vpcId: 'vpc-0a1b2c3d4e5f60718', enableDnsHostnames: { value: false } }) },
  ],
  negative: [
    { name: 'DNS hostnames on', source, event: ec2Event('ModifyVpcAttribute', { vpcId: 'vpc-0a1b2c3d4e5f60718', enableDnsHostnames: { value: true } }) },
    { name: 'network address usage metrics', source, event: ec2Event('ModifyVpcAttribute', { vpcId: 'vpc-0a1b2c3d4e5f60718', enableNetworkAddressUsageMetrics: { value: true } }) },
  ],
};
