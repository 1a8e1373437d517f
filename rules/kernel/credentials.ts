import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { awsCall } from './errors.js';

/** Credentials are refreshed this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * Central evaluation: the rule Lambda lives in the audit account and assumes the read-only
 * evaluation role in each member account. Credentials are cached per account until shortly
 * before they expire, so a warm Lambda does not call STS on every invocation.
 */
export class EvaluationRoleCredentials {
  private readonly cache = new Map<string, AwsCredentialIdentity>();

  constructor(
    private readonly roleName: string,
    private readonly sessionName: string,
    private readonly sts: STSClient = new STSClient({}),
    private readonly clock: () => number = Date.now,
  ) {}

  roleArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:role/${this.roleName}`;
  }

  async forAccount(partition: string, accountId: string): Promise<AwsCredentialIdentity> {
    const cached = this.cache.get(accountId);
    if (cached?.expiration && cached.expiration.getTime() - REFRESH_MARGIN_MS > this.clock()) return cached;
    const roleArn = this.roleArn(partition, accountId);
    const response = await awsCall(`sts:AssumeRole ${roleArn}`, () =>
      this.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: this.sessionName.slice(0, 64) })),
    );
    const c = response.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`sts:AssumeRole ${roleArn} returned no credentials.`);
    const credentials: AwsCredentialIdentity = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
    this.cache.set(accountId, credentials);
    return credentials;
  }
}
