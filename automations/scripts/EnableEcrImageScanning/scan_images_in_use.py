# iam: ecr:DescribeImages, ecr:StartImageScan
import time

import boto3
from scan_images import needs_scan

# aws:executeScript runs at most 600 seconds: a run starts at most this many scans; the
# verification then names the images still without results, and a second run scans them.
MAX_SCANS = 500


def handler(events, context):
    # Basic scanning: StartImageScan, one scan per image per 24 hours (LimitExceededException);
    # images with results are never rescanned, so an old finding's age is never reset.
    # Enhanced scanning: Amazon Inspector scans by itself; StartImageScan is for basic scanning.
    if events['ScanType'] != 'BASIC':
        return {'Result': 'not started: %s scanning scans images itself' % events['ScanType']}
    ecr = boto3.client('ecr')
    name = events['RepositoryName']
    now_s = time.time()
    wanted = []
    for page in ecr.get_paginator('describe_images').paginate(repositoryName=name):
        wanted += [image['imageDigest'] for image in page.get('imageDetails') or [] if needs_scan(image, now_s, int(events['InUseDays']))]
    # One image that cannot be scanned (UnsupportedImageTypeException) or was deleted since it was
    # listed (ImageNotFoundException) must not stop the others: each is named in the result, and the
    # verification judges what remains as the rule does.
    started, limited, unsupported, gone = 0, [], [], []
    for digest in wanted[:MAX_SCANS]:
        try:
            ecr.start_image_scan(repositoryName=name, imageId={'imageDigest': digest})
            started += 1
        except ecr.exceptions.LimitExceededException:
            limited.append(digest)
        except ecr.exceptions.UnsupportedImageTypeException:
            unsupported.append(digest)
        except ecr.exceptions.ImageNotFoundException:
            gone.append(digest)
    result = 'scans started: %d of %d image(s) in use without results or with a FAILED scan' % (started, len(wanted))
    if limited:
        result += '; already scanned within 24 hours (ECR limit): %s' % ', '.join(limited[:5])
    if unsupported:
        result += '; cannot be scanned (unsupported image type): %s' % ', '.join(unsupported[:5])
    if gone:
        result += '; deleted since listed: %s' % ', '.join(gone[:5])
    if len(wanted) > MAX_SCANS:
        result += '; %d left for another run (at most %d scans per run)' % (len(wanted) - MAX_SCANS, MAX_SCANS)
    return {'Result': result}
