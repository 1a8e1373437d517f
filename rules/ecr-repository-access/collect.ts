/**
 * The only I/O of ecr-repository-access: ECR (and Organizations when OrganizationId is not
 * given) -> plain facts. Calls per run (R repositories): the shared repository listing,
 * GetRepositoryPolicy R (bounded concurrency), GetRegistryPolicy 1, DescribeRegistry 1,
 * DescribeOrganization 0 or 1 per account (kept an hour), and with UseAccessAnalyzer
 * access-analyzer ListAnalyzers and ListFindings once per scope, not per repository
 * (collect-access-analyzer.ts). A change event uses the item's RepositoryPolicyText when
 * Config recorded it, and reads the policy from ECR otherwise.
 */
import { DescribeRegistryCommand, ECRClient, GetRegistryPolicyCommand, GetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import pMap from 'p-map';
import { describeRepository, listRepositories, type EcrRepository } from '../common/ecr-repositories.js';
import type { ConfigurationItem } from '../kernel/config-item.js';
import { awsCall } from '../kernel/errors.js';
import { unreadableFrom, type Unreadable } from '../kernel/not-readable.js';
import type { CollectContext, Collector } from '../kernel/types.js';
import { answerFor, scopeFindings, type ScopeFindings } from './collect-access-analyzer.js';
import type { RepositoryAccessFacts, RepositoryAccessParams, RepositoryAccessRepository, ReplicationRule } from './evaluate.js';

const POLICY_CONCURRENCY = 8;

/** A failed call: a per-resource denial becomes `Unreadable`, anything else is raised naming the call. */
async function readOrUnreadable<T>(call: string, read: () => Promise<T>, absent: string): Promise<{ value?: T; unreadable?: Unreadable }> {
  try {
    return { value: await read() };
  } catch (error) {
    if ((error as Error).name === absent) return {};
    const unreadable = unreadableFrom(call, error);
    if (unreadable) return { unreadable };
    return awsCall(call, () => Promise.reject(error as Error));
  }
}

/** The repository policy text, or undefined when the repository has none (RepositoryPolicyNotFoundException). */
export async function repositoryPolicy(ctx: CollectContext<unknown>, repositoryName: string): Promise<{ value?: string; unreadable?: Unreadable }> {
  const ecr = ctx.clients.get(ECRClient);
  const read = await readOrUnreadable('ecr:GetRepositoryPolicy', async () => (await ecr.send(new GetRepositoryPolicyCommand({ repositoryName }))).policyText ?? '', 'RepositoryPolicyNotFoundException');
  return read;
}

/** The scope's Access Analyzer findings when UseAccessAnalyzer is on (one repository's for a change event). */
async function findingsFor(ctx: CollectContext<RepositoryAccessParams>, resourceArn?: string): Promise<ScopeFindings | undefined> {
  return ctx.params.UseAccessAnalyzer ? scopeFindings(ctx, resourceArn) : undefined;
}

/** Adds Access Analyzer's answer to a repository with a policy (when asked for). */
function withAccessAnalyzer(repository: RepositoryAccessRepository, scope: ScopeFindings | undefined): RepositoryAccessRepository {
  if (!scope || repository.unreadable || !repository.policyText?.trim()) return repository;
  return { ...repository, accessAnalyzer: answerFor(scope, repository.repositoryArn) };
}

async function withPolicy(ctx: CollectContext<unknown>, repository: EcrRepository): Promise<RepositoryAccessRepository> {
  const base = { repositoryName: repository.repositoryName, repositoryArn: repository.repositoryArn, tags: repository.tags };
  if (repository.unreadable) return { ...base, unreadable: repository.unreadable };
  const policy = await repositoryPolicy(ctx, repository.repositoryName);
  return { ...base, ...(policy.value !== undefined ? { policyText: policy.value } : {}), ...(policy.unreadable ? { unreadable: policy.unreadable } : {}) };
}

/** Registry policy and replication configuration, once per account and region. */
async function registryFacts(ctx: CollectContext<RepositoryAccessParams>): Promise<Pick<RepositoryAccessFacts, 'registryPolicyText' | 'replication' | 'registryUnreadable'>> {
  return ctx.memo('ecr-repository-access:registry', async () => {
    const ecr = ctx.clients.get(ECRClient);
    const policy = await readOrUnreadable('ecr:GetRegistryPolicy', async () => (await ecr.send(new GetRegistryPolicyCommand({}))).policyText ?? '', 'RegistryPolicyNotFoundException');
    const registry = await readOrUnreadable('ecr:DescribeRegistry', () => ecr.send(new DescribeRegistryCommand({})), 'never');
    const replication: ReplicationRule[] = (registry.value?.replicationConfiguration?.rules ?? []).map((rule) => ({
      destinations: (rule.destinations ?? []).map((d) => ({ region: d.region ?? '', registryId: d.registryId ?? '' })),
      prefixes: (rule.repositoryFilters ?? []).map((f) => f.filter ?? ''),
    }));
    const unreadable = policy.unreadable ?? registry.unreadable;
    return { ...(policy.value ? { registryPolicyText: policy.value } : {}), replication, ...(unreadable ? { registryUnreadable: unreadable } : {}) };
  });
}

/** The organisation per account (it does not depend on the region), kept an hour per process. */
const ORGANIZATION_TTL_MS = 60 * 60 * 1000;
const organizations = new Map<string, { expires: number; value: Promise<string | null> }>();

/** The organisation of the account, when OrganizationId is not given: null when it is in none. */
async function organizationFacts(ctx: CollectContext<RepositoryAccessParams>): Promise<Pick<RepositoryAccessFacts, 'organizationId'>> {
  if (ctx.params.OrganizationId) return {};
  const cached = organizations.get(ctx.accountId);
  if (cached && cached.expires > Date.now()) return { organizationId: await cached.value };
  const value = (async () => {
    try {
      const response = await ctx.clients.get(OrganizationsClient).send(new DescribeOrganizationCommand({}));
      return response.Organization?.Id ?? null;
    } catch (error) {
      if ((error as Error).name === 'AWSOrganizationsNotInUseException') return null;
      return awsCall('organizations:DescribeOrganization', () => Promise.reject(error as Error));
    }
  })();
  organizations.set(ctx.accountId, { expires: Date.now() + ORGANIZATION_TTL_MS, value });
  // A failed read is not kept: the next run asks again.
  value.catch(() => organizations.delete(ctx.accountId));
  return { organizationId: await value };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The repository from a Config item, when Config recorded its policy text (absent: no policy, or not recorded). */
export function repositoryFromConfigurationItem(item: ConfigurationItem, accountId: string, region: string, partition: string): RepositoryAccessRepository | undefined {
  const configuration = item.configuration ?? {};
  const policy = configuration.RepositoryPolicyText;
  // Config records the policy as a JSON object (or string). A repository without a policy is
  // recorded as `{}` (shared/reference example item), which cannot be told from "not
  // recorded": only a policy with statements is taken from the item, anything else is read
  // from ECR (GetRepositoryPolicy), so an unrecorded policy never passes for "none".
  const parsed = typeof policy === 'string' ? safeJson(policy) : policy;
  if (!parsed || typeof parsed !== 'object' || (parsed as { Statement?: unknown }).Statement === undefined) return undefined;
  const name = typeof configuration.RepositoryName === 'string' ? configuration.RepositoryName : (item.resourceName ?? item.resourceId);
  const tags = Array.isArray(configuration.Tags) ? (configuration.Tags as Array<{ Key?: string; Value?: string }>) : [];
  return {
    repositoryName: name,
    repositoryArn: typeof configuration.Arn === 'string' ? configuration.Arn : `arn:${partition}:ecr:${region}:${accountId}:repository/${name}`,
    tags: { ...Object.fromEntries(tags.map((tag) => [tag.Key ?? '', tag.Value ?? ''])), ...item.tags },
    policyText: typeof policy === 'string' ? policy : JSON.stringify(policy),
  };
}

export const collector: Collector<RepositoryAccessParams, RepositoryAccessFacts> = {
  async collectAll(ctx) {
    const repositories = await listRepositories(ctx);
    const [registry, organization, withPolicies, findings] = await Promise.all([
      registryFacts(ctx),
      organizationFacts(ctx),
      pMap(repositories, (repository) => withPolicy(ctx, repository), { concurrency: POLICY_CONCURRENCY }),
      findingsFor(ctx),
    ]);
    return { accountId: ctx.accountId, ...organization, ...registry, repositories: withPolicies.map((repository) => withAccessAnalyzer(repository, findings)) };
  },
  async collectForChange(item, ctx) {
    const [registry, organization] = await Promise.all([registryFacts(ctx), organizationFacts(ctx)]);
    let repository = repositoryFromConfigurationItem(item, ctx.accountId, ctx.region, ctx.partition);
    if (!repository) {
      const listed = await describeRepository(ctx, item.resourceName ?? item.resourceId);
      if (!listed) return { accountId: ctx.accountId, ...organization, ...registry, repositories: [] };
      repository = await withPolicy(ctx, listed);
    }
    const findings = repository.policyText?.trim() ? await findingsFor(ctx, repository.repositoryArn) : undefined;
    return { accountId: ctx.accountId, ...organization, ...registry, repositories: [withAccessAnalyzer(repository, findings)] };
  },
};
