/**
 * RestrictEcrRepositoryPolicy against a mocked ECR: confines or removes exactly the statements
 * that reach outside, keeps the rest, shows before/after for approval, re-reads before writing,
 * and ends Success only when the rule then finds nothing (checked with the rule's own policyRisk).
 * Policy shapes: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
 */
import { DeleteRepositoryPolicyCommand, ECRClient, GetRepositoryPolicyCommand, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { readFileSync } from 'node:fs';
import { ecrRepositoryActions } from '../../rules/ecr-repository-access/ecr-actions.js';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { policyRisk } from '../../rules/ecr-repository-access/policy-risk.js';
import { runAutomation } from '../support/ssm/interpreter.js';
import { ROLE_ARN } from './ecr-fixtures.js';

const ecr = mockClient(ECRClient);
const organizations = mockClient(OrganizationsClient);
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
  ecr.on(GetRepositoryPolicyCommand).callsFake(() => {
    if (text === '') throw Object.assign(new Error('no policy'), { name: 'RepositoryPolicyNotFoundException' });
    return { repositoryName: NAME, policyText: text };
  });
  ecr.on(DeleteRepositoryPolicyCommand).callsFake(() => {
    text = '';
    return { repositoryName: NAME };
  });
  ecr.on(SetRepositoryPolicyCommand).callsFake((input: { policyText: string }) => {
    text = input.policyText;
    return { repositoryName: NAME, policyText: text };
  });
  return { current: () => text };
}

const run = (mode: string, extra: Record<string, unknown> = { OrganizationId: ORG }) =>
  runAutomation('RestrictEcrRepositoryPolicy', {
    parameters: { RepositoryName: NAME, Mode: mode, ...extra, Approvers: [APPROVER], AutomationAssumeRole: ROLE_ARN },
    approvals: { ApproveRestriction: 'Approved' },
  });

beforeEach(() => {
  ecr.reset();
  organizations.reset();
});

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

  it('AllowedPullAccounts: a vendor statement keeps its pull actions and loses push, in either mode (its wildcard expanded to the pull class)', async () => {
    const vendor = { Sid: 'Vendor', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::555566667777:root' }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:Put*'] };
    const store = storedPolicy(policy(OURS, vendor));
    const result = await run('remove', { OrganizationId: ORG, AllowedPullAccounts: ['555566667777'] });
    expect(result.status).toBe('Success');
    expect(JSON.parse(store.current())).toEqual({ Version: '2012-10-17', Statement: [OURS, { Sid: 'Vendor', Effect: 'Allow', Principal: vendor.Principal, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }] });
    expect((await policyRisk(store.current(), { ...CONTEXT, allowedPullAccounts: ['555566667777'] })).grants).toEqual([]);
  });

  it('a service principal without source condition gets aws:SourceOrgID (confused deputy)', async () => {
    const codebuild = { Sid: 'CodeBuild', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: ['ecr:BatchGetImage'] };
    const store = storedPolicy(policy(codebuild));
    expect((await run('confine')).status).toBe('Success');
    expect(JSON.parse(store.current()).Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceOrgID': ORG } });
    expect((await policyRisk(store.current(), CONTEXT)).grants).toEqual([]);
  });

  it('outside any organisation (OrganizationId empty, AWSOrganizationsNotInUseException): confines to this account and TrustedAccounts', async () => {
    organizations.on(DescribeOrganizationCommand).rejects(Object.assign(new Error('not in an organisation'), { name: 'AWSOrganizationsNotInUseException' }));
    const store = storedPolicy(policy(PUBLIC));
    const result = await run('confine', { TrustedAccounts: ['222233334444'] });
    expect(result.status).toBe('Success');
    expect(JSON.parse(store.current()).Statement[0].Condition).toEqual({ StringEquals: { 'aws:PrincipalAccount': ['111122223333', '222233334444'] } });
    const { organizationId: _ours, ...noOrganization } = CONTEXT;
    expect((await policyRisk(store.current(), { ...noOrganization, trustedAccounts: ['222233334444'] })).grants).toEqual([]);
  });

  it('remove of the only statement deletes the policy (ECR takes no policy without statements)', async () => {
    const store = storedPolicy(policy(PUBLIC));
    expect((await run('remove')).status).toBe('Success');
    expect(store.current()).toBe('');
    expect(ecr).toHaveReceivedCommandWith(DeleteRepositoryPolicyCommand, { repositoryName: NAME });
  });

  it('the runbook\'s pull class is the rule\'s (IAM data Read and List actions on a repository)', async () => {
    const script = readFileSync(new URL('../../automations/scripts/RestrictEcrRepositoryPolicy/restriction.py', import.meta.url), 'utf8');
    const listed = [...script.slice(script.indexOf('PULL_ACTIONS = ['), script.indexOf(']', script.indexOf('PULL_ACTIONS = ['))).matchAll(/'(ecr:[A-Za-z]+)'/g)].map((m) => m[1]);
    expect(listed).toEqual([...(await ecrRepositoryActions()).pull]);
  });

  it('without Approvers (Config\'s Remediate button) a needed change fails at the plan, naming it, and nothing is written', async () => {
    storedPolicy(policy(PUBLIC));
    const result = await runAutomation('RestrictEcrRepositoryPolicy', { parameters: { RepositoryName: NAME, OrganizationId: ORG, AutomationAssumeRole: ROLE_ARN } });
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/Approvers needed.*Public \(everyone\): aws:PrincipalOrgID = o-a1b2c3d4e5 added/);
    expect(ecr).not.toHaveReceivedCommand(SetRepositoryPolicyCommand);
  });
});
