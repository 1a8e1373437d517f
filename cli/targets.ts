import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../rules/kernel/clients.js';
import { partitionOf } from '../rules/kernel/context.js';
import { EvaluationRoleCredentials } from '../rules/kernel/credentials.js';
import { awsCall } from '../rules/kernel/errors.js';
import { UsageError } from './errors.js';
import type { LiveTarget, ScopeProblem } from './scan.js';

export interface LiveOptions {
  profile?: string;
  regions: string[];
  org: boolean;
  roleName: string;
  accounts: string[];
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

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

/** Explains the most common live-scan failure in one line. */
export function explainAwsError(error: unknown): string {
  const name = (error as Error).name;
  const message = (error as Error).message;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'No AWS credentials found: pass --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or try --demo.';
  }
  return message;
}

/**
 * The accounts and regions a live scan covers. Without --org: the caller's account. With
 * --org: every ACTIVE account of the organisation (or those named by --account), reached
 * through the evaluation role the StackSet deploys; the caller's own account directly.
 */
export async function resolveTargets(options: LiveOptions): Promise<{ targets: LiveTarget[]; problems: ScopeProblem[] }> {
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  for (const region of options.regions) {
    if (!REGION_PATTERN.test(region)) throw new UsageError(`--region ${region}: expected a region name such as eu-west-3.`);
  }
  const regions = options.regions.length ? [...new Set(options.regions)] : [await defaultRegion()];
  const home = regions[0] as string;
  const sts = new STSClient({ region: home });
  const identity = await awsCall('sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({}))).catch((error: Error) => {
    throw new UsageError(explainAwsError(error.cause ?? error), { cause: error });
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
  } else if (options.accounts.length) {
    throw new UsageError('--account needs --org (without --org the scan covers the account of your credentials).');
  }

  const roles = new EvaluationRoleCredentials(options.roleName, 'ecr-guardrails-cli', sts);
  const targets: LiveTarget[] = [];
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
  return { targets, problems };
}
