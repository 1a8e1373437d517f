/**
 * ecr-vpc-endpoints: the workloads of every VPC can pull images from ECR without leaving the
 * AWS network: ecr.api and ecr.dkr interface endpoints (private DNS on, in every workload AZ,
 * admitting 443 from the VPC) and the S3 gateway endpoint on the workload route tables, or
 * centralised endpoints served through a Route 53 private hosted zone.
 */
import { EXEMPTION_TAG_KEY } from '../common/parameters.js';
import { lazyCollector } from '../kernel/lazy-collector.js';
import { defineRule } from '../kernel/types.js';
import { PERMISSIONS } from './permissions.js';
import { evaluate, inventory, RESOURCE_TYPE, type VpcEndpointsFacts, type VpcEndpointsParams } from './evaluate.js';
import { requiredServices, SERVICE_NAME_PATTERN } from './services.js';

export const rule = defineRule<VpcEndpointsParams, VpcEndpointsFacts>({
  id: 'ecr-vpc-endpoints',
  title: 'VPC workloads reach ECR privately',
  description:
    'Checks that the workloads of each VPC can pull ECR images without leaving the AWS network: available ecr.api and ecr.dkr interface endpoints of the VPC\'s own region with private DNS ' +
    '(VPC DNS support and hostnames on, DNS reaching the VPC resolver: no custom DHCP DNS servers or Resolver forwarding rules for the names unless trusted), behind security groups admitting TCP 443 from every workload, ' +
    'and S3 gateway endpoints on every workload route table, or the same names served by a Route 53 private hosted zone associated with the VPC (centralised endpoints). VPCs without workloads, and shared VPCs in participant accounts, are not applicable.',
  resourceType: RESOURCE_TYPE,
  triggers: {
    // An endpoint or subnet change re-evaluates its VPC.
    changeResourceTypes: [RESOURCE_TYPE, 'AWS::EC2::VPCEndpoint', 'AWS::EC2::Subnet'],
    // Periodic too: Route 53 associations, DNS attributes and network interfaces are not recorded as VPC changes.
    periodic: 'TwentyFour_Hours',
  },
  parameters: {
    type: 'object',
    properties: {
      RequiredServices: {
        type: 'array',
        description:
          'Comma-separated services each VPC must reach privately: ecr.api, ecr.dkr, s3 (or full names com.amazonaws.REGION.ecr.dkr; FIPS variants such as ecr-fips.dkr require a FIPS endpoint).',
        default: ['ecr.api', 'ecr.dkr', 's3'],
        minItems: 1,
        items: { type: 'string', pattern: SERVICE_NAME_PATTERN },
      },
      RequireAllWorkloadAzs: {
        type: 'boolean',
        description:
          'Resilience, not privacy: every Availability Zone that holds a workload subnet must hold an endpoint subnet (true); with false (default) workloads in other AZs reach the endpoint privately across AZs.',
        default: false,
      },
      AcceptCentralizedEndpoints: {
        type: 'boolean',
        description: 'A Route 53 private hosted zone associated with the VPC (possibly owned by another account) that serves the ECR names counts as private access.',
        default: true,
      },
      IgnoreVpcsWithoutWorkloads: {
        type: 'boolean',
        description: 'A VPC with no network interfaces other than its endpoints and network appliances is NOT_APPLICABLE.',
        default: true,
      },
      ExemptionTagKey: EXEMPTION_TAG_KEY,
      TrustedDnsServers: {
        type: 'array',
        description:
          'Comma-separated DNS server addresses (custom DHCP domain-name-servers, Resolver rule targets) known to forward the ECR and S3 names to the VPC resolver; other custom DNS makes a VPC non-compliant.',
        default: [] as string[],
        items: { type: 'string', pattern: '^[0-9a-fA-F.:]{2,45}$' },
      },
    },
    required: ['RequiredServices', 'RequireAllWorkloadAzs', 'AcceptCentralizedEndpoints', 'IgnoreVpcsWithoutWorkloads', 'ExemptionTagKey', 'TrustedDnsServers'],
    additionalProperties: false,
  },
  permissions: [...PERMISSIONS],
  remediations: [
    {
      runbook: 'CreateEcrVpcEndpoints',
      resourceIdParameter: 'VpcId',
      parameters: (params): Record<string, string> => ({
        Services: requiredServices(params.RequiredServices).map((s) => s.label).join(','),
        RequireAllWorkloadAzs: String(params.RequireAllWorkloadAzs),
        ...(params.TrustedDnsServers.length ? { TrustedDnsServers: params.TrustedDnsServers.join(',') } : {}),
      }),
      summary:
        'Enables VPC DNS, creates the missing ECR and S3 endpoints (or adds missing AZs, route tables and private DNS to existing ones) with a 443 security group, waits for them and verifies the VPC.',
    },
  ],
  controls: {
    securityHub: ['EC2.55', 'EC2.56'],
    nist800190: ['3.2.1', '4.2.1', '3.5.1', '4.5.1'],
    nist80053: ['SC-7', 'SC-7(4)', 'AC-4', 'SC-8'],
  },
  collector: lazyCollector(async () => (await import('./collect.js')).collector, { forChange: true }),
  evaluate: (facts, params) => evaluate(facts, params),
  inventory,
});
