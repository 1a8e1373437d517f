/**
 * A key the probe fixes compared with a policy variable the caller sets: the caller decides
 * the outcome (it tags its own role: aws:PrincipalTag). Policy variables:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * aws:PrincipalTag ("the tags attached to the principal making the request"), aws:ResourceOrgID:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
import { describe, expect, it } from 'vitest';
import { withCallerChoices } from '../../../rules/ecr-repository-access/caller-variables.js';
import { policyRisk } from '../../../rules/ecr-repository-access/policy-risk.js';
import { CONTEXT, ORG, policy } from './policy-fixtures.js';

const OPEN = { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'ecr:*' };
const kinds = async (text: string, exhaustive = false) => (await policyRisk(text, CONTEXT, [], { exhaustive })).grants.map((grant) => [grant.kind, grant.principal, grant.actions.includes('ecr:PutImage')]);

describe('policyRisk: comparisons the caller decides', () => {
  it.each([
    ['an Allow that needs the resource organisation to equal a tag of the caller', policy({ ...OPEN, Condition: { StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalTag/org}' } } })],
    ['an Allow that needs the caller organisation to equal its own tag (with a default)', policy({ ...OPEN, Condition: { StringEquals: { 'aws:PrincipalOrgID': "${aws:PrincipalTag/org, 'none'}" } } })],
    ['a Deny unless the caller organisation equals a tag of the caller', policy(OPEN, { Sid: 'Guard', Effect: 'Deny', Principal: '*', Action: 'ecr:*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': '${aws:PrincipalTag/org}' } } })],
  ])('%s is public write (both ways)', async (_, text) => {
    expect(await kinds(text)).toContainEqual(['public', 'any AWS principal', true]);
    expect(await kinds(text, true)).toContainEqual(['public', 'any AWS principal', true]);
  });

  // The caller sets the tag, not the rest of the value: an outside caller's aws:PrincipalArn names
  // its own account, its aws:PrincipalOrgPaths start with its own organisation, whatever the tag.
  it.each([
    ['a role ARN of this account named by the caller tag', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}' } }],
    ['an organisation path under ours with a caller-tagged OU', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/\${aws:PrincipalTag/ou}/*` } }],
    ['our account id compared as a string with a tag suffix', { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/${aws:PrincipalTag/name}' } }],
  ])('an Allow confined by %s still confines to us (both ways)', async (_, condition) => {
    expect(await kinds(policy({ ...OPEN, Condition: condition }))).toEqual([]);
    expect(await kinds(policy({ ...OPEN, Condition: condition }), true)).toEqual([]);
  });

  // ... and the outsiders the rest of such a value admits are still found.
  it.each([
    ['an organisation id prefix with a caller-tagged rest', { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2${aws:PrincipalTag/org}' } }],
    ['an account id prefix with a caller-tagged rest', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::4444${aws:PrincipalTag/account}:role/*' } }],
    ['a whole account id from a caller tag', { StringEquals: { 'aws:PrincipalAccount': '${aws:PrincipalTag/account}' } }],
  ])('an Allow confined by %s is public write (both ways)', async (_, condition) => {
    for (const exhaustive of [false, true]) expect((await kinds(policy({ ...OPEN, Condition: condition }), exhaustive)).some(([kind, , write]) => kind === 'public' && write)).toBe(true);
  });

  it('a comparison of two keys the probe fixes is judged as written (confined to our organisation)', async () => {
    expect(await kinds(policy({ ...OPEN, Condition: { StringEquals: { 'aws:PrincipalOrgID': '${aws:ResourceOrgID}' } } }))).toEqual([]);
  });

  it('the caller-chosen comparison is left out, the rest of the condition still confines', async () => {
    expect(await kinds(policy({ ...OPEN, Condition: { StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalTag/org}', 'aws:PrincipalOrgID': ORG } } }))).toEqual([]);
  });
});

describe('withCallerChoices', () => {
  it('leaves out the comparison in an Allow, the Deny statement as a whole, and keeps positions; escapes are no variables', () => {
    const allow = { ...OPEN, Condition: { StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalTag/org}', 'aws:PrincipalOrgID': ORG }, Bool: { 'aws:SecureTransport': 'true' } } };
    const deny = { Effect: 'Deny', Principal: '*', Action: 'ecr:*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': '${aws:PrincipalTag/account}' } } };
    const escaped = { ...OPEN, Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/${*}' } } };
    expect(withCallerChoices([allow, deny, escaped, OPEN])).toEqual([
      { ...OPEN, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG }, Bool: { 'aws:SecureTransport': 'true' } } },
      undefined,
      escaped,
      OPEN,
    ]);
  });

  it('makes a positive comparison a Like pattern (the variable as *), leaves out a negated one or one the Like block already holds', () => {
    const team = { ...OPEN, Condition: { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}' } } };
    const paths = { ...OPEN, Condition: { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgPaths': `${ORG}/\${aws:PrincipalTag/ou}/` } } };
    const negated = { ...OPEN, Condition: { StringNotEquals: { 'aws:PrincipalAccount': '${aws:PrincipalTag/account}' } } };
    const both = { ...OPEN, Condition: { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}' }, StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x' } } };
    expect(withCallerChoices([team, paths, negated, both])).toEqual([
      { ...OPEN, Condition: { StringLike: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/*'] } } },
      { ...OPEN, Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${ORG}/*/`] } } },
      OPEN,
      { ...OPEN, Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x' } } },
    ]);
  });
});
