/**
 * The accounts an organization conformance pack must exclude: every account of the
 * organization outside the target OUs (they get no member StackSets, so no evaluation role,
 * automation role or runbooks), and always the management account (service-managed StackSets
 * never deploy to it, even when the target is the root).
 *
 * Organizations API: DescribeOrganization (MasterAccountId), ListAccounts,
 * ListAccountsForParent and ListOrganizationalUnitsForParent (sub-OUs are part of a target,
 * as for StackSets). PutOrganizationConformancePack takes at most 1,000 ExcludedAccounts
 * (https://docs.aws.amazon.com/config/latest/APIReference/API_PutOrganizationConformancePack.html).
 */
import {
  DescribeOrganizationCommand,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';

/** PutOrganizationConformancePack's limit on ExcludedAccounts. */
export const EXCLUDED_ACCOUNTS_MAX = 1000;

/** Every account under the target OUs (or the root), sub-OUs included. */
export async function accountsUnder(client: OrganizationsClient, parents: readonly string[]): Promise<Set<string>> {
  const accounts = new Set<string>();
  const queue = [...parents];
  const seen = new Set<string>();
  while (queue.length) {
    const parent = queue.shift()!;
    if (seen.has(parent)) continue;
    seen.add(parent);
    for await (const page of paginateListAccountsForParent({ client, pageSize: 20 }, { ParentId: parent })) {
      for (const account of page.Accounts ?? []) if (account.Id) accounts.add(account.Id);
    }
    for await (const page of paginateListOrganizationalUnitsForParent({ client, pageSize: 20 }, { ParentId: parent })) {
      for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) queue.push(ou.Id);
    }
  }
  return accounts;
}

/** The organization's accounts outside the targets, plus the management account; sorted. Throws over 1,000. */
export async function excludedAccounts(client: OrganizationsClient, targets: readonly string[]): Promise<string[]> {
  const organization = (await client.send(new DescribeOrganizationCommand({}))).Organization;
  const management = organization?.MasterAccountId;
  if (!management) throw new Error('organizations:DescribeOrganization returned no management account id');
  const inTargets = await accountsUnder(client, targets);
  const excluded = new Set<string>([management]);
  for await (const page of paginateListAccounts({ client, pageSize: 20 }, {})) {
    for (const account of page.Accounts ?? []) if (account.Id && !inTargets.has(account.Id)) excluded.add(account.Id);
  }
  const sorted = [...excluded].sort();
  if (sorted.length > EXCLUDED_ACCOUNTS_MAX) {
    throw new Error(`${sorted.length} accounts are outside the target OUs, over the conformance pack's limit of ${EXCLUDED_ACCOUNTS_MAX} ExcludedAccounts: target a wider OU or use stackset mode`);
  }
  return sorted;
}
