# iam: ecr:GetLifecyclePolicy
import hashlib
import json
import boto3

TAG = 'ecr-guardrails: '


def status(rule):
    return str(rule.get('selection', {}).get('tagStatus', '')).lower()


def removes(rule):
    return str(rule.get('action', {}).get('type', '')).lower() in ('expire', 'transition')


def bounded(rule, limits, max_count=None):
    # limits: the most days a rule may wait, by countType; max_count: the most images a count
    # rule may keep (None: counting is no bound). As the ecr-stale-images rule judges.
    selection = rule.get('selection', {})
    number = selection.get('countNumber')
    if not isinstance(number, int):
        return False
    if selection.get('countType') == 'imageCountMoreThan':
        return max_count is not None and number <= max_count
    return selection.get('countType') in limits and number <= limits[selection.get('countType')]


def patterns(rule):
    selection = rule.get('selection', {})
    return list(selection.get('tagPatternList') or []) + [p + '*' for p in selection.get('tagPrefixList') or []]


def catch_all(rule):
    found = patterns(rule)
    return status(rule) == 'any' or (status(rule) == 'tagged' and found and all(set(p) == {'*'} for p in found))


def free(used, low, high):
    candidate = low + 1
    while candidate in used:
        candidate += 1
    return candidate if high is None or candidate < high else None


def handler(events, context):
    name = events['RepositoryName']
    untagged_days = int(events['UntaggedExpireDays'])
    age_days = int(events['MaxImageAgeDays'])
    idle_days = int(events.get('MaxIdleDays') or 0) or age_days
    limits = {'sinceImagePushed': age_days, 'sinceImagePulled': idle_days}
    age_rule = events['AgeRule']
    ecr = boto3.client('ecr')
    try:
        text = ecr.get_lifecycle_policy(repositoryName=name)['lifecyclePolicyText']
    except ecr.exceptions.LifecyclePolicyNotFoundException:
        text = None
    try:
        policy = json.loads(text) if text else {'rules': []}
        rules = policy['rules']
    except (ValueError, KeyError, TypeError):
        raise ValueError('The existing lifecycle policy of ' + name + ' is not a JSON object with rules; it was left unchanged.')
    used = {rule.get('rulePriority') for rule in rules}
    active = sorted(
        [r for r in rules if str(r.get('selection', {}).get('storageClass', 'standard')).lower() == 'standard'],
        key=lambda r: r.get('rulePriority', 0),
    )
    added, notes, blocked, required = [], [], [], []
    any_rules = [r['rulePriority'] for r in active if status(r) == 'any']
    first_any = min(any_rules) if any_rules else None

    # Untagged images: the first rule that selects them decides.
    first_untagged = next((r for r in active if status(r) in ('untagged', 'any')), None)
    if first_untagged is not None and removes(first_untagged) and bounded(first_untagged, limits, int(events.get('MaxUntaggedImages') or 0)):
        required.append(first_untagged)
    elif first_untagged is not None and status(first_untagged) == 'untagged':
        blocked.append('rule %s selects untagged images but does not expire them beyond %d by count or within %d days; '
                       'ECR allows one untagged rule, so its owners must change it'
                       % (first_untagged.get('rulePriority'), int(events.get('MaxUntaggedImages') or 0), age_days))
    else:
        priority = free(used, 0, first_any)
        if priority is None:
            blocked.append('no free rule priority before the tagStatus any rule %s for an untagged-images rule' % first_any)
        else:
            rule = {
                'rulePriority': priority,
                'description': TAG + 'expire untagged images after %d days' % untagged_days,
                'selection': {'tagStatus': 'untagged', 'countType': 'sinceImagePushed', 'countUnit': 'days', 'countNumber': untagged_days},
                'action': {'type': 'expire'},
            }
            used.add(priority)
            added.append(rule)
            required.append(rule)

    # Tagged images past the age limit: the first rule that takes every tagged image decides.
    partial, shields = [], []
    whole = None
    for rule in active:
        if status(rule) not in ('tagged', 'any'):
            continue
        if catch_all(rule):
            whole = rule
            break
        partial.append(rule)
        if not (removes(rule) and bounded(rule, limits)):
            shields.append(rule)
    for rule in shields:
        notes.append('rule %s keeps images tagged %s regardless of age; fine only for tags that must never expire'
                     % (rule.get('rulePriority'), ' and '.join(patterns(rule))))
    age_number = idle_days if age_rule == 'sinceImagePulled' else age_days
    age_selection = {'countType': age_rule, 'countUnit': 'days', 'countNumber': age_number}
    description = TAG + ('expire images not pulled for %d days' if age_rule == 'sinceImagePulled' else 'expire images pushed over %d days ago') % age_number
    if whole is not None and removes(whole) and bounded(whole, limits):
        required.append(whole)
    elif whole is None:
        rule = {'rulePriority': max([p for p in used if isinstance(p, int)] + [0]) + 1, 'description': description,
                'selection': dict({'tagStatus': 'any'}, **age_selection), 'action': {'type': 'expire'}}
        added.append(rule)
        required.append(rule)
    elif status(whole) == 'any':
        low = max([r['rulePriority'] for r in partial] + [0])  # after every tag rule: never shadow one
        priority = free(used, low, whole['rulePriority'])
        if priority is None:
            blocked.append('no free rule priority between %s and the tagStatus any rule %s for an age rule' % (low, whole['rulePriority']))
        else:
            rule = {'rulePriority': priority, 'description': description,
                    'selection': dict({'tagStatus': 'tagged', 'tagPatternList': ['*']}, **age_selection), 'action': {'type': 'expire'}}
            added.append(rule)
            required.append(rule)
            notes.append('rule %s (tagStatus any) now applies to untagged images only: '
                         'tagged images expire by the added age rule first' % whole['rulePriority'])
    else:
        blocked.append('rule %s takes every tagged image without expiring it within %d days; its owners must change it' % (whole.get('rulePriority'), age_days))

    merged = dict(policy, rules=rules + added)
    return {
        'Changed': bool(added),
        'PolicyText': json.dumps(merged, separators=(',', ':')) if added else (text or ''),
        'AddedRules': ['priority %d: %s' % (r['rulePriority'], r['description'][len(TAG):]) for r in added],
        'Notes': notes,
        'Blocked': blocked,
        'RequiredRules': json.dumps([{'selection': r.get('selection'), 'action': r.get('action')} for r in required]),
        # What the merge was based on: the policy must still be this when it is replaced.
        'ReadDigest': hashlib.sha256((text or '').encode()).hexdigest() if text is not None else 'none',
    }
