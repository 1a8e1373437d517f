/** IAM actions the ecr-repository-access collector needs; kept apart so rule metadata loads no SDK. */
export const REPOSITORY_ACCESS_PERMISSIONS = [
  'ecr:GetRepositoryPolicy',
  'ecr:GetRegistryPolicy',
  'ecr:DescribeRegistry',
  // Only when OrganizationId is not given (CLI scans): the organisation the account belongs to.
  'organizations:DescribeOrganization',
  // Only with UseAccessAnalyzer=true: the second opinion on "public" (access level Read, no
  // resource type: Resource "*", as in the AWS managed policy IAMAccessAnalyzerReadOnlyAccess).
  'access-analyzer:CheckNoPublicAccess',
];
