# The policy change, shared by PlanRestriction, WritePolicy and VerifyRestriction (inlined into
# each), so the policy approved is the policy written and the one verified.
# An Allow statement reaches outside when its principal is everyone ("*", {"AWS": "*"}, or
# NotPrincipal), an account outside ours and TrustedAccounts, or a service principal, and it
# carries no condition confining the caller (aws:PrincipalOrgID / aws:PrincipalOrgPaths /
# aws:PrincipalAccount / aws:PrincipalArn for AWS principals; aws:SourceOrgID / aws:SourceOrgPaths
# / aws:SourceAccount / aws:SourceArn for services; the aws:Source* keys, present only when a service
# calls, also confine AWS principals). A key confines only with a matching operator
# (no IfExists, Not..., ForAllValues: all true when the key is missing) and values that are all
# ours: the organisation itself (paths under it), this account or TrustedAccounts, with no
# wildcard over the account or organisation id. `StringLike aws:PrincipalOrgID "*"` confines nobody. A principal entry's account is its ARN's account field.
# - An AWS principal list naming ours or AllowedPullAccounts beside others is split by group first.
# - A statement naming only AllowedPullAccounts keeps its pull-class actions and loses the rest.
# - Otherwise Mode confine adds the organisation condition (outside any organisation: this
#   account and TrustedAccounts; a StringEquals on that key already there keeps only its values of
#   ours, the statement removed when none is), and Mode remove drops the statement.
# Other statements are kept as they are. The rule decides by IAM simulation; this is the fix,
# and it only narrows access (a condition added, actions or a statement removed).
import copy
import fnmatch
import hashlib
import json
import re

from botocore.exceptions import ClientError

ACCOUNT = re.compile(r'(?<![0-9])[0-9]{12}(?![0-9])')
PRINCIPAL_KEYS = {'aws:principalorgid', 'aws:principalorgpaths', 'aws:principalaccount', 'aws:principalarn'}
SOURCE_KEYS = {'aws:sourceorgid', 'aws:sourceorgpaths', 'aws:sourceaccount', 'aws:sourcearn'}
CONFINING_OPERATORS = {'StringEquals', 'StringLike', 'ArnEquals', 'ArnLike', 'ForAnyValue:StringEquals', 'ForAnyValue:StringLike'}
# The Read and List ECR actions on a repository (IAM service reference; the rule's pull class,
# kept equal to it by test/automations/restrict-ecr-repository-policy.test.ts).
PULL_ACTIONS = [
    'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:BatchGetRepositoryScanningConfiguration',
    'ecr:DescribeImageReplicationStatus', 'ecr:DescribeImageScanFindings', 'ecr:DescribeImageSigningStatus',
    'ecr:DescribeImages', 'ecr:DescribeRepositories', 'ecr:GetDownloadUrlForLayer', 'ecr:GetImageCopyStatus',
    'ecr:GetLifecyclePolicy', 'ecr:GetLifecyclePolicyPreview', 'ecr:GetRepositoryPolicy', 'ecr:ListImages',
    'ecr:ListTagsForResource',
]


def as_list(value):
    return value if isinstance(value, list) else [] if value is None else [value]


def accounts(value):
    return [a.strip() for item in as_list(value) for a in str(item).split(',') if a.strip()]


def named_accounts(entry):
    """The accounts an AWS principal entry names: a bare account id, or an ARN's account field
    (a role name may hold 12 digits); any 12 digits in an entry of another shape (conservative)."""
    text = str(entry)
    parts = text.split(':')
    if len(parts) > 5 and parts[0] == 'arn' and re.fullmatch(r'[0-9]{12}', parts[4]):
        return {parts[4]}
    return set(ACCOUNT.findall(text))


def inside(key, value, events, ours):
    """Whether one condition value names only our organisation or our accounts."""
    org = events.get('OrganizationId')
    if key in ('aws:principalorgid', 'aws:sourceorgid'):
        return bool(org) and value == org
    if key in ('aws:principalorgpaths', 'aws:sourceorgpaths'):
        return bool(org) and value.startswith(org + '/')
    if key in ('aws:principalaccount', 'aws:sourceaccount'):
        return value in ours
    parts = value.split(':')  # aws:PrincipalArn, aws:SourceArn: the account field
    return len(parts) > 4 and parts[4] in ours


def confined(statement, keys, events, ours):
    """Whether a condition of the statement (they all must hold) confines the caller to us."""
    for operator, entries in (statement.get('Condition') or {}).items():
        if operator not in CONFINING_OPERATORS or not isinstance(entries, dict):
            continue
        for key, values in entries.items():
            found = [str(v) for v in as_list(values)]
            if key.lower() in keys and found and all(inside(key.lower(), v, events, ours) for v in found):
                return True
    return False


def matches(patterns, action):
    return any(fnmatch.fnmatchcase(action.lower(), str(p).lower()) for p in as_list(patterns))


def reason(statement, ours, pull_only, events):
    """Why the statement reaches outside ('everyone', 'service ...', 'accounts ...'), or None."""
    if statement.get('Effect') != 'Allow':
        return None
    # aws:Source* keys are in the request only when a service principal calls: an IAM caller
    # never meets a condition on them, a service meets it only for us.
    callers = PRINCIPAL_KEYS | SOURCE_KEYS
    if 'NotPrincipal' in statement:
        return None if confined(statement, callers, events, ours) else 'everyone (NotPrincipal)'
    principal = statement.get('Principal')
    aws = ['*'] if principal == '*' else as_list(principal.get('AWS')) if isinstance(principal, dict) else []
    services = as_list(principal.get('Service')) if isinstance(principal, dict) else []
    if services and not confined(statement, SOURCE_KEYS, events, ours):
        return 'service ' + ', '.join(services)
    if confined(statement, callers, events, ours):
        return None
    if '*' in aws:
        return 'everyone'
    outside = sorted({a for value in aws for a in named_accounts(value)} - ours)
    if not outside:
        return None
    if set(outside) <= pull_only and not writes(statement):
        return None
    return 'accounts ' + ', '.join(outside)


def granted(statement, action):
    if 'NotAction' in statement:
        return not matches(statement['NotAction'], action)
    return matches(statement.get('Action'), action)


def writes(statement):
    """Whether the statement may grant more than the pull class: any Action entry that is not
    exactly a pull action (a wildcard included), or any NotAction (conservative)."""
    if 'NotAction' in statement:
        return True
    pulls = {a.lower() for a in PULL_ACTIONS}
    return any(str(action).lower() not in pulls for action in as_list(statement.get('Action')))


def confinement(is_service, events):
    ours = [events['AccountId']] + accounts(events.get('TrustedAccounts'))
    if events.get('OrganizationId'):
        return ('aws:SourceOrgID' if is_service else 'aws:PrincipalOrgID'), events['OrganizationId']
    return ('aws:SourceAccount' if is_service else 'aws:PrincipalAccount'), ours if len(ours) > 1 else ours[0]


def split(statement, ours, pull_only):
    """A statement whose AWS principal list names principals of ours (this account,
    TrustedAccounts) or of AllowedPullAccounts beside others (outside accounts, "*"), as one
    statement per group (ours, pull-only, the others): each Principal entry matches on its own, so
    together they grant what the one did, and each is restricted on its own. None when there is
    nothing to split."""
    principal = statement.get('Principal')
    if not isinstance(principal, dict) or set(principal) != {'AWS'}:
        return None
    groups = {'': [], 'Pull': [], 'Outside': []}
    for entry in as_list(principal['AWS']):
        found = named_accounts(entry)
        group = '' if found and found <= ours else 'Pull' if found and found <= ours | pull_only else 'Outside'
        groups[group].append(entry)
    if sum(1 for entries in groups.values() if entries) < 2:
        return None
    parts = []
    for suffix, entries in groups.items():
        if entries:
            part = dict(statement, Principal={'AWS': entries})
            if statement.get('Sid') and parts:  # the first part keeps the Sid
                part['Sid'] = statement['Sid'] + suffix
            parts.append(part)
    return parts


def fix(statement, why, name, pull_only, events, kept, changes):
    """Restricts one statement that reaches outside (`why`): appends what is kept and the change."""
    outside = set(why[len('accounts '):].split(', ')) if why.startswith('accounts ') else set()
    if outside and outside <= pull_only:
        pulls = [action for action in PULL_ACTIONS if granted(statement, action)]
        if pulls:
            narrowed = {k: v for k, v in statement.items() if k not in ('Action', 'NotAction')}
            narrowed['Action'] = pulls
            kept.append(narrowed)
            changes.append('%s (%s, AllowedPullAccounts): write actions removed, pull kept' % (name, why))
        else:
            changes.append('%s (%s, AllowedPullAccounts): removed (no pull action)' % (name, why))
    elif events['Mode'] == 'remove':
        changes.append('%s (%s): removed' % (name, why))
    else:
        confined = copy.deepcopy(statement)
        key, value = confinement(why.startswith('service'), events)
        block = confined.setdefault('Condition', {}).setdefault('StringEquals', {})
        same = [k for k in block if k.lower() == key.lower()]
        if not same:
            block[key] = value
            kept.append(confined)
            changes.append('%s (%s): %s = %s added' % (name, why, key, value if isinstance(value, str) else ','.join(value)))
            return
        # The key is already compared (all values must hold): keep only those that are ours, never
        # ours in place of theirs; none left, the statement grants nobody of ours: removed.
        for k in same:
            block[k] = [v for v in as_list(block[k]) if v in as_list(value)]
        if all(block[k] for k in same):
            kept.append(confined)
            changes.append('%s (%s): %s narrowed to %s' % (name, why, key, ','.join(block[same[0]])))
        else:
            changes.append('%s (%s): removed (its %s names none of ours)' % (name, why, key))


def restrict(policy_text, events):
    ours = {events['AccountId']} | set(accounts(events.get('TrustedAccounts')))
    pull_only = set(accounts(events.get('AllowedPullAccounts'))) - ours
    policy = json.loads(policy_text) if policy_text else {'Version': '2012-10-17', 'Statement': []}
    kept, changes = [], []
    for index, statement in enumerate(as_list(policy.get('Statement'))):
        why = reason(statement, ours, pull_only, events)
        name = statement.get('Sid') or '#%d' % (index + 1)
        if not why:
            kept.append(statement)
            continue
        parts = split(statement, ours, pull_only) or [statement]
        for part in parts:
            why = reason(part, ours, pull_only, events)
            if len(parts) > 1:
                what = ', '.join(map(str, part['Principal']['AWS']))
                changes.append('%s: split, %s %s' % (name, what, 'restricted' if why else 'kept as it was'))
            if why:
                fix(part, why, name, pull_only, events, kept, changes)
            else:
                kept.append(part)
    return dict(policy, Statement=kept), changes


def fingerprint(text):
    return hashlib.sha256((text or '').encode()).hexdigest()[:16]


def read_policy(ecr, name):
    try:
        return ecr.get_repository_policy(repositoryName=name)['policyText']
    except ClientError as error:
        if error.response['Error']['Code'] == 'RepositoryPolicyNotFoundException':
            return ''
        raise
