# iam: ecr:DescribeImages, ecr:BatchGetImage
from datetime import datetime, timezone

import boto3
from candidates import fingerprint, select
from stale_images import read_images, when


def size(total):
    for unit in ('B', 'KB', 'MB', 'GB', 'TB'):
        if total < 1000 or unit == 'TB':
            return ('%d %s' if unit == 'B' else '%.1f %s') % (total, unit)
        total /= 1000.0


def handler(events, context):
    ecr = boto3.client('ecr')
    events = dict(events, AsOf=datetime.now(timezone.utc).isoformat())
    pages, parents = read_images(ecr, events['RepositoryName'])
    chosen, spared, kept = select(pages, events, parents)
    if chosen and events['DryRun'] == 'false' and not events.get('Approvers'):
        raise ValueError('DryRun false needs Approvers: nobody could approve removing %d images.' % len(chosen))
    chosen.sort(key=lambda i: when(i['imagePushedAt']))
    sample = []
    for image in chosen[:50]:
        pulled = image.get('lastRecordedPullTime')
        sample.append('%s pushed %s, %s, %s' % (
            (image.get('imageTags') or [image['imageDigest'][:19]])[0], str(image['imagePushedAt'])[:10],
            'last pulled ' + str(pulled)[:10] if pulled else 'never pulled', size(image.get('imageSizeInBytes') or 0)))
    return {
        'Count': len(chosen),
        'TotalSize': size(sum(i.get('imageSizeInBytes') or 0 for i in chosen)),
        'Sample': sample,
        'SampleText': '; '.join(sample[:10]) + ('; ...' if len(chosen) > 10 else ''),
        'Fingerprint': fingerprint(chosen),
        'AsOf': events['AsOf'],
        'Protected': spared,
        'KeptRecent': kept,
    }
