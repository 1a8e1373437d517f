# iam: ecr:DescribeRepositories
import boto3
from filters import MODE, current_filters, wanted_filters


def handler(events, context):
    wanted = wanted_filters(events)
    ecr = boto3.client('ecr')
    response = ecr.describe_repositories(repositoryNames=[events['RepositoryName']])
    repository = response['repositories'][0]
    return {
        'Filters': [{'filter': f, 'filterType': 'WILDCARD'} for f in wanted],
        'UpToDate': repository.get('imageTagMutability') == MODE and current_filters(repository) == wanted,
    }
