/**
 * UseAccessAnalyzer: the findings of the account's IAM Access Analyzer external access analyzer
 * as a second opinion, against a mocked Access Analyzer (the emulator has none).
 *
 * ListAnalyzers (type, status): https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListAnalyzers.html
 * ListFindings (analyzerArn, filter, nextToken; findings with principal, action, condition,
 * isPublic; "ListFindings and ListFindingsV2 both use access-analyzer:ListFindings"; "only
 * supported for external access analyzers"): https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListFindings.html
 * Filter keys resourceType (AWS::ECR::Repository among them), status, resourceOwnerAccount,
 * resource: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html
 *
 * The contract: the rule's simulation decides; Access Analyzer can add a finding, never remove one.
 */
import { ListAnalyzersCommand, ListFindingsCommand } from '@aws-sdk/client-accessanalyzer';
import { beforeEach, describe, expect, it } from 'vitest';
import { ruleRuns } from '../../../cli/options.js';
import { collector } from '../../../rules/ecr-repository-access/collect.js';
import { evaluate } from '../../../rules/ecr-repository-access/evaluate.js';
import { RULES } from '../../../rules/index.js';
import type { ConfigurationItem } from '../../../rules/kernel/config-item.js';
import { MEMBER_ACCOUNT } from '../../support/config-events.js';
import { ecrRepositoryConfiguration } from '../../support/ecr.js';
import {
  ACCOUNT_ANALYZER,
  ALLOW_THEN_DENY,
  analyzer,
  arnOf,
  context,
  ecr,
  estate,
  finding,
  named,
  OFF,
  ON,
  ORG_ANALYZER,
  ORG_ONLY,
  OUTSIDER,
  PARTNER_PUSH,
  PUBLIC,

  PUSH,
  UNUSED_ANALYZER,
  verdicts,
} from './access-analyzer-fixtures.js';

beforeEach(() => {
  ecr.reset();
  analyzer.reset();
});

describe('UseAccessAnalyzer: the collector reads the external access analyzer once per scope', () => {
  it('never without the parameter; with it, one ListAnalyzers and one ListFindings per region (not per repository), filtered to ACTIVE ECR findings of the account', async () => {
    estate({ open: PUBLIC, org: ORG_ONLY, none: null });
    analyzer.on(ListAnalyzersCommand).resolves({ analyzers: [UNUSED_ANALYZER, ACCOUNT_ANALYZER] });
    analyzer.on(ListFindingsCommand).resolves({ findings: [] });
    await verdicts(OFF);
    expect(analyzer.calls()).toHaveLength(0);
    await verdicts(ON);
    expect(analyzer.commandCalls(ListAnalyzersCommand)).toHaveLength(1);
    expect(analyzer.commandCalls(ListFindingsCommand).map((call) => call.args[0].input)).toEqual([
      {
        analyzerArn: ACCOUNT_ANALYZER.arn,
        filter: { resourceType: { eq: ['AWS::ECR::Repository'] }, status: { eq: ['ACTIVE'] }, resourceOwnerAccount: { eq: [MEMBER_ACCOUNT] } },
      },
    ]);
  });

  it('prefers an ACTIVE ORGANIZATION analyzer (zone of trust: the organisation) to an ACCOUNT one; ignores unused-access, internal-access and inactive analyzers', async () => {
    estate({ org: ORG_ONLY });
    analyzer.on(ListAnalyzersCommand).resolves({
      analyzers: [ACCOUNT_ANALYZER, { ...ORG_ANALYZER, arn: `${ORG_ANALYZER.arn}-old`, status: 'DISABLED' }, { ...UNUSED_ANALYZER, type: 'ORGANIZATION_INTERNAL_ACCESS' }, ORG_ANALYZER],
    });
    analyzer.on(ListFindingsCommand).resolves({ findings: [] });
    const result = await verdicts(ON);
    expect(analyzer.commandCalls(ListFindingsCommand)[0]?.args[0].input.analyzerArn).toBe(ORG_ANALYZER.arn);
    expect(result['org']?.annotation).toContain('IAM Access Analyzer (ORGANIZATION analyzer ConsoleAnalyzer-organization) agrees (no active finding)');
  });

  it('follows ListFindings pages and attaches findings to repositories by resource ARN; findings of other repositories, accounts or resource types are ignored', async () => {
    estate({ open: PUBLIC, org: ORG_ONLY });
    analyzer.on(ListAnalyzersCommand).resolves({ analyzers: [ACCOUNT_ANALYZER] });
    analyzer
      .on(ListFindingsCommand)
      .resolvesOnce({ findings: [finding('f-gone', 'deleted-repo', { isPublic: true, principal: { AWS: '*' } })], nextToken: 'page-2' })
      .resolvesOnce({
        findings: [
          finding('f-open', 'open', { isPublic: true, principal: { AWS: '*' } }),
          finding('f-other-account', 'org', { isPublic: true, principal: { AWS: '*' }, resource: arnOf('org', '999988887777'), resourceOwnerAccount: '999988887777' }),
          finding('f-bucket', 'org', { isPublic: true, principal: { AWS: '*' }, resource: arnOf('org'), resourceType: 'AWS::S3::Bucket' }),
        ],
      });
    const result = await verdicts(ON);
    // The SDK paginator reuses one input object: the second call carries the first page's token.
    expect(analyzer.commandCalls(ListFindingsCommand)).toHaveLength(2);
    expect(analyzer.commandCalls(ListFindingsCommand)[1]?.args[0].input.nextToken).toBe('page-2');
    expect(result['open']?.annotation).toContain('agrees (finding f-open)');
    expect(result['org']).toMatchObject({ complianceType: 'COMPLIANT', annotation: expect.stringContaining('agrees (no active finding)') });
  });

  it('a change event lists the findings of that repository only (filter resource eq its ARN)', async () => {
    estate({});
    analyzer.on(ListAnalyzersCommand).resolves({ analyzers: [ACCOUNT_ANALYZER] });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-open', 'open', { isPublic: true, principal: { AWS: '*' } })] });
    const item = { resourceType: 'AWS::ECR::Repository', resourceId: 'open', resourceName: 'open', tags: {}, configuration: ecrRepositoryConfiguration('open', { RepositoryPolicyText: JSON.parse(PUBLIC) as unknown }) } as unknown as ConfigurationItem;
    const facts = await collector.collectForChange!(item, context(ON));
    expect(analyzer.commandCalls(ListFindingsCommand)[0]?.args[0].input.filter).toMatchObject({ resource: { eq: [arnOf('open')] } });
    expect(facts?.repositories[0]?.accessAnalyzer).toMatchObject({ analyzer: { type: 'ACCOUNT' }, findings: [{ id: 'f-open', isPublic: true }] });
  });
});

describe('UseAccessAnalyzer: the simulation decides, Access Analyzer can only add', () => {
  beforeEach(() => {
    analyzer.on(ListAnalyzersCommand).resolves({ analyzers: [ACCOUNT_ANALYZER] });
  });

  it('agreement: a public policy with AA\'s public finding stays NON_COMPLIANT with the runbook; a confined one without findings stays COMPLIANT', async () => {
    estate({ open: PUBLIC, org: ORG_ONLY });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-open', 'open', { isPublic: true, principal: { AWS: '*' } })] });
    const result = await verdicts(ON);
    expect(result['open']).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: expect.stringMatching(/^Repository policy public: any AWS principal .* IAM Access Analyzer \(ACCOUNT analyzer ConsoleAnalyzer-account\) agrees \(finding f-open\)\.$/) });
    expect(result['open']?.runbook).toBeUndefined();
    expect(result['org']).toMatchObject({ complianceType: 'COMPLIANT', annotation: expect.stringMatching(/agrees \(no active finding\)\.$/) });
  });

  it('AA alone finds it public: NON_COMPLIANT, naming AA\'s finding id, principal and actions and the disagreement, with no runbook', async () => {
    estate({ guarded: ALLOW_THEN_DENY });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-public', 'guarded', { isPublic: true, principal: { AWS: '*' }, action: ['ecr:PutImage'] })] });
    const result = await verdicts(ON);
    expect(result['guarded']).toMatchObject({ complianceType: 'NON_COMPLIANT', runbook: null });
    expect(result['guarded']?.annotation).toBe(
      'IAM Access Analyzer (ACCOUNT analyzer ConsoleAnalyzer-account) finding f-public (analysed 2026-11-19T08:00:00.000Z): public, AWS * can call ecr:PutImage; the rule\'s simulation finds no public grant (they disagree: review the repository policy).',
    );
  });

  it('AA alone finds outside write by an account outside the organisation, TrustedAccounts and AllowedPullAccounts: NON_COMPLIANT with the disagreement', async () => {
    estate({ org: ORG_ONLY });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-push', 'org', { principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` }, action: PUSH })] });
    const result = await verdicts(ON);
    expect(result['org']).toMatchObject({ complianceType: 'NON_COMPLIANT', runbook: null });
    expect(result['org']?.annotation).toMatch(
      /^IAM Access Analyzer \(ACCOUNT analyzer ConsoleAnalyzer-account\) finding f-push .*: AWS arn:aws:iam::444455556666:root can call ecr:CompleteLayerUpload, .*ecr:PutImage.*, outside the account, TrustedAccounts and AllowedPullAccounts; the rule's simulation finds no grant to it \(they disagree/,
    );
  });

  it('ours only: the simulation\'s outside write stays with its runbook; the note says AA has no finding and analyses asynchronously', async () => {
    estate({ partner: PARTNER_PUSH });
    analyzer.on(ListFindingsCommand).resolves({ findings: [] });
    const result = await verdicts(ON);
    expect(result['partner']).toMatchObject({ complianceType: 'NON_COMPLIANT' });
    expect(result['partner']?.runbook).toBeUndefined();
    expect(result['partner']?.annotation).toMatch(/^Repository policy outside write: account 444455556666 can call .* has no active finding for this: it analyses policy changes asynchronously \(it may not have re-analysed yet\)/);
  });

  it('an Error finding (AA could not analyse the repository) is "Not readable", never a pass', async () => {
    estate({ org: ORG_ONLY });
    analyzer.on(ListFindingsCommand).resolves({ findings: [finding('f-error', 'org', { error: 'INTERNAL_ERROR', principal: {}, action: [] })] });
    expect((await verdicts(ON))['org']).toMatchObject({ complianceType: 'NON_COMPLIANT', notReadable: { call: 'access-analyzer:ListFindings', error: 'AnalysisError' } });
  });
});

describe('UseAccessAnalyzer: no answer is "Not readable", never a pass', () => {
  it('no ACTIVE external access analyzer (only an unused-access one): every repository with a policy is not readable, naming ListAnalyzers; a finding of the simulation stays; no policy needs no answer', async () => {
    estate({ org: ORG_ONLY, open: PUBLIC, none: null });
    analyzer.on(ListAnalyzersCommand).resolves({ analyzers: [UNUSED_ANALYZER, { ...ACCOUNT_ANALYZER, status: 'CREATING' }] });
    const result = await verdicts(ON);
    expect(analyzer.commandCalls(ListFindingsCommand)).toHaveLength(0);
    expect(result['org']).toMatchObject({ complianceType: 'NON_COMPLIANT', notReadable: { call: 'access-analyzer:ListAnalyzers', error: 'NoActiveAnalyzer' } });
    expect(result['org']?.annotation).toMatch(/^Not readable: access-analyzer:ListAnalyzers returned what cannot be judged \(NoActiveAnalyzer\): no ACTIVE external access analyzer .* UnusedAccess \(ACCOUNT_UNUSED_ACCESS, ACTIVE\), ConsoleAnalyzer-account \(ACCOUNT, CREATING\)/);
    expect(result['open']).toMatchObject({ complianceType: 'NON_COMPLIANT', annotation: expect.stringMatching(/^Repository policy public: .*Not readable: access-analyzer:ListAnalyzers/) });
    expect(result['open']?.notReadable).toBeUndefined();
    expect(result['none']?.complianceType).toBe('COMPLIANT');
  });

  it.each([
    ['ListAnalyzers denied', 'access-analyzer:ListAnalyzers'],
    ['ListFindings denied', 'access-analyzer:ListFindings'],
  ] as const)('%s (AccessDeniedException): asked once for the region, every repository with a policy not readable naming the call', async (_, call) => {
    estate({ a: ORG_ONLY, b: ORG_ONLY, c: ORG_ONLY });
    const error = named('AccessDeniedException', `User is not authorized to perform: ${call}`);
    if (call === 'access-analyzer:ListAnalyzers') analyzer.on(ListAnalyzersCommand).rejects(error);
    else analyzer.on(ListAnalyzersCommand).resolves({ analyzers: [ACCOUNT_ANALYZER] }).on(ListFindingsCommand).rejects(error);
    const result = await verdicts(ON);
    expect(analyzer.calls()).toHaveLength(call === 'access-analyzer:ListAnalyzers' ? 1 : 2);
    expect(Object.values(result).map((e) => [e.complianceType, e.notReadable?.call, e.notReadable?.error])).toEqual([
      ['NON_COMPLIANT', call, 'AccessDeniedException'],
      ['NON_COMPLIANT', call, 'AccessDeniedException'],
      ['NON_COMPLIANT', call, 'AccessDeniedException'],
    ]);
    expect(result['a']?.annotation).toMatch(new RegExp(`^Not readable: ${call} denied \\(AccessDeniedException\\)`));
  });

  it('throttling left after the SDK\'s retries is not readable too (the error named)', async () => {
    estate({ a: ORG_ONLY });
    analyzer.on(ListAnalyzersCommand).resolves({ analyzers: [ACCOUNT_ANALYZER] });
    analyzer.on(ListFindingsCommand).rejects(named('ThrottlingException', 'Rate exceeded'));
    expect((await verdicts(ON))['a']?.annotation).toBe('Not readable: access-analyzer:ListFindings returned what cannot be judged (ThrottlingException): Rate exceeded');
  });

  it('facts collected without Access Analyzer, evaluated with UseAccessAnalyzer=true, are not readable rather than a pass', async () => {
    estate({ org: ORG_ONLY });
    const facts = await collector.collectAll(context(OFF));
    const [evaluation] = await evaluate(facts, ON);
    expect(evaluation).toMatchObject({ complianceType: 'NON_COMPLIANT', notReadable: { call: 'access-analyzer:ListFindings', error: 'NotCollected' } });
    expect((await evaluate(facts, OFF))[0]?.complianceType).toBe('COMPLIANT');
  });

  it('the CLI sets it with --param UseAccessAnalyzer=true; off by default', () => {
    const access = RULES.filter((rule) => rule.id === 'ecr-repository-access');
    expect(ruleRuns(access, [])[0]?.params).toMatchObject({ UseAccessAnalyzer: false });
    expect(ruleRuns(access, ['UseAccessAnalyzer=true'])[0]?.params).toMatchObject({ UseAccessAnalyzer: true });
    expect(() => ruleRuns(access, ['UseAccessAnalyzer=maybe'])).toThrow(/UseAccessAnalyzer/);
  });
});


