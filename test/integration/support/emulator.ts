/**
 * What every integration test needs from the emulator the global setup started: its endpoint
 * (through AWS_ENDPOINT_URL, exactly as a user points the project at AWS), SDK clients for a
 * region and account, the server's fake clock, fresh names, and the built CLI.
 */
import { writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { Route53Client } from '@aws-sdk/client-route-53';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { inject } from 'vitest';
import { runCli, type CliResult } from '../../support/cli.js';

/** The emulator's default account (moto). */
export const EMULATOR_ACCOUNT = '123456789012';
export const FAKE_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };

/** Points this process's SDK clients at the emulator (call once per file, before creating clients). */
export function useEmulator(): string {
  const endpoint = inject('emulatorEndpoint');
  process.env.AWS_ENDPOINT_URL = endpoint;
  Object.assign(process.env, FAKE_CREDENTIALS);
  return endpoint;
}

/** A short unique suffix: one server holds state for the whole run, so names never repeat. */
export function unique(label: string): string {
  return `${label}-${randomBytes(3).toString('hex')}`;
}

export interface AwsScope {
  region: string;
  accountId: string;
  credentials?: AwsCredentialIdentity;
}

export interface Clients {
  ec2: EC2Client;
  ecr: ECRClient;
  route53: Route53Client;
}

export function clientsFor(scope: AwsScope): Clients {
  const settings = { region: scope.region, ...(scope.credentials ? { credentials: scope.credentials } : {}) };
  return { ec2: new EC2Client(settings), ecr: new ECRClient(settings), route53: new Route53Client(settings) };
}

/** Credentials of a member account: the emulator serves AssumeRole from that account's own state. */
export async function memberCredentials(accountId: string, region: string, roleName = 'OrganizationAccountAccessRole'): Promise<AwsCredentialIdentity> {
  const response = await new STSClient({ region }).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: 'integration-seed' }),
  );
  const c = response.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole into ${accountId} returned no credentials`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
}

/**
 * Runs `action` with the emulator's clock `days` in the past (libfaketime re-reads the file on
 * every clock call), so what it stamps (ECR imagePushedAt) is backdated. Files run one at a time.
 */
export async function backdated<T>(days: number, action: () => Promise<T>): Promise<T> {
  const file = inject('faketimeFile');
  await writeFile(file, `-${days}d\n`);
  try {
    return await action();
  } finally {
    await writeFile(file, '+0\n');
  }
}

/** The built, unmodified binary against the emulator, with fake credentials and nothing from the shell. */
export function runCliOnEmulator(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { AWS_ENDPOINT_URL: inject('emulatorEndpoint'), ...FAKE_CREDENTIALS, AWS_REGION: 'eu-west-3', ...env });
}
