# iam: ecr:DescribeRepositories
import boto3

MODE = 'IMMUTABLE_WITH_EXCLUSION'


def handler(events, context):
    items = events.get('ExclusionFilters') or []
    wanted = sorted({f.strip() for item in items for f in item.split(',') if f.strip()})
    if not wanted:
        raise ValueError(MODE + ' needs at least one ExclusionFilters entry')
    if len(wanted) > 5:
        raise ValueError('ECR accepts at most 5 exclusion filters, got ' + str(len(wanted)))
    ecr = boto3.client('ecr')
    response = ecr.describe_repositories(repositoryNames=[events['RepositoryName']])
    repository = response['repositories'][0]
    current = sorted(
        f['filter']
        for f in repository.get('imageTagMutabilityExclusionFilters') or []
        if f.get('filterType') == 'WILDCARD'
    )
    return {
        'Filters': [{'filter': f, 'filterType': 'WILDCARD'} for f in wanted],
        'UpToDate': repository.get('imageTagMutability') == MODE and current == wanted,
    }
