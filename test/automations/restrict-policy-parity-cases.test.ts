/**
 * RestrictEcrRepositoryPolicy and the ecr-repository-access rule on shapes the generated parity
 * check (restrict-policy-parity.test.ts) does not reach, each in both modes:
 * - the loop closes: a policy the runbook writes and verifies, or leaves untouched, is COMPLIANT;
 * - the runbook takes nothing from principals of ours (this account, TrustedAccounts) or from
 *   AllowedPullAccounts' pull: their grants are kept as they were.
 * Principal entries: an account id or an IAM principal ARN whose account field is the account
 * (a role name may hold digits: [\w+=,.@-]); each entry of a list matches on its own.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 * aws:SourceAccount / aws:SourceArn / aws:SourceOrgID are "only available when the call to your
 * resource is made directly by an AWS service principal": an IAM caller never meets them.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
import { describe, expect, it } from 'vitest';
import { describeGrant, policyRisk } from '../../rules/ecr-repository-access/policy-risk.js';
import { CONTEXT, EVENTS, ORG, OURS, OUTSIDE, runbook, VENDOR } from './restrict-policy-harness.js';

const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

// The caller sets its tags, not the rest of the value (policy-risk-caller-variables.test.ts).
const TEAM = { Sid: 'Team', Effect: 'Allow', Principal: '*', Action: 'ecr:*', Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OURS}:role/\${aws:PrincipalTag/team}` } } };
const OU = { Sid: 'Ou', Effect: 'Allow', Principal: '*', Action: 'ecr:*', Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/\${aws:PrincipalTag/ou}/*` } } };

/** Each case: the policy, and statements of ours the written policy must still hold as they are. */
const CASES: Array<[string, string, unknown[]]> = [
  ['our role whose name holds 12 digits', policy({ Sid: 'Ci', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OURS}:role/ci-${OUTSIDE}` }, Action: 'ecr:*' }), [{ Sid: 'Ci', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OURS}:role/ci-${OUTSIDE}` }, Action: 'ecr:*' }]],
  ['ours, an outside account and "*" in one list', policy({ Sid: 'Mixed', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${OURS}:role/ci`, OUTSIDE, '*'] }, Action: PULL }), [{ Sid: 'Mixed', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${OURS}:role/ci`] }, Action: PULL }]],
  ['AllowedPullAccounts beside an outside account', policy({ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: [VENDOR, OUTSIDE] }, Action: PULL }), [{ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: [VENDOR] }, Action: PULL }]],
  ['everyone, confined to services acting for this account', policy({ Sid: 'Own', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { StringEquals: { 'aws:SourceAccount': OURS } } }), [{ Sid: 'Own', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { StringEquals: { 'aws:SourceAccount': OURS } } }]],
  ['an outside account beside a service principal, no condition', policy({ Sid: 'Both', Effect: 'Allow', Principal: { AWS: OUTSIDE, Service: 'codebuild.amazonaws.com' }, Action: PULL }), []],
  ['our account confined by a caller-tagged role name (the account field is ours)', policy(TEAM), [TEAM]],
  ['our organisation confined by a caller-tagged OU path', policy(OU), [OU]],
  ['an account picked by a caller tag', policy({ Sid: 'Tag', Effect: 'Allow', Principal: '*', Action: 'ecr:*', Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:PrincipalTag/account}' } } }), []],
];

describe.each(['confine', 'remove'] as const)('RestrictEcrRepositoryPolicy (Mode %s) on explicit shapes', (mode) => {
  const fixed = runbook(CASES.map(([, text]) => text), { ...EVENTS, Mode: mode });

  it.each(CASES.map(([name, text, kept], index) => [name, text, kept, index] as const))('%s: verified or untouched means COMPLIANT, and grants of ours are kept', async (_, text, kept, index) => {
    const result = fixed[index]!;
    if (mode === 'confine') expect(result.remaining).toEqual([]);
    const judged = result.changes.length ? result.after : text;
    const risk = await policyRisk(judged, CONTEXT);
    expect(risk.error ?? risk.grants.map(describeGrant)).toEqual([]);
    const statements = (JSON.parse(judged) as { Statement: unknown[] }).Statement;
    for (const statement of kept) expect(statements).toContainEqual(statement);
  });
});

// The runbook only narrows: a statement whose own condition already names the confinement key
// keeps only the values that are ours (both would have to hold), never ours instead of theirs.
describe('RestrictEcrRepositoryPolicy (Mode confine) never widens a condition it confines', () => {
  const other = (values: string | string[]) => policy({ Sid: 'Org', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { StringEquals: { 'aws:PrincipalOrgID': values } } });
  const [mixed, theirs] = runbook([other([ORG, 'o-zzzzzzzzzz']), other('o-zzzzzzzzzz')], { ...EVENTS, Mode: 'confine' });

  it('another organisation beside ours: ours is kept, theirs goes', () => {
    expect(JSON.parse(mixed!.after).Statement).toEqual([{ Sid: 'Org', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { StringEquals: { 'aws:PrincipalOrgID': [ORG] } } }]);
    expect(mixed!.remaining).toEqual([]);
  });

  it('another organisation only: the statement goes (our organisation never had it)', () => {
    expect(JSON.parse(theirs!.after).Statement).toEqual([]);
    expect(theirs!.remaining).toEqual([]);
  });
});
