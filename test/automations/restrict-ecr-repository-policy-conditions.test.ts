/**
 * RestrictEcrRepositoryPolicy on statements that name a confining condition key without
 * confining: the runbook must treat them as the rule does (by value and operator, not by the
 * key's presence), fix them, and its verification must not pass while the rule still finds them.
 * - Condition operators (StringLike wildcards, ...IfExists, ForAllValues on a missing key):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * - aws:PrincipalOrgID / aws:PrincipalAccount / aws:SourceAccount:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
import { DeleteRepositoryPolicyCommand, ECRClient, GetRepositoryPolicyCommand, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { policyRisk } from '../../rules/ecr-repository-access/policy-risk.js';
import { runAutomation } from '../support/ssm/interpreter.js';
import { ROLE_ARN } from './ecr-fixtures.js';

const ecr = mockClient(ECRClient);
const organizations = mockClient(OrganizationsClient);
const NAME = 'team-a/payments-api';
const ORG = 'o-a1b2c3d4e5';
const CONTEXT = { repositoryArn: `arn:aws:ecr:eu-west-3:111122223333:repository/${NAME}`, accountId: '111122223333', organizationId: ORG, trustedAccounts: ['222233334444'], allowedPullAccounts: [] };
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

function storedPolicy(initial: string): { current: () => string } {
  let text = initial;
  ecr.on(GetRepositoryPolicyCommand).callsFake(() => ({ repositoryName: NAME, policyText: text }));
  ecr.on(DeleteRepositoryPolicyCommand).callsFake(() => ((text = ''), { repositoryName: NAME }));
  ecr.on(SetRepositoryPolicyCommand).callsFake((input: { policyText: string }) => ((text = input.policyText), { repositoryName: NAME, policyText: text }));
  return { current: () => text };
}

const run = (mode = 'confine') =>
  runAutomation('RestrictEcrRepositoryPolicy', {
    parameters: { RepositoryName: NAME, Mode: mode, OrganizationId: ORG, TrustedAccounts: ['222233334444'], Approvers: ['arn:aws:iam::111122223333:role/PlatformOwners'], AutomationAssumeRole: ROLE_ARN },
    approvals: { ApproveRestriction: 'Approved' },
  });

beforeEach(() => {
  ecr.reset();
  organizations.reset();
});

describe('RestrictEcrRepositoryPolicy: a confining key that does not confine', () => {
  it.each([
    ['StringLike aws:PrincipalOrgID "*"', { Principal: { AWS: '*' }, Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } }],
    ['aws:PrincipalOrgID of another organisation', { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-vendor00001' } } }],
    ['StringEqualsIfExists aws:PrincipalOrgID', { Principal: { AWS: '*' }, Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG } } }],
    ['ForAllValues:StringEquals aws:PrincipalOrgID (true when the key is missing)', { Principal: { AWS: '*' }, Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ORG } } }],
    ['StringLike aws:PrincipalAccount with a wildcard', { Principal: { AWS: '*' }, Condition: { StringLike: { 'aws:PrincipalAccount': '1111*' } } }],
    ['aws:PrincipalAccount naming an outside account', { Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalAccount': '444455556666' } } }],
    ['a service principal with StringLike aws:SourceAccount "*"', { Principal: { Service: 'codebuild.amazonaws.com' }, Condition: { StringLike: { 'aws:SourceAccount': '*' } } }],
    ['a service principal with StringEqualsIfExists aws:SourceAccount (passes when the key is absent)', { Principal: { Service: 'codebuild.amazonaws.com' }, Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } } }],
  ])('%s: the rule finds it, the runbook confines it, and the rule then agrees', async (_name, shape) => {
    const before = policy({ Sid: 'LooksConfined', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:PutImage'], ...shape });
    const store = storedPolicy(before);
    expect((await policyRisk(before, CONTEXT)).grants).not.toEqual([]);

    const result = await run();

    expect(result.status).toBe('Success');
    expect(result.executedSteps).toContain('WritePolicy');
    expect((await policyRisk(store.current(), CONTEXT)).grants).toEqual([]);
  });

  it('the verification fails (not Success) when a statement still reaches outside behind a key that does not confine', async () => {
    // WritePolicy "succeeds" but the stored policy does not change: the verification must see it.
    const before = policy({ Sid: 'LooksConfined', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ecr:*', Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } });
    ecr.on(GetRepositoryPolicyCommand).resolves({ repositoryName: NAME, policyText: before });
    ecr.on(SetRepositoryPolicyCommand).resolves({ repositoryName: NAME });
    const result = await run();
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/Not fixed: .*LooksConfined/);
  });

  it('a real organisation boundary (AWS example ForAnyValue:StringLike aws:PrincipalOrgPaths under the organisation) is kept as it is', async () => {
    const before = policy({ Sid: 'OrgPaths', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ecr:*', Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/*` } } });
    const store = storedPolicy(before);
    expect((await policyRisk(before, CONTEXT)).grants).toEqual([]);
    const result = await run();
    expect(result.status).toBe('Success');
    expect(result.executedSteps).not.toContain('WritePolicy');
    expect(store.current()).toBe(before);
  });
});

/**
 * "Removes exactly the offending grants and keeps everything else" (issue 14): a statement that
 * names a TrustedAccounts principal beside an outside account keeps the trusted grant as it was
 * (TrustedAccounts may be outside the organisation, so an aws:PrincipalOrgID condition on the
 * whole statement would cut it off). Principal lists: each entry is matched on its own:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
describe('RestrictEcrRepositoryPolicy: a statement naming trusted and outside principals', () => {
  const TRUSTED = 'arn:aws:iam::222233334444:role/ci';
  const ACTIONS = ['ecr:BatchGetImage', 'ecr:PutImage'];
  const mixed = { Sid: 'Ci', Effect: 'Allow', Principal: { AWS: [TRUSTED, '444455556666'] }, Action: ACTIONS };

  it.each(['confine', 'remove'])('%s: the trusted principal keeps its grant unconditioned, the outside account is confined or removed', async (mode) => {
    const store = storedPolicy(policy(mixed));
    expect((await policyRisk(policy(mixed), CONTEXT)).grants.map((grant) => grant.principal)).toEqual(['account 444455556666', 'account 444455556666']);

    const result = await run(mode);

    expect(result.status).toBe('Success');
    const statements = JSON.parse(store.current()).Statement as Array<Record<string, unknown>>;
    expect(statements).toContainEqual({ Sid: 'Ci', Effect: 'Allow', Principal: { AWS: [TRUSTED] }, Action: ACTIONS });
    expect((await policyRisk(store.current(), CONTEXT)).grants).toEqual([]);
  });
});

describe('RestrictEcrRepositoryPolicy: a policy near ECR\'s 10,240-character limit', () => {
  it('writes the restricted policy compact when the indented text would not fit, and the rule then agrees', async () => {
    // Many pull grants to this account's roles (kept) and one public push statement (confined).
    const roles = Array.from({ length: 170 }, (_, i) => `arn:aws:iam::111122223333:role/ci-runner-${String(i).padStart(3, '0')}`);
    const before = policy(
      { Sid: 'TeamPull', Effect: 'Allow', Principal: { AWS: roles }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] },
      { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: ['ecr:PutImage'] },
    );
    expect(before.length).toBeLessThan(10_240);
    expect(JSON.stringify(JSON.parse(before), null, 2).length).toBeGreaterThan(10_240);
    const store = storedPolicy(before);

    const result = await run();

    expect(result.status).toBe('Success');
    expect(store.current().length).toBeLessThanOrEqual(10_240);
    expect((await policyRisk(store.current(), CONTEXT)).grants).toEqual([]);
    expect(JSON.parse(store.current()).Statement[0].Principal.AWS).toEqual(roles);
  });
});
