/**
 * The I/O of the endpoint-reliance check: the ECR and S3 endpoints of one VPC in a member
 * account, with DescribeVpcEndpoints filtered by `vpc-id` and `service-name`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpoints.html),
 * through the member detection role.
 */
import { EC2Client, paginateDescribeVpcEndpoints } from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { PAGE_SIZE } from '../../rules/ecr-vpc-endpoints/page-size.js';
import { awsCall } from '../../rules/kernel/errors.js';
import { relianceServiceNames, type EndpointFact, type EndpointLookup } from './endpoint-reliance.js';

/** A lookup that assumes the member role of `account` and lists the VPC's ECR and S3 endpoints. */
export function ec2EndpointLookup(
  credentials: (account: string) => Promise<AwsCredentialIdentity>,
  client: (region: string, credentials: AwsCredentialIdentity) => EC2Client = (region, c) => new EC2Client({ region, credentials: c }),
): EndpointLookup {
  return async (account, region, vpcId) => {
    const ec2 = client(region, await credentials(account));
    const endpoints: EndpointFact[] = [];
    await awsCall('ec2:DescribeVpcEndpoints', async () => {
      const filters = [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'service-name', Values: relianceServiceNames(region) }];
      for await (const page of paginateDescribeVpcEndpoints({ client: ec2, pageSize: PAGE_SIZE.DescribeVpcEndpoints }, { Filters: filters })) {
        for (const e of page.VpcEndpoints ?? []) {
          endpoints.push({ id: e.VpcEndpointId ?? '?', serviceName: e.ServiceName ?? '', type: String(e.VpcEndpointType ?? ''), state: String(e.State ?? ''), privateDnsEnabled: e.PrivateDnsEnabled === true });
        }
      }
    });
    return endpoints;
  };
}
