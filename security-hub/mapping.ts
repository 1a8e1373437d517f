/**
 * From a Security Hub finding to the runbook that fixes it (pure). A finding is remediable
 * when it is an ACTIVE, FAILED finding of Security Hub's own controls that a rule maps to
 * (EC2.55, EC2.56, ECR.1, ECR.2, ECR.3) or of one of our own Config rules as Security Hub
 * receives them from AWS Config, and it names exactly one resource of the rule's type in the
 * finding's own account and region. Anything else is ignored with the reason; nothing missing
 * or unrecognised ever makes a finding remediable.
 */
import { ASFF_RESOURCE_TYPES, configRuleNameOf, identifierOf, productOf, securityControlId, type AsffFinding, type FindingIdentifier } from './asff.js';
import type { RemediationRoute } from './routes.js';

/** A finding mapped to one automation in its member account and region. */
export interface Remediation {
  finding: FindingIdentifier;
  /** Where Security Hub holds the finding (`Region` of the finding) and where the runbook runs. */
  account: string;
  region: string;
  partition: string;
  /** `control` for Security Hub's controls, `config-rule` for our own Config rule's findings. */
  source: 'control' | 'config-rule';
  /** The security control id (source `control`) or the Config rule name (source `config-rule`). */
  matched: string;
  route: RemediationRoute;
  resourceId: string;
  /** StartAutomationExecution Parameters: the route's, the resource id and AutomationAssumeRole. */
  parameters: Record<string, string[]>;
  /** Whether the runbook's Success resolves the finding (see RemediationRoute.resolves). */
  resolves: boolean;
}

export interface Ignored {
  finding?: FindingIdentifier;
  reason: string;
}

export type MappingResult = { kind: 'remediate'; remediation: Remediation } | ({ kind: 'ignored' } & Ignored);

export interface MappingContext {
  routes: readonly RemediationRoute[];
  /** The member role SSM Automation runs the runbooks as (AutomationAssumeRole). */
  automationRoleName: string;
}

const ACCOUNT = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$/;
/** ECR repository names: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html */
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;

/** Resource ARN -> Config resource id: `arn:P:ec2:R:A:vpc/vpc-...` -> the VPC id; `arn:P:ecr:R:A:repository/name` -> the repository name. */
export function resourceIdFromArn(resourceType: string, arn: string, expected: { partition: string; account: string; region: string }): string | { problem: string } {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return { problem: `resource id ${arn} is not an ARN` };
  const [, partition, service, region, account] = parts;
  const resource = parts.slice(5).join(':');
  if (partition !== expected.partition || account !== expected.account || region !== expected.region) {
    return { problem: `resource ${arn} is not in the finding's partition, account and region (${expected.partition}, ${expected.account}, ${expected.region})` };
  }
  if (resourceType === 'AWS::EC2::VPC') {
    const id = resource.startsWith('vpc/') ? resource.slice('vpc/'.length) : '';
    return service === 'ec2' && VPC_ID.test(id) ? id : { problem: `resource ${arn} is not a VPC ARN` };
  }
  if (resourceType === 'AWS::ECR::Repository') {
    const name = resource.startsWith('repository/') ? resource.slice('repository/'.length) : '';
    return service === 'ecr' && name.length <= 256 && REPOSITORY_NAME.test(name) ? name : { problem: `resource ${arn} is not an ECR repository ARN` };
  }
  return { problem: `no resource id is known for ${resourceType}` };
}

/** Our Config rule names, also as organization conformance packs suffix them (`<name>-conformance-pack-<id>`). */
function routeOfConfigRule(routes: readonly RemediationRoute[], name: string): RemediationRoute | undefined {
  return routes.find((route) => name === route.configRuleName || (name.startsWith(`${route.configRuleName}-conformance-pack-`) && /^[a-z0-9]+$/.test(name.slice(route.configRuleName.length + '-conformance-pack-'.length))));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why a finding's shape cannot be read, or undefined. Findings arrive as event JSON: a null
 * entry, a `Resources` that is not an array or a `ProductFields` that is not an object is
 * ignored with the reason, never a TypeError that fails the whole event.
 */
function malformed(finding: unknown): string | undefined {
  if (!isObject(finding)) return `not an ASFF finding (${finding === null ? 'null' : Array.isArray(finding) ? 'an array' : typeof finding})`;
  for (const field of ['Compliance', 'Workflow', 'ProductFields'] as const) {
    if (finding[field] !== undefined && !isObject(finding[field])) return `malformed finding: ${field} is not an object`;
  }
  if (finding['Resources'] !== undefined && !(Array.isArray(finding['Resources']) && finding['Resources'].every(isObject))) return 'malformed finding: Resources is not an array of objects';
  for (const field of ['Id', 'ProductArn', 'AwsAccountId', 'Region', 'RecordState', 'GeneratorId'] as const) {
    if (finding[field] !== undefined && typeof finding[field] !== 'string') return `malformed finding: ${field} is not a string`;
  }
  return undefined;
}

/** Maps one finding to its runbook, or says why it is ignored. */
export function mapFinding(input: unknown, context: MappingContext): MappingResult {
  const problem = malformed(input);
  if (problem) {
    const partial = isObject(input) && typeof input['Id'] === 'string' && typeof input['ProductArn'] === 'string' ? identifierOf(input) : undefined;
    return { kind: 'ignored', ...(partial ? { finding: partial } : {}), reason: problem };
  }
  const finding = input as AsffFinding;
  const identifier = identifierOf(finding);
  const ignored = (reason: string): MappingResult => ({ kind: 'ignored', ...(identifier ? { finding: identifier } : {}), reason });
  if (!identifier) return ignored('not a Security Hub finding (no Id and ProductArn)');
  const product = productOf(finding);
  if (!product) return ignored(`product ${identifier.ProductArn} is neither Security Hub's controls nor AWS Config`);

  let route: RemediationRoute | undefined;
  let matched: string;
  if (product.product === 'securityhub') {
    const control = securityControlId(finding);
    if (!control) return ignored('a Security Hub finding without a security control id');
    route = context.routes.find((r) => r.controls.includes(control));
    if (!route) return ignored(`control ${control} is not one ecr-guardrails remediates`);
    matched = control;
  } else {
    const name = configRuleNameOf(finding);
    if (!name) return ignored('an AWS Config finding without aws/config/ConfigRuleName');
    route = routeOfConfigRule(context.routes, name);
    if (!route) return ignored(`Config rule ${name} is not an ecr-guardrails rule with a runbook Security Hub may start`);
    matched = name;
  }

  if (finding.RecordState !== 'ACTIVE') return ignored(`the finding is ${finding.RecordState ?? 'without a record state'}, not ACTIVE`);
  if (finding.Compliance?.Status !== 'FAILED') return ignored(`compliance status is ${finding.Compliance?.Status ?? 'missing'}, not FAILED`);
  const account = finding.AwsAccountId ?? '';
  const region = finding.Region ?? '';
  if (!ACCOUNT.test(account)) return ignored(`AwsAccountId ${account || '(missing)'} is not an account id`);
  if (!REGION.test(region)) return ignored(`Region ${region || '(missing)'} is not a region`);

  const asffType = ASFF_RESOURCE_TYPES[route.resourceType];
  const resources = (finding.Resources ?? []).filter((resource) => resource.Type === asffType);
  if (resources.length !== 1) return ignored(`the finding names ${resources.length} resources of type ${asffType ?? route.resourceType}; exactly one is needed`);
  const arn = resources[0]!.Id;
  const resourceId = resourceIdFromArn(route.resourceType, typeof arn === 'string' ? arn : '', { partition: product.partition, account, region });
  if (typeof resourceId !== 'string') return ignored(resourceId.problem);

  return {
    kind: 'remediate',
    remediation: {
      finding: identifier,
      account,
      region,
      partition: product.partition,
      source: product.product === 'securityhub' ? 'control' : 'config-rule',
      matched,
      route,
      resourceId,
      parameters: {
        ...route.parameters,
        [route.resourceIdParameter]: [resourceId],
        AutomationAssumeRole: [`arn:${product.partition}:iam::${account}:role/${context.automationRoleName}`],
      },
      resolves: product.product === 'securityhub' ? route.resolves.control : route.resolves.configRule,
    },
  };
}
