/**
 * A scan that saw nothing, or could not read something, must never exit 0: "nothing
 * NON_COMPLIANT" is a claim that every resource was evaluated (docs/architecture.md, "Errors and
 * exit codes"). Each case here used to exit 0 with an empty or partial report.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRepositoriesCommand, ECRClient, ECRServiceException, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnapshotError, UsageError } from '../../cli/errors.js';
import { selectRules } from '../../cli/options.js';
import { exitStatus, runScan } from '../../cli/commands/scan.js';
import { ecrRepository } from '../support/ecr.js';

const sts = mockClient(STSClient);
const ecr = mockClient(ECRClient);
const organizations = mockClient(OrganizationsClient);
const ACCOUNT = '210987654321';
const live = { region: ['eu-west-3'], account: [], param: [], rules: 'ecr-tag-immutability', roleName: 'EcrGuardrailsEvaluationRole', format: 'json' as const, color: false, concurrency: 1 };

beforeEach(() => {
  sts.reset();
  ecr.reset();
  organizations.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, UserId: 'AIDA' });
  ecr.on(DescribeRepositoriesCommand).resolves({
    repositories: [ecrRepository('svc/open', { imageTagMutability: 'IMMUTABLE' }), ecrRepository('svc/locked', { imageTagMutability: 'IMMUTABLE' })],
  });
  ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
});

async function snapshotFile(content: unknown): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'silent-')), 'estate.json');
  await writeFile(path, JSON.stringify(content), 'utf8');
  return path;
}

const envelope = { format: 'ecr-guardrails-snapshot', version: 1, collectedAt: '2026-11-20T09:00:00.000Z' };

describe('a scan never passes on what it did not see', () => {
  it('live: a resource the evaluation role cannot read is listed as not evaluated and exits 2', async () => {
    // A repository policy denying the role ecr:ListTagsForResource (its exemption cannot be judged).
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/CommonErrors.html (AccessDeniedException)
    ecr
      .on(ListTagsForResourceCommand, { resourceArn: ecrRepository('svc/locked').repositoryArn })
      .rejects(new ECRServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'explicit deny' }));
    const { report } = await runScan(live);
    expect(report.results.map((r) => [r.resourceId, r.complianceType])).toEqual([['svc/open', 'COMPLIANT']]);
    expect(report.problems).toEqual([
      expect.objectContaining({ accountId: ACCOUNT, ruleId: 'ecr-tag-immutability', resourceId: 'svc/locked', message: expect.stringMatching(/^Not readable: ecr:ListTagsForResource/) }),
    ]);
    expect(exitStatus(report)).toBe(2);
  });

  it('live: a collector failure is reported once, not again as "no facts"', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const { report } = await runScan(live);
    expect(report.problems).toHaveLength(1);
    expect(exitStatus(report)).toBe(2);
  });

  it('--org: an organisation that lists no active account is an error, not an empty clean report', async () => {
    organizations.on(ListAccountsCommand).resolves({ Accounts: [{ Id: '777777777777', Status: 'SUSPENDED' }] });
    await expect(runScan({ ...live, org: true })).rejects.toThrow(new UsageError('--org: the organisation lists no ACTIVE account to scan (organizations:ListAccounts).'));
  });

  it('--rules with no rule id (e.g. an empty variable) is a usage error, not every rule or none', () => {
    for (const list of ['', ',', ' , ']) {
      expect(() => selectRules(list), JSON.stringify(list)).toThrow(/^--rules: expected comma-separated rule ids; available: ecr-tag-immutability, /);
    }
  });

  it('a snapshot without account/region scopes is refused', async () => {
    const path = await snapshotFile({ ...envelope, scopes: [] });
    await expect(runScan({ ...live, rules: undefined, region: [], snapshot: path })).rejects.toThrow(
      new SnapshotError(`${path}: the snapshot holds no account/region scope: nothing was collected.`),
    );
  });

  it('a snapshot holding facts for no rule of this version is refused', async () => {
    const path = await snapshotFile({ ...envelope, scopes: [{ accountId: '111122223333', region: 'eu-west-3', partition: 'aws', facts: { 'ecr-retired-rule': {} } }] });
    await expect(runScan({ ...live, rules: undefined, region: [], snapshot: path })).rejects.toThrow(SnapshotError);
    await expect(runScan({ ...live, rules: undefined, region: [], snapshot: path })).rejects.toThrow(/holds facts for no rule of this version \(ecr-tag-immutability, .*\)/);
  });
});
