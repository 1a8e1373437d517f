/**
 * EC2 request parameters as CloudTrail records them: the `<Operation>Request` wrapper with
 * `{tag, content}` list items (DeleteVpcEndpoints, ModifyVpcEndpoint), older APIs' `{items: [...]}`
 * / `{item: [...]}` lists, and lowerCamel names without the wrapper
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html,
 * requestParameters). Whichever shape, a weakening must not pass unseen.
 */
import { describe, expect, it } from 'vitest';
import { detection as endpoint } from '../../detections/vpc-endpoint-weakened/detection.js';
import { ec2List } from '../../detections/kernel/cloudtrail.js';
import { ec2Event, SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';

describe('EC2 parameter shapes', () => {
  it('reads lists as {tag, content} items, {item|items: [...]} and plain strings', () => {
    expect(ec2List([{ tag: 1, content: 'a' }, { tag: 2, content: 'b' }])).toEqual(['a', 'b']);
    expect(ec2List({ item: [{ content: 'a' }, 'b'] })).toEqual(['a', 'b']);
    expect(ec2List({ items: ['a'] })).toEqual(['a']);
    expect(ec2List('a')).toEqual(['a']);
  });

  it('sees private DNS turned off and subnets removed when recorded in lowerCamel without the wrapper', () => {
    const event = ec2Event('ModifyVpcEndpoint', { vpcEndpointId: 'vpce-0a1b2c3d4e5f60718', privateDnsEnabled: false, removeSubnetId: { item: ['subnet-0123456789abcdef0'] } });
    expect(endpoint.classify(event, SAMPLE_CONTEXT)).toMatchObject({ resourceId: 'vpce-0a1b2c3d4e5f60718', change: 'VPC endpoint vpce-0a1b2c3d4e5f60718: private DNS turned off; subnets removed: subnet-0123456789abcdef0' });
  });
});
