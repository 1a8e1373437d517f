/**
 * Org mode: an organization with two member accounts, each seeded with the full estate in the
 * emulator (AssumeRole into a member returns credentials whose calls land in that account's
 * own state). `scan --org` from the management account must report each member's resources
 * under that member's account, with the seeded verdicts, and nothing of one under the other.
 */
import { CreateAccountCommand, CreateOrganizationCommand, DescribeCreateAccountStatusCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedEstate, type Estate } from './estate.js';
import { EMULATOR_ACCOUNT, memberCredentials, unique, useEmulator } from './support/emulator.js';
import { expectedVerdicts, reportVerdicts, scanJson, type ScanRun } from './support/verdicts.js';

const REGIONS = ['eu-west-3', 'af-south-1', 'me-south-1', 'ap-southeast-3', 'il-central-1', 'me-central-1'];

async function createMember(organizations: OrganizationsClient, name: string): Promise<string> {
  const created = await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
  const status = await organizations.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.CreateAccountStatus!.Id! }));
  const accountId = status.CreateAccountStatus?.AccountId;
  if (!accountId) throw new Error(`CreateAccount ${name}: ${JSON.stringify(status.CreateAccountStatus)}`);
  return accountId;
}

describe('scan --org', () => {
  const members: Array<{ accountId: string; estate: Estate }> = [];
  let scan: ScanRun;

  beforeAll(async () => {
    useEmulator();
    const organizations = new OrganizationsClient({ region: REGIONS[0] });
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    for (const label of ['member-a', 'member-b']) {
      const accountId = await createMember(organizations, unique(label));
      const credentials = await memberCredentials(accountId, REGIONS[0]!);
      members.push({ accountId, estate: await seedEstate(REGIONS, { accountId, credentials }) });
    }
    scan = await scanJson(['--org', '--region', members[0]!.estate.rules.map((r) => r.scope.region).join(',')]);
  });

  it('scans the management account and both members, and nothing fails', () => {
    expect(scan.report.problems).toEqual([]);
    expect(new Set(scan.report.scopes.map((s) => s.accountId))).toEqual(new Set([EMULATOR_ACCOUNT, ...members.map((m) => m.accountId)]));
    expect(scan.code).toBe(1);
  });

  it.each([0, 1])("member %i: each rule's verdicts under the member's account equal its seeded ground truth", (index) => {
    const member = members[index]!;
    expect(member.estate.missing).toEqual([]);
    for (const seeded of member.estate.rules) {
      expect(seeded.scope.accountId).toBe(member.accountId);
      expect(reportVerdicts(scan.report, seeded), seeded.ruleId).toEqual(expectedVerdicts(seeded.truth));
    }
  });

  it("no member's resource appears under another account", () => {
    for (const member of members) {
      const ids = new Set(member.estate.rules.flatMap((seeded) => Object.keys(seeded.truth)));
      const elsewhere = scan.report.results.filter((r) => ids.has(r.resourceId) && r.accountId !== member.accountId);
      expect(elsewhere).toEqual([]);
    }
  });
});
