"""Amazon Inspector's ECR scanning status, read by PlanScanning (before an ENHANCED write) and the verification."""
import boto3


def inspector_ecr_status(account):
    """Amazon Inspector's ECR scanning status in the account (BatchGetAccountStatus resourceState.ecr.status), or None."""
    accounts = boto3.client('inspector2').batch_get_account_status(accountIds=[account]).get('accounts') or []
    entry = next((a for a in accounts if a.get('accountId') == account), accounts[0] if accounts else {})
    return ((entry.get('resourceState') or {}).get('ecr') or {}).get('status')
