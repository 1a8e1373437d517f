# iam: ecr:GetLifecyclePolicy, ecr:DescribeImages, ecr:BatchGetImage
import json
import boto3
from stale_images import read_images, remaining_findings


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
    # The policy is right; the rule also judges what the repository holds now.
    pages, parents = read_images(ecr, name)
    found, _ = remaining_findings(pages, events, parents)
    if found:
        raise ValueError('Not fixed yet: the lifecycle policy of %s now covers untagged and aged images, but ecr-stale-images '
                         'still finds %s until ECR applies the policy (within 24 hours) or DeleteStaleEcrImages removes them'
                         % (name, '; '.join(found)))
    return {'Verified': True}
