/**
 * Role sessions and federated user sessions named in the Principal element: a resource policy
 * may name `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` or
 * `arn:aws:sts::ACCOUNT:federated-user/NAME`, and that session (of an outside account) then
 * has the access. "You can specify AWS accounts, IAM users, Federated SAML users, IAM roles,
 * and specific assumed-role sessions"
 * (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_iam.ArnPrincipal.html;
 * role session and federated user session principals:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
 * Both were judged COMPLIANT: no probe ever was such a session.
 */
import { describe, expect, it } from 'vitest';
import { policyRisk } from '../../../rules/ecr-repository-access/policy-risk.js';
import { CONTEXT, policy } from './policy-fixtures.js';

const SESSION = 'arn:aws:sts::444455556666:assumed-role/ci/build-42';
const FEDERATED = 'arn:aws:sts::444455556666:federated-user/bob';

describe('policyRisk: session principals of an outside account', () => {
  it.each([
    ['an assumed-role session', SESSION],
    ['a federated user session', FEDERATED],
  ])('%s granted push is outside write (with and without the shortcuts)', async (_, arn) => {
    const text = policy({ Sid: 'Session', Effect: 'Allow', Principal: { AWS: arn }, Action: ['ecr:BatchGetImage', 'ecr:PutImage'] });
    for (const exhaustive of [false, true]) {
      const risk = await policyRisk(text, CONTEXT, [], { exhaustive });
      expect(risk.severity).toBe('HIGH');
      expect(risk.grants.map((grant) => [grant.kind, grant.principal, grant.accounts, grant.actions, grant.statements])).toEqual([
        ['outside-write', arn, ['444455556666'], ['ecr:PutImage'], ['Session']],
        ['outside-pull', arn, ['444455556666'], ['ecr:BatchGetImage'], ['Session']],
      ]);
    }
  });

  it('a session of a TrustedAccounts account is not outside access', async () => {
    const risk = await policyRisk(policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:sts::222233334444:assumed-role/ci/build' }, Action: 'ecr:*' }), CONTEXT);
    expect(risk).toEqual({ severity: 'INFORMATIONAL', grants: [] });
  });

  it('a Deny naming the session takes its grant away', async () => {
    const text = policy({ Effect: 'Allow', Principal: { AWS: SESSION }, Action: 'ecr:*' }, { Effect: 'Deny', Principal: { AWS: SESSION }, Action: 'ecr:*' });
    expect((await policyRisk(text, CONTEXT)).grants).toEqual([]);
  });
});
