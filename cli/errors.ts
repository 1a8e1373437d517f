import { EcrGuardrailsError } from '../rules/kernel/errors.js';

/** A problem with how the command was called (exit status 2, one line on stderr). */
export class UsageError extends EcrGuardrailsError {}

/** A snapshot file that cannot be used. */
export class SnapshotError extends EcrGuardrailsError {}

/**
 * Explains the most common live-scan failure in one line. With a profile in effect (`--profile`
 * sets AWS_PROFILE), missing credentials name that profile: the SDK's own message does not say
 * that the profile was not found or holds no credentials.
 */
export function explainAwsError(error: unknown, profile: string | undefined = process.env.AWS_PROFILE): string {
  const name = (error as Error).name;
  const message = (error as Error).message;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    if (profile) {
      return (
        `No AWS credentials for profile ${profile} (--profile or AWS_PROFILE): expected a profile of that name with credentials (keys, SSO or a role) ` +
        'in the shared config files (AWS_CONFIG_FILE or ~/.aws/config, AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials); `aws configure list-profiles` lists them.'
      );
    }
    return 'No AWS credentials found: pass --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or try --demo.';
  }
  return message;
}
