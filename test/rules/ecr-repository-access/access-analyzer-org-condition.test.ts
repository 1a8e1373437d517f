/**
 * An Access Analyzer finding is "confined to the organisation" only when its condition names our
 * organisation id itself (or a path under it), not an id that merely begins with ours
 * (organisation ids are `o-` and 10 to 32 characters:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html).
 * Finding fields: https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_FindingSummary.html
 */
import { describe, expect, it } from 'vitest';
import { accessAnalyzerOutcome, type AccessAnalyzerAnswer } from '../../../rules/ecr-repository-access/access-analyzer.js';

const ORG = 'o-a1b2c3d4e5';
const CONTEXT = { accountId: '111122223333', organizationId: ORG, trustedAccounts: [], allowedPullAccounts: [], pull: new Set(['ecr:BatchGetImage']) };
const answer = (condition: Record<string, string>): AccessAnalyzerAnswer => ({
  analyzer: { arn: 'arn:aws:access-analyzer:eu-west-3:111122223333:analyzer/account', name: 'account', type: 'ACCOUNT' },
  findings: [{ id: 'f-1', isPublic: false, principal: { AWS: '*' }, actions: ['ecr:PutImage'], condition }],
});

describe('accessAnalyzerOutcome: organisation conditions', () => {
  it('a finding conditioned on another organisation whose id begins with ours is outside (a disagreement, not a note)', () => {
    const outcome = accessAnalyzerOutcome(answer({ 'aws:PrincipalOrgID': `${ORG}ff` }), [], CONTEXT);
    expect(outcome.problems).toHaveLength(1);
  });

  it('a finding conditioned on our organisation, or a path under it, is inside', () => {
    expect(accessAnalyzerOutcome(answer({ 'aws:PrincipalOrgID': ORG }), [], CONTEXT).problems).toEqual([]);
    expect(accessAnalyzerOutcome(answer({ 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/ou-ab12-11111111/` }), [], CONTEXT).problems).toEqual([]);
  });
});
