# iam: ecr:GetLifecyclePolicy
import hashlib
import boto3


def handler(events, context):
    name = events['RepositoryName']
    ecr = boto3.client('ecr')
    try:
        text = ecr.get_lifecycle_policy(repositoryName=name)['lifecyclePolicyText']
        digest = hashlib.sha256((text or '').encode()).hexdigest()
    except ecr.exceptions.LifecyclePolicyNotFoundException:
        digest = 'none'
    if digest != events['ReadDigest']:
        raise ValueError('The lifecycle policy of %s changed after it was read; nothing was applied. Run again to merge into the new policy.' % name)
    return {'Unchanged': True}
