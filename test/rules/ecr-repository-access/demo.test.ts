import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RepositoryAccessFacts, RepositoryAccessParams } from '../../../rules/ecr-repository-access/evaluate.js';
import { rule } from '../../../rules/ecr-repository-access/rule.js';
import { defaultRuleParameters } from '../../../rules/kernel/parameters.js';

const estate = JSON.parse(readFileSync(new URL('../../../examples/demo-estate.json', import.meta.url), 'utf8')) as {
  collectedAt: string;
  scopes: Array<{ facts: Record<string, unknown> }>;
};
const facts = estate.scopes[0]!.facts['ecr-repository-access'] as RepositoryAccessFacts;
const now = new Date(estate.collectedAt);
const params = (overrides: Partial<RepositoryAccessParams> = {}) => ({ ...defaultRuleParameters<RepositoryAccessParams>(rule.id, rule.parameters), ...overrides });
const outcome = async (overrides: Partial<RepositoryAccessParams> = {}) =>
  Object.fromEntries((await rule.evaluate(facts, params(overrides), now)).map((e) => [e.resourceId, `${e.complianceType} ${e.runbook === null ? '-' : (e.runbook ?? rule.remediations[0].runbook)}`]));

describe('demo estate: ecr-repository-access', () => {
  it('covers each case, with the runbook only where rewriting the repository policy fixes it', async () => {
    expect(await outcome()).toEqual({
      'payments/api': 'COMPLIANT RestrictEcrRepositoryPolicy', // Principal * confined by aws:PrincipalOrgID (the organisation DescribeOrganization returned)
      'payments/worker': 'NON_COMPLIANT -', // no policy, but the registry replicates it to an outside account
      'platform/base-images': 'NON_COMPLIANT RestrictEcrRepositoryPolicy', // a vendor pulls: not in AllowedPullAccounts
      'platform/ci-runner': 'NON_COMPLIANT RestrictEcrRepositoryPolicy', // CodeBuild without aws:SourceAccount
      'frontend/web': 'NON_COMPLIANT RestrictEcrRepositoryPolicy', // looks confined (aws:SourceIp), is public push
      'sandbox/experiments': 'NOT_APPLICABLE RestrictEcrRepositoryPolicy', // exempt
    });
  });

  it('AllowedPullAccounts=444455556666 makes the vendor share a decision, not a finding', async () => {
    expect((await outcome({ AllowedPullAccounts: ['444455556666'] }))['platform/base-images']).toBe('COMPLIANT RestrictEcrRepositoryPolicy');
  });

  it('frontend/web names the condition the caller chooses', async () => {
    const web = (await rule.evaluate(facts, params(), now)).find((e) => e.resourceId === 'frontend/web')!;
    expect(web.annotation).toMatch(/^Repository policy public: any AWS principal can call .* \(statement OfficePush\) when aws:SourceIp IpAddress 203\.0\.113\.0\/24/);
  });
});
