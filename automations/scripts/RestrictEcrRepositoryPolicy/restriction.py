# The policy change, shared by PlanRestriction, WritePolicy and VerifyRestriction (inlined into
# each), so the policy approved is the policy written and the one verified.
# An Allow statement reaches outside when its principal is everyone ("*", {"AWS": "*"}, or
# NotPrincipal), an account outside ours and TrustedAccounts, or a service principal, and it
# carries no condition confining the caller (aws:PrincipalOrgID / aws:PrincipalAccount for AWS
# principals; aws:SourceOrgID / aws:SourceAccount / aws:SourceArn for services).
# Mode confine adds the organisation condition to it; Mode remove drops it. Other statements
# are kept as they are. The rule itself decides by IAM simulation; this is the fix, and it only
# narrows access (a condition added, a statement removed).
import copy
import hashlib
import json
import re

from botocore.exceptions import ClientError

ACCOUNT = re.compile(r'(?<![0-9])[0-9]{12}(?![0-9])')
PRINCIPAL_KEYS = ('aws:principalorgid', 'aws:principalorgpaths', 'aws:principalaccount')
SOURCE_KEYS = ('aws:sourceorgid', 'aws:sourceorgpaths', 'aws:sourceaccount', 'aws:sourcearn')


def as_list(value):
    return value if isinstance(value, list) else [] if value is None else [value]


def condition_keys(statement):
    return {key.lower() for operator in (statement.get('Condition') or {}).values() for key in (operator or {})}


def reason(statement, ours):
    if statement.get('Effect') != 'Allow':
        return None
    keys = condition_keys(statement)
    if 'NotPrincipal' in statement:
        return None if keys & set(PRINCIPAL_KEYS) else 'NotPrincipal'
    principal = statement.get('Principal')
    aws = ['*'] if principal == '*' else as_list((principal or {}).get('AWS')) if isinstance(principal, dict) else []
    services = as_list(principal.get('Service')) if isinstance(principal, dict) else []
    if services and not keys & set(SOURCE_KEYS):
        return 'service ' + ', '.join(services)
    if keys & set(PRINCIPAL_KEYS):
        return None
    if '*' in aws:
        return 'everyone'
    outside = sorted({a for value in aws for a in ACCOUNT.findall(str(value))} - ours)
    return 'accounts ' + ', '.join(outside) if outside else None


def restrict(policy_text, events):
    trusted = [a.strip() for item in as_list(events.get('TrustedAccounts')) for a in str(item).split(',') if a.strip()]
    ours = {events['AccountId']} | set(trusted)
    policy = json.loads(policy_text) if policy_text else {'Version': '2012-10-17', 'Statement': []}
    statements = as_list(policy.get('Statement'))
    kept, changes = [], []
    for index, statement in enumerate(statements):
        why = reason(statement, ours)
        name = statement.get('Sid') or '#%d' % (index + 1)
        if not why:
            kept.append(statement)
        elif events['Mode'] == 'remove':
            changes.append('%s (%s): removed' % (name, why))
        else:
            confined = copy.deepcopy(statement)
            is_service = why.startswith('service')
            key = 'aws:SourceOrgID' if is_service else 'aws:PrincipalOrgID'
            confined.setdefault('Condition', {}).setdefault('StringEquals', {})[key] = events['OrganizationId']
            kept.append(confined)
            changes.append('%s (%s): %s = %s added' % (name, why, key, events['OrganizationId']))
    after = dict(policy, Statement=kept)
    return after, changes


def fingerprint(text):
    return hashlib.sha256((text or '').encode()).hexdigest()[:16]


def read_policy(ecr, name):
    try:
        return ecr.get_repository_policy(repositoryName=name)['policyText']
    except ClientError as error:
        if error.response['Error']['Code'] == 'RepositoryPolicyNotFoundException':
            return ''
        raise
