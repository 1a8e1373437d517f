import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand, ECRClient, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runScan } from '../../cli/commands/scan.js';
import { renderTable } from '../../cli/report/table.js';
import { resolveTargets } from '../../cli/targets.js';

const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const ecr = mockClient(ECRClient);
const ACCOUNT = '210987654321';

// DescribeRegions with AllRegions lists every region with its opt-in status
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html).
const REGIONS = [
  { RegionName: 'eu-west-3', OptInStatus: 'opt-in-not-required' },
  { RegionName: 'eu-south-1', OptInStatus: 'opted-in' },
  { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' },
  { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
];

beforeEach(() => {
  sts.reset();
  ec2.reset();
  ecr.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` });
  ec2.on(DescribeRegionsCommand).resolves({ Regions: REGIONS });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [] });
  ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
});

describe('--region all', () => {
  it('scans every enabled region (opted-in ones included) and reports opt-in regions that are off as skipped', async () => {
    const { targets, skipped } = await resolveTargets({ regions: ['all'], org: false, roleName: 'R', accounts: [] });
    expect(ec2.commandCalls(DescribeRegionsCommand)[0]?.args[0].input).toEqual({ AllRegions: true });
    expect(targets.map((t) => t.region)).toEqual(['eu-south-1', 'eu-west-3', 'us-east-1']);
    expect(skipped).toEqual([{ accountId: ACCOUNT, region: 'af-south-1', reason: 'opt-in region not enabled for this account' }]);
  });

  it('--exclude-region leaves regions out and says so', async () => {
    const { targets, skipped } = await resolveTargets({ regions: ['all'], excludeRegions: ['us-east-1'], org: false, roleName: 'R', accounts: [] });
    expect(targets.map((t) => t.region)).toEqual(['eu-south-1', 'eu-west-3']);
    expect(skipped.map((s) => [s.region, s.reason])).toEqual([
      ['af-south-1', 'opt-in region not enabled for this account'],
      ['us-east-1', 'excluded by --exclude-region'],
    ]);
  });

  it.each([
    [{ regions: ['all', 'eu-west-1'] }, '--region all scans every enabled region: do not name other regions with it'],
    [{ regions: ['eu-west-1'], excludeRegions: ['eu-west-3'] }, '--exclude-region goes with --region all.'],
    [{ regions: ['all'], excludeRegions: ['Paris'] }, '--region Paris: expected a region name such as eu-west-3, or all.'],
    [{ regions: ['all'], excludeRegions: ['eu-west-3', 'eu-south-1', 'us-east-1'] }, '--region all: no enabled region is left to scan'],
  ])('refuses %j', async (options, message) => {
    await expect(resolveTargets({ org: false, roleName: 'R', accounts: [], ...options })).rejects.toThrow(message);
  });

  it('the scope table shows scanned, skipped (why) and failed (why) per account and region', async () => {
    ecr.on(DescribeRepositoriesCommand).callsFake(async (_input: unknown, getClient: () => ECRClient) => {
      if ((await getClient().config.region()) === 'eu-south-1') throw Object.assign(new Error('The security token included in the request is invalid'), { name: 'UnrecognizedClientException' });
      return { repositories: [] };
    });
    const { report } = await runScan({ region: ['all'], excludeRegion: [], account: [], param: [], rules: 'ecr-tag-immutability', roleName: 'R', format: 'json', color: false, concurrency: 2 });
    expect(report.scopes).toEqual([
      { accountId: ACCOUNT, region: 'eu-south-1', status: 'failed', reason: 'ecr-tag-immutability: ecr:DescribeRepositories failed: UnrecognizedClientException: The security token included in the request is invalid' },
      { accountId: ACCOUNT, region: 'eu-west-3', status: 'scanned' },
      { accountId: ACCOUNT, region: 'us-east-1', status: 'scanned' },
      { accountId: ACCOUNT, region: 'af-south-1', status: 'skipped', reason: 'opt-in region not enabled for this account' },
    ]);
    const table = renderTable(report, { color: false });
    expect(table).toContain(`  failed   ${ACCOUNT} eu-south-1      ecr-tag-immutability: ecr:DescribeRepositories failed`);
    expect(table).toContain(`  skipped  ${ACCOUNT} af-south-1      opt-in region not enabled for this account`);
    expect(table).toContain(`  scanned  ${ACCOUNT} eu-west-3`);
  });
});
