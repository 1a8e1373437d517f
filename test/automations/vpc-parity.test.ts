/**
 * The CreateEcrVpcEndpoints scripts repeat three pieces of the ecr-vpc-endpoints rule in Python
 * (automations/scripts/CreateEcrVpcEndpoints/network.py): which network interfaces are
 * workloads, which sources a security group admits TCP 443 from, and whether IPv4 ranges cover
 * a CIDR block. Both implementations run over the same cases here and must agree, so the runbook
 * never judges a VPC differently from the rule.
 *
 * To extend: add a case to a table, or a new entry to PAIRS (a TypeScript function, the name of
 * the Python function in network.py, and how to bring the Python result to the TypeScript shape).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IpPermission, NetworkInterface } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { cidrCovered } from '../../rules/ecr-vpc-endpoints/cidr.js';
import { admits443, isWorkloadInterface } from '../../rules/ecr-vpc-endpoints/collect-inventory.js';

const SCRIPTS = fileURLToPath(new URL('../../automations/scripts/CreateEcrVpcEndpoints/', import.meta.url));

type Eni = Pick<NetworkInterface, 'InterfaceType' | 'RequesterManaged' | 'Description'>;

// Shapes of DescribeNetworkInterfaces items; InterfaceType values as documented in
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html
const INTERFACES: Array<[string, Eni]> = [
  ['EC2 instance', { InterfaceType: 'interface', RequesterManaged: false, Description: '' }],
  ['no InterfaceType', { RequesterManaged: false }],
  ['Fargate task (requester-managed, ECS attachment)', { InterfaceType: 'interface', RequesterManaged: true, Description: 'arn:aws:ecs:eu-west-3:111122223333:attachment/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d' }],
  ['Lambda', { InterfaceType: 'lambda', RequesterManaged: true, Description: 'AWS Lambda VPC ENI-orders-api-1b2c3d4e' }],
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
