# iam: ecr:DescribeImages
import boto3
from candidates import select


def handler(events, context):
    ecr = boto3.client('ecr')
    chosen, _, _ = select(ecr.get_paginator('describe_images').paginate(repositoryName=events['RepositoryName']), events)
    if chosen:
        refs = ', '.join((i.get('imageTags') or [i['imageDigest']])[0] for i in chosen[:10])
        raise ValueError('%d listed image(s) remain in %s: %s' % (len(chosen), events['RepositoryName'], refs))
    return {'Remaining': 0}
