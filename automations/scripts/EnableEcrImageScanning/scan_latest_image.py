# iam: ecr:DescribeImages, ecr:StartImageScan
import boto3


def handler(events, context):
    if events['ScanType'] == 'ENHANCED':
        return {'Result': 'not started: enhanced scanning scans images itself'}
    ecr = boto3.client('ecr')
    latest = None
    for page in ecr.get_paginator('describe_images').paginate(repositoryName=events['RepositoryName']):
        for image in page.get('imageDetails') or []:
            if latest is None or str(image.get('imagePushedAt')) > str(latest.get('imagePushedAt')):
                latest = image
    if latest is None:
        return {'Result': 'not started: the repository holds no image'}
    digest = latest['imageDigest']
    try:
        ecr.start_image_scan(repositoryName=events['RepositoryName'], imageId={'imageDigest': digest})
    except ecr.exceptions.LimitExceededException:
        # Basic scanning allows one scan per image per day.
        return {'Result': 'already scanned today: ' + digest}
    return {'Result': 'scan started: ' + digest}
