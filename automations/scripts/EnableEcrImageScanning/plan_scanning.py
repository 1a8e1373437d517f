# iam: ecr:GetRegistryScanningConfiguration, ecr:BatchGetRepositoryScanningConfiguration, inspector2:BatchGetAccountStatus
import copy

import boto3
from inspector_status import inspector_ecr_status
from scanning import SCANNED, configuration_digest, pushes_scanned

MAX_FILTERS = 100


def handler(events, context):
    name = events['RepositoryName']
    ecr = boto3.client('ecr')
    configuration = ecr.get_registry_scanning_configuration().get('scanningConfiguration') or {}
    scan_type = configuration.get('scanType')
    if scan_type not in SCANNED:
        raise ValueError('Unrecognised registry scan type %r; nothing was changed.' % scan_type)
    entries = ecr.batch_get_repository_scanning_configuration(repositoryNames=[name]).get('scanningConfigurations') or []
    frequency = entries[0].get('scanFrequency') if entries else None
    rules = copy.deepcopy(configuration.get('rules') or [])
    wanted = '*' if events['Scope'] == 'registry' else name
    covered = any(
        rule.get('scanFrequency') in SCANNED[scan_type] and any(f.get('filter') == wanted for f in rule.get('repositoryFilters') or [])
        for rule in rules
    )
    done = covered if events['Scope'] == 'registry' else pushes_scanned(scan_type, frequency)
    plan = {'ScanType': scan_type, 'FrequencyBefore': frequency or 'UNKNOWN', 'ReadDigest': configuration_digest(configuration)}
    if done:
        return dict(plan, Changed=False, Rules=rules)
    if covered:
        raise ValueError('%s is already in a scanning filter but ECR reports frequency %s; nothing was changed.' % (wanted, frequency))
    on_push = next((rule for rule in rules if rule.get('scanFrequency') == 'SCAN_ON_PUSH'), None)
    if on_push is None:
        on_push = {'scanFrequency': 'SCAN_ON_PUSH', 'repositoryFilters': []}
        rules.append(on_push)
    filters = on_push.setdefault('repositoryFilters', [])
    if len(filters) >= MAX_FILTERS:
        raise ValueError(
            'The SCAN_ON_PUSH rule already holds ECR\'s maximum of %d filters; nothing was changed. '
            'Replace specific names with a wildcard filter (for example %s*) or run with Scope=registry.'
            % (MAX_FILTERS, name.split('/')[0] + '/' if '/' in name else name)
        )
    if scan_type == 'ENHANCED':
        # Writing ENHANCED calls Amazon Inspector with this role's inspector2:Enable: with Inspector's
        # ECR scanning off it could be turned on account-wide (billed). That is a person's decision,
        # and the verification would fail without it anyway.
        status = inspector_ecr_status(events['AccountId'])
        if status != 'ENABLED':
            raise ValueError(
                'The registry uses ENHANCED scanning but Amazon Inspector ECR scanning is %s; nothing was changed. '
                'Enable Amazon Inspector for ECR (a decision with account-wide cost), then run again.' % status
            )
    filters.append({'filter': wanted, 'filterType': 'WILDCARD'})
    return dict(plan, Changed=True, Rules=rules)
