/** IAM actions the ecr-repository-access collector needs; kept apart so rule metadata loads no SDK. */
export const REPOSITORY_ACCESS_PERMISSIONS = [
  'ecr:GetRepositoryPolicy',
  'ecr:GetRegistryPolicy',
  'ecr:DescribeRegistry',
  // Only when OrganizationId is not given (CLI scans): the organisation the account belongs to.
  'organizations:DescribeOrganization',
  // Only with UseAccessAnalyzer=true: the external access analyzer's findings
  // (collect-access-analyzer.ts). ListAnalyzers: access level List, no resource type.
  // ListFindings (also what ListFindingsV2 needs): Read, resource type Analyzer
  // (arn:${Partition}:access-analyzer:${Region}:${Account}:analyzer/${AnalyzerName});
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiamaccessanalyzer.html
  'access-analyzer:ListAnalyzers',
  'access-analyzer:ListFindings',
];
