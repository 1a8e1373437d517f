# iam: ec2:CreateSecurityGroup, ec2:AuthorizeSecurityGroupIngress, ec2:CreateVpcEndpoint, ec2:ModifyVpcEndpoint
import json
import boto3

GROUP_NAME = 'ecr-guardrails-vpc-endpoints'
CREATED_BY = 'ecr-guardrails:created-by'


def tags(resource_type, name, execution_id):
    return [{'ResourceType': resource_type, 'Tags': [{'Key': 'Name', 'Value': name}, {'Key': CREATED_BY, 'Value': execution_id}]}]


def handler(events, context):
    ec2 = boto3.client('ec2')
    plan = json.loads(events['Plan'])
    execution_id = events['ExecutionId']
    vpc_id = plan['VpcId']
    group_id = plan['Group']['Id']
    if plan['Group']['Create']:
        group_id = ec2.create_security_group(
            GroupName=GROUP_NAME, VpcId=vpc_id,
            Description='ecr-guardrails: HTTPS from the VPC to its ECR and S3 interface endpoints',
            TagSpecifications=tags('security-group', GROUP_NAME, execution_id))['GroupId']
    if plan['Group']['Authorize']:
        # IPv4 blocks go in IpRanges, the VPC's IPv6 blocks (dual-stack workloads) in Ipv6Ranges.
        described = 'VPC CIDR to VPC endpoints (ecr-guardrails)'
        blocks = plan['Group']['Authorize']
        permission = {'IpProtocol': 'tcp', 'FromPort': 443, 'ToPort': 443,
                      'IpRanges': [{'CidrIp': b, 'Description': described} for b in blocks if ':' not in b]}
        if any(':' in b for b in blocks):
            permission['Ipv6Ranges'] = [{'CidrIpv6': b, 'Description': described} for b in blocks if ':' in b]
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[permission])
    created, modified = [], []
    for create in plan['Creates']:
        request = {'VpcId': vpc_id, 'ServiceName': create['ServiceName'], 'VpcEndpointType': create['VpcEndpointType'],
                   'ClientToken': ('%s-%s' % (execution_id, create['Service']))[:64],
                   'TagSpecifications': tags('vpc-endpoint', 'ecr-guardrails ' + create['Service'], execution_id)}
        if create['VpcEndpointType'] == 'Gateway':
            request['RouteTableIds'] = create['RouteTableIds']
        else:
            request.update(SubnetIds=create['SubnetIds'], SecurityGroupIds=[group_id], PrivateDnsEnabled=create['PrivateDnsEnabled'])
        created.append(ec2.create_vpc_endpoint(**request)['VpcEndpoint']['VpcEndpointId'])
    for change in plan['Modifies']:
        request = {'VpcEndpointId': change['VpcEndpointId']}
        for key in ('AddSubnetIds', 'AddRouteTableIds', 'PrivateDnsEnabled'):
            if key in change:
                request[key] = change[key]
        if change.get('AddSecurityGroup'):
            request['AddSecurityGroupIds'] = [group_id]
        ec2.modify_vpc_endpoint(**request)
        modified.append(change['VpcEndpointId'])
    # No tag on what it modified: the automation role may tag only while creating (ec2:CreateAction);
    # the execution's ModifiedEndpointIds output records the in-place changes.
    return {'CreatedEndpointIds': created, 'ModifiedEndpointIds': modified, 'EndpointIds': plan['ExistingEndpointIds'] + created,
            'SecurityGroupId': group_id or 'none'}
