# iam: ecr:DescribeImages, ecr:BatchGetImage
import boto3
from stale_images import judge_images, read_images, remaining_findings


def handler(events, context):
    # The rule's own semantics, whatever KeepLastImages or IncludeUntagged spared: Success means
    # ecr-stale-images now finds nothing in the repository's images.
    ecr = boto3.client('ecr')
    name = events['RepositoryName']
    pages, parents = read_images(ecr, name)
    found, images = remaining_findings(pages, events, parents)
    if not found:
        return {'Remaining': 0}
    recent = {i['imageDigest'] for i in judge_images(pages, events, parents)[0][:int(events['KeepLastImages'])]}
    present = {i['imageDigest'] for page in pages for i in page.get('imageDetails') or []}
    digests = {i['imageDigest'] for i in images}
    spared = len(digests & recent)
    with_index = len([d for d in digests - recent if parents.get(d, {}).get('indexes', set()) & present])
    why = []
    if spared:
        why.append('%d kept as one of the KeepLastImages=%s most recent' % (spared, events['KeepLastImages']))
    if with_index:
        why.append('%d kept with the image index that lists them' % with_index)
    raise ValueError('Not fixed: ecr-stale-images would still find in %s: %s%s' % (name, '; '.join(found), ' (%s)' % ', '.join(why) if why else ''))
