# iam: ecr:DescribeRepositories
import boto3
from filters import MODE, current_filters, wanted_filters


def handler(events, context):
    # The ecr-tag-immutability rule's view of the result: the target mode and, with exclusions,
    # exactly the filters asked for (any other filter would leave more tags mutable than allowed).
    ecr = boto3.client('ecr')
    name = events['RepositoryName']
    repository = ecr.describe_repositories(repositoryNames=[name])['repositories'][0]
    mode = repository.get('imageTagMutability')
    if mode != events['Mode']:
        raise ValueError('Not fixed: %s reports tag mutability %s, not %s' % (name, mode, events['Mode']))
    filters = current_filters(repository)
    wanted = wanted_filters(events) if mode == MODE else []
    if mode == MODE and filters != wanted:
        raise ValueError('Not fixed: %s excludes %s from immutability, not exactly %s' % (name, ', '.join(filters) or 'no tag', ', '.join(wanted)))
    return {'Mode': mode, 'Filters': filters}
