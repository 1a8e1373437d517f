/**
 * UseAccessAnalyzer: IAM Access Analyzer CheckNoPublicAccess as a second opinion on "public",
 * against a mocked Access Analyzer (the emulator has no Access Analyzer service).
 *
 * API shape (request policyDocument + resourceType; response result PASS | FAIL, message,
 * reasons [{description, statementId, statementIndex}]; errors AccessDeniedException,
 * InternalServerException, InvalidParameterException, ThrottlingException,
 * UnprocessableEntityException, ValidationException):
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoPublicAccess.html
 * "PASS: the policy doesn't allow public access to the specified resource type. FAIL: the policy
 * might allow public access." Its valid resource types do not include AWS::ECR::Repository (API
 * reference and @aws-sdk/client-accessanalyzer 3.1080.0); "for resource types not supported as
 * valid values, IAM Access Analyzer will return an error": the ValidationException case below.
 *
 * The contract: the rule's simulation decides; Access Analyzer can add a finding, never remove one.
 */
import { AccessAnalyzerClient, CheckNoPublicAccessCommand } from '@aws-sdk/client-accessanalyzer';
import { DescribeRegistryCommand, DescribeRepositoriesCommand, ECRClient, GetRegistryPolicyCommand, GetRepositoryPolicyCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ruleRuns } from '../../../cli/options.js';
import { accessAnalyzerOutcome } from '../../../rules/ecr-repository-access/access-analyzer.js';
import { collector } from '../../../rules/ecr-repository-access/collect.js';
import { evaluate, type RepositoryAccessParams } from '../../../rules/ecr-repository-access/evaluate.js';
import { RULES } from '../../../rules/index.js';
import { ClientFactory } from '../../../rules/kernel/clients.js';
import { createCollectContext } from '../../../rules/kernel/context.js';
import { silentLogger } from '../../../rules/kernel/logger.js';
import { MEMBER_ACCOUNT, REGION } from '../../support/config-events.js';
import { ecrRepository } from '../../support/ecr.js';

const ORG = 'o-a1b2c3d4e5';
const ON: RepositoryAccessParams = { OrganizationId: ORG, TrustedAccounts: [], AllowedPullAccounts: [], ExemptionTagKey: 'ecr-guardrails:exempt', UseAccessAnalyzer: true };
const OFF: RepositoryAccessParams = { ...ON, UseAccessAnalyzer: false };
const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
// ECR "allow public pull" shape: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
const PUBLIC = policy({ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: PULL });
// Confined to the organisation: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
const ORG_ONLY = policy({ Sid: 'Org', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } });
// Public under a network condition the caller chooses (aws:SourceIp).
const OFFICE_IP = policy({ Sid: 'Office', Effect: 'Allow', Principal: '*', Action: PULL, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } });
// ECR "allow another account" (push) to an account outside the organisation.
const PARTNER_PUSH = policy({ Sid: 'PartnerPush', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'] });
// Open Allow with an explicit Deny for everyone outside the organisation (Deny wins:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
const ALLOW_THEN_DENY = policy(
  { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'ecr:*' },
  { Sid: 'OnlyOrg', Effect: 'Deny', Principal: '*', Action: 'ecr:*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } },
);

const ecr = mockClient(ECRClient);
const analyzer = mockClient(AccessAnalyzerClient);
const context = (params: RepositoryAccessParams) =>
  createCollectContext({ accountId: MEMBER_ACCOUNT, region: REGION, partition: 'aws', clients: new ClientFactory(REGION) }, params, { now: new Date('2026-11-20T09:00:00Z'), logger: silentLogger });
const named = (name: string, message = name) => Object.assign(new Error(message), { name });
const pass = { result: 'PASS' as const, message: 'The resource policy does not grant public access for the given resource type.', reasons: [] };
const fail = (statementId: string, statementIndex = 0) => ({ result: 'FAIL' as const, message: 'The resource policy grants public access for the given resource type.', reasons: [{ description: 'Public access granted in the following statement with sid: ' + statementId + '.', statementId, statementIndex }] });

/** Repositories named after their policy; `none` has no policy. */
function estate(policies: Record<string, string | null>): void {
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: Object.keys(policies).map((name) => ecrRepository(name)) });
  for (const [name, text] of Object.entries(policies)) {
    if (text === null) ecr.on(GetRepositoryPolicyCommand, { repositoryName: name }).rejects(named('RepositoryPolicyNotFoundException'));
    else ecr.on(GetRepositoryPolicyCommand, { repositoryName: name }).resolves({ policyText: text });
  }
}

async function verdicts(params: RepositoryAccessParams) {
  const facts = await collector.collectAll(context(params));
  return Object.fromEntries((await evaluate(facts, params)).map((e) => [e.resourceId, e]));
}

beforeEach(() => {
  ecr.reset();
  analyzer.reset();
  ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
  ecr.on(GetRegistryPolicyCommand).rejects(named('RegistryPolicyNotFoundException'));
  ecr.on(DescribeRegistryCommand).resolves({ registryId: MEMBER_ACCOUNT });
});

describe('UseAccessAnalyzer: the collector asks, the simulation decides', () => {
  it('asks CheckNoPublicAccess once per repository with a policy, with its text and resource type AWS::ECR::Repository; never without the parameter', async () => {
    estate({ open: PUBLIC, org: ORG_ONLY, none: null });
    analyzer.on(CheckNoPublicAccessCommand).resolves(pass);
    await verdicts(OFF);
    expect(analyzer.commandCalls(CheckNoPublicAccessCommand)).toHaveLength(0);
    await verdicts(ON);
    const requests = analyzer.commandCalls(CheckNoPublicAccessCommand).map((call) => call.args[0].input);
    expect(requests).toHaveLength(2);
    expect(requests).toEqual(expect.arrayContaining([{ policyDocument: PUBLIC, resourceType: 'AWS::ECR::Repository' }, { policyDocument: ORG_ONLY, resourceType: 'AWS::ECR::Repository' }]));
  });

  it('agreement: a public policy Access Analyzer also FAILs stays NON_COMPLIANT with the runbook, the agreement noted; a confined one it PASSes stays COMPLIANT', async () => {
    estate({ open: PUBLIC, org: ORG_ONLY });
    analyzer.on(CheckNoPublicAccessCommand, { policyDocument: PUBLIC }).resolves(fail('Open'));
    analyzer.on(CheckNoPublicAccessCommand, { policyDocument: ORG_ONLY }).resolves(pass);
    const result = await verdicts(ON);
    expect(result['open']).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: expect.stringMatching(/^Repository policy public: any AWS principal .* IAM Access Analyzer CheckNoPublicAccess agrees \(FAIL\)\.$/) });
    expect(result['open']?.runbook).toBeUndefined();
    expect(result['org']).toMatchObject({ complianceType: 'COMPLIANT', annotation: expect.stringContaining('IAM Access Analyzer CheckNoPublicAccess agrees (PASS)') });
  });

  it('Access Analyzer alone says FAIL: a policy the simulation finds confined is NON_COMPLIANT, naming AA\'s reason and the disagreement, with no runbook', async () => {
    estate({ org: ORG_ONLY });
    analyzer.on(CheckNoPublicAccessCommand).resolves(fail('Org'));
    const result = await verdicts(ON);
    expect(result['org']).toMatchObject({ complianceType: 'NON_COMPLIANT', runbook: null });
    expect(result['org']?.annotation).toBe(
      'IAM Access Analyzer CheckNoPublicAccess: FAIL, may be public: Public access granted in the following statement with sid: Org. (statement Org); the rule\'s simulation finds no public grant (they disagree: review the statements named).',
    );
  });

  it('the simulation alone says public: Access Analyzer PASS removes nothing; the finding keeps its runbook and the disagreement is noted', async () => {
    estate({ office: OFFICE_IP });
    analyzer.on(CheckNoPublicAccessCommand).resolves(pass);
    const result = await verdicts(ON);
    expect(result['office']).toMatchObject({ complianceType: 'NON_COMPLIANT' });
    expect(result['office']?.runbook).toBeUndefined();
    expect(result['office']?.annotation).toMatch(/^Repository policy public: .* when aws:SourceIp IpAddress 203\.0\.113\.0\/24\. IAM Access Analyzer CheckNoPublicAccess disagrees \(PASS: not public\); the rule's simulation decides/);
  });

  it('an Access Analyzer error is "Not readable:" for a repository the simulation passes, and only a note beside a finding the simulation makes', async () => {
    estate({ org: ORG_ONLY, open: PUBLIC, none: null });
    analyzer.on(CheckNoPublicAccessCommand).rejects(named('AccessDeniedException', 'User is not authorized to perform: access-analyzer:CheckNoPublicAccess'));
    const result = await verdicts(ON);
    expect(result['org']).toMatchObject({ complianceType: 'NON_COMPLIANT', notReadable: { call: 'access-analyzer:CheckNoPublicAccess', error: 'AccessDeniedException' } });
    expect(result['org']?.annotation).toMatch(/^Not readable: access-analyzer:CheckNoPublicAccess denied \(AccessDeniedException\)/);
    expect(result['open']).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: expect.stringMatching(/^Repository policy public: .*Not readable: access-analyzer:CheckNoPublicAccess denied/) });
    expect(result['open']?.notReadable).toBeUndefined();
    // No policy: nothing to ask, nothing missing.
    expect(result['none']?.complianceType).toBe('COMPLIANT');
  });

  it.each([
    ['the resource type refused (ValidationException: AWS::ECR::Repository is not a valid CheckNoPublicAccess type today)', 'ValidationException'],
    ['throttling left after the SDK\'s retries', 'ThrottlingException'],
    ['no Access Analyzer endpoint in the region (network error)', 'ENOTFOUND'],
  ])('a failure of the whole scope, %s, is asked once and makes every repository with a policy not readable', async (_, error) => {
    estate({ a: ORG_ONLY, b: ORG_ONLY, c: ORG_ONLY });
    analyzer.on(CheckNoPublicAccessCommand).rejects(named(error));
    const result = await verdicts(ON);
    expect(Object.values(result).map((e) => [e.complianceType, e.notReadable?.error])).toEqual([
      ['NON_COMPLIANT', error],
      ['NON_COMPLIANT', error],
      ['NON_COMPLIANT', error],
    ]);
    expect(result['a']?.annotation).toMatch(new RegExp(`^Not readable: access-analyzer:CheckNoPublicAccess returned what cannot be judged \\(${error}\\)`));
    // Concurrency lets a few calls start before the first failure returns; the rest reuse it.
    expect(analyzer.commandCalls(CheckNoPublicAccessCommand).length).toBeLessThanOrEqual(3);
  });

  it('a per-policy error (UnprocessableEntityException) is not reused for the other repositories', async () => {
    estate({ bad: ORG_ONLY, good: PUBLIC });
    analyzer.on(CheckNoPublicAccessCommand, { policyDocument: ORG_ONLY }).rejects(named('UnprocessableEntityException'));
    analyzer.on(CheckNoPublicAccessCommand, { policyDocument: PUBLIC }).resolves(fail('Open'));
    const result = await verdicts(ON);
    expect(result['bad']?.notReadable?.error).toBe('UnprocessableEntityException');
    expect(result['good']?.annotation).toContain('agrees (FAIL)');
  });

  it('the CLI sets it with --param UseAccessAnalyzer=true; off by default', () => {
    const access = RULES.filter((rule) => rule.id === 'ecr-repository-access');
    expect(ruleRuns(access, [])[0]?.params).toMatchObject({ UseAccessAnalyzer: false });
    expect(ruleRuns(access, ['UseAccessAnalyzer=true'])[0]?.params).toMatchObject({ UseAccessAnalyzer: true });
    expect(() => ruleRuns(access, ['UseAccessAnalyzer=maybe'])).toThrow(/UseAccessAnalyzer/);
  });

  it('facts collected without Access Analyzer, evaluated with UseAccessAnalyzer=true, are not readable rather than a pass', async () => {
    estate({ org: ORG_ONLY });
    const facts = await collector.collectAll(context(OFF));
    const [evaluation] = await evaluate(facts, ON);
    expect(evaluation).toMatchObject({ complianceType: 'NON_COMPLIANT', notReadable: { call: 'access-analyzer:CheckNoPublicAccess', error: 'NotCollected' } });
    expect((await evaluate(facts, OFF))[0]?.complianceType).toBe('COMPLIANT');
  });
});

/**
 * Where CheckNoPublicAccess and the simulation can differ, and why. The two answer different
 * questions: CheckNoPublicAccess "public" (any principal, unconditioned or conditioned on keys it
 * does not treat as restricting); the rule also "an account outside the organisation can write
 * or pull". AWS publishes no list of the keys CheckNoPublicAccess treats as restricting for ECR
 * (it does not take AWS::ECR::Repository at all today); for S3 it documents fixed aws:SourceIp /
 * aws:SourceVpce / aws:SourceVpc values as making a policy non-public. The Access Analyzer
 * answers below are therefore the documented possibilities, mocked; the rule's side is the real
 * simulation.
 */
describe('where CheckNoPublicAccess and the simulation can differ', () => {
  it('a push grant to one account outside the organisation is not "public" (AA PASS agrees on public) but is outside write for the rule: NON_COMPLIANT by the simulation alone', async () => {
    estate({ partner: PARTNER_PUSH });
    analyzer.on(CheckNoPublicAccessCommand).resolves(pass);
    const result = await verdicts(ON);
    expect(result['partner']?.complianceType).toBe('NON_COMPLIANT');
    expect(result['partner']?.annotation).toMatch(/^Repository policy outside write: account 444455556666 can call .*agrees \(PASS\)\.$/);
  });

  it('Principal "*" under aws:SourceIp: the caller picks its own address, so public for the rule; AA may count a fixed IP range as restricting (as for S3) and PASS: NON_COMPLIANT, the disagreement noted', async () => {
    estate({ office: OFFICE_IP });
    analyzer.on(CheckNoPublicAccessCommand).resolves(pass);
    expect((await verdicts(ON))['office']?.annotation).toContain('disagrees (PASS: not public)');
  });

  it('an open Allow cancelled by a Deny for everyone outside the organisation: COMPLIANT by simulation; a checker that answered FAIL here would still make it NON_COMPLIANT (AA can only add)', async () => {
    estate({ guarded: ALLOW_THEN_DENY });
    analyzer.on(CheckNoPublicAccessCommand).resolves(pass);
    expect((await verdicts(ON))['guarded']?.complianceType).toBe('COMPLIANT');
    analyzer.reset();
    analyzer.on(CheckNoPublicAccessCommand).resolves(fail('Open'));
    expect((await verdicts(ON))['guarded']).toMatchObject({ complianceType: 'NON_COMPLIANT', runbook: null, annotation: expect.stringContaining('they disagree') });
  });

  it('outcome table: only "public" is compared; no answer adds nothing when not asked', () => {
    expect(accessAnalyzerOutcome(undefined, true)).toEqual({});
    expect(accessAnalyzerOutcome({ result: 'FAIL', reasons: [] }, true).problem).toBeUndefined();
    expect(accessAnalyzerOutcome({ result: 'FAIL', reasons: [] }, false).problem).toContain('no reason given');
    expect(accessAnalyzerOutcome({ result: 'PASS', reasons: [] }, true).note).toContain('disagrees');
    expect(accessAnalyzerOutcome({ result: 'FAIL', reasons: [{ description: 'd', statementIndex: 2 }] }, false).problem).toContain('d (statement #3)');
  });
});
