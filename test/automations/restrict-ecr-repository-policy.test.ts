/**
 * RestrictEcrRepositoryPolicy against a mocked ECR: confines or removes exactly the statements
 * that reach outside, keeps the rest, shows before/after for approval, re-reads before writing,
 * and ends Success only when the rule then finds nothing (checked with the rule's own policyRisk).
 * Policy shapes: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
 */
import { ECRClient, GetRepositoryPolicyCommand, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { policyRisk } from '../../rules/ecr-repository-access/policy-risk.js';
import { runAutomation } from '../support/ssm/interpreter.js';
import { ROLE_ARN } from './ecr-fixtures.js';

const ecr = mockClient(ECRClient);
const NAME = 'team-a/payments-api';
const ORG = 'o-a1b2c3d4e5';
const APPROVER = 'arn:aws:iam::111122223333:role/PlatformOwners';
const CONTEXT = { repositoryArn: `arn:aws:ecr:eu-west-3:111122223333:repository/${NAME}`, accountId: '111122223333', organizationId: ORG, trustedAccounts: [], allowedPullAccounts: [] };
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const OURS = { Sid: 'OwnCi', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/ci' }, Action: ['ecr:PutImage'] };
const PUBLIC = { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:PutImage'] };

/** A stateful repository policy: reads return what was last written. */
function storedPolicy(initial: string): { current: () => string } {
  let text = initial;
  ecr.on(GetRepositoryPolicyCommand).callsFake(() => ({ repositoryName: NAME, policyText: text }));
  ecr.on(SetRepositoryPolicyCommand).callsFake((input: { policyText: string }) => {
    text = input.policyText;
    return { repositoryName: NAME, policyText: text };
  });
  return { current: () => text };
}

const run = (mode: string) =>
  runAutomation('RestrictEcrRepositoryPolicy', {
    parameters: { RepositoryName: NAME, Mode: mode, OrganizationId: ORG, Approvers: [APPROVER], AutomationAssumeRole: ROLE_ARN },
    approvals: { ApproveRestriction: 'Approved' },
  });

beforeEach(() => ecr.reset());

describe('RestrictEcrRepositoryPolicy', () => {
  it('confine: adds aws:PrincipalOrgID to the public statement only, keeps the previous text in the outputs, and the rule then agrees', async () => {
    const before = policy(OURS, PUBLIC);
    const store = storedPolicy(before);
    expect((await policyRisk(before, CONTEXT)).grants.map((g) => g.kind)).toEqual(['public']);

    const result = await run('confine');

    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual(['PlanRestriction', 'CheckChanged', 'ApproveRestriction', 'WritePolicy', 'VerifyRestriction']);
    expect(result.outputs['PlanRestriction.Before']).toBe(before);
    const after = JSON.parse(store.current()) as { Statement: Array<Record<string, unknown>> };
    expect(after.Statement[0]).toEqual(OURS);
    expect(after.Statement[1]).toEqual({ ...PUBLIC, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } });
    expect((await policyRisk(store.current(), CONTEXT)).grants).toEqual([]);
  });

  it('remove: drops the public statement and keeps the others', async () => {
    const store = storedPolicy(policy(OURS, PUBLIC));
    const result = await run('remove');
    expect(result.status).toBe('Success');
    expect(JSON.parse(store.current())).toEqual({ Version: '2012-10-17', Statement: [OURS] });
  });

  it('changes nothing and asks no approval when no statement reaches outside (idempotent)', async () => {
    storedPolicy(policy(OURS));
    const result = await run('confine');
    expect(result.status).toBe('Success');
    expect(result.executedSteps).toEqual(['PlanRestriction', 'CheckChanged', 'VerifyRestriction']);
    expect(ecr).not.toHaveReceivedCommand(SetRepositoryPolicyCommand);
  });

  it('writes nothing when the policy changed after approval', async () => {
    let reads = 0;
    ecr.on(GetRepositoryPolicyCommand).callsFake(() => ({ policyText: reads++ === 0 ? policy(PUBLIC) : policy(PUBLIC, OURS) }));
    const result = await run('confine');
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/changed after it was read and approved/);
    expect(ecr).not.toHaveReceivedCommand(SetRepositoryPolicyCommand);
  });
});
