# iam: ecr:GetRepositoryPolicy, ecr:SetRepositoryPolicy, ecr:DeleteRepositoryPolicy
import json

import boto3
from restriction import fingerprint, read_policy


def handler(events, context):
    ecr = boto3.client('ecr')
    current = read_policy(ecr, events['RepositoryName'])
    if fingerprint(current) != events['Fingerprint']:
        raise ValueError('The repository policy changed after it was read and approved; nothing was written. Run again and review the new change.')
    if json.loads(events['After'] or '{}').get('Statement') == []:
        # Every statement removed: ECR takes no policy without statements, so the policy goes.
        ecr.delete_repository_policy(repositoryName=events['RepositoryName'])
    else:
        ecr.set_repository_policy(repositoryName=events['RepositoryName'], policyText=events['After'])
    return {'Written': True}
