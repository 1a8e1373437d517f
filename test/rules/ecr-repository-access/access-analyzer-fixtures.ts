/**
 * Shared shapes for the UseAccessAnalyzer tests: real ECR repository policies, Access Analyzer
 * ListAnalyzers / ListFindings responses as the API reference documents them, and the mocked
 * clients (the emulator has no Access Analyzer service).
 *
 * AnalyzerSummary (arn, name, type ACCOUNT | ORGANIZATION | *_UNUSED_ACCESS | *_INTERNAL_ACCESS,
 * status ACTIVE | CREATING | DISABLED | FAILED):
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_AnalyzerSummary.html
 * FindingSummary (id, resource, resourceType, resourceOwnerAccount, status, isPublic, principal,
 * action, condition, analyzedAt, error):
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_FindingSummary.html
 */
import { AccessAnalyzerClient, type AnalyzerSummary, type FindingSummary } from '@aws-sdk/client-accessanalyzer';
import { DescribeRegistryCommand, DescribeRepositoriesCommand, ECRClient, GetRegistryPolicyCommand, GetRepositoryPolicyCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { collector } from '../../../rules/ecr-repository-access/collect.js';
import { evaluate, type RepositoryAccessParams } from '../../../rules/ecr-repository-access/evaluate.js';
import { ClientFactory } from '../../../rules/kernel/clients.js';
import { createCollectContext } from '../../../rules/kernel/context.js';
import { silentLogger } from '../../../rules/kernel/logger.js';
import type { Evaluation } from '../../../rules/kernel/types.js';
import { MEMBER_ACCOUNT, REGION } from '../../support/config-events.js';
import { ecrRepository } from '../../support/ecr.js';

export const ORG = 'o-a1b2c3d4e5';
export const OUTSIDER = '444455556666';
export const ON: RepositoryAccessParams = { OrganizationId: ORG, TrustedAccounts: [], AllowedPullAccounts: [], ExemptionTagKey: 'ecr-guardrails:exempt', UseAccessAnalyzer: true };
export const OFF: RepositoryAccessParams = { ...ON, UseAccessAnalyzer: false };
export const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
export const PUSH = ['ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'];
export const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
// ECR "allow public pull" shape: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
export const PUBLIC = policy({ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: PULL });
// Confined to the organisation: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
export const ORG_ONLY = policy({ Sid: 'Org', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } });
// Public under a network condition the caller chooses (aws:SourceIp, aws:SourceVpce).
export const OFFICE_IP = policy({ Sid: 'Office', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } });
export const VPCE = policy({ Sid: 'Endpoint', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } });
// ECR "allow another account" (push) to one account.
export const PARTNER_PUSH = policy({ Sid: 'PartnerPush', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` }, Action: PUSH });
// Open Allow with an explicit Deny for everyone outside the organisation (Deny wins:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
export const ALLOW_THEN_DENY = policy(
  { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'ecr:*' },
  { Sid: 'OnlyOrg', Effect: 'Deny', Principal: '*', Action: 'ecr:*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } },
);

export const ecr = mockClient(ECRClient);
export const analyzer = mockClient(AccessAnalyzerClient);

export const arnOf = (name: string, account = MEMBER_ACCOUNT) => `arn:aws:ecr:${REGION}:${account}:repository/${name}`;
export const ACCOUNT_ANALYZER: AnalyzerSummary = {
  arn: `arn:aws:access-analyzer:${REGION}:${MEMBER_ACCOUNT}:analyzer/ConsoleAnalyzer-account`,
  name: 'ConsoleAnalyzer-account',
  type: 'ACCOUNT',
  status: 'ACTIVE',
  createdAt: new Date('2026-01-05T10:00:00Z'),
};
export const ORG_ANALYZER: AnalyzerSummary = { ...ACCOUNT_ANALYZER, arn: `arn:aws:access-analyzer:${REGION}:${MEMBER_ACCOUNT}:analyzer/ConsoleAnalyzer-organization`, name: 'ConsoleAnalyzer-organization', type: 'ORGANIZATION' };
export const UNUSED_ANALYZER: AnalyzerSummary = { ...ACCOUNT_ANALYZER, arn: `arn:aws:access-analyzer:${REGION}:${MEMBER_ACCOUNT}:analyzer/UnusedAccess`, name: 'UnusedAccess', type: 'ACCOUNT_UNUSED_ACCESS' };

/** An ACTIVE external access finding on repository `name`. */
export function finding(id: string, name: string, overrides: Partial<FindingSummary> = {}): FindingSummary {
  return {
    id,
    resource: arnOf(name),
    resourceType: 'AWS::ECR::Repository',
    resourceOwnerAccount: MEMBER_ACCOUNT,
    status: 'ACTIVE',
    isPublic: false,
    principal: { AWS: OUTSIDER },
    action: PULL,
    condition: {},
    createdAt: new Date('2026-11-19T08:00:00Z'),
    analyzedAt: new Date('2026-11-19T08:00:00Z'),
    updatedAt: new Date('2026-11-19T08:00:00Z'),
    ...overrides,
  };
}

export const named = (name: string, message = name) => Object.assign(new Error(message), { name });

/** Repositories named after their policy; `null`: no policy. Registry: no policy, no replication. */
export function estate(policies: Record<string, string | null>): void {
  ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
  ecr.on(GetRegistryPolicyCommand).rejects(named('RegistryPolicyNotFoundException'));
  ecr.on(DescribeRegistryCommand).resolves({ registryId: MEMBER_ACCOUNT });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: Object.keys(policies).map((name) => ecrRepository(name)) });
  for (const [name, text] of Object.entries(policies)) {
    if (text === null) ecr.on(GetRepositoryPolicyCommand, { repositoryName: name }).rejects(named('RepositoryPolicyNotFoundException'));
    else ecr.on(GetRepositoryPolicyCommand, { repositoryName: name }).resolves({ policyText: text });
  }
}

export const context = (params: RepositoryAccessParams) =>
  createCollectContext({ accountId: MEMBER_ACCOUNT, region: REGION, partition: 'aws', clients: new ClientFactory(REGION) }, params, { now: new Date('2026-11-20T09:00:00Z'), logger: silentLogger });

/** Collect and evaluate one scope: evaluations by repository name. */
export async function verdicts(params: RepositoryAccessParams): Promise<Record<string, Evaluation>> {
  const facts = await collector.collectAll(context(params));
  return Object.fromEntries((await evaluate(facts, params)).map((e) => [e.resourceId, e]));
}
