/**
 * policyRisk on real repository policy shapes. Sources:
 * - ECR repository policy examples: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
 * - ECR registry policy examples: https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html
 * - NotPrincipal with Allow: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 * - aws:PrincipalOrgID, aws:SourceAccount: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * - Confused deputy: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * - Policy evaluation (explicit Deny wins): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import { describe, expect, it } from 'vitest';
import { policyRisk } from '../../../rules/ecr-repository-access/policy-risk.js';

import { CONTEXT, ORG, policy } from './policy-fixtures.js';
const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const PUSH = ['ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'];

const summary = async (text: string, context = CONTEXT) => {
  const risk = await policyRisk(text, context);
  return { severity: risk.severity, error: risk.error, grants: risk.grants.map((g) => ({ kind: g.kind, principal: g.principal, statements: g.statements, when: g.when, writes: g.actions.includes('ecr:PutImage'), pulls: g.actions.includes('ecr:BatchGetImage') })) };
};

describe('policyRisk: dangerous', () => {
  it('Principal "*" with ecr:* and no condition is public write (CRITICAL)', async () => {
    const result = await summary(policy({ Sid: 'AllowAll', Effect: 'Allow', Principal: '*', Action: 'ecr:*' }));
    expect(result.severity).toBe('CRITICAL');
    expect(result.grants).toEqual([{ kind: 'public', principal: 'any AWS principal', statements: ['AllowAll'], when: undefined, writes: true, pulls: true }]);
  });

  it('{"AWS": "*"} pull-only without condition is public pull (HIGH)', async () => {
    const result = await summary(policy({ Sid: 'PublicPull', Effect: 'Allow', Principal: { AWS: '*' }, Action: PULL }));
    expect(result).toMatchObject({ severity: 'HIGH', grants: [{ kind: 'public', writes: false, pulls: true, statements: ['PublicPull'] }] });
  });

  it('looks safe, is not: NotPrincipal with Allow names our account, so everyone else is allowed', async () => {
    const result = await summary(policy({ Sid: 'AllButUs', Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: ['ecr:Put*', 'ecr:BatchGetImage'] }));
    expect(result.grants[0]).toMatchObject({ kind: 'public', writes: true });
  });

  it('looks safe, is not: NotAction listing only pull actions grants every write action', async () => {
    const result = await summary(policy({ Sid: 'PartnerNotPull', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, NotAction: PULL }));
    // Every write action, and the read actions it did not list (DescribeImages, ListImages, ...).
    expect(result.grants).toEqual([
      expect.objectContaining({ kind: 'outside-write', principal: 'account 444455556666', writes: true, pulls: false }),
      expect.objectContaining({ kind: 'outside-pull', principal: 'account 444455556666', writes: false, pulls: false }),
    ]);
  });

  it('AWS example "allow another account" (push) to an outside account is outside write; wildcards like ecr:*Upload* count', async () => {
    const result = await summary(policy({ Sid: 'AllowCrossAccountPush', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: ['ecr:BatchCheckLayerAvailability', 'ecr:*Upload*', 'ecr:PutImage'] }));
    expect(result.grants.map((g) => [g.kind, g.principal])).toEqual([['outside-write', 'account 444455556666'], ['outside-pull', 'account 444455556666']]);
    expect(result.severity).toBe('HIGH');
  });

  it('a condition the caller chooses (aws:SourceIp) does not confine: still public, with the condition named', async () => {
    const result = await summary(policy({ Sid: 'Office', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }));
    expect(result.grants).toEqual([expect.objectContaining({ kind: 'public', when: 'aws:SourceIp IpAddress 203.0.113.0/24' })]);
  });

  it('a service principal without source condition (CodeBuild pulling, AWS CDK ImagePullPrincipalType.CODEBUILD) is unconfined', async () => {
    const result = await summary(policy({ Sid: 'CodeBuildAccess', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: PULL }));
    expect(result).toMatchObject({ severity: 'MEDIUM', grants: [{ kind: 'service-unconfined', principal: 'service codebuild.amazonaws.com', pulls: true }] });
  });

  it('an organisation condition naming another organisation is outside access for that organisation', async () => {
    const result = await summary(policy({ Sid: 'VendorOrg', Effect: 'Allow', Principal: '*', Action: PUSH, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-vendor00001' } } }));
    expect(result.grants).toEqual([expect.objectContaining({ kind: 'public', principal: 'any AWS principal in organisation o-vendor00001', writes: true })]);
  });

  it('a 700-account Principal list is judged as one class (one simulation per class, every account named)', async () => {
    const accounts = Array.from({ length: 700 }, (_, i) => String(400000000000 + i));
    const risk = await policyRisk(policy({ Sid: 'Many', Effect: 'Allow', Principal: { AWS: accounts }, Action: ['ecr:BatchGetImage'] }), CONTEXT);
    expect(risk.grants).toHaveLength(1);
    expect(risk.grants[0]!.accounts).toHaveLength(700);
  });

  it('a condition on the repository\'s organisation path (aws:ResourceOrgPaths) is not taken as unmet: the path is not known here, so the grant is reported with it', async () => {
    // The key holds the path of the repository's account in AWS Organizations; the rule knows the
    // organisation id only (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgpaths).
    const result = await summary(policy({ Sid: 'OurTree', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { 'ForAnyValue:StringLike': { 'aws:ResourceOrgPaths': `${ORG}/*` } } }));
    expect(result.severity).toBe('HIGH');
    expect(result.grants).toEqual([expect.objectContaining({ kind: 'public', principal: 'any AWS principal', pulls: true, when: expect.stringContaining('aws:ResourceOrgPaths') })]);
  });

  it('a policy that is not JSON, or that the simulator rejects, is never safe', async () => {
    expect(await summary('{"Version": "2012-10-17", "Statement": [')).toMatchObject({ severity: 'HIGH', error: expect.stringMatching(/not JSON/) });
    expect(await summary(policy({ Effect: 'Permit', Principal: '*', Action: 'ecr:*' }))).toMatchObject({ severity: 'HIGH', error: expect.stringMatching(/rejects/) });
  });
});

describe('policyRisk: dangerous-looking, safe', () => {
  it('Principal "*" confined by aws:PrincipalOrgID to our organisation', async () => {
    expect(await summary(policy({ Sid: 'Org', Effect: 'Allow', Principal: '*', Action: 'ecr:*', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } }))).toEqual({ severity: 'INFORMATIONAL', error: undefined, grants: [] });
  });

  it('Principal "*" Allow with an explicit Deny for everyone outside the organisation', async () => {
    const text = policy(
      { Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 'ecr:*' },
      { Sid: 'DenyOutsideOrg', Effect: 'Deny', Principal: '*', Action: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } },
    );
    expect((await summary(text)).grants).toEqual([]);
  });

  it('pull-only grant to an account in AllowedPullAccounts (AWS example "allow pull" to another account)', async () => {
    expect((await summary(policy({ Sid: 'VendorPull', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::555566667777:root' }, Action: PULL }))).grants).toEqual([]);
  });

  it('write to a TrustedAccounts account, and to our own account', async () => {
    const text = policy({ Sid: 'Ci', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::222233334444:role/ci', '111122223333'] }, Action: [...PULL, ...PUSH] });
    expect((await summary(text)).grants).toEqual([]);
  });

  it('a service principal with aws:SourceAccount of our account', async () => {
    const text = policy({ Sid: 'CodeBuild', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: PULL, Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } });
    expect((await summary(text)).grants).toEqual([]);
  });

  it('no policy at all', async () => {
    expect(await policyRisk('', CONTEXT)).toEqual({ severity: 'INFORMATIONAL', grants: [] });
  });
});

describe('policyRisk: AllowedPullAccounts never allows writing', () => {
  it('an allowed-pull account that can also push is outside write', async () => {
    const text = policy({ Sid: 'Vendor', Effect: 'Allow', Principal: { AWS: '555566667777' }, Action: [...PULL, 'ecr:PutImage'] });
    expect((await summary(text)).grants).toEqual([expect.objectContaining({ kind: 'outside-write', principal: 'account 555566667777', writes: true, pulls: false })]);
  });
});

/**
 * The simulation's side of where IAM Access Analyzer's external access findings and this rule can
 * differ (the findings' side: access-analyzer-differences.test.ts). AWS publishes no list of the
 * condition keys Access Analyzer treats as restricting for ECR repositories, so a
 * network-conditioned grant is where the two may disagree: the rule reports it, because the
 * caller picks its own address and endpoint and only an account or organisation boundary stops an
 * outside identity. A grant to a named outside account is not public for either, but is outside
 * access for the rule (and a cross-account finding for Access Analyzer outside its zone of trust:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html).
 */
describe('policyRisk and Access Analyzer external access findings', () => {
  it('aws:SourceVpce on a Principal "*" statement: the rule still reports public (with the condition); Access Analyzer may call it not public', async () => {
    const result = await summary(policy({ Sid: 'ThroughEndpoint', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f67890' } } }));
    expect(result.grants).toEqual([expect.objectContaining({ kind: 'public', when: 'aws:SourceVpce StringEquals vpce-0a1b2c3d4e5f67890' })]);
  });

  it('a named outside account is not public for either, but the rule reports it as outside access', async () => {
    const result = await summary(policy({ Sid: 'Partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: PULL }));
    expect(result.grants.map((g) => g.kind)).toEqual(['outside-pull']);
  });

  it('both agree on a plain public grant', async () => {
    expect((await summary(policy({ Sid: 'Open', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ecr:BatchGetImage' }))).grants[0]).toMatchObject({ kind: 'public', when: undefined });
  });
});
