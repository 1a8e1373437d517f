# iam: ec2:DescribeVpcEndpoints, ec2:DeleteVpcEndpoints, ec2:DescribeSecurityGroups, ec2:DeleteSecurityGroup
import time
import boto3
from botocore.exceptions import ClientError

GONE = ('deleting', 'deleted')


def handler(events, context):
    ec2 = boto3.client('ec2')
    in_vpc = [{'Name': 'vpc-id', 'Values': [events['VpcId']]}]
    mine = in_vpc + [{'Name': 'tag:ecr-guardrails:created-by', 'Values': [events['ExecutionId']]}]
    endpoints = []
    for page in ec2.get_paginator('describe_vpc_endpoints').paginate(Filters=mine):
        endpoints.extend(e['VpcEndpointId'] for e in page.get('VpcEndpoints', []) if (e.get('State') or '').lower() not in GONE)
    if endpoints:
        failed = ec2.delete_vpc_endpoints(VpcEndpointIds=endpoints).get('Unsuccessful', [])
        if failed:
            raise Exception('Could not delete endpoints: %s' % failed)
    groups = []
    for page in ec2.get_paginator('describe_security_groups').paginate(Filters=mine):
        groups.extend(g['GroupId'] for g in page.get('SecurityGroups', []))
    # A created group that ModifyVpcEndpoint added to an endpoint that was there before
    # is kept, like that change (deleting it would only fail with DependencyViolation).
    in_use = set()
    for page in ec2.get_paginator('describe_vpc_endpoints').paginate(Filters=in_vpc):
        for e in page.get('VpcEndpoints', []):
            if e['VpcEndpointId'] not in endpoints and (e.get('State') or '').lower() not in GONE:
                in_use.update(g.get('GroupId') for g in e.get('Groups', []))
    kept = [g for g in groups if g in in_use]
    deleted = []
    for group_id in [g for g in groups if g not in in_use]:
        # The deleted endpoints' network interfaces go away shortly after the endpoints.
        # EC2 models no error classes in boto3 (ec2.exceptions has only ClientError).
        for attempt in range(30):
            try:
                ec2.delete_security_group(GroupId=group_id)
                deleted.append(group_id)
                break
            except ClientError as error:
                if error.response.get('Error', {}).get('Code') != 'DependencyViolation' or attempt == 29:
                    raise
                time.sleep(10)
    return {'DeletedEndpointIds': endpoints, 'DeletedSecurityGroupIds': deleted, 'KeptSecurityGroupIds': kept}
