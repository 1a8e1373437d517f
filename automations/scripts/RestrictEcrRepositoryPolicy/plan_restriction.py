# iam: ecr:GetRepositoryPolicy, organizations:DescribeOrganization
import json

import boto3
from botocore.exceptions import ClientError
from restriction import fingerprint, read_policy, restrict


# SetRepositoryPolicy takes a policyText of at most 10,240 characters
# (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html).
MAX_POLICY_TEXT = 10240


def policy_text(policy):
    # Indented for the approver when it fits ECR's limit; compact otherwise (a policy near the limit
    # that the restriction kept almost whole would not fit indented).
    pretty = json.dumps(policy, indent=2)
    return pretty if len(pretty) <= MAX_POLICY_TEXT else json.dumps(policy, separators=(',', ':'))


def handler(events, context):
    events = dict(events)
    if not events.get('OrganizationId'):
        # Outside any organisation, statements are confined to this account and TrustedAccounts.
        organizations = boto3.client('organizations')
        try:
            events['OrganizationId'] = organizations.describe_organization()['Organization']['Id']
        except ClientError as error:
            if error.response['Error']['Code'] != 'AWSOrganizationsNotInUseException':
                raise
            events['OrganizationId'] = ''
    ecr = boto3.client('ecr')
    before = read_policy(ecr, events['RepositoryName'])
    after, changes = restrict(before, events)
    if changes and not [a for a in events.get('Approvers') or [] if a]:
        raise ValueError('Approvers needed: this change of who can reach the images needs an approver; nothing was written. '
                         'Planned: %s' % '; '.join(changes))
    return {
        'Before': before,
        'After': policy_text(after) if changes else before,
        'Changed': bool(changes),
        'Changes': '; '.join(changes) or 'none',
        'Fingerprint': fingerprint(before),
        'OrganizationId': events['OrganizationId'],
    }
