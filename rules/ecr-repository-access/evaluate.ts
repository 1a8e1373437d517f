/**
 * Evaluator for ecr-repository-access: (facts, params) -> evaluations. No SDK, no clock.
 * Asynchronous only because the IAM simulator loads its action data on first use.
 *
 * A repository is NON_COMPLIANT when its policy, or the registry policy applied to it, lets
 * anyone outside the organisation and TrustedAccounts write, pull (unless AllowedPullAccounts),
 * or act through a service principal without a source condition; or when the registry
 * replicates it to an account outside them (NIST SP 800-190 3.2.3).
 */
import { exemptionAnnotation } from '../common/exemption.js';
import { notReadableEvaluation, type Unreadable } from '../kernel/not-readable.js';
import type { Evaluation } from '../kernel/types.js';
import { accessAnalyzerOutcome, LIST_FINDINGS, type AccessAnalyzerAnswer } from './access-analyzer.js';
import { ecrRepositoryActions, REGISTRY_WRITE_ACTIONS } from './ecr-actions.js';
import { describeGrant, policyRisk, type AccessContext, type RiskyGrant } from './policy-risk.js';

export const RULE_ID = 'ecr-repository-access';
export const RESOURCE_TYPE = 'AWS::ECR::Repository';
export const RUNBOOK = 'RestrictEcrRepositoryPolicy';

export interface RepositoryAccessParams {
  /** Our organisation; empty: the one the collector read (DescribeOrganization). */
  OrganizationId: string;
  TrustedAccounts: string[];
  AllowedPullAccounts: string[];
  ExemptionTagKey: string;
  /** Also compare with the findings of the account's IAM Access Analyzer external access analyzer (access-analyzer.ts). */
  UseAccessAnalyzer: boolean;
}

export interface RepositoryAccessRepository {
  repositoryName: string;
  repositoryArn: string;
  tags: Record<string, string>;
  /** The repository policy text; undefined when the repository has none. */
  policyText?: string;
  /** Set when the tags or the policy could not be read: never a pass. */
  unreadable?: Unreadable;
  /** Access Analyzer's active findings for the repository (UseAccessAnalyzer=true and a policy only). */
  accessAnalyzer?: AccessAnalyzerAnswer;
}

export interface ReplicationRule {
  destinations: Array<{ region: string; registryId: string }>;
  /** PREFIX_MATCH filters; none: every repository replicates. */
  prefixes: string[];
}

export interface RepositoryAccessFacts {
  accountId: string;
  /** The organisation DescribeOrganization returned; null: the account is in none. Absent: not read (OrganizationId given). */
  organizationId?: string | null;
  /** The registry permissions policy; undefined: none. */
  registryPolicyText?: string;
  replication: ReplicationRule[];
  /** Registry reads that were denied: every repository is reported not readable. */
  registryUnreadable?: Unreadable;
  repositories: RepositoryAccessRepository[];
}

/** Replication destinations outside our account and TrustedAccounts that receive this repository. */
export function outsideReplication(repositoryName: string, facts: Pick<RepositoryAccessFacts, 'accountId' | 'replication'>, params: Pick<RepositoryAccessParams, 'TrustedAccounts'>): string[] {
  const out: string[] = [];
  for (const rule of facts.replication) {
    if (rule.prefixes.length && !rule.prefixes.some((prefix) => repositoryName.startsWith(prefix))) continue;
    for (const { region, registryId } of rule.destinations) {
      if (registryId !== facts.accountId && !params.TrustedAccounts.includes(registryId)) out.push(`${registryId} (${region})`);
    }
  }
  return [...new Set(out)];
}

function result(repository: RepositoryAccessRepository, complianceType: Evaluation['complianceType'], annotation: string, runbook?: string | null): Evaluation {
  return { resourceType: RESOURCE_TYPE, resourceId: repository.repositoryName, complianceType, annotation, ...(runbook !== undefined ? { runbook } : {}) };
}

/** The access context of a repository under these facts and parameters. */
export function accessContext(repository: Pick<RepositoryAccessRepository, 'repositoryArn'>, facts: Pick<RepositoryAccessFacts, 'accountId' | 'organizationId'>, params: RepositoryAccessParams): AccessContext {
  const organizationId = params.OrganizationId || facts.organizationId || undefined;
  return {
    repositoryArn: repository.repositoryArn,
    accountId: facts.accountId,
    ...(organizationId ? { organizationId } : {}),
    trustedAccounts: params.TrustedAccounts,
    allowedPullAccounts: params.AllowedPullAccounts,
  };
}

/**
 * Access Analyzer's answer when it was asked for. A policy without one (facts collected with
 * UseAccessAnalyzer=false, then evaluated with true) is not readable, never a pass.
 */
function accessAnalyzerFacts(repository: RepositoryAccessRepository): AccessAnalyzerAnswer | undefined {
  if (!repository.policyText?.trim()) return undefined;
  return repository.accessAnalyzer ?? { unreadable: { call: LIST_FINDINGS, error: 'NotCollected', message: 'the facts hold no Access Analyzer findings for this repository (collected with UseAccessAnalyzer=false?)' } };
}

/** The evaluation of one repository. */
export async function evaluateRepository(repository: RepositoryAccessRepository, facts: RepositoryAccessFacts, params: RepositoryAccessParams): Promise<Evaluation> {
  if (repository.unreadable) return notReadableEvaluation(RESOURCE_TYPE, repository.repositoryName, repository.unreadable);
  if (facts.registryUnreadable) return notReadableEvaluation(RESOURCE_TYPE, repository.repositoryName, facts.registryUnreadable);
  const exempt = exemptionAnnotation(repository.tags, params.ExemptionTagKey);
  if (exempt) return result(repository, 'NOT_APPLICABLE', exempt);

  const context = accessContext(repository, facts, params);
  const problems: string[] = [];
  const own = await policyRisk(repository.policyText ?? '', context);
  if (own.error) problems.push(`Repository policy cannot be judged: ${own.error}`);
  problems.push(...own.grants.map((grant: RiskyGrant) => `Repository policy ${describeGrant(grant)}`));
  let registryProblems = 0;
  if (facts.registryPolicyText) {
    const registry = await policyRisk(facts.registryPolicyText, context, REGISTRY_WRITE_ACTIONS);
    if (registry.error) problems.push(`Registry policy cannot be judged: ${registry.error}`);
    const grants = registry.grants.map((grant) => `Registry policy ${describeGrant(grant)}`);
    problems.push(...grants);
    registryProblems = grants.length + (registry.error ? 1 : 0);
  }
  const replication = outsideReplication(repository.repositoryName, facts, params);
  if (replication.length) problems.push(`Registry replication copies its images to ${replication.join(', ')}, outside the organisation's accounts in TrustedAccounts`);

  // Access Analyzer analyses the repository's own (resource-based) policy, not the registry's.
  const answer = params.UseAccessAnalyzer ? accessAnalyzerFacts(repository) : undefined;
  const analyzer = answer
    ? accessAnalyzerOutcome(answer, own.grants, { accountId: facts.accountId, ...(context.organizationId ? { organizationId: context.organizationId } : {}), trustedAccounts: params.TrustedAccounts, allowedPullAccounts: params.AllowedPullAccounts, pull: new Set((await ecrRepositoryActions()).pull) })
    : { problems: [], notes: [] };
  problems.push(...analyzer.problems);
  const notes = [...analyzer.notes, analyzer.unreadable && problems.length ? notReadableEvaluation(RESOURCE_TYPE, repository.repositoryName, analyzer.unreadable).annotation : undefined].filter(Boolean);
  const withNotes = (text: string) => (notes.length ? `${text} ${notes.join('. ')}.` : text);

  if (problems.length === 0) {
    // Nothing found, but the second opinion asked for is missing: never silently COMPLIANT.
    if (analyzer.unreadable) return notReadableEvaluation(RESOURCE_TYPE, repository.repositoryName, analyzer.unreadable);
    const scope = context.organizationId ? `organisation ${context.organizationId}` : 'this account (no organisation)';
    const trusted = params.TrustedAccounts.length ? ` and TrustedAccounts` : '';
    return result(
      repository,
      'COMPLIANT',
      withNotes(repository.policyText ? `Only ${scope}${trusted} can write; no outside pull beyond AllowedPullAccounts, no unconfined service principal.` : `No repository policy: only ${scope}${trusted} principals granted by their own IAM policies can reach it.`),
    );
  }
  // The runbook rewrites the repository policy; registry policy and replication are fixed at the
  // registry, and a finding of Access Analyzer alone names grants the runbook's simulation-based
  // rewrite may not change.
  const fixable = own.grants.length > 0 && !own.error;
  const runbook = fixable ? undefined : null;
  const registryNote = !fixable && registryProblems + replication.length ? ' (fix at the registry: PutRegistryPolicy / PutReplicationConfiguration)' : '';
  return result(repository, 'NON_COMPLIANT', withNotes(`${problems.join('. ')}.${registryNote}`), runbook);
}

/** Evaluates every repository of the facts; one evaluation per repository. */
export async function evaluate(facts: RepositoryAccessFacts, params: RepositoryAccessParams): Promise<Evaluation[]> {
  const evaluations: Evaluation[] = [];
  for (const repository of facts.repositories) evaluations.push(await evaluateRepository(repository, facts, params));
  return evaluations;
}
