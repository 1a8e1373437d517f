# iam: ecr:GetRegistryScanningConfiguration, ecr:BatchGetRepositoryScanningConfiguration, inspector2:BatchGetAccountStatus
# iam: ecr:DescribeImages, inspector2:ListFindings
import datetime
import time

import boto3
from inspector_status import inspector_ecr_status
from scan_images import SEVERITY_ORDER, image_problems, rule_params, severity_rank
from scanning import pushes_scanned


def inspector_old_findings(inspector, account, name, params, now_s):
    """ENHANCED: active findings at or above the severity first observed before the age cutoff, per image digest."""
    floor = severity_rank(params['MaxFindingSeverity'])
    cutoff = datetime.datetime.fromtimestamp(now_s - params['MaxFindingAgeDays'] * 86400, datetime.timezone.utc)
    criteria = {
        'awsAccountId': [{'comparison': 'EQUALS', 'value': account}],
        'findingStatus': [{'comparison': 'EQUALS', 'value': 'ACTIVE'}],
        'resourceType': [{'comparison': 'EQUALS', 'value': 'AWS_ECR_CONTAINER_IMAGE'}],
        'severity': [{'comparison': 'EQUALS', 'value': s} for s in SEVERITY_ORDER if severity_rank(s) >= floor],
        'firstObservedAt': [{'endInclusive': cutoff}],
        'ecrImageRepositoryName': [{'comparison': 'EQUALS', 'value': name}],
    }
    old = {}
    for page in inspector.get_paginator('list_findings').paginate(filterCriteria=criteria):
        for finding in page.get('findings') or []:
            for resource in finding.get('resources') or []:
                image = (resource.get('details') or {}).get('awsEcrContainerImage') or {}
                if image.get('repositoryName') == name and image.get('imageHash'):
                    old[image['imageHash']] = old.get(image['imageHash'], 0) + 1
    return old


def handler(events, context):
    # The rule's own check of the repository: Success means ecr-image-scanning now agrees.
    name = events['RepositoryName']
    params = rule_params(events)
    ecr = boto3.client('ecr')
    scan_type = (ecr.get_registry_scanning_configuration().get('scanningConfiguration') or {}).get('scanType')
    entries = ecr.batch_get_repository_scanning_configuration(repositoryNames=[name]).get('scanningConfigurations') or []
    frequency = entries[0].get('scanFrequency') if entries else None
    if not pushes_scanned(scan_type, frequency):
        raise ValueError('Not fixed: pushes to %s are not scanned: registry %s scanning, repository frequency %s.' % (name, scan_type, frequency))
    inspector = boto3.client('inspector2') if scan_type == 'ENHANCED' else None
    if inspector is not None:
        status = inspector_ecr_status(events['AccountId'])
        if status != 'ENABLED':
            raise ValueError('Not fixed: enhanced scanning is configured but Amazon Inspector ECR scanning is %s: enable Amazon Inspector for ECR.' % status)
    now_s = time.time()
    images = [image for page in ecr.get_paginator('describe_images').paginate(repositoryName=name) for image in page.get('imageDetails') or []]
    enhanced_old = None
    if inspector is not None and params['VulnerabilityCheck']:
        enhanced_old = inspector_old_findings(inspector, events['AccountId'], name, params, now_s)
    problems = image_problems(images, params, now_s, enhanced_old)
    if problems:
        raise ValueError('Not fixed: pushes to %s are now scanned, but ecr-image-scanning still finds %s.' % (name, '; '.join(problems)))
    return {'Frequency': frequency, 'ScanType': scan_type}
