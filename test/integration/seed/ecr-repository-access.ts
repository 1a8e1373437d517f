/**
 * ecr-repository-access cases: repository policies shaped like AWS's examples
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html), judged
 * with the rule's default parameters. The emulator stores policies but does not enforce them: the
 * verdicts come from the rule's simulation, as in AWS. Every NON_COMPLIANT case is one the
 * runbook fixes (confine), so the remediation loop closes on each.
 */
import { SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { unique } from '../support/emulator.js';
import { createRepository, EXEMPTION_TAG_KEY } from './ecr-helpers.js';
import type { GroundTruth, RuleSeed, SeedContext } from './types.js';

const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const PUSH = ['ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'];
const OUTSIDE = '444455556666';

async function withPolicy(ctx: SeedContext, label: string, ...statements: unknown[]): Promise<string> {
  const name = await createRepository(ctx, unique(label));
  await ctx.clients.ecr.send(new SetRepositoryPolicyCommand({ repositoryName: name, policyText: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  return name;
}

export const seed: RuleSeed = {
  ruleId: 'ecr-repository-access',
  async seed(ctx) {
    const truth: GroundTruth = {};
    truth[await createRepository(ctx, unique('access-none'))] = { complianceType: 'COMPLIANT', case: 'no repository policy' };
    truth[await withPolicy(ctx, 'access-public', { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: [...PULL, ...PUSH] })] = {
      complianceType: 'NON_COMPLIANT',
      case: 'Principal * push and pull, no condition: public',
    };
    truth[await withPolicy(ctx, 'access-outside-push', { Sid: 'AllowCrossAccountPush', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDE}:root` }, Action: [...PULL, ...PUSH] })] = {
      complianceType: 'NON_COMPLIANT',
      case: 'an outside account can push',
    };
    truth[await withPolicy(ctx, 'access-codebuild', { Sid: 'CodeBuildAccess', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: PULL })] = {
      complianceType: 'NON_COMPLIANT',
      case: 'service principal without aws:SourceAccount / aws:SourceOrgID',
    };
    truth[await withPolicy(ctx, 'access-own-account', { Sid: 'OwnAccountOnly', Effect: 'Allow', Principal: '*', Action: [...PULL, ...PUSH], Condition: { StringEquals: { 'aws:PrincipalAccount': ctx.accountId } } })] = {
      complianceType: 'COMPLIANT',
      case: 'Principal * confined by aws:PrincipalAccount to this account',
    };
    truth[
      await withPolicy(
        ctx,
        'access-deny-outside',
        { Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: PULL },
        { Sid: 'DenyOtherAccounts', Effect: 'Deny', Principal: '*', Action: 'ecr:*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': ctx.accountId } } },
      )
    ] = { complianceType: 'COMPLIANT', case: 'public Allow cancelled by an explicit Deny for other accounts' };
    const exempt = await createRepository(ctx, unique('access-exempt'), { tags: [{ Key: EXEMPTION_TAG_KEY, Value: 'public base images, approved SEC-42' }] });
    await ctx.clients.ecr.send(new SetRepositoryPolicyCommand({ repositoryName: exempt, policyText: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: PULL }] }) }));
    truth[exempt] = { complianceType: 'NOT_APPLICABLE', case: 'exempt by tag' };
    return truth;
  },
};
