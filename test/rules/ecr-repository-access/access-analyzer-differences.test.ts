/**
 * Where the external access analyzer's findings and the rule's simulation differ, and why. The
 * Access Analyzer side is mocked with the findings AWS documents it would produce; the rule's
 * side is the real simulation.
 *
 * 1. Zone of trust vs the rule's boundary. "Any principal in the organization or account that you
 *    choose for the analyzer is considered trusted ... Any sharing that is within the zone of trust
 *    is considered safe, so IAM Access Analyzer does not generate a finding"
 *    (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html). An ACCOUNT
 *    analyzer therefore reports grants to the rest of the organisation and to TrustedAccounts /
 *    AllowedPullAccounts, which the rule accepts; an ORGANIZATION analyzer is silent on a grant to
 *    an organisation member named by account id, which the rule cannot tell from an outsider and
 *    reports (TrustedAccounts is how to say so).
 * 2. Conditions. The rule counts only an account or organisation boundary as confinement; a
 *    condition the caller meets by itself (aws:SourceIp, aws:SourceVpce) is not one. Access
 *    Analyzer may count such a condition as restricting (a finding that is not public, or none):
 *    AWS publishes no per-key list for ECR, so both possibilities are shown.
 * 3. Timing. "After you create or update an analyzer, it can take time for findings to be
 *    available" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-create-external.html);
 *    findings follow policy changes asynchronously, so a finding can outlive the policy it was
 *    made from, and a new grant can have no finding yet.
 */
import { ListAnalyzersCommand, ListFindingsCommand } from '@aws-sdk/client-accessanalyzer';
import { beforeEach, describe, expect, it } from 'vitest';
import { accessAnalyzerOutcome, findingAccounts } from '../../../rules/ecr-repository-access/access-analyzer.js';
import {
  ACCOUNT_ANALYZER,
  analyzer,
  ecr,
  estate,
  finding,
  ON,
  ORG,
  ORG_ANALYZER,
  ORG_ONLY,
  OFFICE_IP,
  OUTSIDER,
  PARTNER_PUSH,
  policy,
  PUBLIC,
  PULL,
  PUSH,
  verdicts,
  VPCE,
} from './access-analyzer-fixtures.js';

const MEMBER = '777788889999';
// A push grant to another account of our organisation, named by account id (no condition).
const SIBLING_PUSH = policy({ Sid: 'SiblingPush', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MEMBER}:root` }, Action: PUSH });
// A vendor pulling: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
const VENDOR_PULL = policy({ Sid: 'VendorPull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` }, Action: PULL });

beforeEach(() => {
  ecr.reset();
  analyzer.reset();
  analyzer.on(ListAnalyzersCommand).resolves({ analyzers: [ACCOUNT_ANALYZER] });
});

describe('zone of trust vs the rule\'s boundary', () => {
  it('ACCOUNT analyzer: a push grant to an account in TrustedAccounts is external access for AA, trusted for the rule: COMPLIANT, AA\'s finding noted as not outside', async () => {
    estate({ partner: PARTNER_PUSH });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-partner', 'partner', { principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` }, action: PUSH })] });
    const result = (await verdicts({ ...ON, TrustedAccounts: [OUTSIDER] }))['partner'];
    expect(result?.complianceType).toBe('COMPLIANT');
    expect(result?.annotation).toContain('finding f-partner (analysed 2026-11-19T08:00:00.000Z): AWS arn:aws:iam::444455556666:root can call ecr:CompleteLayerUpload, ecr:InitiateLayerUpload, ecr:PutImage, ecr:UploadLayerPart: not outside for this rule (TrustedAccounts)');
    // Without TrustedAccounts both find it: agreement.
    expect((await verdicts(ON))['partner']?.annotation).toMatch(/^Repository policy outside write: account 444455556666 .* agrees \(finding f-partner\)\.$/);
  });

  it('ACCOUNT analyzer: a pull grant to an AllowedPullAccounts vendor is accepted; the same finding with a push action is not', async () => {
    estate({ vendor: VENDOR_PULL });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-vendor', 'vendor')] });
    const allowed = { ...ON, AllowedPullAccounts: [OUTSIDER] };
    expect((await verdicts(allowed))['vendor']).toMatchObject({ complianceType: 'COMPLIANT', annotation: expect.stringContaining('not outside for this rule (AllowedPullAccounts, pull only)') });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-vendor', 'vendor', { action: [...PULL, 'ecr:PutImage'] })] });
    expect((await verdicts(allowed))['vendor']).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: expect.stringContaining('finding f-vendor') });
  });

  it('ACCOUNT analyzer: Principal "*" confined by aws:PrincipalOrgID is external to the account for AA, inside for the rule: COMPLIANT', async () => {
    estate({ org: ORG_ONLY });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-org', 'org', { principal: { AWS: '*' }, condition: { 'aws:PrincipalOrgID': ORG } })] });
    const result = (await verdicts(ON))['org'];
    expect(result?.complianceType).toBe('COMPLIANT');
    expect(result?.annotation).toContain(`not outside for this rule (confined to organisation ${ORG}`);
  });

  it('ORGANIZATION analyzer: a push grant to an organisation member named by account id is inside AA\'s zone of trust (no finding); the rule cannot tell it from an outsider and reports it, noting AA\'s silence', async () => {
    analyzer.on(ListAnalyzersCommand).resolves({ analyzers: [ORG_ANALYZER] });
    analyzer.on(ListFindingsCommand).resolves({ findings: [] });
    estate({ sibling: SIBLING_PUSH });
    const result = (await verdicts(ON))['sibling'];
    expect(result?.complianceType).toBe('NON_COMPLIANT');
    expect(result?.runbook).toBeUndefined();
    expect(result?.annotation).toMatch(/^Repository policy outside write: account 777788889999 .*ORGANIZATION analyzer ConsoleAnalyzer-organization\) has no active finding for this: .*does not report principals inside its zone of trust \(the organisation\)/);
    // Naming the account in TrustedAccounts settles it for both.
    expect((await verdicts({ ...ON, TrustedAccounts: [MEMBER] }))['sibling']).toMatchObject({ complianceType: 'COMPLIANT', annotation: expect.stringContaining('agrees (no active finding)') });
  });
});

describe('conditions the caller meets by itself', () => {
  it('aws:SourceIp: public for the rule; AA reports the grant with the condition but not as public: NON_COMPLIANT, AA\'s view noted', async () => {
    estate({ office: OFFICE_IP });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-office', 'office', { principal: { AWS: '*' }, condition: { 'aws:SourceIp': '203.0.113.0/24' } })] });
    const result = (await verdicts(ON))['office'];
    expect(result?.complianceType).toBe('NON_COMPLIANT');
    expect(result?.runbook).toBeUndefined();
    expect(result?.annotation).toMatch(/^Repository policy public: .* when aws:SourceIp IpAddress 203\.0\.113\.0\/24\. .*agrees \(finding f-office\)\. .*finding f-office .*when aws:SourceIp=203\.0\.113\.0\/24: not public for Access Analyzer; the rule's simulation decides/);
  });

  it('aws:SourceVpce: public for the rule; AA with no finding at all: the finding stays, AA\'s silence noted', async () => {
    estate({ endpoint: VPCE });
    analyzer.on(ListFindingsCommand).resolves({ findings: [] });
    const result = (await verdicts(ON))['endpoint'];
    expect(result?.complianceType).toBe('NON_COMPLIANT');
    expect(result?.annotation).toMatch(/^Repository policy public: .*aws:SourceVpce.* has no active finding for this/);
  });
});

describe('timing: findings follow policy changes asynchronously', () => {
  it('a public finding analysed before the policy was confined still makes it NON_COMPLIANT (AA can only add), naming when AA analysed it; once AA resolves it, COMPLIANT', async () => {
    estate({ fixed: ORG_ONLY });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-stale', 'fixed', { isPublic: true, principal: { AWS: '*' }, analyzedAt: new Date('2026-11-18T07:00:00Z') })] });
    expect((await verdicts(ON))['fixed']).toMatchObject({ complianceType: 'NON_COMPLIANT', runbook: null, annotation: expect.stringContaining('finding f-stale (analysed 2026-11-18T07:00:00.000Z): public') });
    // Re-analysed: the finding is RESOLVED, so no longer listed (the filter asks for ACTIVE).
    analyzer.on(ListFindingsCommand).resolves({ findings: [] });
    expect((await verdicts(ON))['fixed']?.complianceType).toBe('COMPLIANT');
  });

  it('a public policy written after AA\'s last analysis has no finding yet: the simulation\'s finding stands', async () => {
    estate({ open: PUBLIC });
    analyzer.on(ListFindingsCommand).resolves({ findings: [] });
    expect((await verdicts(ON))['open']).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: expect.stringContaining('it may not have re-analysed yet') });
  });
});

describe('the outcome, pure', () => {
  const context = { accountId: '111122223333', organizationId: ORG, trustedAccounts: [], allowedPullAccounts: [], pull: new Set(PULL) };
  const summary = (over: Partial<Parameters<typeof findingAccounts>[0]> = {}) => ({ id: 'f', isPublic: false, principal: { AWS: OUTSIDER }, actions: PULL, condition: {}, ...over });

  it('accounts come from the principal and the condition values', () => {
    expect(findingAccounts(summary({ principal: { AWS: `arn:aws:iam::${OUTSIDER}:role/ci` }, condition: { 'aws:PrincipalAccount': '999988887777' } }))).toEqual([OUTSIDER, '999988887777']);
    expect(findingAccounts(summary({ principal: { Service: 'codebuild.amazonaws.com' } }))).toEqual([]);
  });

  it('not asked: nothing added; a service principal finding is covered only by the simulation\'s service finding', () => {
    expect(accessAnalyzerOutcome(undefined, [], context)).toEqual({ problems: [], notes: [] });
    const service = summary({ principal: { Service: 'codebuild.amazonaws.com' } });
    const answer = { analyzer: { arn: 'a', name: 'n', type: 'ACCOUNT' as const }, findings: [service] };
    expect(accessAnalyzerOutcome(answer, [], context).problems).toHaveLength(1);
    const grant = { kind: 'service-unconfined' as const, principal: 'service codebuild.amazonaws.com', accounts: [], actions: PULL, statements: ['CB'] };
    expect(accessAnalyzerOutcome(answer, [grant], context)).toEqual({ problems: [], notes: ['IAM Access Analyzer (ACCOUNT analyzer n) agrees (finding f)'] });
  });
});
