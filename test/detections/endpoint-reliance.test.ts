/**
 * The endpoint-reliance check (detections/kernel/endpoint-reliance.ts, vpc-endpoint-lookup.ts):
 * DNS changes matter only on VPCs that rely on ECR or S3 endpoints. DescribeVpcEndpoints
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpoints.html) is
 * filtered by vpc-id and service-name; private DNS needs the VPC's DNS support and hostnames
 * (PrivateDnsEnabled in https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html).
 * A failed lookup keeps the alert.
 */
import { DescribeVpcEndpointsCommand, EC2Client, type State } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkReliance, relianceOf, relianceServiceNames, withReliance, type EndpointFact } from '../../detections/kernel/endpoint-reliance.js';
import { SAMPLE_CONTEXT } from '../../detections/kernel/samples.js';
import { ec2EndpointLookup } from '../../detections/kernel/vpc-endpoint-lookup.js';
import { detection as vpcDns } from '../../detections/vpc-dns-disabled/detection.js';
import { detection as resolution } from '../../detections/vpc-dns-resolution-changed/detection.js';

const ec2 = mockClient(EC2Client);
beforeEach(() => ec2.reset());

const REGION = 'eu-west-3';
const endpoint = (over: Partial<EndpointFact> = {}): EndpointFact => ({ id: 'vpce-0dkr', serviceName: `com.amazonaws.${REGION}.ecr.dkr`, type: 'Interface', state: 'available', privateDnsEnabled: true, ...over });
const dnsAlert = () => vpcDns.classify(vpcDns.samples.positive[0]!.event, SAMPLE_CONTEXT)!;

describe('reliance (pure)', () => {
  it('DNS attributes off: relies on an ECR or S3 interface endpoint of the region with private DNS only', () => {
    expect(relianceOf([endpoint()], 'private-dns', REGION)).toEqual({ relies: true, endpoints: [`vpce-0dkr (com.amazonaws.${REGION}.ecr.dkr)`] });
    expect(relianceOf([endpoint({ privateDnsEnabled: false })], 'private-dns', REGION)).toEqual({ relies: false });
    expect(relianceOf([endpoint({ id: 'vpce-0s3', serviceName: `com.amazonaws.${REGION}.s3`, type: 'Gateway', privateDnsEnabled: false })], 'private-dns', REGION)).toEqual({ relies: false });
    expect(relianceOf([endpoint({ serviceName: `com.amazonaws.${REGION}.s3` })], 'private-dns', REGION)).toMatchObject({ relies: true });
    expect(relianceOf([], 'private-dns', REGION)).toEqual({ relies: false });
  });

  it('DHCP options or Resolver rules: relies on any live ECR or S3 endpoint of the region, gateway included', () => {
    expect(relianceOf([endpoint({ id: 'vpce-0s3', serviceName: `com.amazonaws.${REGION}.s3`, type: 'Gateway', privateDnsEnabled: false })], 'any', REGION)).toEqual({ relies: true, endpoints: [`vpce-0s3 (com.amazonaws.${REGION}.s3)`] });
    expect(relianceOf([endpoint({ privateDnsEnabled: false, serviceName: `com.amazonaws.${REGION}.ecr-fips.dkr` })], 'any', REGION)).toMatchObject({ relies: true });
  });

  it('ignores endpoints that serve nothing (deleted, failed, rejected, expired, deleting) and other regions\' services', () => {
    for (const state of ['deleted', 'Deleting', 'failed', 'rejected', 'expired']) expect(relianceOf([endpoint({ state })], 'any', REGION), state).toEqual({ relies: false });
    expect(relianceOf([endpoint({ state: 'pending' })], 'any', REGION)).toMatchObject({ relies: true });
    expect(relianceOf([endpoint({ serviceName: 'com.amazonaws.us-east-1.ecr.dkr' })], 'any', REGION)).toEqual({ relies: false });
    expect(relianceOf([endpoint({ serviceName: `com.amazonaws.${REGION}.sqs` })], 'any', REGION)).toEqual({ relies: false });
  });

  it('drops the alert when the VPC relies on nothing, names the endpoints when it does, and says so when it could not be checked', () => {
    const alert = dnsAlert();
    expect(withReliance(alert, { relies: false })).toBeUndefined();
    expect(withReliance(alert, { relies: true, endpoints: ['vpce-0dkr (com.amazonaws.eu-west-3.ecr.dkr)'] })!.advice).toMatch(/^vpc-0a1b2c3d4e5f60718 relies on vpce-0dkr \(com\.amazonaws\.eu-west-3\.ecr\.dkr\)\. Private DNS/);
    const unknown = withReliance(alert, { relies: 'unknown', reason: 'AccessDenied' })!;
    expect(unknown.advice).toMatch(/^Whether vpc-0a1b2c3d4e5f60718 relies on ECR or S3 endpoints could not be checked \(AccessDenied\); treat it as relying on them\./);
    expect(unknown.dedupeKey).toBe(alert.dedupeKey);
    expect(unknown.severity).toBe(alert.severity);
  });

  it('looks up both service-name forms of ECR and S3, FIPS variants included', () => {
    const names = relianceServiceNames(REGION);
    for (const short of ['ecr.api', 'ecr.dkr', 's3', 'ecr-fips.dkr', 's3-fips']) expect(names).toContain(`com.amazonaws.${REGION}.${short}`);
    expect(names).toContain('cn.com.amazonaws.eu-west-3.ecr.dkr');
  });
});

describe('reliance look-up in the member account', () => {
  const credentials = { accessKeyId: 'ASIAMEMBER', secretAccessKey: 'secret', sessionToken: 'token' };
  const asked: string[] = [];
  const lookup = ec2EndpointLookup(async (account) => (asked.push(account), credentials));

  it('asks DescribeVpcEndpoints of the alert\'s account and region, filtered by the VPC and the ECR/S3 service names', async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-0dkr', ServiceName: `com.amazonaws.${REGION}.ecr.dkr`, VpcEndpointType: 'Interface', State: 'available' as State /* what EC2 returns (lowercase), the SDK's enum type says 'Available' */, PrivateDnsEnabled: true }] });
    const alert = dnsAlert();
    expect(await checkReliance(alert, 'private-dns', lookup)).toEqual({ relies: true, endpoints: [`vpce-0dkr (com.amazonaws.${REGION}.ecr.dkr)`] });
    expect(asked).toEqual(['111122223333']);
    expect(ec2).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, {
      Filters: [{ Name: 'vpc-id', Values: ['vpc-0a1b2c3d4e5f60718'] }, { Name: 'service-name', Values: relianceServiceNames(REGION) }],
      MaxResults: 1000,
    });
    const config = await ec2.call(0).thisValue.config.region();
    expect(config).toBe(REGION);
  });

  it('says "not relying" when no endpoint comes back', async () => {
    ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
    expect(await checkReliance(dnsAlert(), 'private-dns', lookup)).toEqual({ relies: false });
  });

  it('is unknown, naming the call, when the member role is denied or the lookup fails; never "not relying"', async () => {
    ec2.on(DescribeVpcEndpointsCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }));
    const denied = await checkReliance(dnsAlert(), 'private-dns', lookup);
    expect(denied).toMatchObject({ relies: 'unknown', reason: expect.stringContaining('ec2:DescribeVpcEndpoints') });
    const noRole = await checkReliance(dnsAlert(), 'private-dns', async () => {
      throw new Error('sts:AssumeRole arn:aws:iam::111122223333:role/EcrGuardrailsDetectionRole failed: AccessDenied');
    });
    expect(noRole).toMatchObject({ relies: 'unknown', reason: expect.stringContaining('AccessDenied') });
  });

  it('is unknown when the event names no VPC (a record without vPCId), without calling EC2', async () => {
    const event = structuredClone(resolution.samples.positive[1]!.event);
    delete (event.detail.requestParameters as Record<string, unknown>)['vPCId'];
    const alert = resolution.classify(event, SAMPLE_CONTEXT)!;
    expect(await checkReliance(alert, 'any', lookup)).toEqual({ relies: 'unknown', reason: 'the event names no VPC id (unknown VPC)' });
    expect(ec2).not.toHaveReceivedCommand(DescribeVpcEndpointsCommand);
  });
});
