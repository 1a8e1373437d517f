# The exclusion filters asked for and the ones a repository has, shared by PlanExclusionFilters
# and VerifyTagImmutability (inlined into each), so the plan and the verification compare alike.
MODE = 'IMMUTABLE_WITH_EXCLUSION'


def wanted_filters(events):
    items = events.get('ExclusionFilters') or []
    wanted = sorted({f.strip() for item in items for f in item.split(',') if f.strip()})
    if not wanted:
        raise ValueError(MODE + ' needs at least one ExclusionFilters entry')
    if len(wanted) > 5:
        raise ValueError('ECR accepts at most 5 exclusion filters, got ' + str(len(wanted)))
    return wanted


def current_filters(repository):
    # Every filter, whatever its type: a filter type we do not know is never taken as absent.
    return sorted('%s:%s' % (f.get('filterType'), f.get('filter')) if f.get('filterType') != 'WILDCARD' else f.get('filter')
                  for f in repository.get('imageTagMutabilityExclusionFilters') or [])
