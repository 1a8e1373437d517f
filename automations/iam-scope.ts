/**
 * The automation role's policy, scoped as far as IAM allows: the actions still come from the
 * runbooks (`automationRoleActions`), and this module only decides, per action, which
 * resources and conditions IAM can check for it. An action with no entry here keeps
 * `Resource: *` (and is named, with the reason, in `unscopedActions`), so a new runbook action
 * is never dropped, only left unscoped until someone scopes it.
 *
 * What IAM supports, from the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/):
 * - Amazon ECR (list_amazonelasticcontainerregistry.html): the repository-level actions take
 *   the resource type `repository*` (arn:${Partition}:ecr:${Region}:${Account}:repository/${Name});
 *   GetRegistryScanningConfiguration / PutRegistryScanningConfiguration have no resource type
 *   (the registry is the account). Get/Set/DeleteRepositoryPolicy take `repository*` too.
 * - AWS Organizations (list_awsorganizations.html): DescribeOrganization has no resource type.
 * - Amazon EC2 (list_amazonec2.html): DeleteVpcEndpoints (`vpc-endpoint*`) and
 *   DeleteSecurityGroup (`security-group*`) take `aws:ResourceTag/${TagKey}`; CreateTags takes
 *   `ec2:CreateAction` (the API that creates the resource, when tags are applied on creation
 *   through TagSpecifications) and `aws:TagKeys`; ModifyVpcAttribute (`vpc*`) and
 *   AuthorizeSecurityGroupIngress (`security-group*`, `security-group-rule`) take account ARNs.
 *   The Describe* calls and GetManagedPrefixListEntries (AWS-managed prefix lists belong to
 *   the `aws` owner, not the account) stay on `*`; so do CreateVpcEndpoint, CreateSecurityGroup
 *   (the new resource has no id yet, and the request also names the VPC's subnets, route
 *   tables and groups, which IAM checks as separate resources without the request tags) and
 *   ModifyVpcEndpoint (the endpoints it fixes existed before the runbook, untagged).
 * - Amazon Route 53 (list_amazonroute53.html): AssociateVPCWithHostedZone takes `hostedzone*`,
 *   arn:${Partition}:route53:::hostedzone/${Id}; a hosted zone ARN carries no account, and the
 *   zone EC2 associates on the caller's behalf for an interface endpoint's private DNS is the
 *   endpoint service's AWS-managed zone, so the resource type is as narrow as it gets.
 * - Amazon Inspector (list_amazoninspector2.html): BatchGetAccountStatus, Enable and
 *   ListAccountPermissions have no resource type.
 * - The examples of "Grant permission to tag resources during creation"
 *   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html):
 *   `ec2:CreateTags` limited with `ec2:CreateAction`.
 */

/** The tag every runbook puts, at creation, on what it creates (value: the execution id); CleanUp deletes by it. */
export const CREATED_BY_TAG_KEY = 'ecr-guardrails:created-by';
/** Every tag key the runbooks set, all at creation (TagSpecifications): nothing else may be tagged. */
export const CREATION_TAG_KEYS: readonly string[] = ['Name', CREATED_BY_TAG_KEY];

/** ARN templates: `${Partition}` and `${Account}` are filled by the caller (CloudFormation pseudo parameters in the member template). */
const ec2Arn = (type: string): string => `arn:\${Partition}:ec2:*:\${Account}:${type}/*`;
const REPOSITORIES = 'arn:${Partition}:ecr:*:${Account}:repository/*';

export interface PolicyStatementJson {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  /** ARN templates with `${Partition}` / `${Account}`, or `*`. */
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

interface Scope {
  sid: string;
  resources: string[];
  /** Why the resources end in a wildcard (the cdk-nag acknowledgement). */
  reason: string;
  condition?: (actions: readonly string[]) => PolicyStatementJson['Condition'];
}

const REPOSITORY_SCOPE: Scope = {
  sid: 'AccountRepositories',
  resources: [REPOSITORIES],
  reason: 'the runbooks act on whichever repository Config finds non-compliant: any repository of this account (the role is global, hence any region)',
};
const DELETE_SCOPE: Scope = {
  sid: 'DeleteOnlyWhatRunbooksCreated',
  resources: [ec2Arn('vpc-endpoint'), ec2Arn('security-group')],
  reason: `only endpoints and security groups of this account that carry the ${CREATED_BY_TAG_KEY} tag (aws:ResourceTag condition), which the role can only set at creation`,
  condition: () => ({ Null: { [`aws:ResourceTag/${CREATED_BY_TAG_KEY}`]: 'false' } }),
};
/** The EC2 create calls whose TagSpecifications tag what they create. */
const TAG_ON_CREATE: Readonly<Record<string, string>> = { 'ec2:CreateVpcEndpoint': 'vpc-endpoint', 'ec2:CreateSecurityGroup': 'security-group' };
const TAG_SCOPE: Scope = {
  sid: 'TagOnlyAtCreation',
  resources: Object.values(TAG_ON_CREATE).map(ec2Arn),
  reason: `only while creating the resource (ec2:CreateAction) and only the keys ${CREATION_TAG_KEYS.join(', ')} (aws:TagKeys)`,
  condition: (actions) => ({
    StringEquals: { 'ec2:CreateAction': Object.keys(TAG_ON_CREATE).filter((a) => actions.includes(a)).map((a) => a.slice('ec2:'.length)) },
    'ForAllValues:StringEquals': { 'aws:TagKeys': [...CREATION_TAG_KEYS] },
  }),
};
const NETWORK_SCOPE: Scope = {
  sid: 'AccountNetwork',
  resources: [ec2Arn('vpc'), ec2Arn('security-group'), ec2Arn('security-group-rule')],
  reason: 'the VPC Config flagged and the security group of its endpoints: any VPC or security group of this account',
};
const HOSTED_ZONE_SCOPE: Scope = {
  sid: 'EndpointPrivateDnsZones',
  resources: ['arn:${Partition}:route53:::hostedzone/*'],
  reason: "a hosted zone ARN carries no account; the zone is the endpoint service's AWS-managed private DNS zone, associated by EC2 on the role's behalf",
};

/** The scope of each action that IAM lets us narrow (see the file comment). */
export const ACTION_SCOPES: Readonly<Record<string, Scope>> = {
  'ecr:BatchDeleteImage': REPOSITORY_SCOPE,
  'ecr:BatchGetImage': REPOSITORY_SCOPE,
  'ecr:BatchGetRepositoryScanningConfiguration': REPOSITORY_SCOPE,
  'ecr:DescribeImages': REPOSITORY_SCOPE,
  'ecr:DescribeRepositories': REPOSITORY_SCOPE,
  'ecr:GetLifecyclePolicy': REPOSITORY_SCOPE,
  'ecr:GetLifecyclePolicyPreview': REPOSITORY_SCOPE,
  'ecr:PutImageTagMutability': REPOSITORY_SCOPE,
  'ecr:PutLifecyclePolicy': REPOSITORY_SCOPE,
  'ecr:StartImageScan': REPOSITORY_SCOPE,
  'ecr:StartLifecyclePolicyPreview': REPOSITORY_SCOPE,
  'ecr:UpdateImageStorageClass': REPOSITORY_SCOPE,
  'ecr:GetRepositoryPolicy': REPOSITORY_SCOPE,
  'ecr:SetRepositoryPolicy': REPOSITORY_SCOPE,
  'ecr:DeleteRepositoryPolicy': REPOSITORY_SCOPE,
  'ec2:DeleteVpcEndpoints': DELETE_SCOPE,
  'ec2:DeleteSecurityGroup': DELETE_SCOPE,
  'ec2:CreateTags': TAG_SCOPE,
  'ec2:ModifyVpcAttribute': NETWORK_SCOPE,
  'ec2:AuthorizeSecurityGroupIngress': NETWORK_SCOPE,
  'route53:AssociateVPCWithHostedZone': HOSTED_ZONE_SCOPE,
};

/** Why an action keeps `Resource: *` (for the cdk-nag acknowledgement and the docs). */
export function unscopedReason(action: string): string {
  if (/^ec2:(Describe|Get)/.test(action)) return 'EC2 read calls without resource-level permissions (prefix lists are AWS-owned)';
  if (action === 'ec2:CreateVpcEndpoint' || action === 'ec2:CreateSecurityGroup') return 'creates a resource that has no id yet, naming subnets, route tables and groups of the VPC';
  if (action === 'ec2:ModifyVpcEndpoint') return 'fixes endpoints that existed before the runbook (not tagged by it)';
  if (/^ecr:(Get|Put)RegistryScanningConfiguration$/.test(action)) return 'registry-level call, no resource type';
  if (action.startsWith('inspector2:')) return 'Amazon Inspector account-level calls, no resource type';
  if (action === 'organizations:DescribeOrganization') return 'AWS Organizations DescribeOrganization has no resource type (the caller\'s own organisation)';
  return 'no resource-level scope declared in automations/iam-scope.ts';
}

/** The wildcard ARN templates of the scopes the actions use, with the reason of each. */
export function scopedWildcards(actions: readonly string[]): { resource: string; reason: string }[] {
  const used = [...new Set(actions.filter((a) => a in ACTION_SCOPES).map((a) => ACTION_SCOPES[a]!))];
  const out = new Map<string, string>();
  for (const scope of used) for (const resource of scope.resources) out.set(resource, out.has(resource) ? `${out.get(resource)}; ${scope.reason}` : scope.reason);
  return [...out].map(([resource, reason]) => ({ resource, reason }));
}

/** The runbook actions that keep `Resource: *`, sorted. */
export function unscopedActions(actions: readonly string[]): string[] {
  return actions.filter((a) => !(a in ACTION_SCOPES)).sort();
}

/**
 * The automation role's statements for the runbook actions: one Allow statement per scope
 * (only scopes some runbook action needs), the remaining actions on `*`, and, when the role
 * may tag, a Deny of tagging with any of `exemptionTagKeys` (the rules' ExemptionTagKey values:
 * a runbook must never exempt a resource from the rules).
 */
export function automationPolicyStatements(actions: readonly string[], options: { exemptionTagKeys: readonly string[] }): PolicyStatementJson[] {
  const sorted = [...new Set(actions)].sort();
  const statements: PolicyStatementJson[] = [];
  const scopes = [...new Set(Object.values(ACTION_SCOPES))];
  for (const scope of scopes) {
    const scoped = sorted.filter((a) => ACTION_SCOPES[a] === scope);
    if (!scoped.length) continue;
    const condition = scope.condition?.(sorted);
    statements.push({ Sid: scope.sid, Effect: 'Allow', Action: scoped, Resource: [...scope.resources], ...(condition ? { Condition: condition } : {}) });
  }
  const rest = unscopedActions(sorted);
  if (rest.length) statements.push({ Sid: 'NoResourceLevelPermissions', Effect: 'Allow', Action: rest, Resource: ['*'] });
  const exemptionKeys = [...new Set(options.exemptionTagKeys)].sort();
  if (sorted.includes('ec2:CreateTags') && exemptionKeys.length) {
    statements.push({
      Sid: 'NeverTagExemptionKeys',
      Effect: 'Deny',
      Action: ['ec2:CreateTags'],
      Resource: ['*'],
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': exemptionKeys } },
    });
  }
  return statements;
}
