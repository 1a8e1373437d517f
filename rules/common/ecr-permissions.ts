/** IAM actions `listRepositories` (rules/common/ecr-repositories.ts) needs; kept apart so rule metadata loads no SDK. */
export const LIST_REPOSITORIES_PERMISSIONS = ['ecr:DescribeRepositories', 'ecr:ListTagsForResource'];
