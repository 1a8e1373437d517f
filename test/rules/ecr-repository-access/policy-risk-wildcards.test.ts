/**
 * Conditions that look like a boundary but are met by callers the rule must count as outside.
 * - String/ARN condition operators: `*` and `?` wildcards in StringLike / ArnLike values:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * - aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:userid ("always included in
 *   the request context" for an authenticated principal):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * A pattern that matches our account or organisation also matches many others: a caller from
 * any account matching `1111*` (10^8 account ids) is not a named account.
 */
import { describe, expect, it } from 'vitest';
import { policyRisk } from '../../../rules/ecr-repository-access/policy-risk.js';

import { CONTEXT, ORG, policy } from './policy-fixtures.js';
const everyone = (condition: unknown) => policy({ Sid: 'Confined?', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ecr:*', Condition: condition });
const kinds = async (text: string) => (await policyRisk(text, CONTEXT)).grants.map((grant) => [grant.kind, grant.principal, grant.actions.includes('ecr:PutImage')]);

describe('policyRisk: a wildcard pattern over account ids or organisation ids is no boundary', () => {
  it.each([
    ['StringLike aws:PrincipalAccount with a prefix of our account', { StringLike: { 'aws:PrincipalAccount': '1111*' } }, 'any AWS principal in an account matching 1111*'],
    ['StringLike aws:PrincipalAccount with a single-character wildcard', { StringLike: { 'aws:PrincipalAccount': '11112222333?' } }, 'any AWS principal in an account matching 11112222333?'],
    ['StringLike aws:PrincipalAccount with a suffix', { StringLike: { 'aws:PrincipalAccount': '*3333' } }, 'any AWS principal in an account matching *3333'],
    ['ArnLike aws:PrincipalArn with an account prefix', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1111*:role/*' } }, 'any AWS principal in an account matching 1111*'],
    ['StringLike aws:PrincipalOrgID with a prefix of our organisation', { StringLike: { 'aws:PrincipalOrgID': 'o-a1b2*' } }, 'any AWS principal in an organisation matching o-a1b2*'],
  ])('%s is public write', async (_name, condition, principal) => {
    expect(await kinds(everyone(condition))).toContainEqual(['public', principal, true]);
  });

  it('the exact account and organisation stay confined (no new finding)', async () => {
    expect(await kinds(everyone({ StringEquals: { 'aws:PrincipalAccount': '111122223333' } }))).toEqual([]);
    expect(await kinds(everyone({ StringEquals: { 'aws:PrincipalOrgID': ORG } }))).toEqual([]);
    expect(await kinds(everyone({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } }))).toEqual([]);
  });
});

describe('policyRisk: aws:userid is in every authenticated request', () => {
  it('StringLike aws:userid "*" confines nobody: public write', async () => {
    expect(await kinds(everyone({ StringLike: { 'aws:userid': '*' } }))).toContainEqual(['public', 'any AWS principal', true]);
  });

  it('aws:userid naming one role unique id (AWS example AROA...:*) stays confined', async () => {
    expect(await kinds(everyone({ StringLike: { 'aws:userid': 'AROAEXAMPLEID123456:*' } }))).toEqual([]);
  });
});

/**
 * aws:PrincipalArn of an IAM user is `arn:aws:iam::ACCOUNT:user/NAME`, of the root user
 * `arn:aws:iam::ACCOUNT:root`; aws:PrincipalType is `User` / `Account`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
 * A condition naming every user or every root user of every account is no boundary.
 */
describe('policyRisk: conditions that admit every IAM user, every root user, or a name any account can choose', () => {
  it.each([
    ['ArnLike aws:PrincipalArn arn:aws:iam::*:user/*', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }],
    ['ArnLike aws:PrincipalArn arn:aws:iam::*:root', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } }],
    ['StringEquals aws:PrincipalType User', { StringEquals: { 'aws:PrincipalType': 'User' } }],
    ['StringEquals aws:PrincipalType Account', { StringEquals: { 'aws:PrincipalType': 'Account' } }],
    // An account names its own roles and users (CreateRole, CreateUser), so a role or user name
    // under any account is no boundary: any account can have a role `deployer`.
    ['ArnLike aws:PrincipalArn arn:aws:iam::*:role/deployer', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' } }],
    ['ArnLike aws:PrincipalArn with a role path, any account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci/deployer' } }],
    ['StringEquals aws:username deployer', { StringEquals: { 'aws:username': 'deployer' } }],
    ['StringLike aws:PrincipalArn arn:aws:iam::*:user/ci-*', { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/ci-*' } }],
    // A role session's aws:userid is ROLE-ID:SESSION-NAME, the session name the caller's choice;
    // aws:PrincipalType of a federated user session is FederatedUser.
    ['StringLike aws:userid *:bob@example.com (a session name)', { StringLike: { 'aws:userid': '*:bob@example.com' } }],
    ['StringEquals aws:PrincipalType FederatedUser', { StringEquals: { 'aws:PrincipalType': 'FederatedUser' } }],
  ])('%s is public write', async (_name, condition) => {
    expect(await kinds(everyone(condition))).toContainEqual(['public', 'any AWS principal', true]);
  });

  it('a role name under our own account stays confined', async () => {
    expect(await kinds(everyone({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/deployer' } }))).toEqual([]);
  });

  it('an outside account named in Principal, confined to its IAM users by aws:PrincipalArn, is outside write', async () => {
    const text = policy({ Sid: 'PartnerUsers', Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'ecr:PutImage', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:user/*' } } });
    expect(await kinds(text)).toContainEqual(['outside-write', 'account 444455556666', true]);
  });

  it('a service with ArnLike aws:SourceArn over a wildcard account pattern acts for outside accounts', async () => {
    const text = policy({ Sid: 'Lambda', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'ecr:BatchGetImage', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:lambda:*:1111*:function:*' } } });
    expect(await kinds(text)).toContainEqual(['service-unconfined', 'service lambda.amazonaws.com', false]);
  });

  it('an organisation pattern proposes no account pattern of its own digits', async () => {
    const labels = (await kinds(everyone({ StringLike: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5*' } }))).map(([, principal]) => principal);
    expect(labels).toContain('any AWS principal in an organisation matching o-a1b2c3d4e5*');
    expect(labels.join(' ')).not.toMatch(/account matching/);
  });
});
