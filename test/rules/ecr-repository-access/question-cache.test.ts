/**
 * One simulation per distinct question (question-cache.ts): the same verdicts as simulating
 * every question, on policies built to tell accounts apart. Condition operators and wildcard
 * matching: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * Policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
import { describe, expect, it } from 'vitest';
import { policyRisk, type AccessContext } from '../../../rules/ecr-repository-access/policy-risk.js';
import { probesFor, statementsOf } from '../../../rules/ecr-repository-access/probes.js';
import { instantiated, questionKey, templated } from '../../../rules/ecr-repository-access/question-cache.js';
import { scoper } from '../../../rules/ecr-repository-access/scope.js';

const ORG = 'o-a1b2c3d4e5';
const CONTEXT: AccessContext = {
  repositoryArn: 'arn:aws:ecr:eu-west-3:111122223333:repository/app',
  accountId: '111122223333',
  organizationId: ORG,
  trustedAccounts: ['222233334444'],
  allowedPullAccounts: ['400000000002'],
};
const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const PUSH = ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'];
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const account = (i: number) => String(400_000_000_000 + i);
const perAccount = (n: number, actions: string[] = PULL, extra: (i: number) => object = () => ({})) =>
  Array.from({ length: n }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account(i)}:root` }, Action: actions, ...extra(i) }));

const CASES: Array<[string, string]> = [
  ['one statement per outside account (one in AllowedPullAccounts)', policy(...perAccount(8))],
  ['push and pull per account, no Sids', policy(...perAccount(6, [...PULL, ...PUSH]).map(({ Sid: _, ...rest }) => rest))],
  ['a Deny naming two of the accounts: they differ from the others', policy(...perAccount(6), { Sid: 'No13', Effect: 'Deny', Principal: '*', Action: 'ecr:*', Condition: { StringEquals: { 'aws:PrincipalAccount': [account(1), account(3)] } } })],
  ['a Deny on an account-number pattern (wildcard touching digits: no sharing)', policy(...perAccount(6), { Sid: 'NoFours', Effect: 'Deny', Principal: '*', Action: 'ecr:PutImage', Condition: { StringLike: { 'aws:PrincipalAccount': '40000000000[0-2]' } } }, { Sid: 'Odd', Effect: 'Deny', Principal: '*', Action: '*', Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::4000000000?3:*' } } })],
  ['a numeric comparison of account ids (no sharing)', policy(...perAccount(5, PUSH), { Sid: 'Low', Effect: 'Deny', Principal: '*', Action: '*', Condition: { NumericLessThan: { 'aws:PrincipalAccount': '400000000002' } } })],
  ['a policy variable (no sharing)', policy(...perAccount(4, PUSH, () => ({ Condition: { StringEquals: { 'aws:PrincipalTag/account': '${aws:PrincipalAccount}' } } })))],
  ['a condition the caller meets (aws:SourceIp) per account', policy(...perAccount(5, PULL, (i) => ({ Condition: { IpAddress: { 'aws:SourceIp': `198.51.100.${i}/32` } } })))],
  ['the same condition for every account, naming the account in a tag value', policy(...perAccount(5, PULL, (i) => ({ Condition: { StringEquals: { 'aws:PrincipalTag/owner': `team-${account(i)}` } } })))],
  ['organisation-confined account grants and one unconfined', policy(...perAccount(4, PUSH, (i) => (i === 2 ? {} : { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } })))],
  ['named roles in several accounts', policy(...Array.from({ length: 5 }, (_, i) => ({ Sid: `R${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account(i)}:role/ci` }, Action: PUSH })))],
  ['a service principal confined to some accounts', policy(...perAccount(4), { Sid: 'Build', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: PULL, Condition: { StringEquals: { 'aws:SourceAccount': [account(0), account(1)] } } })],
  ['public and account grants together, with a Deny outside the organisation', policy({ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: PULL }, ...perAccount(4, PUSH), { Sid: 'Guard', Effect: 'Deny', Principal: '*', Action: PUSH, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } })],
  ['an account id that is also part of a longer number elsewhere', policy(...perAccount(3), { Sid: 'Tag', Effect: 'Deny', Principal: '*', Action: '*', Condition: { StringEquals: { 'aws:PrincipalTag/id': `9${account(1)}` } } })],
  ['NotPrincipal naming one of the accounts', policy(...perAccount(4), { Sid: 'Not', Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${account(0)}:root` }, Action: 'ecr:BatchGetImage' })],
];

describe('question cache: the same verdicts as simulating every question', () => {
  it.each(CASES)('%s', async (_, text) => {
    const cached = await policyRisk(text, CONTEXT);
    const uncached = await policyRisk(text, CONTEXT, [], { exhaustive: true });
    expect(cached).toEqual(uncached);
    expect(uncached.grants.length + (uncached.error ? 1 : 0)).toBeGreaterThan(0);
  });
});

describe('questionKey', () => {
  const keys = (text: string) => {
    const parsed = JSON.parse(text) as unknown;
    const statements = statementsOf(parsed);
    return probesFor(parsed, text, CONTEXT)
      .filter((probe) => probe.kind === 'account')
      .map((probe) => questionKey(scoper(statements)(String(probe.context['aws:PrincipalAccount'])).statements, probe, CONTEXT.repositoryArn));
  };

  it('a statement per account: 57 accounts ask 1 distinct question, not 57', () => {
    const all = keys(policy(...perAccount(57).map((s) => ({ ...s, Sid: `S-${s.Principal.AWS}` }))));
    expect(all).toHaveLength(57);
    expect(all.every((key) => key !== undefined)).toBe(true);
    expect(new Set(all).size).toBe(1);
  });

  it('when a condition reads the organisation, each account is asked about in no organisation, an unrelated one and the one named: 3 distinct questions', () => {
    const all = keys(policy(...perAccount(57, PULL, () => ({ Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } } }))));
    expect(all).toHaveLength(57 * 3);
    expect(new Set(all).size).toBe(3);
  });

  it.each([
    ['a wildcard next to a digit', { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::4000*' } }],
    ['a numeric operator', { NumericEquals: { 'aws:MultiFactorAuthAge': '3600' } }],
    ['a date operator', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }],
    ['a policy variable', { StringEquals: { 'aws:PrincipalTag/a': '${aws:username}' } }],
  ])('no key (simulated on its own) with %s', (_, condition) => {
    // 2 accounts, x 4 callers (role, user, root, federated user) when the condition reads the caller's identity.
    const all = keys(policy(...perAccount(2, PULL, () => ({ Condition: condition }))));
    expect([2, 8]).toContain(all.length);
    expect(all.every((key) => key === undefined)).toBe(true);
  });

  it('no key when the account id also occurs inside a longer number', () => {
    const all = keys(policy(...perAccount(1, PULL, () => ({ Condition: { StringEquals: { 'aws:PrincipalTag/id': `7${account(0)}` } } }))));
    expect(all.every((key) => key === undefined)).toBe(true);
  });

  it('a wildcard without digits, and a whole other account number (TrustedAccounts: not itself a caller), keep the key', () => {
    const all = keys(policy(...perAccount(3, PULL, () => ({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci-*' }, StringNotEquals: { 'aws:PrincipalAccount': '222233334444' } } }))));
    // 3 accounts x 5 callers (role, user, root, federated user: the condition reads
    // aws:PrincipalArn; and a role named ci-x, a name the condition matches that any account can give a role).
    expect(all).toHaveLength(15);
    expect(all.every((key) => key !== undefined)).toBe(true);
    expect(new Set(all).size).toBe(5);
  });

  it('a condition text keeps the account of the question it is shown for', () => {
    expect(instantiated(templated(`aws:PrincipalTag/owner StringEquals team-${account(1)}`, account(1)), account(4))).toBe(`aws:PrincipalTag/owner StringEquals team-${account(4)}`);
  });
});
