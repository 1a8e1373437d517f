import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../rules/kernel/clients.js';
import { partitionOf } from '../rules/kernel/context.js';
import { EvaluationRoleCredentials } from '../rules/kernel/credentials.js';
import { REGION_REGEXP } from '../rules/names.js';
import { awsCall } from '../rules/kernel/errors.js';
import { explainAwsError, UsageError } from './errors.js';
import type { ScopeProblem } from './scan.js';
import type { Scope } from '../rules/kernel/context.js';

export interface LiveOptions {
  profile?: string;
  /** Region names, or `all` for every region enabled for the calling account. */
  regions: string[];
  /** With `all`: regions to leave out. */
  excludeRegions?: string[];
  org: boolean;
  roleName: string;
  accounts: string[];
}


/** A region the scan leaves out on purpose, with the reason (shown in the scope table). */
export interface SkippedScope {
  accountId: string;
  region: string;
  reason: string;
}

/**
 * `--region all`: every region enabled for the calling account (EC2 DescribeRegions with
 * AllRegions, so opt-in regions that are not enabled are reported as skipped, not silently
 * dropped), less `--exclude-region`.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
 */
async function allRegions(home: string, exclude: string[]): Promise<{ regions: string[]; skipped: Array<{ region: string; reason: string }> }> {
  const { EC2Client, DescribeRegionsCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = new EC2Client({ region: home });
  const response = await awsCall('ec2:DescribeRegions', () => ec2.send(new DescribeRegionsCommand({ AllRegions: true })));
  const regions: string[] = [];
  const skipped: Array<{ region: string; reason: string }> = [];
  for (const entry of response.Regions ?? []) {
    const name = entry.RegionName;
    if (!name) continue;
    if (entry.OptInStatus === 'not-opted-in') skipped.push({ region: name, reason: 'opt-in region not enabled for this account' });
    else if (exclude.includes(name)) skipped.push({ region: name, reason: 'excluded by --exclude-region' });
    else regions.push(name);
  }
  if (regions.length === 0) throw new UsageError('--region all: no enabled region is left to scan (check --exclude-region).');
  return { regions: regions.sort(), skipped: skipped.sort((a, b) => a.region.localeCompare(b.region)) };
}

/** The region the standard chain gives (AWS_REGION, the profile's region), or a usage error. */
async function defaultRegion(): Promise<string> {
  try {
    const region = await new STSClient({}).config.region();
    if (region) return region;
  } catch {
    // fall through to the message below
  }
  throw new UsageError('No AWS region: pass --region (repeatable) or set AWS_REGION or a region in your profile.');
}

/**
 * The accounts and regions a live scan covers. Without --org: the caller's account. With
 * --org: every ACTIVE account of the organisation (or those named by --account), reached
 * through the evaluation role the StackSet deploys; the caller's own account directly.
 */
export async function resolveTargets(options: LiveOptions): Promise<{ targets: Scope[]; problems: ScopeProblem[]; skipped: SkippedScope[] }> {
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  const wantsAll = options.regions.includes('all');
  const exclude = options.excludeRegions ?? [];
  if (wantsAll && options.regions.length > 1) throw new UsageError('--region all scans every enabled region: do not name other regions with it (use --exclude-region to leave some out).');
  if (!wantsAll && exclude.length) throw new UsageError('--exclude-region goes with --region all.');
  for (const region of [...(wantsAll ? [] : options.regions), ...exclude]) {
    if (!REGION_REGEXP.test(region)) throw new UsageError(`--region ${region}: expected a region name such as eu-west-3, or all.`);
  }
  let regions = wantsAll ? [] : options.regions.length ? [...new Set(options.regions)] : [await defaultRegion()];
  let skippedRegions: Array<{ region: string; reason: string }> = [];
  // Discovery needs some region to ask; without one configured, ask us-east-1 (commercial partition).
  if (wantsAll) ({ regions, skipped: skippedRegions } = await allRegions(await defaultRegion().catch(() => 'us-east-1'), exclude));
  const home = regions[0] as string;
  const sts = new STSClient({ region: home });
  const identity = await awsCall('sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({}))).catch((error: Error) => {
    // Credentials problems get their own advice; anything else (no network, a bad endpoint) keeps the call it failed in.
    const explained = explainAwsError(error.cause ?? error);
    throw new UsageError(explained === (error.cause as Error | undefined)?.message ? error.message : explained, { cause: error });
  });
  const callerAccount = identity.Account ?? '';
  const partition = partitionOf(identity.Arn);

  let accounts = [callerAccount];
  if (options.org) {
    const organizations = new OrganizationsClient({ region: home });
    const listed: string[] = [];
    await awsCall('organizations:ListAccounts', async () => {
      for await (const page of paginateListAccounts({ client: organizations }, {})) {
        for (const account of page.Accounts ?? []) {
          const state = (account as { State?: string }).State ?? account.Status;
          if (account.Id && (state === 'ACTIVE' || state === undefined)) listed.push(account.Id);
        }
      }
    });
    accounts = options.accounts.length ? listed.filter((id) => options.accounts.includes(id)) : listed;
    const unknown = options.accounts.filter((id) => !listed.includes(id));
    if (unknown.length) throw new UsageError(`--account ${unknown.join(', ')}: not an active account of this organisation.`);
    // Nothing to scan must not read as a clean organisation.
    if (accounts.length === 0) throw new UsageError('--org: the organisation lists no ACTIVE account to scan (organizations:ListAccounts).');
  } else if (options.accounts.length) {
    throw new UsageError('--account needs --org (without --org the scan covers the account of your credentials).');
  }

  const roles = new EvaluationRoleCredentials(options.roleName, 'ecr-guardrails-cli', sts);
  const targets: Scope[] = [];
  const problems: ScopeProblem[] = [];
  for (const accountId of accounts) {
    let credentials;
    if (accountId !== callerAccount) {
      try {
        credentials = await roles.forAccount(partition, accountId);
      } catch (error) {
        for (const region of regions) problems.push({ accountId, region, message: `cannot assume ${roles.roleArn(partition, accountId)}: ${explainAwsError((error as Error).cause ?? error)}` });
        continue;
      }
    }
    for (const region of regions) targets.push({ accountId, region, partition, clients: new ClientFactory(region, credentials) });
  }
  const skipped = accounts.flatMap((accountId) => skippedRegions.map(({ region, reason }) => ({ accountId, region, reason })));
  return { targets, problems, skipped };
}
