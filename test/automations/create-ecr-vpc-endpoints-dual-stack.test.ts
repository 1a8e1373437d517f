/**
 * A dual-stack VPC: workloads also have IPv6 addresses from the VPC's IPv6 block. The rule
 * admits a workload interface only when the endpoint's security group admits every address it
 * sends from (evaluate.ts, unadmittedWorkloads), so the group the runbook creates must admit the
 * VPC's IPv6 blocks too; otherwise VerifyCompliance fails and CleanUp deletes everything built.
 * Security group rules take IPv6 sources as Ipv6Ranges/CidrIpv6:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html
 * A VPC's IPv6 blocks: DescribeVpcs Ipv6CidrBlockAssociationSet
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcIpv6CidrBlockAssociation.html
 */
import { afterEach, describe, expect, it } from 'vitest';
import { baseEstate, eni, IDS, securityGroup, tcp443, VPC_ID, type Estate } from '../fixtures/ecr-vpc-endpoints/estate.js';
import { bare, inputsOf, restoreWorld, run, verdict } from '../fixtures/ecr-vpc-endpoints/runbook.js';
import { mutatingCalls } from '../support/ssm/interpreter.js';

afterEach(restoreWorld);

const IPV6_BLOCK = '2600:1f18:1234:5600::/56';

function dualStack(estate: Estate = bare()) {
  estate.vpcs[0]!.Ipv6CidrBlockAssociationSet = [
    { AssociationId: 'vpc-cidr-assoc-06', Ipv6CidrBlock: IPV6_BLOCK, Ipv6CidrBlockState: { State: 'associated' } },
    { AssociationId: 'vpc-cidr-assoc-07', Ipv6CidrBlock: '2600:1f18:9999:9900::/56', Ipv6CidrBlockState: { State: 'disassociated' } },
  ];
  estate.networkInterfaces.push(eni('eni-0dualstack0000000a1', IDS.subnetA, { PrivateIpAddress: '10.0.1.77', Ipv6Addresses: [{ Ipv6Address: '2600:1f18:1234:5601::77' }] }));
  return estate;
}

describe('CreateEcrVpcEndpoints in a dual-stack VPC', () => {
  it('admits 443 from the VPC\'s associated IPv6 blocks as well, and the rule then finds the VPC COMPLIANT', async () => {
    const estate = dualStack();
    expect(verdict(estate)).toBe('NON_COMPLIANT');
    const result = await run(estate);
    expect(result.status, result.failureMessage).toBe('Success');
    expect(inputsOf(result, 'AuthorizeSecurityGroupIngress')[0]!.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'VPC CIDR to VPC endpoints (ecr-guardrails)' }],
        Ipv6Ranges: [{ CidrIpv6: IPV6_BLOCK, Description: 'VPC CIDR to VPC endpoints (ecr-guardrails)' }],
      },
    ]);
    expect(verdict(estate)).toBe('COMPLIANT');
  });

  it('adds only the IPv6 block to an existing project group that admits the IPv4 block', async () => {
    const estate = dualStack();
    estate.securityGroups.push({ ...securityGroup('sg-0e9d0000000000e01', [tcp443({ IpRanges: [{ CidrIp: '10.0.0.0/16' }] })]), GroupName: 'ecr-guardrails-vpc-endpoints', VpcId: VPC_ID });
    const result = await run(estate);
    expect(result.status, result.failureMessage).toBe('Success');
    expect(result.outputs['PlanEndpoints.Summary']).toContain(`update security group ecr-guardrails-vpc-endpoints admitting 443 from ${IPV6_BLOCK}`);
    expect(inputsOf(result, 'AuthorizeSecurityGroupIngress')[0]!.IpPermissions).toEqual([
      expect.objectContaining({ IpRanges: [], Ipv6Ranges: [expect.objectContaining({ CidrIpv6: IPV6_BLOCK })] }),
    ]);
    expect(verdict(estate)).toBe('COMPLIANT');
  });
});

/**
 * Existing endpoints: which of a dual-stack workload's addresses their groups must admit follows
 * the endpoint's IpAddressType and DnsRecordIpType, as in the rule (address-families.ts;
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html). The baseline's
 * ECR endpoints are IPv4 only and their group admits 10.0.0.0/16, not the IPv6 block.
 */
describe('CreateEcrVpcEndpoints and the address families of existing endpoints', () => {
  it('leaves IPv4-only endpoints alone when the dual-stack workload\'s IPv4 address is admitted (the rule agrees)', async () => {
    const estate = dualStack(baseEstate());
    expect(verdict(estate)).toBe('COMPLIANT');
    const result = await run(estate);
    expect(result.status, result.failureMessage).toBe('Success');
    expect(result.outputs['PlanEndpoints.Summary']).toBe('nothing to change');
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('adds its group, admitting the VPC\'s IPv6 block, to dualstack endpoints whose groups do not admit the IPv6 address', async () => {
    const estate = dualStack(baseEstate());
    for (const e of estate.endpoints.filter((e) => e.VpcEndpointType === 'Interface')) {
      e.IpAddressType = 'dualstack';
      e.DnsOptions = { DnsRecordIpType: 'dualstack' };
    }
    expect(verdict(estate)).toBe('NON_COMPLIANT');
    const result = await run(estate);
    expect(result.status, result.failureMessage).toBe('Success');
    expect(inputsOf(result, 'ModifyVpcEndpoint').map((i) => [i.VpcEndpointId, i.AddSecurityGroupIds])).toEqual([
      [IDS.api, [expect.stringMatching(/^sg-/)]],
      [IDS.dkr, [expect.stringMatching(/^sg-/)]],
    ]);
    expect(inputsOf(result, 'AuthorizeSecurityGroupIngress')[0]!.IpPermissions).toEqual([
      expect.objectContaining({ Ipv6Ranges: [expect.objectContaining({ CidrIpv6: IPV6_BLOCK })] }),
    ]);
    expect(verdict(estate)).toBe('COMPLIANT');
  });
});
