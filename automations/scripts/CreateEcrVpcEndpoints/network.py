# The rule's reading of a VPC's network, shared with the rule's TypeScript (rules/ecr-vpc-endpoints):
# which network interfaces are workloads and the addresses they send from, which sources a security
# group admits TCP 443 from, whether ranges cover an address, and whether DNS reaches the VPC
# resolver. test/automations/vpc-parity.test.ts runs both implementations over the same cases;
# change them together.
import ipaddress
import re

# Same classification as the rule (isWorkloadInterface in rules/ecr-vpc-endpoints/collect-inventory.ts).
WORKLOAD_TYPES = ('interface', 'branch', 'trunk', 'efa', 'efa-only')
MANAGED = re.compile(r'^(ELB |RDSNetworkInterface|EFS mount target|ElastiCache|Route 53 Resolver|DMSNetworkInterface|'
                     r'AWS created network interface for directory|Interface for NAT Gateway|VPC Endpoint Interface|'
                     r'AWS Lambda VPC ENI|Amazon EKS |ES |Network Interface for Transit Gateway Attachment)')
AMAZON_DNS = ('amazonprovideddns', '169.254.169.253', 'fd00:ec2::253')
RESOLVER_ANSWERS = ('SYSTEM', 'RECURSIVE')


def is_workload(eni):
    kind = eni.get('InterfaceType') or 'interface'
    if kind not in WORKLOAD_TYPES:
        return False
    return not (kind == 'interface' and eni.get('RequesterManaged') and MANAGED.match(eni.get('Description') or ''))


def interface_sources(eni):
    # As interfaceSources: every private IPv4 address and prefix, IPv6 address and prefix.
    ipv4 = [a['PrivateIpAddress'] for a in eni.get('PrivateIpAddresses', []) if a.get('PrivateIpAddress')]
    if not ipv4 and eni.get('PrivateIpAddress'):
        ipv4 = [eni['PrivateIpAddress']]
    return ([ip + '/32' for ip in ipv4] + [p['Ipv4Prefix'] for p in eni.get('Ipv4Prefixes', []) if p.get('Ipv4Prefix')]
            + [a['Ipv6Address'] + '/128' for a in eni.get('Ipv6Addresses', []) if a.get('Ipv6Address')]
            + [p['Ipv6Prefix'] for p in eni.get('Ipv6Prefixes', []) if p.get('Ipv6Prefix')])


def _network(text):
    try:
        return ipaddress.ip_network((text or '').strip(), strict=False)
    except ValueError:
        return None


def covered(block, cidrs):
    target = _network(block)
    if target is None:
        return False
    nets = [n for n in (_network(c) for c in cidrs) if n is not None and n.version == target.version]
    start = int(target.network_address)
    for net in sorted(nets, key=lambda n: int(n.network_address)):
        if int(net.network_address) > start:
            break
        start = max(start, int(net.broadcast_address) + 1)
        if start > int(target.broadcast_address):
            return True
    return start > int(target.broadcast_address)


# As endpointFamilies (rules/ecr-vpc-endpoints/address-families.ts): the families of the endpoint's DNS
# records (DnsRecordIpType, else IpAddressType); missing or unrecognised: both.
# service-defined: the private DNS name gets A records only (address-families.ts cites the page).
ADDRESS_TYPES = {'ipv4': [4], 'ipv6': [6], 'dualstack': [4, 6]}
DNS_RECORD_TYPES = dict(ADDRESS_TYPES, **{'service-defined': [4]})


def endpoint_families(ip_type, dns_type):
    if dns_type is not None:
        return DNS_RECORD_TYPES.get(dns_type.lower(), [4, 6])
    return ADDRESS_TYPES.get((ip_type or '').lower(), [4, 6])


def sources_admitted(sources, families, cidrs):
    # As sourcesAdmitted: its addresses of those families, at least one, all covered.
    used = [s for s in sources if (6 if ':' in s else 4) in families]
    return bool(used) and all(covered(s, cidrs) for s in used)


def admits_443(group):
    # Sources of the rules admitting TCP 443, read as the rule does (admits443 in rules/ecr-vpc-endpoints).
    cidrs, members, lists = [], [], []
    for p in group.get('IpPermissions', []):
        proto = str(p.get('IpProtocol'))
        tcp = proto in ('tcp', '6') and (p.get('FromPort', -1) <= 443 <= p.get('ToPort', -1) or ('FromPort' not in p and 'ToPort' not in p))
        if proto in ('-1', 'all') or tcp:
            cidrs += [r['CidrIp'] for r in p.get('IpRanges', []) if r.get('CidrIp')]
            cidrs += [r['CidrIpv6'] for r in p.get('Ipv6Ranges', []) if r.get('CidrIpv6')]
            members += [g['GroupId'] for g in p.get('UserIdGroupPairs', []) if g.get('GroupId')]
            lists += [pl['PrefixListId'] for pl in p.get('PrefixListIds', []) if pl.get('PrefixListId')]
    return cidrs, members, lists


def resolver_address(block):
    net = _network(block)
    return str(net.network_address + 2) if net is not None and net.version == 4 else None


def untrusted_dhcp_servers(servers, blocks, trusted):
    # As untrustedDhcpServers (rules/ecr-vpc-endpoints/dns-path.ts); servers None: no DHCP option set.
    if servers is None:
        return []
    amazon = set(AMAZON_DNS) | set(a for a in (resolver_address(b) for b in blocks) if a)
    if any(s.strip().lower() in amazon for s in servers):
        return []
    if not servers:
        return ['(no server: domain-name-servers is empty)']
    trusted_set = set(t.strip().lower() for t in trusted)
    return [s for s in servers if s.strip().lower() not in trusted_set]


def rule_for(name, vpc_id, rules):
    # As ruleFor: the most specific rule associated with the VPC whose domain is the name or a parent.
    target = name.lower().rstrip('.')
    best, best_len = None, -1
    for rule in rules:
        if vpc_id not in rule['vpcIds']:
            continue
        domain = rule['domainName'].lower().rstrip('.')
        if domain and not (target == domain or target.endswith('.' + domain)):
            continue
        length = len(domain.split('.')) if domain else 0
        if length > best_len or (length == best_len and rule['ruleType'].upper() not in RESOLVER_ANSWERS):
            best, best_len = rule, length
    return best


def forwarding_rule_for(name, vpc_id, rules, trusted):
    rule = rule_for(name, vpc_id, rules)
    if rule is None or rule['ruleType'].upper() in RESOLVER_ANSWERS:
        return None
    trusted_set = set(t.strip().lower() for t in trusted)
    if rule['targetIps'] and all(ip.lower() in trusted_set for ip in rule['targetIps']):
        return None
    return rule
