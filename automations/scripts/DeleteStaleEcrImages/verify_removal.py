# iam: ecr:DescribeImages
import boto3
from stale_images import judge_images, remaining_findings


def handler(events, context):
    # The rule's own semantics, whatever KeepLastImages or IncludeUntagged spared: Success means
    # ecr-stale-images now finds nothing in the repository's images.
    ecr = boto3.client('ecr')
    name = events['RepositoryName']
    pages = list(ecr.get_paginator('describe_images').paginate(repositoryName=name))
    found, images = remaining_findings(pages, events)
    if not found:
        return {'Remaining': 0}
    recent = {i['imageDigest'] for i in judge_images(pages, events)[0][:int(events['KeepLastImages'])]}
    spared = len({i['imageDigest'] for i in images} & recent)
    raise ValueError('Not fixed: ecr-stale-images would still find in %s: %s%s' % (
        name, '; '.join(found), ' (%d kept as one of the KeepLastImages=%s most recent)' % (spared, events['KeepLastImages']) if spared else ''))
