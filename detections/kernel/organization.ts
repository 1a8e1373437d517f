/**
 * The organisation's account ids, for "outside the organisation" (every account the
 * organisation lists, suspended ones too: they are still its accounts). Cached for an hour per
 * execution environment; a failed lookup leaves the organisation unknown, which makes the
 * detections report other accounts as not verified rather than accept them.
 */
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { awsCall } from '../../rules/kernel/errors.js';

const TTL_MS = 60 * 60 * 1000;

/** The organisation's account ids (organizations:ListAccounts, paginated), cached for an hour. */
export class OrganizationAccounts {
  private cached: { at: number; accounts: ReadonlySet<string> } | undefined;

  constructor(
    private readonly client: OrganizationsClient,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(): Promise<ReadonlySet<string>> {
    if (this.cached && this.clock() - this.cached.at < TTL_MS) return this.cached.accounts;
    const accounts = new Set<string>();
    await awsCall('organizations:ListAccounts', async () => {
      for await (const page of paginateListAccounts({ client: this.client }, {})) {
        for (const account of page.Accounts ?? []) if (account.Id) accounts.add(account.Id);
      }
    });
    this.cached = { at: this.clock(), accounts };
    return accounts;
  }
}
