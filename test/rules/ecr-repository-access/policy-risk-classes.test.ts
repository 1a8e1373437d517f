/**
 * Candidates judged as one class (probes.ts): one of them is simulated and the finding names
 * all, so they must be interchangeable. They were grouped by the places (statement, element)
 * their literal occurs in only, and something else in the policy told them apart, so a grant to
 * the members not simulated was missed:
 * - a bare account id and an account id inside a role ARN (the role is not the whole account);
 * - a wildcard pattern over account ids (`StringLike aws:PrincipalAccount 4444*`) matching one;
 * - principal ARNs of different accounts, or with names a condition reads (aws:PrincipalArn,
 *   aws:username), or sessions of roles a statement names.
 * Principal element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * Condition operators (StringLike, ArnLike wildcards): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import { describe, expect, it } from 'vitest';
import { policyRisk } from '../../../rules/ecr-repository-access/policy-risk.js';
import { CONTEXT, policy } from './policy-fixtures.js';

const A = '444455556666';
const B = '777788889999';
const push = (principal: unknown) => ({ Sid: 'Push', Effect: 'Allow', Principal: { AWS: principal }, Action: 'ecr:PutImage' });
const denyPush = (rest: object) => ({ Sid: 'Deny', Effect: 'Deny', Action: 'ecr:PutImage', ...rest });

const CASES: Array<[string, string, string[]]> = [
  ['a role of one account and a whole other account', policy(push([`arn:aws:iam::${A}:role/x`, B])), [`account ${B}`, `arn:aws:iam::${A}:role/x`]],
  ['two accounts, a Deny by pattern matching one', policy(push([A, B]), denyPush({ Principal: '*', Condition: { StringLike: { 'aws:PrincipalAccount': '4444*' } } })), [`account ${B}`]],
  ['roles of two accounts, a Deny naming one account', policy(push([`arn:aws:iam::${A}:role/x`, `arn:aws:iam::${B}:role/y`]), denyPush({ Principal: { AWS: A } })), [`arn:aws:iam::${B}:role/y`]],
  ['two roles of one account, a Deny by aws:PrincipalArn pattern', policy(push([`arn:aws:iam::${A}:role/x`, `arn:aws:iam::${A}:role/y`]), denyPush({ Principal: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x' } } })), [`arn:aws:iam::${A}:role/y`]],
  ['two users, a Deny by aws:username', policy(push([`arn:aws:iam::${A}:user/bob`, `arn:aws:iam::${A}:user/alice`]), denyPush({ Principal: '*', Condition: { StringEquals: { 'aws:username': 'bob' } } })), [`arn:aws:iam::${A}:user/alice`]],
  ['sessions of two roles, a Deny naming one role', policy(push([`arn:aws:sts::${A}:assumed-role/ci/s`, `arn:aws:sts::${A}:assumed-role/cd/s`]), denyPush({ Principal: { AWS: `arn:aws:iam::${A}:role/ci` } })), [`arn:aws:sts::${A}:assumed-role/cd/s`]],
  // (account A too: a federated user session's aws:PrincipalArn is arn:aws:sts::A:federated-user/..., not under iam)
  ['two accounts, a Deny by ArnLike pattern over the account field', policy(push([A, B]), denyPush({ Principal: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::4444*:*' } } })), [`account ${A}`, `account ${B}`]],
  ['two accounts, a Deny by ArnLike pattern over the account field of every service', policy(push([A, B]), denyPush({ Principal: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:*::4444*:*' } } })), [`account ${B}`]],
  ['two accounts in the same condition, one with every role, one with a named role', policy({ Sid: 'Push', Effect: 'Allow', Principal: '*', Action: 'ecr:PutImage', Condition: { ArnLike: { 'aws:PrincipalArn': [`arn:aws:iam::${A}:role/*`, `arn:aws:iam::${B}:role/x`] } } }), [`account ${A}`, `arn:aws:iam::${A}:role/*`, `arn:aws:iam::${B}:role/x`]],
  ['two accounts, a Deny by a numeric operator over the account id', policy(push([A, B]), denyPush({ Principal: '*', Condition: { NumericLessThan: { 'aws:PrincipalAccount': '500000000000' } } })), [`account ${B}`]],
];

describe('policyRisk: a class stands only for candidates nothing tells apart', () => {
  it.each(CASES)('%s', async (_, text, principals) => {
    for (const exhaustive of [false, true]) {
      const risk = await policyRisk(text, CONTEXT, [], { exhaustive });
      expect(risk.grants.filter((grant) => grant.kind === 'outside-write').map((grant) => grant.principal).sort()).toEqual(principals.sort());
    }
  });

  it('700 bare accounts, and 50 root ARNs, are still one class each', async () => {
    const accounts = Array.from({ length: 700 }, (_, i) => String(300000000000 + i));
    const roots = Array.from({ length: 50 }, (_, i) => `arn:aws:iam::${String(400000000000 + i)}:root`);
    const risk = await policyRisk(policy({ Sid: 'Many', Effect: 'Allow', Principal: { AWS: [...accounts, ...roots] }, Action: 'ecr:BatchGetImage' }), CONTEXT);
    expect(risk.grants.map((grant) => grant.accounts.length).sort((a, b) => a - b)).toEqual([50, 700]);
  });
});
