# iam: ecr:DescribeImages, ecr:BatchDeleteImage, ecr:UpdateImageStorageClass
import boto3
from botocore.exceptions import ClientError
from candidates import fingerprint, select


BATCH = 100


def handler(events, context):
    name = events['RepositoryName']
    ecr = boto3.client('ecr')
    chosen, _, _ = select(ecr.get_paginator('describe_images').paginate(repositoryName=name), events)
    if fingerprint(chosen) != events['Fingerprint']:
        raise ValueError('The images to remove changed after they were listed and approved (%d match now); '
                         'nothing was removed. Run again and review the new list.' % len(chosen))
    digests = sorted(i['imageDigest'] for i in chosen)
    removed, failures = set(), []
    if events['Action'] == 'archive':
        for digest in digests:
            try:
                ecr.update_image_storage_class(repositoryName=name, imageId={'imageDigest': digest}, targetStorageClass='ARCHIVE')
                removed.add(digest)
            except ClientError as error:
                failures.append('%s: %s' % (digest, error.response.get('Error', {}).get('Code', 'Error')))
    else:
        for start in range(0, len(digests), BATCH):
            batch = digests[start:start + BATCH]
            response = ecr.batch_delete_image(repositoryName=name, imageIds=[{'imageDigest': d} for d in batch])
            removed.update(i.get('imageDigest') for i in response.get('imageIds') or [] if i.get('imageDigest'))
            for failure in response.get('failures') or []:
                failures.append('%s: %s %s' % (failure.get('imageId', {}).get('imageDigest', '?'), failure.get('failureCode'), failure.get('failureReason')))
    return {'Removed': len(removed), 'Failures': failures[:200], 'FailureCount': len(failures)}
