# iam: ecr:GetLifecyclePolicyPreview, ecr:DescribeImages
import boto3


def handler(events, context):
    name = events['RepositoryName']
    keep = int(events['KeepLastImages'])
    ecr = boto3.client('ecr')
    results = []
    for page in ecr.get_paginator('get_lifecycle_policy_preview').paginate(repositoryName=name):
        results.extend(page.get('previewResults') or [])
    affected = {r.get('imageDigest') for r in results}
    if keep > 0:
        images = []
        for page in ecr.get_paginator('describe_images').paginate(repositoryName=name):
            images.extend(page.get('imageDetails') or [])
        images.sort(key=lambda i: str(i.get('imagePushedAt')), reverse=True)
        recent = [i for i in images[:keep] if i.get('imageDigest') in affected]
        if recent:
            refs = ', '.join((i.get('imageTags') or [i['imageDigest'][:19]])[0] for i in recent[:5])
            raise ValueError('The merged policy would expire %d of the %d most recent images (%s); nothing was applied.' % (len(recent), keep, refs))
    sample = [
        '%s pushed %s: %s by rule %s' % ((r.get('imageTags') or [str(r.get('imageDigest'))[:19]])[0], str(r.get('imagePushedAt'))[:10],
                                         str(r.get('action', {}).get('type', '')).lower(), r.get('appliedRulePriority'))
        for r in results[:20]
    ]
    return {'ExpiringImages': len(results), 'Sample': sample}
