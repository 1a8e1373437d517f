/** The rule's verdicts per repository: policy, registry policy, replication, unreadable, exempt. */
import { describe, expect, it } from 'vitest';
import { evaluate, type RepositoryAccessFacts, type RepositoryAccessParams } from '../../../rules/ecr-repository-access/evaluate.js';

const PARAMS: RepositoryAccessParams = { OrganizationId: 'o-a1b2c3d4e5', TrustedAccounts: [], AllowedPullAccounts: [], ExemptionTagKey: 'ecr-guardrails:exempt', UseAccessAnalyzer: false };
const arn = (name: string) => `arn:aws:ecr:eu-west-3:111122223333:repository/${name}`;
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const facts = (over: Partial<RepositoryAccessFacts>): RepositoryAccessFacts => ({ accountId: '111122223333', replication: [], repositories: [], ...over });

describe('ecr-repository-access evaluate', () => {
  it('judges each repository; public write names statement, principal and actions, and offers the runbook', async () => {
    const evaluations = await evaluate(
      facts({
        repositories: [
          { repositoryName: 'none', repositoryArn: arn('none'), tags: {} },
          { repositoryName: 'open', repositoryArn: arn('open'), tags: {}, policyText: policy({ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: ['ecr:PutImage'] }) },
          { repositoryName: 'exempt', repositoryArn: arn('exempt'), tags: { 'ecr-guardrails:exempt': 'public mirror, ticket SEC-12' }, policyText: policy({ Effect: 'Allow', Principal: '*', Action: 'ecr:*' }) },
          { repositoryName: 'locked', repositoryArn: arn('locked'), tags: {}, unreadable: { call: 'ecr:GetRepositoryPolicy', error: 'AccessDeniedException', message: 'denied' } },
        ],
      }),
      PARAMS,
    );
    expect(evaluations.map((e) => [e.resourceId, e.complianceType, e.runbook])).toEqual([
      ['none', 'COMPLIANT', undefined],
      ['open', 'NON_COMPLIANT', undefined],
      ['exempt', 'NOT_APPLICABLE', undefined],
      ['locked', 'NON_COMPLIANT', undefined],
    ]);
    expect(evaluations[1]!.annotation).toBe('Repository policy public: any AWS principal can call ecr:PutImage (statement Open).');
    expect(evaluations[3]).toMatchObject({ notReadable: { call: 'ecr:GetRepositoryPolicy' }, annotation: expect.stringMatching(/^Not readable:/) });
  });

  it('registry replication to an outside account is reported on the repositories it copies, with no runbook', async () => {
    const [copied, other] = await evaluate(
      facts({
        replication: [{ destinations: [{ region: 'us-east-1', registryId: '999988887777' }], prefixes: ['prod/'] }],
        repositories: [
          { repositoryName: 'prod/api', repositoryArn: arn('prod/api'), tags: {} },
          { repositoryName: 'dev/api', repositoryArn: arn('dev/api'), tags: {} },
        ],
      }),
      PARAMS,
    );
    expect(copied).toMatchObject({ complianceType: 'NON_COMPLIANT', runbook: null, annotation: expect.stringContaining('999988887777 (us-east-1)') });
    expect(other!.complianceType).toBe('COMPLIANT');
  });

  it('a registry policy letting an outside account replicate into our repositories is outside write (AWS registry policy example)', async () => {
    const registryPolicyText = policy({ Sid: 'ReplicationAccessCrossAccount', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'], Resource: 'arn:aws:ecr:eu-west-3:111122223333:repository/*' });
    const [evaluation] = await evaluate(facts({ registryPolicyText, repositories: [{ repositoryName: 'app', repositoryArn: arn('app'), tags: {} }] }), PARAMS);
    expect(evaluation).toMatchObject({ complianceType: 'NON_COMPLIANT', runbook: null });
    expect(evaluation!.annotation).toMatch(/^Registry policy outside write: account 999988887777 can call ecr:CreateRepository, ecr:ReplicateImage \(statement ReplicationAccessCrossAccount\)/);
  });

  it('uses the organisation the collector read when OrganizationId is empty', async () => {
    const text = policy({ Sid: 'Org', Effect: 'Allow', Principal: '*', Action: 'ecr:*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } } });
    const repositories = [{ repositoryName: 'app', repositoryArn: arn('app'), tags: {}, policyText: text }];
    expect((await evaluate(facts({ organizationId: 'o-zzzzzzzzzz', repositories }), { ...PARAMS, OrganizationId: '' }))[0]!.complianceType).toBe('COMPLIANT');
    // Another organisation than ours: anyone in it can write.
    expect((await evaluate(facts({ repositories }), PARAMS))[0]!.complianceType).toBe('NON_COMPLIANT');
  });
});
