/** The repository, organisation and account lists the policy-risk tests judge policies against. */
import type { AccessContext } from '../../../rules/ecr-repository-access/policy-risk.js';

export const ORG = 'o-a1b2c3d4e5';
export const CONTEXT: AccessContext = {
  repositoryArn: 'arn:aws:ecr:eu-west-3:111122223333:repository/team-a/payments-api',
  accountId: '111122223333',
  organizationId: ORG,
  trustedAccounts: ['222233334444'],
  allowedPullAccounts: ['555566667777'],
};
/** A repository policy text of these statements. */
export const policy = (...statements: unknown[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
