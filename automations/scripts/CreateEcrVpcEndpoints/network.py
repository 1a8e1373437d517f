# The rule's reading of a VPC's network, shared with the rule's TypeScript (rules/ecr-vpc-endpoints):
# which network interfaces are workloads, which sources a security group admits TCP 443 from,
# and whether IPv4 ranges cover a CIDR block. test/automations/vpc-parity.test.ts runs both
# implementations over the same cases; change them together.
import ipaddress
import re

# Same classification as the rule (isWorkloadInterface in rules/ecr-vpc-endpoints).
WORKLOAD_TYPES = ('interface', 'lambda', 'branch', 'trunk', 'efa', 'efa-only')
MANAGED = re.compile(r'^(ELB |RDSNetworkInterface|EFS mount target|ElastiCache|Route 53 Resolver|DMSNetworkInterface|'
                     r'AWS created network interface for directory|Interface for NAT Gateway|VPC Endpoint Interface)')


def is_workload(eni):
    kind = eni.get('InterfaceType') or 'interface'
    if kind not in WORKLOAD_TYPES:
        return False
    return not (kind == 'interface' and eni.get('RequesterManaged') and MANAGED.match(eni.get('Description') or ''))


def covered(block, cidrs):
    if '.' not in (block or ''):
        return False
    target = ipaddress.ip_network(block, strict=False)
    ranges = sorted((n for n in (ipaddress.ip_network(c, strict=False) for c in cidrs if '.' in c)), key=lambda n: int(n.network_address))
    start = int(target.network_address)
    for net in ranges:
        if int(net.network_address) > start:
            break
        start = max(start, int(net.broadcast_address) + 1)
        if start > int(target.broadcast_address):
            return True
    return start > int(target.broadcast_address)


def admits_443(group):
    # Sources of the rules admitting TCP 443, read as the rule does (admits443 in rules/ecr-vpc-endpoints).
    cidrs, members, lists = [], [], []
    for p in group.get('IpPermissions', []):
        proto = str(p.get('IpProtocol'))
        tcp = proto in ('tcp', '6') and (p.get('FromPort', -1) <= 443 <= p.get('ToPort', -1) or ('FromPort' not in p and 'ToPort' not in p))
        if proto in ('-1', 'all') or tcp:
            cidrs += [r['CidrIp'] for r in p.get('IpRanges', []) if r.get('CidrIp')]
            members += [g['GroupId'] for g in p.get('UserIdGroupPairs', []) if g.get('GroupId')]
            lists += [pl['PrefixListId'] for pl in p.get('PrefixListIds', []) if pl.get('PrefixListId')]
    return cidrs, members, lists
