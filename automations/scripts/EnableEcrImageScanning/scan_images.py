"""The ecr-image-scanning rule's image checks in Python (rules/ecr-image-scanning/summarise.ts and
evaluate.ts; kept equal by test/automations/image-scanning-parity.test.ts): which images are in use,
what their scan status means, and which carry old findings. Statuses:
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanStatus.html"""
import datetime

DAY_S = 86400
SEVERITY_ORDER = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']
# Status -> class, as the rule: results exist, a scan is queued or running, the scan failed,
# no results can be shown, or the scanner cannot scan the image. Unknown statuses: no results.
STATUS_CLASS = {
    'COMPLETE': 'scanned', 'ACTIVE': 'scanned', 'IN_PROGRESS': 'pending', 'PENDING': 'pending', 'FAILED': 'failed',
    'LIMIT_EXCEEDED': 'no-results', 'FINDINGS_UNAVAILABLE': 'no-results', 'SCAN_ELIGIBILITY_EXPIRED': 'no-results',
    'IMAGE_ARCHIVED': 'no-results', 'NEVER_SCANNED': 'no-results', 'UNSUPPORTED_IMAGE': 'unsupported',
    'IMAGE_INDEX': 'unsupported',
}
# An image index / manifest list has no scan of its own (StartImageScan refuses it); its images are judged.
IMAGE_INDEX_MEDIA_TYPES = {'application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'}


def severity_rank(severity):
    if severity in SEVERITY_ORDER:
        return SEVERITY_ORDER.index(severity)
    return -1 if severity in ('UNDEFINED', 'UNTRIAGED') else len(SEVERITY_ORDER)


def epoch(value):
    """Seconds since the epoch of a boto3 datetime or an ISO string; None when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
    return value.timestamp()


def status_of(image):
    status = (image.get('imageScanStatus') or {}).get('status')
    if status:
        return status
    return 'IMAGE_INDEX' if image.get('imageManifestMediaType') in IMAGE_INDEX_MEDIA_TYPES else 'NEVER_SCANNED'


def status_class(status):
    return STATUS_CLASS.get(status, 'no-results')


def in_use(image, now_s, in_use_days):
    """Pushed or pulled within InUseDays; a missing push time counts as in use."""
    cutoff = now_s - in_use_days * DAY_S
    pushed = epoch(image.get('imagePushedAt'))
    pulled = epoch(image.get('lastRecordedPullTime'))
    return pushed is None or pushed >= cutoff or (pulled is not None and pulled >= cutoff)


def basic_old_findings(image, params, now_s):
    """Findings at or above the severity, taken as open since the scan that reported them (unknown: old)."""
    summary = image.get('imageScanFindingsSummary') or {}
    counts = summary.get('findingSeverityCounts')
    if not counts:
        return 0
    floor = severity_rank(params['MaxFindingSeverity'])
    count = sum(n for severity, n in counts.items() if severity_rank(severity) >= floor and n > 0)
    since = epoch(summary.get('imageScanCompletedAt'))
    if count == 0 or (since is not None and since > now_s - params['MaxFindingAgeDays'] * DAY_S):
        return 0
    return count


def ref_of(image):
    tags = image.get('imageTags') or []
    return tags[0] if tags else image['imageDigest'][:19]


def needs_scan(image, now_s, in_use_days):
    """An image in use that a basic scan could give results: none yet (archived images excepted) or FAILED."""
    if not in_use(image, now_s, in_use_days):
        return False
    status = status_of(image)
    return status != 'IMAGE_ARCHIVED' and status_class(status) in ('no-results', 'failed')


def image_problems(images, params, now_s, enhanced_old=None):
    """What the rule would still find in these images, as phrases naming them ([] when nothing).
    `enhanced_old`: ENHANCED scanning, old Inspector findings per image digest; None for BASIC."""
    failed, no_results, vulnerable = [], [], []
    for image in images:
        if not in_use(image, now_s, params['InUseDays']):
            continue
        kind = status_class(status_of(image))
        if kind == 'failed':
            failed.append(ref_of(image))
        elif kind == 'no-results':
            no_results.append('%s (%s)' % (ref_of(image), status_of(image)))
        if params['VulnerabilityCheck']:
            old = (enhanced_old or {}).get(image['imageDigest'], 0) if enhanced_old is not None else basic_old_findings(image, params, now_s)
            if old:
                vulnerable.append('%s (%d)' % (ref_of(image), old))
    problems = []
    if failed:
        problems.append('%d image(s) in use with a FAILED scan: %s' % (len(failed), ', '.join(failed[:5])))
    if no_results and params['VulnerabilityCheck']:
        problems.append('%d image(s) in use without scan results: %s' % (len(no_results), ', '.join(no_results[:5])))
    if vulnerable:
        problems.append('%d image(s) in use with findings >=%s open >%dd (rebuild them): %s'
                        % (len(vulnerable), params['MaxFindingSeverity'], params['MaxFindingAgeDays'], ', '.join(vulnerable[:5])))
    return problems


def rule_params(events):
    """The rule parameters the runbook was given, typed."""
    return {
        'InUseDays': int(events['InUseDays']),
        'MaxFindingSeverity': events['MaxFindingSeverity'],
        'MaxFindingAgeDays': int(events['MaxFindingAgeDays']),
        'VulnerabilityCheck': str(events['VulnerabilityCheck']).lower() == 'true',
    }
