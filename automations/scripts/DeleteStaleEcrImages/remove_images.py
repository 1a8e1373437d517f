# iam: ecr:DescribeImages, ecr:BatchGetImage, ecr:BatchDeleteImage, ecr:UpdateImageStorageClass
import boto3
from botocore.exceptions import ClientError
from candidates import fingerprint, select
from stale_images import INDEX_TYPES, read_images


BATCH = 100


def handler(events, context):
    name = events['RepositoryName']
    ecr = boto3.client('ecr')
    pages, parents = read_images(ecr, name)
    chosen, _, _ = select(pages, events, parents)
    if fingerprint(chosen) != events['Fingerprint']:
        raise ValueError('The images to remove changed after they were listed and approved (%d match now); '
                         'nothing was removed. Run again and review the new list.' % len(chosen))
    # Indexes go before the manifests they list: ECR refuses to delete a manifest an index still
    # refers to (failure code ImageReferencedByManifestList).
    phases = [sorted(i['imageDigest'] for i in chosen if i.get('imageManifestMediaType') in INDEX_TYPES),
              sorted(i['imageDigest'] for i in chosen if i.get('imageManifestMediaType') not in INDEX_TYPES)]
    digests = phases[0] + phases[1]
    removed, failures = set(), []
    if events['Action'] == 'archive':
        for digest in digests:
            try:
                ecr.update_image_storage_class(repositoryName=name, imageId={'imageDigest': digest}, targetStorageClass='ARCHIVE')
                removed.add(digest)
            except ClientError as error:
                failures.append('%s: %s' % (digest, error.response.get('Error', {}).get('Code', 'Error')))
    else:
        batches = [phase[start:start + BATCH] for phase in phases for start in range(0, len(phase), BATCH)]
        for batch in batches:
            response = ecr.batch_delete_image(repositoryName=name, imageIds=[{'imageDigest': d} for d in batch])
            removed.update(i.get('imageDigest') for i in response.get('imageIds') or [] if i.get('imageDigest'))
            for failure in response.get('failures') or []:
                failures.append('%s: %s %s' % (failure.get('imageId', {}).get('imageDigest', '?'), failure.get('failureCode'), failure.get('failureReason')))
    return {'Removed': len(removed), 'Failures': failures[:200], 'FailureCount': len(failures)}
