# iam: ecr:GetRegistryScanningConfiguration, ecr:BatchGetRepositoryScanningConfiguration, inspector2:BatchGetAccountStatus
import boto3
from scanning import pushes_scanned


def handler(events, context):
    name = events['RepositoryName']
    ecr = boto3.client('ecr')
    scan_type = (ecr.get_registry_scanning_configuration().get('scanningConfiguration') or {}).get('scanType')
    entries = ecr.batch_get_repository_scanning_configuration(repositoryNames=[name]).get('scanningConfigurations') or []
    frequency = entries[0].get('scanFrequency') if entries else None
    if not pushes_scanned(scan_type, frequency):
        raise ValueError('Pushes to %s are not scanned: registry %s scanning, repository frequency %s.' % (name, scan_type, frequency))
    if scan_type == 'ENHANCED':
        inspector = boto3.client('inspector2')
        accounts = inspector.batch_get_account_status(accountIds=[events['AccountId']]).get('accounts') or []
        status = ((accounts[0].get('resourceState') or {}).get('ecr') or {}).get('status') if accounts else None
        if status != 'ENABLED':
            raise ValueError('Enhanced scanning is configured but Amazon Inspector ECR scanning is %s: enable Amazon Inspector for ECR.' % status)
    return {'Frequency': frequency, 'ScanType': scan_type}
