# iam: ec2:DescribeVpcs, ec2:DescribeVpcAttribute, ec2:DescribeSubnets, ec2:DescribeRouteTables
# iam: ec2:DescribeNetworkInterfaces, ec2:DescribeVpcEndpoints, ec2:DescribeSecurityGroups, ec2:DescribeVpcEndpointServices
# iam: ec2:GetManagedPrefixListEntries, ec2:DescribeDhcpOptions
# iam: route53resolver:ListResolverRules, route53resolver:ListResolverRuleAssociations
import json
import re

import boto3
from network import admits_443, covered, endpoint_families, forwarding_rule_for, interface_sources, is_workload, sources_admitted, untrusted_dhcp_servers

GROUP_NAME = 'ecr-guardrails-vpc-endpoints'
ALIASES = {
    'ecr.api': ('ecr.api', False), 'ecr-fips.api': ('ecr.api', True), 'ecr-fips': ('ecr.api', True),
    'ecr.dkr': ('ecr.dkr', False), 'ecr-fips.dkr': ('ecr.dkr', True), 'ecr.dkr-fips': ('ecr.dkr', True),
    'dkr.ecr-fips': ('ecr.dkr', True), 's3': ('s3', False), 's3-fips': ('s3', True),
}
FIPS_NAMES = {'ecr.api': ['ecr-fips', 'ecr-fips.api'], 'ecr.dkr': ['ecr-fips.dkr', 'dkr.ecr-fips', 'ecr.dkr-fips'], 's3': ['s3-fips']}
FULL_NAME = re.compile(r'^(?:cn\.)?com\.amazonaws\.[a-z0-9-]+\.(.+)$')
REGION_OF = re.compile(r'^(?:cn\.)?com\.amazonaws\.([a-z0-9-]+)\.')
GONE = ('deleting', 'deleted', 'failed', 'rejected', 'expired')


def pages(paginator, key, **kwargs):
    items = []
    for page in paginator.paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


def served(service_name):
    match = FULL_NAME.match(service_name or '')
    return ALIASES.get(match.group(1)) if match else None


def required_services(text):
    result = []
    for raw in text.split(','):
        name = raw.strip()
        if not name:
            continue
        match = FULL_NAME.match(name)
        key, fips = ALIASES[match.group(1) if match else name]
        existing = [s for s in result if s['key'] == key]
        if existing:
            existing[0]['fips'] = existing[0]['fips'] or fips
        else:
            result.append({'key': key, 'fips': fips})
    for s in result:
        s['label'] = s['key'].replace('ecr.', 'ecr-fips.') if s['fips'] and s['key'] != 's3' else ('s3-fips' if s['fips'] else s['key'])
    return result


def region_of(service_name):
    match = REGION_OF.match(service_name or '')
    return match.group(1) if match else None


def serves(endpoint, service, region):
    what = served(endpoint.get('ServiceName'))
    # The VPC's own region only (a cross-region endpoint serves that region's names), and the
    # variant must match: a FIPS endpoint's private DNS answers only the FIPS names.
    return (what is not None and region_of(endpoint.get('ServiceName')) == region
            and what[0] == service['key'] and what[1] == service['fips'])


def prefix_list_cidrs(ec2, list_id, cache):
    if list_id not in cache:
        entries = pages(ec2.get_paginator('get_managed_prefix_list_entries'), 'Entries', PrefixListId=list_id)
        cache[list_id] = [e['Cidr'] for e in entries if e.get('Cidr')]
    return cache[list_id]


def admitted(ec2, state, group_ids, cache):
    # Ranges (prefix lists expanded) and security groups that the groups admit 443 from.
    groups = {g['GroupId']: g for g in state['groups']}
    cidrs, members = [], set()
    for group_id in group_ids:
        c, m, lists = admits_443(groups.get(group_id, {}))
        cidrs += c + [e for pl in lists for e in prefix_list_cidrs(ec2, pl, cache)]
        members.update(m)
    return cidrs, members


def admits(ec2, state, endpoint, cache):
    # As the rule (unadmittedWorkloads in evaluate.ts): every workload interface is a member of a
    # group the rules name, or the admitted ranges contain its addresses of the endpoint's families.
    cidrs, members = admitted(ec2, state, [g['GroupId'] for g in endpoint.get('Groups', [])], cache)
    families = endpoint_families(endpoint.get('IpAddressType'), (endpoint.get('DnsOptions') or {}).get('DnsRecordIpType'))
    return all(members & set(w['groups']) or sources_admitted(w['sources'], families, cidrs) for w in state['workload_enis'])


def resolver_rules(vpc_id):
    resolver = boto3.client('route53resolver')
    rules = pages(resolver.get_paginator('list_resolver_rules'), 'ResolverRules')
    associations = pages(resolver.get_paginator('list_resolver_rule_associations'), 'ResolverRuleAssociations',
                         Filters=[{'Name': 'VPCId', 'Values': [vpc_id]}])
    vpcs_of = {}
    for a in associations:
        if a.get('Status') != 'FAILED' and a.get('ResolverRuleId') and a.get('VPCId'):
            vpcs_of.setdefault(a['ResolverRuleId'], []).append(a['VPCId'])
    return [{'id': r['Id'], 'domainName': r.get('DomainName') or '.', 'ruleType': r.get('RuleType') or 'UNKNOWN',
             'targetIps': [t.get('Ip') or t.get('Ipv6') for t in r.get('TargetIps', []) if t.get('Ip') or t.get('Ipv6')],
             'vpcIds': vpcs_of[r['Id']]} for r in rules if r.get('Id') in vpcs_of]


def dns_names(service, region, suffix, account):
    # As serviceDnsNames (rules/ecr-vpc-endpoints/services.ts).
    if service['key'] == 'ecr.api':
        return [('ecr-fips.%s.%s' if service['fips'] else 'api.ecr.%s.%s') % (region, suffix)]
    if service['key'] == 'ecr.dkr':
        base = ('dkr.ecr-fips.%s.%s' if service['fips'] else 'dkr.ecr.%s.%s') % (region, suffix)
        return [base, account + '.' + base]
    base = ('s3-fips.%s.%s' if service['fips'] else 's3.%s.%s') % (region, suffix)
    return [base, 'prod-%s-starport-layer-bucket.%s' % (region, base)]


def refuse_unfixable(ec2, state, events, services):
    # What the runbook must not change: another account's VPC, and DNS settings. Fails naming them.
    account = events.get('AccountId') or ''
    if account and state['owner'] and state['owner'] != account:
        raise Exception('VPC %s is shared with this account by its owner %s (AWS RAM): only the owner can create or change its endpoints; '
                        'run this in account %s.' % (state['vpc_id'], state['owner'], state['owner']))
    trusted = [t.strip() for t in events.get('TrustedDnsServers', '').split(',') if t.strip()]
    problems = []
    dhcp = state['dhcp']
    if dhcp and dhcp != 'default':
        sets = ec2.describe_dhcp_options(DhcpOptionsIds=[dhcp]).get('DhcpOptions', [])
        servers = [v.get('Value') for s in sets for c in s.get('DhcpConfigurations', []) if c.get('Key') == 'domain-name-servers' for v in c.get('Values', [])]
        untrusted = untrusted_dhcp_servers(servers, state['blocks'], trusted)
        if untrusted:
            problems.append('DHCP options %s send DNS to %s, not AmazonProvidedDNS: associate DHCP options whose domain-name-servers is '
                            'AmazonProvidedDNS (or list servers that forward to the VPC resolver in TrustedDnsServers)' % (dhcp, ', '.join(untrusted)))
    rules = resolver_rules(state['vpc_id'])
    suffix = 'amazonaws.com.cn' if events.get('Partition') == 'aws-cn' else 'amazonaws.com'
    seen = set()
    for service in services:
        for name in dns_names(service, events['Region'], suffix, account):
            rule = forwarding_rule_for(name, state['vpc_id'], rules, trusted)
            if rule and rule['id'] not in seen:
                seen.add(rule['id'])
                problems.append('Route 53 Resolver rule %s (%s %s) forwards %s away from the VPC resolver: disassociate it from the VPC, '
                                'or add a SYSTEM rule for the ECR and S3 names' % (rule['id'], rule['ruleType'], rule['domainName'], name))
    if problems:
        raise Exception('VPC %s: DNS does not reach the VPC resolver, which this runbook does not change: %s.' % (state['vpc_id'], '; '.join(problems)))


def service_name(ec2, service, region, partition):
    prefix = ('cn.com.amazonaws' if partition == 'aws-cn' else 'com.amazonaws') + '.' + region + '.'
    if not service['fips']:
        return prefix + service['key']
    names = [prefix + short for short in FIPS_NAMES[service['key']]]
    found = ec2.describe_vpc_endpoint_services(Filters=[{'Name': 'service-name', 'Values': names}]).get('ServiceNames', [])
    if not found:
        raise Exception('No FIPS endpoint service for %s in %s (looked for %s).' % (service['key'], region, ', '.join(names)))
    return found[0]


def inspect(ec2, events):
    vpc_id = events['VpcId']
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])['Vpcs'][0]
    owner, dhcp = vpc.get('OwnerId'), vpc.get('DhcpOptionsId')
    blocks = [a['CidrBlock'] for a in vpc.get('CidrBlockAssociationSet', [])
              if a.get('CidrBlockState', {}).get('State', 'associated') == 'associated'] or [vpc['CidrBlock']]
    # Dual-stack workloads also send from the VPC's IPv6 blocks: the project group admits those too.
    ipv6_blocks = [a['Ipv6CidrBlock'] for a in vpc.get('Ipv6CidrBlockAssociationSet', [])
                   if a.get('Ipv6CidrBlock') and a.get('Ipv6CidrBlockState', {}).get('State') == 'associated']
    support = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute='enableDnsSupport')['EnableDnsSupport']['Value']
    hostnames = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute='enableDnsHostnames')['EnableDnsHostnames']['Value']
    in_vpc = [{'Name': 'vpc-id', 'Values': [vpc_id]}]
    subnets = pages(ec2.get_paginator('describe_subnets'), 'Subnets', Filters=in_vpc)
    tables = pages(ec2.get_paginator('describe_route_tables'), 'RouteTables', Filters=in_vpc)
    enis = pages(ec2.get_paginator('describe_network_interfaces'), 'NetworkInterfaces', Filters=in_vpc)
    endpoints = pages(ec2.get_paginator('describe_vpc_endpoints'), 'VpcEndpoints', Filters=in_vpc)
    groups = pages(ec2.get_paginator('describe_security_groups'), 'SecurityGroups', Filters=in_vpc)
    if not subnets:
        raise Exception('VPC %s has no subnets: there is nowhere to put interface endpoints.' % vpc_id)
    main = next((t for t in tables if any(a.get('Main') for a in t.get('Associations', []))), None)
    table_of = {}
    for t in tables:
        for a in t.get('Associations', []):
            if a.get('SubnetId'):
                table_of[a['SubnetId']] = t
    workload_enis = [{'subnet': eni.get('SubnetId'), 'groups': [g.get('GroupId') for g in eni.get('Groups', [])], 'sources': interface_sources(eni)}
                     for eni in enis if is_workload(eni)]
    workload_count = {}
    for eni in workload_enis:
        workload_count[eni['subnet']] = workload_count.get(eni['subnet'], 0) + 1
    info = []
    for s in subnets:
        table = table_of.get(s['SubnetId'], main) or {}
        public = any(r.get('GatewayId', '').startswith('igw-') and (r.get('DestinationCidrBlock') == '0.0.0.0/0' or r.get('DestinationIpv6CidrBlock') == '::/0')
                     for r in table.get('Routes', []))
        info.append({'id': s['SubnetId'], 'az': s['AvailabilityZone'], 'cidr': s.get('CidrBlock'), 'table': table.get('RouteTableId'), 'private': not public,
                     'workloads': workload_count.get(s['SubnetId'], 0), 'free': s.get('AvailableIpAddressCount', 0)})
    workload = [s for s in info if s['workloads']] or info
    return {'vpc_id': vpc_id, 'owner': owner, 'dhcp': dhcp, 'blocks': blocks, 'ipv6_blocks': ipv6_blocks,
            'support': support, 'hostnames': hostnames, 'subnets': info, 'workload': workload,
            'endpoints': [e for e in endpoints if (e.get('State') or '').lower() not in GONE], 'groups': groups, 'workload_enis': workload_enis}


def choose_subnets(state, events):
    given = [s.strip() for s in events.get('SubnetIds', '').split(',') if s.strip()]
    by_id = {s['id']: s for s in state['subnets']}
    if given:
        unknown = [s for s in given if s not in by_id]
        if unknown:
            raise Exception('SubnetIds %s are not subnets of %s.' % (', '.join(unknown), state['vpc_id']))
        candidates = [by_id[s] for s in given]
    else:
        azs = set(s['az'] for s in state['workload'])
        candidates = [s for s in state['subnets'] if s['az'] in azs]
    chosen = {}
    for s in sorted(candidates, key=lambda s: (not s['private'], -s['workloads'], -s['free'], s['id'])):
        chosen.setdefault(s['az'], s['id'])
    return chosen


def plan(ec2, events):
    state = inspect(ec2, events)
    services = required_services(events['Services'])
    refuse_unfixable(ec2, state, events, services)
    all_azs = events.get('RequireAllWorkloadAzs', 'false') == 'true'
    private_dns = events.get('EnablePrivateDns', 'true') == 'true'
    az_of = {s['id']: s['az'] for s in state['subnets']}
    workload_azs = sorted(set(s['az'] for s in state['workload']))
    workload_tables = sorted(set(s['table'] for s in state['workload'] if s['table']))
    chosen = choose_subnets(state, events)
    groups = {g['GroupId']: g for g in state['groups']}
    prefix_lists = {}
    creates, modifies, notes, pending = [], [], [], []
    needs_group = False
    for service in services:
        mine = [e for e in state['endpoints'] if serves(e, service, events['Region'])]
        if service['key'] == 's3':
            gateways = [e for e in mine if e.get('VpcEndpointType') == 'Gateway']
            interfaces = [e for e in mine if e.get('VpcEndpointType') == 'Interface']
            if gateways:
                # As the rule: each workload route table needs one of the VPC's S3 gateway endpoints
                # (AWS allows one per route table); tables with none go to the first one.
                on_some = set(t for g in gateways for t in g.get('RouteTableIds', []))
                missing = [t for t in workload_tables if t not in on_some]
                gateway = gateways[0]
                if missing:
                    modifies.append({'VpcEndpointId': gateway['VpcEndpointId'], 'AddRouteTableIds': missing})
                    notes.append('add route tables %s to %s gateway endpoint %s' % (', '.join(missing), service['label'], gateway['VpcEndpointId']))
                pending.extend(g['VpcEndpointId'] for g in gateways if set(g.get('RouteTableIds', [])) & set(workload_tables) or g is gateway)
                continue
            if interfaces:
                mine = interfaces
            else:
                creates.append({'Service': service['label'], 'ServiceName': service_name(ec2, service, events['Region'], events['Partition']),
                                'VpcEndpointType': 'Gateway', 'RouteTableIds': workload_tables})
                notes.append('create %s gateway endpoint on %s' % (service['label'], ', '.join(workload_tables)))
                continue
        mine = [e for e in mine if e.get('VpcEndpointType') == 'Interface']
        if not mine:
            creates.append({'Service': service['label'], 'ServiceName': service_name(ec2, service, events['Region'], events['Partition']),
                            'VpcEndpointType': 'Interface', 'SubnetIds': [chosen[az] for az in sorted(chosen)], 'PrivateDnsEnabled': private_dns})
            notes.append('create %s interface endpoint in %s' % (service['label'], ', '.join(sorted(chosen))))
            needs_group = True
            continue
        endpoint = sorted(mine, key=lambda e: ((e.get('State') or '').lower() != 'available', -len(e.get('SubnetIds', []))))[0]
        change = {}
        covered_azs = set(az_of.get(s) for s in endpoint.get('SubnetIds', [])) - {None}
        # As the rule: every workload AZ only with RequireAllWorkloadAzs (resilience); otherwise
        # an endpoint needs a subnet at all (private DNS answers with it from every AZ).
        missing_azs = [az for az in workload_azs if az not in covered_azs] if all_azs or not covered_azs else []
        add = [chosen[az] for az in missing_azs if az in chosen]
        if add:
            change['AddSubnetIds'] = add
        unreachable = [az for az in missing_azs if az not in chosen]
        if unreachable:
            notes.append('%s endpoint %s does not cover %s (no subnet given there)' % (service['label'], endpoint['VpcEndpointId'], ', '.join(unreachable)))
        if private_dns and not endpoint.get('PrivateDnsEnabled'):
            change['PrivateDnsEnabled'] = True
        if not admits(ec2, state, endpoint, prefix_lists):
            change['AddSecurityGroup'] = True
            needs_group = True
        if change:
            change['VpcEndpointId'] = endpoint['VpcEndpointId']
            modifies.append(change)
            fixes = ', '.join(sorted(k for k in change if k != 'VpcEndpointId'))
            notes.append('fix %s endpoint %s (%s)' % (service['label'], endpoint['VpcEndpointId'], fixes))
        pending.append(endpoint['VpcEndpointId'])
    group = {'Id': events.get('SecurityGroupId') or '', 'Create': False, 'Authorize': []}
    if needs_group and not group['Id']:
        existing = [g for g in state['groups'] if g.get('GroupName') == GROUP_NAME]
        if existing:
            group['Id'] = existing[0]['GroupId']
            cidrs = admitted(ec2, state, [existing[0]['GroupId']], prefix_lists)[0]
            group['Authorize'] = [b for b in state['blocks'] + state['ipv6_blocks'] if not covered(b, cidrs)]
        else:
            group['Create'] = True
            group['Authorize'] = state['blocks'] + state['ipv6_blocks']
        if group['Create'] or group['Authorize']:
            notes.append('%s security group %s admitting 443 from %s' % ('create' if group['Create'] else 'update', GROUP_NAME, ', '.join(group['Authorize'])))
    if needs_group and group['Id'] and events.get('SecurityGroupId') and group['Id'] not in groups:
        raise Exception('SecurityGroupId %s is not a security group of %s.' % (group['Id'], state['vpc_id']))
    dns = {'support': not state['support'], 'hostnames': not state['hostnames']}
    if dns['support'] or dns['hostnames']:
        notes.insert(0, 'enable VPC DNS %s' % ' and '.join(n for n, off in (('support', dns['support']), ('hostnames', dns['hostnames'])) if off))
    not_ready = [e['VpcEndpointId'] + ' is ' + e.get('State', '') for e in state['endpoints']
                 if e['VpcEndpointId'] in pending and (e.get('State') or '').lower() != 'available']
    return state, {'VpcId': state['vpc_id'], 'Blocks': state['blocks'], 'Creates': creates, 'Modifies': modifies, 'Group': group,
                   'Dns': dns, 'ExistingEndpointIds': pending, 'NeedsGroup': needs_group}, notes, not_ready


def handler(events, context):
    ec2 = boto3.client('ec2')
    state, result, notes, not_ready = plan(ec2, events)
    changed = bool(result['Creates'] or result['Modifies'] or result['Dns']['support'] or result['Dns']['hostnames']
                   or result['Group']['Create'] or result['Group']['Authorize'])
    if events['Mode'] == 'verify':
        problems = notes + not_ready
        if problems:
            raise Exception('VPC %s would still not be compliant: %s.' % (state['vpc_id'], '; '.join(problems)))
        endpoints = ', '.join(result['ExistingEndpointIds'])
        return {'Compliant': 'true', 'Summary': 'VPC %s: endpoints %s available, DNS support and hostnames on.' % (state['vpc_id'], endpoints)}
    return {
        'Changed': 'true' if changed else 'false',
        'EnableDnsSupport': 'true' if result['Dns']['support'] else 'false',
        'EnableDnsHostnames': 'true' if result['Dns']['hostnames'] else 'false',
        'Plan': json.dumps(result),
        'Summary': '; '.join(notes) if notes else 'nothing to change',
    }
