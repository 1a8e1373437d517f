# iam: ecr:GetLifecyclePolicy
import json
import boto3


def handler(events, context):
    name = events['RepositoryName']
    ecr = boto3.client('ecr')
    text = ecr.get_lifecycle_policy(repositoryName=name)['lifecyclePolicyText']
    present = [{'selection': r.get('selection'), 'action': r.get('action')} for r in json.loads(text).get('rules', [])]
    missing = [r for r in json.loads(events['RequiredRules']) if r not in present]
    if missing:
        raise ValueError('The lifecycle policy of %s lacks %d required rule(s): %s' % (name, len(missing), json.dumps(missing)))
    if events.get('Blocked'):
        raise ValueError('Not fixed: ' + '; '.join(events['Blocked']))
    return {'Verified': True}
