# iam: ecr:GetRepositoryPolicy
import json

import boto3
from restriction import read_policy, restrict


def handler(events, context):
    ecr = boto3.client('ecr')
    text = read_policy(ecr, events['RepositoryName'])
    _, remaining = restrict(text, dict(events, Mode='confine'))
    if remaining:
        raise ValueError('Not fixed: statements still reach outside the organisation: %s' % '; '.join(remaining))
    return {'Policy': json.loads(text) if text else {}}
