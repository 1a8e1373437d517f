/**
 * The collector's judgements on raw EC2 shapes: which interfaces are workloads, which
 * security-group rules admit TCP 443.
 */
import { describe, expect, it } from 'vitest';
import { admits443, isWorkloadInterface, NetworkInventory } from '../../../rules/ecr-vpc-endpoints/collect-inventory.js';

describe('what counts as a workload', () => {
  it.each([
    [{ InterfaceType: 'interface' }, true],
    [{ InterfaceType: 'interface', RequesterManaged: true, Description: 'arn:aws:ecs:eu-west-3:111122223333:attachment/abc' }, true],
    [{ InterfaceType: 'lambda', RequesterManaged: true }, false],
    [{ InterfaceType: 'branch' }, true],
    [{ InterfaceType: 'trunk' }, true],
    [{ InterfaceType: 'efa' }, true],
    [{}, true],
    [{ InterfaceType: 'vpc_endpoint', RequesterManaged: true }, false],
    [{ InterfaceType: 'natGateway' }, false],
    [{ InterfaceType: 'network_load_balancer' }, false],
    [{ InterfaceType: 'transit_gateway' }, false],
    [{ InterfaceType: 'gateway_load_balancer_endpoint' }, false],
    [{ InterfaceType: 'interface', RequesterManaged: true, Description: 'RDSNetworkInterface' }, false],
    [{ InterfaceType: 'interface', RequesterManaged: true, Description: 'ELB app/web/0123456789abcdef' }, false],
    [{ InterfaceType: 'interface', RequesterManaged: false, Description: 'ELB app/web/0123456789abcdef' }, true],
  ] as const)('%j -> %s', (eniShape, expected) => {
    expect(isWorkloadInterface(eniShape)).toBe(expected);
  });
});

describe('security group rules admitting 443', () => {
  it('keeps the sources of rules that admit TCP 443 and nothing else', () => {
    expect(
      admits443([
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }], UserIdGroupPairs: [{ GroupId: 'sg-1' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: '-1', PrefixListIds: [{ PrefixListId: 'pl-1' }] },
        { IpProtocol: '6', FromPort: 400, ToPort: 500, IpRanges: [{ CidrIp: '192.168.0.0/16' }] },
        { IpProtocol: 'udp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '172.16.0.0/12' }] },
      ]),
    ).toEqual({ cidrs: ['10.0.0.0/16', '192.168.0.0/16'], groupIds: ['sg-1'], prefixListIds: ['pl-1'] });
  });
});

describe('endpoint address families', () => {
  // VpcEndpoint.IpAddressType and DnsOptions.DnsRecordIpType as DescribeVpcEndpoints returns them
  // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html).
  const ecrApi = { VpcEndpointId: 'vpce-1', VpcId: 'vpc-1', ServiceName: 'com.amazonaws.eu-west-3.ecr.api', VpcEndpointType: 'Interface' as const };
  const endpointOf = (shape: Parameters<NetworkInventory['addEndpoints']>[0][number]) => {
    const inventory = new NetworkInventory();
    inventory.addEndpoints([shape]);
    return inventory.endpoints.get('vpc-1')![0]!;
  };

  it('keeps IpAddressType and DnsRecordIpType', () => {
    expect(endpointOf({ ...ecrApi, IpAddressType: 'dualstack', DnsOptions: { DnsRecordIpType: 'ipv4' } })).toMatchObject({ ipAddressType: 'dualstack', dnsRecordIpType: 'ipv4' });
  });

  it('leaves them out when AWS does not return them (the shape of older snapshots)', () => {
    const facts = endpointOf(ecrApi);
    expect('ipAddressType' in facts || 'dnsRecordIpType' in facts).toBe(false);
  });
});
