import { EcrGuardrailsError } from '../rules/kernel/errors.js';

/** A problem with how the command was called (exit status 2, one line on stderr). */
export class UsageError extends EcrGuardrailsError {}

/** A snapshot file that cannot be used. */
export class SnapshotError extends EcrGuardrailsError {}

/** Explains the most common live-scan failure in one line. */
export function explainAwsError(error: unknown): string {
  const name = (error as Error).name;
  const message = (error as Error).message;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'No AWS credentials found: pass --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or try --demo.';
  }
  return message;
}
