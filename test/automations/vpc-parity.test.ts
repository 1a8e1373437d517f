/**
 * The CreateEcrVpcEndpoints scripts repeat three pieces of the ecr-vpc-endpoints rule in Python
 * (automations/scripts/CreateEcrVpcEndpoints/network.py): which network interfaces are
 * workloads, which sources a security group admits TCP 443 from, whether ranges cover a CIDR
 * block, and which of an interface's addresses an endpoint's families make count. Both implementations run over the same cases here and must agree, so the runbook
 * never judges a VPC differently from the rule.
 *
 * To extend: add a case to a table, or a new entry to PAIRS (a TypeScript function, the name of
 * the Python function in network.py, and how to bring the Python result to the TypeScript shape).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IpPermission, NetworkInterface } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { endpointFamilies, sourcesAdmitted, type Family } from '../../rules/ecr-vpc-endpoints/address-families.js';
import { cidrCovered, coverageOf } from '../../rules/ecr-vpc-endpoints/cidr.js';
import { admits443, interfaceSources, isWorkloadInterface } from '../../rules/ecr-vpc-endpoints/collect-inventory.js';
import { forwardingRuleFor, untrustedDhcpServers } from '../../rules/ecr-vpc-endpoints/dns-path.js';

const SCRIPTS = fileURLToPath(new URL('../../automations/scripts/CreateEcrVpcEndpoints/', import.meta.url));

type Eni = Pick<NetworkInterface, 'InterfaceType' | 'RequesterManaged' | 'Description'>;

// Shapes of DescribeNetworkInterfaces items; InterfaceType values as documented in
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html
const INTERFACES: Array<[string, Eni]> = [
  ['EC2 instance', { InterfaceType: 'interface', RequesterManaged: false, Description: '' }],
  ['no InterfaceType', { RequesterManaged: false }],
  ['Fargate task (requester-managed, ECS attachment)', { InterfaceType: 'interface', RequesterManaged: true, Description: 'arn:aws:ecs:eu-west-3:111122223333:attachment/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d' }],
  ['Lambda (Hyperplane)', { InterfaceType: 'lambda', RequesterManaged: true, Description: 'AWS Lambda VPC ENI-orders-api-1b2c3d4e' }],
  ['Lambda, older interface type', { InterfaceType: 'interface', RequesterManaged: true, Description: 'AWS Lambda VPC ENI-orders-api-1b2c3d4e' }],
  ['EKS control plane', { InterfaceType: 'interface', RequesterManaged: true, Description: 'Amazon EKS orders' }],
  ['EKS node (VPC CNI)', { InterfaceType: 'interface', RequesterManaged: false, Description: 'aws-K8S-i-0123456789abcdef1' }],
  ['OpenSearch domain', { InterfaceType: 'interface', RequesterManaged: true, Description: 'ES search-orders' }],
  ['ECS trunk', { InterfaceType: 'trunk', RequesterManaged: false, Description: '' }],
  ['ECS branch', { InterfaceType: 'branch', RequesterManaged: true, Description: '' }],
  ['EFA', { InterfaceType: 'efa', RequesterManaged: false }],
  ['EFA-only', { InterfaceType: 'efa-only', RequesterManaged: false }],
  ['Application Load Balancer', { InterfaceType: 'interface', RequesterManaged: true, Description: 'ELB app/orders/50dc6c495c0c9188' }],
  ['Network Load Balancer', { InterfaceType: 'network_load_balancer', RequesterManaged: true, Description: 'ELB net/orders/50dc6c495c0c9188' }],
  ['NAT gateway', { InterfaceType: 'natGateway', RequesterManaged: true, Description: 'Interface for NAT Gateway nat-0a1b2c3d4e5f60718' }],
  ['interface endpoint', { InterfaceType: 'vpc_endpoint', RequesterManaged: true, Description: 'VPC Endpoint Interface vpce-0a1b2c3d4e5f60718' }],
  ['RDS', { InterfaceType: 'interface', RequesterManaged: true, Description: 'RDSNetworkInterface' }],
  ['EFS mount target', { InterfaceType: 'interface', RequesterManaged: true, Description: 'EFS mount target for fs-0a1b2c3d (fsmt-0a1b2c3d)' }],
  ['user ENI whose description starts like ELB', { InterfaceType: 'interface', RequesterManaged: false, Description: 'ELB test box' }],
  ['transit gateway attachment', { InterfaceType: 'transit_gateway', RequesterManaged: true, Description: 'Network Interface for Transit Gateway Attachment tgw-attach-0a1b' }],
];

// IpPermissions of DescribeSecurityGroups items, see
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html
// (IpProtocol -1 means all protocols; without ports a tcp rule covers every port).
const PERMISSIONS: Array<[string, IpPermission[]]> = [
  ['tcp 443 from a CIDR, a group and a prefix list', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }], UserIdGroupPairs: [{ GroupId: 'sg-0a1b2c3d4e5f60718', UserId: '111122223333' }], PrefixListIds: [{ PrefixListId: 'pl-0a1b2c3d4e5f60718' }] }]],
  ['tcp 0-65535', [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '10.1.0.0/16' }] }]],
  ['protocol number 6, ports 400-500', [{ IpProtocol: '6', FromPort: 400, ToPort: 500, IpRanges: [{ CidrIp: '10.2.0.0/16' }] }]],
  ['all traffic (-1)', [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]],
  ['tcp without ports', [{ IpProtocol: 'tcp', IpRanges: [{ CidrIp: '10.3.0.0/16' }] }]],
  ['tcp 80 only', [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }]],
  ['udp 443', [{ IpProtocol: 'udp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }]],
  ['icmp', [{ IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }]],
  ['IPv6 only', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }]],
  ['several rules, some not 443', [
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/17' }, { CidrIp: '10.0.128.0/17' }] },
    { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '192.0.2.0/24' }] },
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-0f1e2d3c4b5a69788' }] },
  ]],
  ['no rules', []],
];

const COVERAGE: Array<[string, [string, string[]]]> = [
  ['exact block', ['10.0.0.0/16', ['10.0.0.0/16']]],
  ['two adjacent halves', ['10.0.0.0/16', ['10.0.128.0/17', '10.0.0.0/17']]],
  ['one half only', ['10.0.0.0/16', ['10.0.0.0/17']]],
  ['a gap', ['10.0.0.0/16', ['10.0.0.0/17', '10.0.129.0/24']]],
  ['a one-address gap', ['10.0.0.0/30', ['10.0.0.0/32', '10.0.0.2/31']]],
  ['single addresses side by side', ['10.0.0.0/31', ['10.0.0.1/32', '10.0.0.0/32']]],
  ['everything', ['10.0.0.0/16', ['0.0.0.0/0']]],
  ['nothing admitted', ['10.0.0.0/16', []]],
  ['larger block', ['10.0.5.0/24', ['10.0.0.0/8']]],
  ['overlapping, unsorted pieces', ['10.0.0.0/16', ['10.0.128.0/17', '10.0.0.0/18', '10.0.32.0/19', '10.0.64.0/18']]],
  ['neighbours only', ['10.1.0.0/16', ['10.0.0.0/16', '10.2.0.0/16']]],
  ['IPv6 admitted only', ['10.0.0.0/16', ['::/0']]],
  ['host bits set', ['10.0.0.0/16', ['10.0.0.5/16']]],
  ['no block (subnet without IPv4)', ['', ['0.0.0.0/0']]],
  ['IPv6 address in an IPv6 range', ['2001:db8:1234:1a00::10/128', ['2001:db8:1234:1a00::/56']]],
  ['IPv6 address outside the range', ['2001:db8:1234:1b00::10/128', ['2001:db8:1234:1a00::/56']]],
  ['IPv6 address, IPv4 everything', ['2001:db8::10/128', ['0.0.0.0/0']]],
  ['an address in a CIDR', ['10.0.33.41/32', ['10.0.32.0/20']]],
];

// Items of DescribeNetworkInterfaces with their addresses
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html).
const SOURCES: Array<[string, NetworkInterface]> = [
  ['primary only', { PrivateIpAddress: '10.0.1.10' }],
  ['primary and a secondary (EKS VPC CNI pod)', { PrivateIpAddress: '10.0.1.10', PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Primary: true }, { PrivateIpAddress: '10.0.1.11', Primary: false }] }],
  ['prefix delegation', { PrivateIpAddress: '10.0.1.10', PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10' }], Ipv4Prefixes: [{ Ipv4Prefix: '10.0.1.16/28' }] }],
  ['dual stack', { PrivateIpAddress: '10.0.1.10', Ipv6Addresses: [{ Ipv6Address: '2001:db8::10' }], Ipv6Prefixes: [{ Ipv6Prefix: '2001:db8:0:0:1::/80' }] }],
  ['no address at all', {}],
];

// DHCP domain-name-servers (https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSet.html):
// [servers (null: no option set), VPC CIDR blocks, TrustedDnsServers].
const DHCP: Array<[string, [string[] | null, string[], string[]]]> = [
  ['AmazonProvidedDNS', [['AmazonProvidedDNS'], ['10.0.0.0/16'], []]],
  ['corporate servers', [['10.9.0.2', '10.9.0.3'], ['10.0.0.0/16'], []]],
  ['corporate servers, trusted', [['10.9.0.2', '10.9.0.3'], ['10.0.0.0/16'], ['10.9.0.2', '10.9.0.3']]],
  ['one trusted, one not', [['10.9.0.2', '8.8.8.8'], ['10.0.0.0/16'], ['10.9.0.2']]],
  ['the VPC resolver by address (base + 2)', [['10.0.0.2'], ['10.0.0.0/16'], []]],
  ['the link-local resolver address', [['169.254.169.253'], ['10.0.0.0/16'], []]],
  ['AmazonProvidedDNS beside a corporate server', [['10.9.0.2', 'AmazonProvidedDNS'], ['10.0.0.0/16'], []]],
  ['no domain-name-servers', [[], ['10.0.0.0/16'], []]],
  ['no DHCP option set', [null, ['10.0.0.0/16'], []]],
];

const RULES = [
  { id: 'rslvr-rr-all', domainName: 'amazonaws.com.', ruleType: 'FORWARD', targetIps: ['10.9.0.2'], vpcIds: ['vpc-1'] },
  { id: 'rslvr-rr-sys', domainName: 'ecr.eu-west-3.amazonaws.com.', ruleType: 'SYSTEM', targetIps: [], vpcIds: ['vpc-1'] },
  { id: 'rslvr-autodefined-rr-internet-resolver', domainName: '.', ruleType: 'RECURSIVE', targetIps: [], vpcIds: ['vpc-1', 'vpc-2'] },
  { id: 'rslvr-rr-dot', domainName: '.', ruleType: 'FORWARD', targetIps: ['10.9.0.3'], vpcIds: ['vpc-2'] },
];
// Route 53 Resolver rule matching (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-domain-name-matches.html):
// [name, VPC, TrustedDnsServers] -> the id of the rule taking the name away, or null.
const FORWARDING: Array<[string, [string, string, string[]]]> = [
  ['S3 name under a FORWARD amazonaws.com rule', ['s3.eu-west-3.amazonaws.com', 'vpc-1', []]],
  ['ECR name under a more specific SYSTEM rule', ['111122223333.dkr.ecr.eu-west-3.amazonaws.com', 'vpc-1', []]],
  ['FORWARD rule to a trusted server', ['s3.eu-west-3.amazonaws.com', 'vpc-1', ['10.9.0.2']]],
  ['a FORWARD "." rule', ['api.ecr.eu-west-3.amazonaws.com', 'vpc-2', []]],
  ['no rule associated', ['api.ecr.eu-west-3.amazonaws.com', 'vpc-3', []]],
];

// VpcEndpoint IpAddressType and DnsOptions.DnsRecordIpType
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html,
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptions.html):
// [IpAddressType, DnsRecordIpType] (null: absent) -> the families workloads reach the endpoint over.
const FAMILIES: Array<[string, [string | null, string | null]]> = [
  ['IPv4 only', ['ipv4', 'ipv4']],
  ['dualstack', ['dualstack', 'dualstack']],
  ['dualstack endpoint, A records only', ['dualstack', 'ipv4']],
  ['dualstack endpoint, AAAA records only', ['dualstack', 'ipv6']],
  ['IPv6 only', ['ipv6', 'ipv6']],
  ['service-defined records: private DNS name has A records only', ['ipv4', 'service-defined']],
  ['service-defined as an IpAddressType (unrecognised there)', ['service-defined', null]],
  ['service-defined records, dualstack endpoint', ['dualstack', 'service-defined']],
  ['no DnsRecordIpType', ['ipv4', null]],
  ['neither (older snapshot)', [null, null]],
  ['service-defined, no IpAddressType', [null, 'service-defined']],
  ['unrecognised DnsRecordIpType', ['ipv4', 'not-specified']],
  ['unrecognised IpAddressType', ['ipv5', null]],
  ['upper case', ['IPv4', 'IPV4']],
];

// [an interface's sources, the endpoint's families, admitted ranges] -> admitted.
const ADMISSION: Array<[string, [string[], Family[], string[]]]> = [
  ['dual-stack interface, IPv4 endpoint, IPv4 admitted', [['10.0.2.2/32', '2001:db8::10/128'], [4], ['10.0.0.0/16']]],
  ['dual-stack interface, dualstack endpoint, IPv4 admitted only', [['10.0.2.2/32', '2001:db8::10/128'], [4, 6], ['10.0.0.0/16']]],
  ['dual-stack interface, dualstack endpoint, both admitted', [['10.0.2.2/32', '2001:db8::10/128'], [4, 6], ['10.0.0.0/16', '2001:db8::/56']]],
  ['IPv6-only interface, IPv4 endpoint, everything admitted', [['2001:db8::10/128'], [4], ['0.0.0.0/0', '::/0']]],
  ['IPv6-only interface, IPv6 endpoint, admitted', [['2001:db8::10/128'], [6], ['2001:db8::/56']]],
  ['IPv4 interface, IPv6 endpoint', [['10.0.2.2/32'], [6], ['0.0.0.0/0', '::/0']]],
  ['no address', [[], [4, 6], ['0.0.0.0/0', '::/0']]],
  ['IPv4 prefix partly admitted', [['10.0.1.16/28'], [4], ['10.0.1.16/29']]],
];

interface Pair {
  /** Function name in network.py. */
  python: string;
  /** Arguments for Python, from the case's input. */
  pythonArgs: (input: never) => unknown[];
  /** The TypeScript result for the case's input. */
  typescript: (input: never) => unknown;
  /** The Python result in the TypeScript shape. */
  normalise: (result: unknown) => unknown;
  cases: Array<[string, unknown]>;
}

const PAIRS: Record<string, Pair> = {
  'isWorkloadInterface = is_workload': {
    python: 'is_workload',
    pythonArgs: (eni: Eni) => [eni],
    typescript: (eni: Eni) => isWorkloadInterface(eni),
    normalise: (result) => result,
    cases: INTERFACES,
  },
  'admits443 = admits_443': {
    python: 'admits_443',
    pythonArgs: (permissions: IpPermission[]) => [{ IpPermissions: permissions }],
    typescript: (permissions: IpPermission[]) => admits443(permissions),
    normalise: (result) => {
      const [cidrs, groupIds, prefixListIds] = result as string[][];
      return { cidrs, groupIds, prefixListIds };
    },
    cases: PERMISSIONS,
  },
  'interfaceSources = interface_sources': {
    python: 'interface_sources',
    pythonArgs: (eni: NetworkInterface) => [eni],
    typescript: (eni: NetworkInterface) => interfaceSources(eni),
    normalise: (result) => result,
    cases: SOURCES,
  },
  'untrustedDhcpServers = untrusted_dhcp_servers': {
    python: 'untrusted_dhcp_servers',
    pythonArgs: ([servers, blocks, trusted]: [string[] | null, string[], string[]]) => [servers, blocks, trusted],
    typescript: ([servers, blocks, trusted]: [string[] | null, string[], string[]]) => untrustedDhcpServers(servers ?? undefined, blocks, trusted),
    normalise: (result) => result,
    cases: DHCP,
  },
  'forwardingRuleFor = forwarding_rule_for': {
    python: 'forwarding_rule_for',
    pythonArgs: ([name, vpcId, trusted]: [string, string, string[]]) => [name, vpcId, RULES, trusted],
    typescript: ([name, vpcId, trusted]: [string, string, string[]]) => forwardingRuleFor(name, vpcId, RULES, trusted)?.id ?? null,
    normalise: (result) => (result as { id: string } | null)?.id ?? null,
    cases: FORWARDING,
  },
  'endpointFamilies = endpoint_families': {
    python: 'endpoint_families',
    pythonArgs: ([ipType, dnsType]: [string | null, string | null]) => [ipType, dnsType],
    typescript: ([ipType, dnsType]: [string | null, string | null]) => endpointFamilies(ipType ?? undefined, dnsType ?? undefined),
    normalise: (result) => result,
    cases: FAMILIES,
  },
  'sourcesAdmitted = sources_admitted': {
    python: 'sources_admitted',
    pythonArgs: ([sources, families, cidrs]: [string[], Family[], string[]]) => [sources, families, cidrs],
    typescript: ([sources, families, cidrs]: [string[], Family[], string[]]) => sourcesAdmitted(sources, families, coverageOf(cidrs)),
    normalise: (result) => result,
    cases: ADMISSION,
  },
  'cidrCovered = covered': {
    python: 'covered',
    pythonArgs: ([block, cidrs]: [string, string[]]) => [block, cidrs],
    typescript: ([block, cidrs]: [string, string[]]) => cidrCovered(block, cidrs),
    normalise: (result) => result,
    cases: COVERAGE,
  },
};

/** Runs every case of every pair through network.py in one python3 process. */
function runPython(calls: Array<{ fn: string; args: unknown[] }>): unknown[] {
  const program = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(SCRIPTS)})`,
    'import network',
    'calls = json.load(sys.stdin)',
    'json.dump([getattr(network, c["fn"])(*c["args"]) for c in calls], sys.stdout)',
  ].join('\n');
  const run = spawnSync('python3', ['-c', program], { input: JSON.stringify(calls), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown[];
}

const rows = Object.entries(PAIRS).flatMap(([pair, p]) => p.cases.map(([label, input]) => ({ pair, label, input, p })));
const pythonResults = runPython(rows.map(({ p, input }) => ({ fn: p.python, args: p.pythonArgs(input as never) })));

describe('CreateEcrVpcEndpoints scripts judge the network as the ecr-vpc-endpoints rule does', () => {
  it('every pair has cases that give both answers', () => {
    for (const [pair, p] of Object.entries(PAIRS)) {
      const results = new Set(p.cases.map(([, input]) => JSON.stringify(p.typescript(input as never))));
      expect(results.size, pair).toBeGreaterThan(1);
    }
  });

  it.each(rows.map((row, index) => [row.pair, row.label, index] as const))('%s: %s', (_, __, index) => {
    const { p, input } = rows[index]!;
    expect(p.normalise(pythonResults[index])).toEqual(p.typescript(input as never));
  });
});
