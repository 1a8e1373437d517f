/**
 * IAM Access Analyzer findings for the repositories of one account and region
 * (UseAccessAnalyzer=true). Calls per scope: ListAnalyzers (paginated, usually one page) and
 * ListFindings for the chosen analyzer, filtered to ACTIVE findings on `AWS::ECR::Repository`
 * owned by the account (one listing per region for a periodic run; filtered to the one
 * repository's ARN for a change event). Both are kept in the run's memo, so a failure is asked
 * once and reused for every repository of the scope.
 *
 * Which analyzer: an ACTIVE external access analyzer, type ORGANIZATION (zone of trust: the
 * organisation, the rule's own boundary) when one is visible, else type ACCOUNT. An organisation
 * analyzer is a resource of the management or delegated administrator account, so only there is
 * it visible; in a member account the collector needs an ACCOUNT analyzer of its own. Unused and
 * internal access analyzers (ACCOUNT_UNUSED_ACCESS, ORGANIZATION_UNUSED_ACCESS, *_INTERNAL_ACCESS)
 * report no external access and are ignored.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListAnalyzers.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-create-external.html
 *
 * ListFindings (not V2): its summaries carry principal, action, condition and isPublic, so no
 * GetFinding per finding; it "is only supported for external access analyzers", the only kind
 * used here, and ListFindings and ListFindingsV2 both need `access-analyzer:ListFindings`.
 * Filter keys resourceType, status, resourceOwnerAccount, resource:
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListFindings.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html
 */
import { AccessAnalyzerClient, paginateListAnalyzers, paginateListFindings, type AnalyzerSummary, type FindingSummary } from '@aws-sdk/client-accessanalyzer';
import type { Unreadable } from '../kernel/not-readable.js';
import type { CollectContext } from '../kernel/types.js';
import { LIST_ANALYZERS, LIST_FINDINGS, type AccessAnalyzerAnswer, type AccessAnalyzerFinding, type AnalyzerRef } from './access-analyzer.js';
import { RESOURCE_TYPE } from './evaluate.js';

/** The findings of the scope by repository ARN, or why there are none to read. */
export type ScopeFindings = { analyzer: AnalyzerRef; byResource: Map<string, AccessAnalyzerFinding[]> } | { unreadable: Unreadable };

const failure = (call: string, error: unknown): { unreadable: Unreadable } => ({
  unreadable: { call, error: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) },
});

/** The external access analyzer to read: ORGANIZATION first, then ACCOUNT; ACTIVE only. */
export function chooseAnalyzer(analyzers: readonly AnalyzerSummary[]): AnalyzerRef | undefined {
  for (const type of ['ORGANIZATION', 'ACCOUNT'] as const) {
    const found = analyzers.find((analyzer) => analyzer.type === type && analyzer.status === 'ACTIVE' && analyzer.arn);
    if (found) return { arn: found.arn!, name: found.name ?? found.arn!, type };
  }
  return undefined;
}

function toFinding(summary: FindingSummary): AccessAnalyzerFinding {
  return {
    id: summary.id ?? '',
    isPublic: summary.isPublic === true,
    principal: summary.principal ?? {},
    actions: [...(summary.action ?? [])].sort(),
    condition: summary.condition ?? {},
    ...(summary.analyzedAt ? { analyzedAt: summary.analyzedAt.toISOString() } : {}),
    ...(summary.error ? { error: summary.error } : {}),
  };
}

async function loadFindings(ctx: CollectContext<unknown>, resourceArn?: string): Promise<ScopeFindings> {
  const client = ctx.clients.get(AccessAnalyzerClient);
  const analyzers: AnalyzerSummary[] = [];
  try {
    // The API reference gives no maximum page size: the service's default applies.
    for await (const page of paginateListAnalyzers({ client }, {})) analyzers.push(...(page.analyzers ?? []));
  } catch (error) {
    return failure(LIST_ANALYZERS, error);
  }
  const analyzer = chooseAnalyzer(analyzers);
  if (!analyzer) {
    const seen = analyzers.map((a) => `${a.name} (${a.type}, ${a.status})`).join(', ') || 'none';
    return {
      unreadable: { call: LIST_ANALYZERS, error: 'NoActiveAnalyzer', message: `no ACTIVE external access analyzer (type ACCOUNT or ORGANIZATION) in account ${ctx.accountId} region ${ctx.region}; analyzers seen: ${seen}` },
    };
  }
  const byResource = new Map<string, AccessAnalyzerFinding[]>();
  const filter = {
    resourceType: { eq: [RESOURCE_TYPE] },
    status: { eq: ['ACTIVE'] },
    resourceOwnerAccount: { eq: [ctx.accountId] },
    ...(resourceArn ? { resource: { eq: [resourceArn] } } : {}),
  };
  try {
    for await (const page of paginateListFindings({ client }, { analyzerArn: analyzer.arn, filter })) {
      for (const summary of page.findings ?? []) {
        // The filter asks for these; a finding of another type or account is not ours to judge.
        if (summary.resourceType !== RESOURCE_TYPE || summary.status !== 'ACTIVE' || !summary.resource || summary.resourceOwnerAccount !== ctx.accountId) continue;
        const list = byResource.get(summary.resource) ?? [];
        list.push(toFinding(summary));
        byResource.set(summary.resource, list);
      }
    }
  } catch (error) {
    return failure(LIST_FINDINGS, error);
  }
  return { analyzer, byResource };
}

/** The scope's findings, once per run and scope (or once per repository ARN for a change event). */
export function scopeFindings(ctx: CollectContext<unknown>, resourceArn?: string): Promise<ScopeFindings> {
  return ctx.memo(`ecr-repository-access:access-analyzer${resourceArn ? `:${resourceArn}` : ''}`, () => loadFindings(ctx, resourceArn));
}

/** What Access Analyzer says about one repository, from the scope's findings. */
export function answerFor(scope: ScopeFindings, repositoryArn: string): AccessAnalyzerAnswer {
  if ('unreadable' in scope) return { unreadable: scope.unreadable };
  return { analyzer: scope.analyzer, findings: scope.byResource.get(repositoryArn) ?? [] };
}
