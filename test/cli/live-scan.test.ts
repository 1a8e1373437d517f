import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRepositoriesCommand, ECRClient, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { rule as tagImmutability } from '../../rules/ecr-tag-immutability/rule.js';
import { defaultRuleParameters } from '../../rules/kernel/parameters.js';
import { exitStatus, runScan } from '../../cli/commands/scan.js';
import { collectSnapshot, evaluateSnapshot } from '../../cli/scan.js';
import { readSnapshot, writeSnapshot } from '../../cli/snapshot.js';
import { resolveTargets } from '../../cli/targets.js';
import { ecrRepository } from '../support/ecr.js';

const sts = mockClient(STSClient);
const ecr = mockClient(ECRClient);
const organizations = mockClient(OrganizationsClient);
const MANAGEMENT = '210987654321';
const MEMBER = '111122223333';
const BROKEN = '444455556666';

// Only ECR is mocked here: scan the tag-immutability rule.
const liveOptions = { region: ['eu-west-3'], account: [], param: [], rules: 'ecr-tag-immutability', roleName: 'EcrGuardrailsEvaluationRole', format: 'json' as const, color: false, concurrency: 2 };

beforeEach(() => {
  sts.reset();
  ecr.reset();
  organizations.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: MANAGEMENT, Arn: `arn:aws:iam::${MANAGEMENT}:user/auditor`, UserId: 'AIDA' });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [ecrRepository('svc/a', { imageTagMutability: 'IMMUTABLE' }), ecrRepository('svc/b')] });
  ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
});

describe('live scan', () => {
  it('scans the caller account in each region and reports as the demo does', async () => {
    const { report } = await runScan({ ...liveOptions, region: ['eu-west-3', 'eu-west-1'] });
    expect(report.source.kind).toBe('live');
    expect(report.scopes).toEqual([
      { accountId: MANAGEMENT, region: 'eu-west-3', status: 'scanned' },
      { accountId: MANAGEMENT, region: 'eu-west-1', status: 'scanned' },
    ]);
    expect(report.results.map((r) => [r.region, r.resourceId, r.complianceType])).toEqual([
      ['eu-west-1', 'svc/b', 'NON_COMPLIANT'],
      ['eu-west-3', 'svc/b', 'NON_COMPLIANT'],
      ['eu-west-1', 'svc/a', 'COMPLIANT'],
      ['eu-west-3', 'svc/a', 'COMPLIANT'],
    ]);
    expect(exitStatus(report)).toBe(1);
    // One listing per region, shared by nothing else here.
    expect(ecr).toHaveReceivedCommandTimes(DescribeRepositoriesCommand, 2);
  });

  it('with --org assumes the evaluation role in members and keeps going when one account is unreachable', async () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: MANAGEMENT, Status: 'ACTIVE' },
        { Id: MEMBER, Status: 'ACTIVE' },
        { Id: BROKEN, Status: 'ACTIVE' },
        { Id: '777777777777', Status: 'SUSPENDED' },
      ],
    });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) },
    });
    sts.on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${BROKEN}:role/EcrGuardrailsEvaluationRole` }).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

    const { report } = await runScan({ ...liveOptions, org: true });
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([
      `arn:aws:iam::${MEMBER}:role/EcrGuardrailsEvaluationRole`,
      `arn:aws:iam::${BROKEN}:role/EcrGuardrailsEvaluationRole`,
    ]);
    expect(new Set(report.results.map((r) => r.accountId))).toEqual(new Set([MANAGEMENT, MEMBER]));
    expect(report.problems).toEqual([
      {
        accountId: BROKEN,
        region: 'eu-west-3',
        message: `cannot assume arn:aws:iam::${BROKEN}:role/EcrGuardrailsEvaluationRole: not authorized`,
      },
    ]);
    expect(exitStatus(report)).toBe(2);
    // The member's repositories were listed with the member's credentials, the caller's with its own.
    const keys = await Promise.all(
      ecr.commandCalls(DescribeRepositoriesCommand).map(async (call) => (await (call.thisValue as ECRClient).config.credentials()).accessKeyId),
    );
    expect(keys.sort()).toEqual(['AKIATESTTESTTESTTEST', 'ASIAMEMBER']);
  });

  it('--account limits an org scan and refuses accounts outside the organisation', async () => {
    organizations.on(ListAccountsCommand).resolves({ Accounts: [{ Id: MANAGEMENT, Status: 'ACTIVE' }, { Id: MEMBER, Status: 'ACTIVE' }] });
    await expect(resolveTargets({ regions: ['eu-west-3'], org: true, roleName: 'R', accounts: ['999999999999'] })).rejects.toThrow(
      '--account 999999999999: not an active account of this organisation.',
    );
  });

  it('records a collector failure as a problem of that scope and scans the rest', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(Object.assign(new Error('User is not authorized to perform: ecr:DescribeRepositories'), { name: 'AccessDeniedException' }));
    const { report } = await runScan(liveOptions);
    expect(report.problems).toEqual([
      expect.objectContaining({
        accountId: MANAGEMENT,
        ruleId: 'ecr-tag-immutability',
        message: 'ecr:DescribeRepositories failed: AccessDeniedException: User is not authorized to perform: ecr:DescribeRepositories',
      }),
    ]);
    expect(exitStatus(report)).toBe(2);
  });
});

describe('collecting many scopes', () => {
  it('collects at most --concurrency scopes at once and keeps the scopes in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const slowRule = {
      ...tagImmutability,
      collector: {
        collectAll: async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inFlight--;
          return { repositories: [] };
        },
      },
    };
    const regions = ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'eu-south-1'];
    const { targets } = await resolveTargets({ regions, org: false, roleName: 'R', accounts: [] });
    const runs = [{ rule: slowRule, params: defaultRuleParameters(tagImmutability.id, tagImmutability.parameters) }];
    const { snapshot } = await collectSnapshot(targets, runs, { now: new Date('2026-11-20T09:00:00Z'), concurrency: 2 });
    expect(peak).toBe(2);
    expect(snapshot.scopes.map((scope) => scope.region)).toEqual(regions);
  });
});

describe('collect then scan offline', () => {
  it('a written snapshot evaluates to the same findings as the live scan', async () => {
    const runs = [{ rule: tagImmutability, params: defaultRuleParameters(tagImmutability.id, tagImmutability.parameters) }];
    const { targets } = await resolveTargets({ regions: ['eu-west-3'], org: false, roleName: 'R', accounts: [] });
    const now = new Date('2026-11-20T09:00:00Z');
    const { snapshot } = await collectSnapshot(targets, runs, { now });
    const path = join(await mkdtemp(join(tmpdir(), 'snap-')), 'estate.json');
    await writeSnapshot(path, snapshot);
    const reread = await readSnapshot(path);
    expect(reread.collectedAt).toBe('2026-11-20T09:00:00.000Z');
    expect(await evaluateSnapshot(reread, runs)).toEqual(await evaluateSnapshot(snapshot, runs));
    expect((await evaluateSnapshot(reread, runs)).findings.map((f) => [f.resourceId, f.complianceType])).toEqual([
      ['svc/a', 'COMPLIANT'],
      ['svc/b', 'NON_COMPLIANT'],
    ]);
  });
});
