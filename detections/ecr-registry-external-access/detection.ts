/**
 * The registry opened to an account outside the organisation. PutRegistryPolicy
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryPolicy.html): `policyText`;
 * PutReplicationConfiguration (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html):
 * `replicationConfiguration.rules[].destinations[]` of `region`, `registryId`.
 * When the organisation's accounts are unknown, every other account is reported as unverified.
 */
import { alertFor, cloudTrailPattern, DetectionEventError, failed, inOrganization, requestParameters, requiredString } from '../kernel/cloudtrail.js';
import type { Detection, EventBridgeEvent } from '../kernel/types.js';
import { samples } from './samples.js';

const ACCOUNT_IN_PRINCIPAL = /^(?:arn:aws[a-z-]*:(?:iam|sts)::)?(\d{12})(?::|$)/;

type Statement = { Effect?: string; Principal?: unknown; NotPrincipal?: unknown; Condition?: unknown };

/** Whether the statement applies only to principals of organisation `organizationId` (StringEquals aws:PrincipalOrgID, every value that id; keys compared case-insensitively as IAM does). */
function confinedTo(statement: Statement, organizationId: string | undefined): boolean {
  if (!organizationId || typeof statement.Condition !== 'object' || statement.Condition === null) return false;
  return Object.entries(statement.Condition as Record<string, unknown>).some(([operator, block]) => {
    if (operator.toLowerCase() !== 'stringequals' || typeof block !== 'object' || block === null) return false;
    return Object.entries(block as Record<string, unknown>).some(([key, value]) => {
      const values = [value].flat();
      return key.toLowerCase() === 'aws:principalorgid' && values.length > 0 && values.every((v) => v === organizationId);
    });
  });
}

/** Account ids a policy grants to, and whether it grants to everyone (a wildcard not confined to the organisation `organizationId`). */
export function policyGrantees(event: EventBridgeEvent, policyText: string, organizationId?: string): { accounts: string[]; everyone: boolean } {
  let policy: { Statement?: unknown };
  try {
    policy = JSON.parse(policyText) as { Statement?: unknown };
  } catch (error) {
    throw new DetectionEventError(`Event ${event.id}: requestParameters.policyText is not JSON; expected an IAM policy document.`, { cause: error });
  }
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const accounts = new Set<string>();
  let everyone = false;
  for (const statement of statements as Statement[]) {
    if (statement?.Effect !== 'Allow') continue;
    const confined = confinedTo(statement, organizationId);
    // Allow with NotPrincipal grants every principal except those named.
    if (statement.NotPrincipal !== undefined && !confined) everyone = true;
    const principal = statement.Principal;
    const values = principal === '*' ? ['*'] : [(principal as { AWS?: unknown } | undefined)?.AWS].flat();
    for (const value of values) {
      if (value === '*' && !confined) everyone = true;
      const match = typeof value === 'string' ? ACCOUNT_IN_PRINCIPAL.exec(value) : null;
      if (match) accounts.add(match[1]!);
    }
  }
  return { accounts: [...accounts], everyone };
}

function replicationAccounts(configuration: unknown): string[] {
  const rules = (configuration as { rules?: { destinations?: { registryId?: unknown }[] }[] } | undefined)?.rules ?? [];
  return [...new Set(rules.flatMap((rule) => rule.destinations ?? []).map((d) => d.registryId).filter((id): id is string => typeof id === 'string'))];
}

export const detection: Detection = {
  id: 'ecr-registry-external-access',
  title: 'Registry policy or replication reaches outside the organisation',
  severity: 'HIGH',
  relatedRule: 'ecr-repository-access',
  pattern: cloudTrailPattern('aws.ecr', 'ecr.amazonaws.com', ['PutRegistryPolicy', 'PutReplicationConfiguration']),
  classify(event, context) {
    if (failed(event)) return undefined;
    const parameters = requestParameters(event);
    const replication = event.detail.eventName === 'PutReplicationConfiguration';
    const grant = replication ? { accounts: replicationAccounts(parameters.replicationConfiguration), everyone: false } : policyGrantees(event, requiredString(event, parameters, 'policyText'), context.organizationId);
    const others = grant.accounts.filter((account) => account !== event.account && !inOrganization(account, context));
    if (!grant.everyone && others.length === 0) return undefined;
    const known = context.organizationAccounts !== undefined;
    const what = replication ? 'replication configuration' : 'registry policy';
    const who = grant.everyone ? 'every AWS account (wildcard principal)' : `${known ? 'accounts outside the organisation' : 'accounts not verified against the organisation'}: ${others.join(', ')}`;
    return alertFor(detection, event, {
      severity: grant.everyone || known ? 'HIGH' : 'MEDIUM',
      resourceType: replication ? 'AWS::ECR::ReplicationConfiguration' : 'AWS::ECR::RegistryPolicy',
      resourceId: event.account,
      change: `${what} now includes ${who}`,
      advice: replication ? 'Images are copied to those registries on every push. Remove the destination unless it is an approved partner.' : 'Those accounts can replicate or pull through the registry. Remove them from the registry policy unless approved.',
    });
  },
  samples,
};
